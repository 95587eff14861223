import { existsSync, readFileSync } from 'node:fs';
import JSON5 from 'json5';
import { UserError } from '../../user-error.js';
import { backupPathOf } from '../core/file-plan.js';
import type { OpenClawLocation } from './config-path.js';
import { managedProviderId } from './plan.js';

export interface OpenClawConnectionStatus {
  client: 'openclaw';
  configPath: string;
  connected: boolean;
  primary: boolean;
  baseUrl: string | null;
  api: string | null;
  models: string[];
  backup: boolean;
}

interface OpenClawConfigShape {
  models?: { providers?: Record<string, { baseUrl?: string; api?: string; models?: Array<{ id?: string }> }> };
  agents?: { defaults?: { model?: unknown } };
}

/** Whether openclaw.json routes through isartor; a file that does not parse is a UserError. */
export function openClawStatus(location: OpenClawLocation): OpenClawConnectionStatus {
  const base: OpenClawConnectionStatus = { client: 'openclaw', configPath: location.configPath, connected: false, primary: false, baseUrl: null, api: null, models: [], backup: existsSync(backupPathOf(location.configPath)) };
  const value = readOpenClawConfig(location);
  if (!value) return base;
  const provider = value.models?.providers?.[managedProviderId];
  if (!provider) return base;
  const primary = primaryModelOf(value);
  return {
    ...base,
    connected: true,
    primary: typeof primary === 'string' && primary.startsWith(`${managedProviderId}/`),
    baseUrl: provider.baseUrl ?? null,
    api: provider.api ?? null,
    models: (provider.models ?? []).map((m) => String(m.id)),
  };
}

/** OpenClaw's default primary model (`agents.defaults.model`, a ref or `{ primary }`), if the config names one. */
export function openClawPrimaryModel(location: OpenClawLocation): string | undefined {
  const value = readOpenClawConfig(location);
  return value ? primaryModelOf(value) : undefined;
}

function primaryModelOf(value: OpenClawConfigShape): string | undefined {
  const model = value.agents?.defaults?.model;
  const primary = typeof model === 'string' ? model : (model as { primary?: unknown } | undefined)?.primary;
  return typeof primary === 'string' ? primary : undefined;
}

function readOpenClawConfig(location: OpenClawLocation): OpenClawConfigShape | undefined {
  if (!existsSync(location.configPath)) return undefined;
  try {
    return JSON5.parse(readFileSync(location.configPath, 'utf8')) as OpenClawConfigShape;
  } catch {
    throw new UserError(`${location.configPath} does not parse, so its connection cannot be read.`, { hint: 'Fix the file, then run the command again.' });
  }
}
