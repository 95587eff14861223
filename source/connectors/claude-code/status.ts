import { existsSync } from 'node:fs';
import { UserError } from '../../user-error.js';
import type { ClientConnectionStatus } from '../core/connector.js';
import { backupPathOf, readIfExists } from '../core/file-plan.js';
import { isRecord, isStrictJson, valueAt } from '../core/json-value.js';
import { JsoncDocument } from '../core/jsonc-document.js';
import { carriesClientHeader } from './plan.js';
import type { ClaudeCodeLocation } from './settings-path.js';

export interface ClaudeCodeConnectionStatus extends ClientConnectionStatus {
  client: 'claude-code';
  /** Claude Code ignores a settings.json that is not strict JSON, connected or not. */
  ignoredByClaudeCode: boolean;
}

/** Whether settings.json routes Claude Code through isartor (isartor's header line is the mark). */
export function claudeCodeStatus(location: ClaudeCodeLocation): ClaudeCodeConnectionStatus {
  const base: ClaudeCodeConnectionStatus = {
    client: 'claude-code',
    configPath: location.configPath,
    connected: false,
    baseUrl: null,
    models: [],
    backup: existsSync(backupPathOf(location.configPath)),
    ignoredByClaudeCode: false,
  };
  const text = readIfExists(location.configPath);
  if (text === undefined) return base;
  let value: Record<string, unknown>;
  try {
    value = JsoncDocument.parse(text, location.configPath).value;
  } catch {
    throw new UserError(`${location.configPath} does not parse, so its connection cannot be read.`, { hint: 'Fix the file, then run the command again.' });
  }
  const env = valueAt(value, ['env']);
  const ignoredByClaudeCode = !isStrictJson(text);
  if (!isRecord(env) || !carriesClientHeader(env.ANTHROPIC_CUSTOM_HEADERS)) return { ...base, ignoredByClaudeCode };
  return {
    ...base,
    ignoredByClaudeCode,
    connected: true,
    baseUrl: typeof env.ANTHROPIC_BASE_URL === 'string' ? env.ANTHROPIC_BASE_URL : null,
    models: typeof env.ANTHROPIC_MODEL === 'string' ? [env.ANTHROPIC_MODEL] : [],
  };
}
