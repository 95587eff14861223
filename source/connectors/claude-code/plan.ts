import { existsSync } from 'node:fs';
import { maskSecret } from '../../store/mask-secret.js';
import { UserError } from '../../user-error.js';
import { placeholderGatewayKey } from '../core/connection-defaults.js';
import type { ConnectorPlan } from '../core/connector.js';
import { backupPathOf, planFileChange, readIfExists } from '../core/file-plan.js';
import { isRecord, valueAt } from '../core/json-value.js';
import { JsoncDocument } from '../core/jsonc-document.js';
import type { ClaudeCodeLocation } from './settings-path.js';

/** What Claude Code should be pointed at. */
export interface ClaudeCodeConnection {
  /** The gateway's root URL, e.g. http://127.0.0.1:8080 (Claude Code appends /v1/messages). */
  gatewayUrl: string;
  /** The gateway key, a virtual key, or a placeholder when the gateway has none. */
  apiKey: string;
  /** Set as ANTHROPIC_MODEL only when asked for; otherwise Claude Code keeps choosing its own model. */
  model?: string;
}

export interface ClaudeCodePlan extends ConnectorPlan {
  location: ClaudeCodeLocation;
  /** Things the user should know that do not stop the edit. */
  warnings: string[];
}

/**
 * The `env` variables isartor owns in settings.json. ANTHROPIC_AUTH_TOKEN is always written: without a
 * credential Claude Code sends nothing ("Not logged in · Please run /login"), and as a bearer token it
 * wins over an ANTHROPIC_API_KEY the user may also have.
 */
export const managedVariables = ['ANTHROPIC_BASE_URL', 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_CUSTOM_HEADERS', 'ANTHROPIC_MODEL'] as const;
type ManagedVariable = (typeof managedVariables)[number];

/** Claude Code says "claude-cli/…" already; the header also names it when a proxy rewrites User-Agent. */
export const clientHeaderLine = 'x-isartor-client: claude-code';
const clientHeaderName = /^\s*x-isartor-client\s*:/i;

/** The variables a connection sets; ANTHROPIC_CUSTOM_HEADERS keeps the user's other header lines. */
export function managedEnv(connection: ClaudeCodeConnection, currentHeaders: unknown): Partial<Record<ManagedVariable, string>> {
  const env: Partial<Record<ManagedVariable, string>> = {
    ANTHROPIC_BASE_URL: connection.gatewayUrl.replace(/\/+$/, ''),
    ANTHROPIC_AUTH_TOKEN: connection.apiKey,
    ANTHROPIC_CUSTOM_HEADERS: [...otherHeaderLines(currentHeaders), clientHeaderLine].join('\n'),
  };
  if (connection.model) env.ANTHROPIC_MODEL = connection.model;
  return env;
}

/** Whether a settings value carries isartor's header line: the mark of a connection isartor made. */
export function carriesClientHeader(headers: unknown): boolean {
  return typeof headers === 'string' && headers.split('\n').some((line) => line.trim() === clientHeaderLine);
}

function otherHeaderLines(headers: unknown): string[] {
  if (typeof headers !== 'string') return [];
  return headers.split('\n').filter((line) => line.trim() !== '' && !clientHeaderName.test(line));
}

export function planClaudeCodeConnect(location: ClaudeCodeLocation, connection: ClaudeCodeConnection): ClaudeCodePlan {
  const before = readIfExists(location.configPath);
  const backupPath = backupPathOf(location.configPath);
  const backup = { path: backupPath, create: before !== undefined && !existsSync(backupPath), restore: false };
  if (before === undefined) {
    const after = `${JSON.stringify({ env: managedEnv(connection, undefined) }, null, 2)}\n`;
    return finishPlan('connect', location, before, after, backup, [connection.apiKey]);
  }
  const { document, value } = editableSettings(location.configPath, before);
  const current = envBlock(location.configPath, value);
  // New keys go first in their object (see JsoncDocument.set): set in reverse, they read in order.
  for (const [name, wanted] of Object.entries(managedEnv(connection, current.ANTHROPIC_CUSTOM_HEADERS)).reverse()) {
    if (current[name] !== wanted) document.set(['env', name], wanted);
  }
  return finishPlan('connect', location, before, document.text, backup, [connection.apiKey, ...secretsIn(current)]);
}

/**
 * Surgical: each managed variable goes back to what it was before the first connect (the backup's
 * value), or goes away if it was not there; only isartor's line leaves ANTHROPIC_CUSTOM_HEADERS. Nothing
 * else in the file changes, so whatever Claude Code or the user wrote since stays. Settings without
 * isartor's header line are not isartor's connection and are left alone.
 */
export function planClaudeCodeDisconnect(location: ClaudeCodeLocation): ClaudeCodePlan {
  const before = readIfExists(location.configPath);
  if (before === undefined) {
    throw new UserError(`There is no Claude Code settings file at ${location.configPath}, so nothing to disconnect.`, {
      hint: 'Pass --settings-path (or --project) if the connection is in another settings.json.',
    });
  }
  const backupPath = backupPathOf(location.configPath);
  const backupText = readIfExists(backupPath);
  const { document, value } = editableSettings(location.configPath, before);
  const current = envBlock(location.configPath, value);
  if (!carriesClientHeader(current.ANTHROPIC_CUSTOM_HEADERS)) {
    return finishPlan('disconnect', location, before, before, { path: backupPath, create: false, restore: false }, []);
  }
  const original = backupText === undefined ? {} : backupEnv(backupText);
  for (const name of managedVariables) {
    const wanted = name === 'ANTHROPIC_CUSTOM_HEADERS' ? headersWithoutOurs(current[name]) : original[name];
    if (current[name] !== wanted) document.set(['env', name], wanted);
  }
  // An env block isartor emptied goes too, unless it was there before.
  const left = envBlock(location.configPath, JsoncDocument.parse(document.text, location.configPath).value);
  if (Object.keys(left).length === 0 && !('env' in (backupText === undefined ? {} : parseLoosely(backupText)))) document.set(['env'], undefined);
  return finishPlan('disconnect', location, before, document.text, { path: backupPath, create: false, restore: backupText !== undefined }, [...secretsIn(current), ...secretsIn(original)]);
}

function headersWithoutOurs(headers: unknown): string | undefined {
  const rest = otherHeaderLines(headers);
  return rest.length > 0 ? rest.join('\n') : undefined;
}

function finishPlan(
  action: ClaudeCodePlan['action'],
  location: ClaudeCodeLocation,
  before: string | undefined,
  after: string,
  backup: ClaudeCodePlan['backup'],
  secrets: string[],
): ClaudeCodePlan {
  const plan = planFileChange(location.configPath, before, after, [], backup, '');
  // The diff is printed: keys in it are masked (`sk-i…5678`), the file itself gets them whole.
  const masked = (text: string | undefined) => (text === undefined ? undefined : maskAll(text, secrets));
  const { diff } = planFileChange(location.configPath, masked(before), masked(after)!, [], backup, '');
  return { action, location, warnings: strictJsonWarnings(location.configPath, after), ...plan, diff };
}

/** Credentials a settings env block holds (the placeholder is none). */
function secretsIn(env: Record<string, unknown>): string[] {
  return [env.ANTHROPIC_AUTH_TOKEN, env.ANTHROPIC_API_KEY].filter((value): value is string => typeof value === 'string');
}

function maskAll(text: string, secrets: string[]): string {
  let masked = text;
  for (const secret of secrets) {
    if (secret.length >= 4 && secret !== placeholderGatewayKey) masked = masked.split(JSON.stringify(secret).slice(1, -1)).join(maskSecret(secret));
  }
  return masked;
}

/**
 * Claude Code (2.1) reads settings.json as strict JSON and silently ignores a file with comments or
 * trailing commas, whole: isartor keeps the user's text as it is, and says so.
 */
function strictJsonWarnings(path: string, text: string): string[] {
  try {
    JSON.parse(text);
    return [];
  } catch {
    return [`${path} has comments or trailing commas. Claude Code ignores such a settings file entirely (so this connection would not take effect): remove them.`];
  }
}

function editableSettings(path: string, text: string): { document: JsoncDocument; value: Record<string, unknown> } {
  const { document, editable, value } = JsoncDocument.parse(text, path);
  if (!editable) {
    throw new UserError(`${path} uses syntax isartor cannot edit in place (${JsoncDocument.describeFirstJsoncProblem(text)}), and Claude Code would not read it either. Nothing was changed.`, {
      hint: 'Make it plain JSON, then run the command again.',
    });
  }
  return { document, value };
}

function envBlock(path: string, value: Record<string, unknown>): Record<string, unknown> {
  const env = valueAt(value, ['env']);
  if (env === undefined) return {};
  if (!isRecord(env)) {
    throw new UserError(`"env" in ${path} is not an object, so isartor cannot add its variables to it. Nothing was changed.`, {
      hint: 'Make "env" an object of variable names and string values, as Claude Code expects.',
    });
  }
  return env;
}

function backupEnv(text: string): Record<string, unknown> {
  const env = valueAt(parseLoosely(text), ['env']);
  return isRecord(env) ? env : {};
}

/** A backup is the user's old file: read what can be read, and treat the rest as empty. */
function parseLoosely(text: string): Record<string, unknown> {
  try {
    return JsoncDocument.parse(text, 'backup').value;
  } catch {
    return {};
  }
}
