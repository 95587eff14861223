import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { resolveStateDir } from '../../store/state-dir.js';
import { UserError } from '../../user-error.js';
import { backupPathOf, planFileChange, readIfExists, type FilePlan, type PlannedDeletion } from '../core/file-plan.js';
import { isRecord } from '../core/json-value.js';
import { Json5Document } from '../core/json5-document.js';
import type { OpenClawLocation } from './config-path.js';
import { applyConnectEdits } from './connect-edits.js';
import { readConnectionRecord, type OpenClawConnectionRecord } from './connection-record.js';
import { applyDisconnectEdits } from './disconnect-edits.js';
import { maskProviderKeys } from './masked-diff.js';
import { agentsOnOwnModel, managedProviderId } from './model-refs.js';

export { managedProviderId } from './model-refs.js';

export type OpenClawApi = 'openai-completions' | 'anthropic-messages';

/** What OpenClaw should be pointed at. */
export interface OpenClawConnection {
  /** The gateway's root URL, e.g. http://127.0.0.1:8080. */
  gatewayUrl: string;
  /** The gateway key, or a placeholder when the gateway has none (OpenClaw insists on one). */
  apiKey: string;
  model: string;
  api: OpenClawApi;
}

export type { PlannedDeletion };

/**
 * Everything a connect or disconnect would do, computed without writing anything. Deletions: stale per-agent
 * registries OpenClaw regenerates from the config, and on disconnect a config that connect created.
 */
export interface OpenClawPlan extends FilePlan {
  action: 'connect' | 'disconnect';
  location: OpenClawLocation;
  /** What connect changed, kept in isartor's state dir (`path`) for disconnect; undefined forgets it. */
  record: { path: string; next: OpenClawConnectionRecord | undefined };
  /** After a connect: agents that keep a model of their own, so do not go through isartor (for a note). */
  agentsOnOwnModel?: Array<{ id: string; model: string }>;
}

export const clientHeader = { 'x-isartor-client': 'openclaw' } as const;

/** The provider block isartor owns in openclaw.json. */
export function managedProviderBlock(connection: OpenClawConnection): Record<string, unknown> {
  const root = connection.gatewayUrl.replace(/\/+$/, '');
  return {
    // OpenClaw appends /chat/completions to an OpenAI-style base URL (so it must end in /v1), and
    // /v1/messages to an Anthropic-style one.
    baseUrl: connection.api === 'openai-completions' ? `${root}/v1` : root,
    apiKey: connection.apiKey,
    api: connection.api,
    // OpenClaw's requests say "OpenAI/JS" or "undici", not its name: this is how the gateway knows them.
    headers: { ...clientHeader },
    models: [{ id: connection.model, name: `Isartor (${connection.model})` }],
  };
}

export interface PlanOptions {
  /** isartor's state dir, where the record of what connect changed is kept (default: $ISARTOR_HOME). */
  isartorHome?: string;
}

export function planOpenClawConnect(location: OpenClawLocation, connection: OpenClawConnection, options: PlanOptions = {}): OpenClawPlan {
  const isartorHome = options.isartorHome ?? resolveStateDir();
  const before = readIfExists(location.configPath);
  const block = managedProviderBlock(connection);
  const ref = `${managedProviderId}/${connection.model}`;
  const document = Json5Document.parse(before ?? '', location.configPath);
  // A record outlives a hand-made disconnect: it only speaks for a config that still has isartor's block.
  const connected = document.get(['models', 'providers', managedProviderId]) !== undefined;
  const earlier = connected ? readConnectionRecord(isartorHome, location.configPath) : undefined;
  const record = applyConnectEdits(document, block, ref, earlier, before === undefined);
  const after = before === undefined ? `${JSON.stringify(document.value, null, 2)}\n` : document.text;
  const deletions = staleRegistries(location.stateDir, (registry) => !registryMatches(registry, block, connection.model));
  const backupPath = backupPathOf(location.configPath);
  const backup = { path: backupPath, create: before !== undefined && !existsSync(backupPath), restore: false, remove: false };
  // A connect that changes nothing keeps the earlier record as it is (its time included).
  const unchangedConfig = before === after && earlier !== undefined;
  const plan = finishPlan('connect', location, before, after, deletions, backup, { path: isartorHome, next: unchangedConfig ? earlier : record });
  return { ...plan, agentsOnOwnModel: agentsOnOwnModel(document.value) };
}

/**
 * Removes exactly what connect added and puts back what it replaced, keeping every later edit. With
 * `restoreBackup`, puts back the backup taken at the first connect instead (later edits are lost: the diff shows them).
 */
export function planOpenClawDisconnect(location: OpenClawLocation, options: PlanOptions & { restoreBackup?: boolean } = {}): OpenClawPlan {
  const isartorHome = options.isartorHome ?? resolveStateDir();
  const before = readIfExists(location.configPath);
  if (before === undefined) {
    throw new UserError(`There is no OpenClaw config at ${location.configPath}, so nothing to disconnect.`, {
      hint: 'Pass --config-path if OpenClaw keeps its config elsewhere.',
    });
  }
  const backupPath = backupPathOf(location.configPath);
  const backupText = readIfExists(backupPath);
  const deletions = staleRegistries(location.stateDir, (registry) => registry !== undefined);
  const record = { path: isartorHome, next: undefined };
  if (options.restoreBackup) {
    if (backupText === undefined) {
      throw new UserError(`There is no backup at ${backupPath} to restore.`, { hint: 'Run `isartor connect openclaw --disconnect` to remove only what isartor added.' });
    }
    return finishPlan('disconnect', location, before, backupText, deletions, { path: backupPath, create: false, restore: true, remove: true }, record);
  }
  const earlier = readConnectionRecord(isartorHome, location.configPath);
  const document = Json5Document.parse(before, location.configPath);
  applyDisconnectEdits(document, earlier);
  const emptied = earlier?.createdFile === true && Object.keys(document.value).length === 0;
  if (emptied) deletions.unshift({ path: location.configPath, content: before });
  const after = emptied ? before : document.text;
  // The backup is the safety net; once the config is back to it byte for byte, it has nothing more to offer.
  const remove = backupText !== undefined && backupText === after;
  return finishPlan('disconnect', location, before, after, deletions, { path: backupPath, create: false, restore: false, remove }, record);
}

function finishPlan(
  action: OpenClawPlan['action'],
  location: OpenClawLocation,
  before: string | undefined,
  after: string,
  deletions: PlannedDeletion[],
  backup: OpenClawPlan['backup'],
  record: OpenClawPlan['record'],
): OpenClawPlan {
  const note = (deletion: PlannedDeletion) => (deletion.path === location.configPath ? '(deleted: isartor created it)' : '(deleted: OpenClaw regenerates it)');
  const plan = planFileChange(location.configPath, before, after, deletions, backup, note);
  return { action, location, record, ...plan, diff: maskProviderKeys(plan.diff, [before, after, ...deletions.map((deletion) => deletion.content)]) };
}

/** Per-agent models.json files whose isartor entry `isStale` says must go. */
function staleRegistries(stateDir: string, isStale: (registry: unknown) => boolean): PlannedDeletion[] {
  const agentsDir = join(stateDir, 'agents');
  if (!existsSync(agentsDir)) return [];
  const deletions: PlannedDeletion[] = [];
  for (const agent of readdirSync(agentsDir).sort()) {
    const path = join(agentsDir, agent, 'agent', 'models.json');
    const content = readIfExists(path);
    if (content === undefined) continue;
    let registry: unknown;
    try {
      registry = (JSON.parse(content) as { providers?: Record<string, unknown> }).providers?.[managedProviderId];
    } catch {
      registry = Symbol('unreadable');
    }
    if (isStale(registry)) deletions.push({ path, content });
  }
  return deletions;
}

/**
 * OpenClaw writes its own form of the provider into models.json (with defaults of its own), so it is
 * current when what reaches the gateway matches: base URL, key, API style and the model.
 */
function registryMatches(registry: unknown, block: Record<string, unknown>, model: string): boolean {
  if (!isRecord(registry)) return false;
  const models = Array.isArray(registry.models) ? registry.models : [];
  return (
    registry.baseUrl === block.baseUrl &&
    registry.apiKey === block.apiKey &&
    registry.api === block.api &&
    models.some((entry) => isRecord(entry) && entry.id === model)
  );
}
