import { existsSync, readFileSync } from 'node:fs';
import { backupPathOf } from '../core/file-plan.js';
import type { ClientConnectionStatus } from '../core/connector.js';
import { isRecord } from '../core/json-value.js';
import { TomlDocument } from '../core/toml-document.js';
import type { CodexLocation } from './config-path.js';
import { managedProviderId } from './plan.js';

export interface CodexConnectionStatus extends ClientConnectionStatus {
  client: 'codex';
  /** model_provider names isartor, so Codex's requests go through it. */
  primary: boolean;
}

/** Whether config.toml routes Codex through isartor; a file that does not parse is a UserError with its line and column. */
export function codexStatus(location: CodexLocation): CodexConnectionStatus {
  const base: CodexConnectionStatus = { client: 'codex', configPath: location.configPath, connected: false, primary: false, baseUrl: null, models: [], backup: existsSync(backupPathOf(location.configPath)) };
  if (!existsSync(location.configPath)) return base;
  const { value } = TomlDocument.parse(readFileSync(location.configPath, 'utf8'), location.configPath);
  const provider = isRecord(value.model_providers) ? value.model_providers[managedProviderId] : undefined;
  if (!isRecord(provider)) return base;
  const primary = value.model_provider === managedProviderId;
  return {
    ...base,
    connected: true,
    primary,
    baseUrl: typeof provider.base_url === 'string' ? provider.base_url : null,
    models: primary && typeof value.model === 'string' ? [value.model] : [],
  };
}
