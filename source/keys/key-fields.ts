import { durationFormat, parseDuration } from './budget.js';

/** What /key/generate and /key/update (and `isartor keys create`) may set, in LiteLLM's field names. */
export interface KeyChanges {
  alias?: string | null;
  models?: string[];
  maxBudget?: number | null;
  budgetDuration?: string | null;
  /** `duration`: the key expires this long after the change; null: never. */
  expiresInMs?: number | null;
  metadata?: Record<string, unknown>;
}

/** Metadata is a label, not storage: every /key/list and keys.json write carries it. */
const maxMetadataChars = 16 * 1024;

export type ParsedFields = { ok: true; changes: KeyChanges } | { ok: false; message: string };

/**
 * Reads LiteLLM's key fields from a request body: key_alias, models, max_budget, budget_duration,
 * duration, metadata. Fields LiteLLM has and isartor does not enforce (team_id, rpm_limit, ...) are ignored.
 */
export function parseKeyFields(body: Record<string, unknown>): ParsedFields {
  const changes: KeyChanges = {};
  if ('key' in body) return fail('isartor makes every key itself (random, shown once); remove `key` from the request.');
  if ('key_alias' in body) {
    const alias = body.key_alias;
    if (alias !== null && (typeof alias !== 'string' || !alias.trim())) return fail('`key_alias` must be a non-empty string, or null.');
    changes.alias = alias === null ? null : alias.trim();
  }
  if ('models' in body && body.models !== null) {
    const models = body.models;
    if (!Array.isArray(models) || !models.every((m) => typeof m === 'string' && m.trim())) {
      return fail('`models` must be a list of model names, like ["claude-sonnet-4-5-20250929"]; an empty list allows every model.');
    }
    changes.models = [...new Set(models.map((m: string) => m.trim()))];
  }
  if ('max_budget' in body) {
    const budget = body.max_budget;
    if (budget !== null && !(typeof budget === 'number' && Number.isFinite(budget) && budget >= 0)) {
      return fail('`max_budget` must be a number of USD (0 or more), or null for no limit.');
    }
    changes.maxBudget = budget as number | null;
  }
  if ('budget_duration' in body) {
    const duration = body.budget_duration;
    if (duration !== null && (typeof duration !== 'string' || parseDuration(duration) === undefined)) {
      return fail(`\`budget_duration\` must be ${durationFormat}; or null for a budget that never resets.`);
    }
    changes.budgetDuration = duration === null ? null : (duration as string).trim();
  }
  if ('duration' in body) {
    const duration = body.duration;
    const ms = typeof duration === 'string' ? parseDuration(duration) : undefined;
    if (duration !== null && ms === undefined) return fail(`\`duration\` (how long until the key expires) must be ${durationFormat}; or null for a key that never expires.`);
    changes.expiresInMs = duration === null ? null : ms!;
  }
  if ('metadata' in body && body.metadata !== null) {
    const metadata = body.metadata;
    if (typeof metadata !== 'object' || Array.isArray(metadata)) return fail('`metadata` must be a JSON object.');
    if (JSON.stringify(metadata).length > maxMetadataChars) return fail(`\`metadata\` must be under ${maxMetadataChars / 1024} KB as JSON: it is stored with the key and shown on every /key/list.`);
    changes.metadata = metadata as Record<string, unknown>;
  }
  return { ok: true, changes };
}

function fail(message: string): ParsedFields {
  return { ok: false, message };
}
