import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { UserError } from '../../user-error.js';
import { backupPathOf, planFileChange, readIfExists, type FilePlan, type PlannedDeletion } from '../core/file-plan.js';
import { JsoncDocument } from '../core/jsonc-document.js';
import { isRecord, valueAt as at } from '../core/json-value.js';
import type { OpenClawLocation } from './config-path.js';

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

/** Everything a connect or disconnect would do, computed without writing anything. Deletions: stale per-agent registries OpenClaw regenerates from the config. */
export interface OpenClawPlan extends FilePlan {
  action: 'connect' | 'disconnect';
  location: OpenClawLocation;
}

export const managedProviderId = 'isartor';
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

export function planOpenClawConnect(location: OpenClawLocation, connection: OpenClawConnection): OpenClawPlan {
  const before = readIfExists(location.configPath);
  const block = managedProviderBlock(connection);
  const ref = `${managedProviderId}/${connection.model}`;
  const minimal = { models: { providers: { [managedProviderId]: block } }, agents: { defaults: { model: { primary: ref } } } };
  const after =
    before === undefined
      ? `${JSON.stringify(minimal, null, 2)}\n`
      : editConfig(location.configPath, before, (document, value) => connectEdits(document, value, block, ref), JSON.stringify(minimal, null, 2));
  const deletions = staleRegistries(location.stateDir, (registry) => !registryMatches(registry, block, connection.model));
  const backupPath = backupPathOf(location.configPath);
  return finishPlan('connect', location, before, after, deletions, { path: backupPath, create: before !== undefined && !existsSync(backupPath), restore: false });
}

/** Restores the backup when there is one; otherwise removes only what isartor added. */
export function planOpenClawDisconnect(location: OpenClawLocation): OpenClawPlan {
  const before = readIfExists(location.configPath);
  if (before === undefined) {
    throw new UserError(`There is no OpenClaw config at ${location.configPath}, so nothing to disconnect.`, {
      hint: 'Pass --config-path if OpenClaw keeps its config elsewhere.',
    });
  }
  const backupPath = backupPathOf(location.configPath);
  const backup = readIfExists(backupPath);
  const after = backup ?? editConfig(location.configPath, before, (document, value) => disconnectEdits(document, value));
  const deletions = staleRegistries(location.stateDir, (registry) => registry !== undefined);
  return finishPlan('disconnect', location, before, after, deletions, { path: backupPath, create: false, restore: backup !== undefined });
}

function finishPlan(
  action: OpenClawPlan['action'],
  location: OpenClawLocation,
  before: string | undefined,
  after: string,
  deletions: PlannedDeletion[],
  backup: OpenClawPlan['backup'],
): OpenClawPlan {
  return { action, location, ...planFileChange(location.configPath, before, after, deletions, backup, '(deleted: OpenClaw regenerates it)') };
}

type Edits = (document: JsoncDocument, value: Record<string, unknown>) => void;

function editConfig(path: string, text: string, edits: Edits, snippet?: string): string {
  const { document, editable, value } = JsoncDocument.parse(text, path);
  if (!editable) {
    const paste = snippet ? `Merge this into it by hand (keep your other settings):\n${snippet}` : 'Remove the isartor provider and isartor/... model references by hand.';
    throw new UserError(
      `${path} uses JSON5 syntax that isartor cannot edit in place without reformatting it (${JsoncDocument.describeFirstJsoncProblem(text)}). Nothing was changed.`,
      { hint: `Quote its keys and use double-quoted strings so isartor can edit it, or do it yourself. ${paste}` },
    );
  }
  edits(document, value);
  return document.text;
}

function connectEdits(document: JsoncDocument, value: Record<string, unknown>, block: Record<string, unknown>, ref: string): void {
  if (!isDeepStrictEqual(at(value, ['models', 'providers', managedProviderId]), block)) document.set(['models', 'providers', managedProviderId], block);
  setModelChoice(document, ['agents', 'defaults', 'model'], at(value, ['agents', 'defaults', 'model']), ref, true);
  const agents = at(value, ['agents', 'list']);
  if (Array.isArray(agents)) {
    const index = mainAgentIndex(agents);
    const agent = agents[index] as { model?: unknown } | undefined;
    // Only an agent that overrides the model needs the new one; the rest inherit the default.
    if (agent?.model !== undefined) setModelChoice(document, ['agents', 'list', index, 'model'], agent.model, ref, false);
  }
  // An allowlist that lacks the managed model makes OpenClaw answer "Model is not allowed".
  const allowed = at(value, ['agents', 'defaults', 'models']);
  if (isRecord(allowed)) {
    for (const key of Object.keys(allowed)) if (isManagedRef(key) && key !== ref) document.set(['agents', 'defaults', 'models', key], undefined);
    if (!(ref in allowed)) document.set(['agents', 'defaults', 'models', ref], {});
  }
  const policy = at(value, ['agents', 'defaults', 'modelPolicy', 'allow']);
  if (Array.isArray(policy)) {
    const next = [...policy.filter((entry) => !(typeof entry === 'string' && isManagedRef(entry) && entry !== ref)), ...(policy.includes(ref) ? [] : [ref])];
    if (!isDeepStrictEqual(next, policy)) document.set(['agents', 'defaults', 'modelPolicy', 'allow'], next);
  }
}

function disconnectEdits(document: JsoncDocument, value: Record<string, unknown>): void {
  if (at(value, ['models', 'providers', managedProviderId]) !== undefined) document.set(['models', 'providers', managedProviderId], undefined);
  const defaults = at(value, ['agents', 'defaults', 'model']);
  if (typeof defaults === 'string' && isManagedRef(defaults)) document.set(['agents', 'defaults', 'model'], undefined);
  if (isRecord(defaults)) {
    if (typeof defaults.primary === 'string' && isManagedRef(defaults.primary)) document.set(['agents', 'defaults', 'model', 'primary'], undefined);
    if (Array.isArray(defaults.fallbacks) && defaults.fallbacks.some(isManagedRef)) {
      document.set(['agents', 'defaults', 'model', 'fallbacks'], defaults.fallbacks.filter((entry) => !isManagedRef(entry)));
    }
  }
  const agents = at(value, ['agents', 'list']);
  if (Array.isArray(agents)) {
    agents.forEach((agent, index) => {
      const model = (agent as { model?: unknown }).model;
      if (typeof model === 'string' && isManagedRef(model)) document.set(['agents', 'list', index, 'model'], undefined);
      if (isRecord(model) && typeof model.primary === 'string' && isManagedRef(model.primary)) document.set(['agents', 'list', index, 'model', 'primary'], undefined);
    });
  }
  const allowed = at(value, ['agents', 'defaults', 'models']);
  if (isRecord(allowed)) for (const key of Object.keys(allowed)) if (isManagedRef(key)) document.set(['agents', 'defaults', 'models', key], undefined);
  const policy = at(value, ['agents', 'defaults', 'modelPolicy', 'allow']);
  if (Array.isArray(policy) && policy.some(isManagedRef)) document.set(['agents', 'defaults', 'modelPolicy', 'allow'], policy.filter((entry) => !isManagedRef(entry)));
}

/** `model` may be a plain ref or `{ primary, fallbacks }`; keep its shape and the fallbacks. */
function setModelChoice(document: JsoncDocument, path: Array<string | number>, current: unknown, ref: string, createIfMissing: boolean): void {
  if (typeof current === 'string') {
    if (current !== ref) document.set(path, ref);
  } else if (isRecord(current)) {
    if (current.primary !== ref) document.set([...path, 'primary'], ref);
  } else if (createIfMissing) {
    document.set(path, { primary: ref });
  }
}

/** The `main` agent, else the one marked default. */
function mainAgentIndex(agents: unknown[]): number {
  const main = agents.findIndex((agent) => isRecord(agent) && agent.id === 'main');
  return main !== -1 ? main : agents.findIndex((agent) => isRecord(agent) && agent.default === true);
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

function isManagedRef(entry: unknown): boolean {
  return typeof entry === 'string' && entry.startsWith(`${managedProviderId}/`);
}
