import { isRecord } from '../core/json-value.js';
import type { DocumentPath } from '../core/json5-document.js';

export { isRecord };

export const managedProviderId = 'isartor';

/** `isartor/<model>`: a model reference that goes through isartor's provider block. */
export function isManagedRef(entry: unknown): entry is string {
  return typeof entry === 'string' && entry.startsWith(`${managedProviderId}/`);
}

/** A `model` setting is a plain ref or `{ primary, fallbacks }`; its primary either way. */
export function primaryOf(model: unknown): unknown {
  return isRecord(model) ? model.primary : model;
}

/**
 * Where the main agent's settings live: OpenClaw 2026.9 keys agents by id (`agents.entries.<id>`), older
 * configs list them (`agents.list[]`). The agent called `main`, else the one marked `default: true`.
 */
export function mainAgentPath(config: Record<string, unknown>): { path: DocumentPath; id: string } | undefined {
  const agents = config.agents;
  if (!isRecord(agents)) return undefined;
  if (isRecord(agents.entries)) {
    const entries = agents.entries;
    const id = 'main' in entries ? 'main' : Object.keys(entries).find((key) => isRecord(entries[key]) && entries[key].default === true);
    if (id !== undefined) return { path: ['agents', 'entries', id], id };
  }
  if (Array.isArray(agents.list)) {
    const list = agents.list as unknown[];
    let index = list.findIndex((agent) => isRecord(agent) && agent.id === 'main');
    if (index === -1) index = list.findIndex((agent) => isRecord(agent) && agent.default === true);
    const agent = list[index];
    if (isRecord(agent)) return { path: ['agents', 'list', index], id: typeof agent.id === 'string' ? agent.id : String(index) };
  }
  return undefined;
}

/** Every agent's settings path, by id (entries) or index (list). */
export function agentPaths(config: Record<string, unknown>): DocumentPath[] {
  const agents = config.agents;
  if (!isRecord(agents)) return [];
  const paths: DocumentPath[] = [];
  if (isRecord(agents.entries)) for (const id of Object.keys(agents.entries)) paths.push(['agents', 'entries', id]);
  if (Array.isArray(agents.list)) agents.list.forEach((_, index) => paths.push(['agents', 'list', index]));
  return paths;
}

/**
 * Agents that name a model of their own which is not isartor's (`agents.list[].model`, `agents.entries.<id>.model`):
 * connect points the defaults (and the main agent) at isartor, and these keep going where they went.
 */
export function agentsOnOwnModel(config: Record<string, unknown>): Array<{ id: string; model: string }> {
  const agents = config.agents;
  if (!isRecord(agents)) return [];
  const found: Array<{ id: string; model: string }> = [];
  const consider = (id: string, agent: unknown): void => {
    const primary = isRecord(agent) ? primaryOf(agent.model) : undefined;
    if (typeof primary === 'string' && !isManagedRef(primary)) found.push({ id, model: primary });
  };
  if (isRecord(agents.entries)) for (const [id, agent] of Object.entries(agents.entries)) consider(id, agent);
  if (Array.isArray(agents.list)) agents.list.forEach((agent, index) => consider(isRecord(agent) && typeof agent.id === 'string' ? agent.id : String(index), agent));
  return found;
}
