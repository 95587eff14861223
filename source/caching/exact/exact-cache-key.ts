import { createHash } from 'node:crypto';
import type { CacheableRequest } from '../cacheable-request.js';

/**
 * The L1a key: who asks (tenants never share entries), in which protocol, which provider, base URL
 * and upstream model answer, and the request body exactly as the client sent it.
 *
 * Hashing the raw bytes is both the strictest reading of "exact" and the cheapest: on a 60 KB agent
 * request it costs ~35 µs, where re-serialising with sorted keys cost ~235 µs on every request.
 * What it gives up is only hit rate, never correctness: the same request serialised differently, or
 * asked once streamed and once not, makes two entries. Agent tools serialise deterministically, and
 * normalising requests is the near-duplicate layer's job.
 */
export function exactCacheKey(chat: CacheableRequest, callerId: string): string {
  // JSON array framing keeps the fields unambiguous whatever characters a model name contains.
  const routing = JSON.stringify(['isartor-l1a/v3', callerId, chat.protocol, chat.target.providerId, chat.target.baseUrl, chat.upstreamModel]);
  return createHash('sha256').update(routing).update('\n').update(chat.protocol === 'responses' ? responsesKeyBytes(chat.body) : chat.raw).digest('hex');
}

/**
 * Fields of a Responses request that never reach the model and change on every request of a Codex
 * session: the provider-side prompt cache hint, the client's own turn metadata. Input item `id`s
 * (fresh UUIDs per run in Codex) name items for storage, not their content. Keyed on the raw bytes,
 * no Codex request would ever repeat; everything the model reads stays in the key.
 */
const unreadResponsesFields = new Set(['prompt_cache_key', 'client_metadata']);

function responsesKeyBytes(body: Record<string, unknown>): string {
  const kept: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(body)) {
    if (unreadResponsesFields.has(field)) continue;
    kept[field] = field === 'input' && Array.isArray(value) ? value.map(withoutItemId) : value;
  }
  return JSON.stringify(kept);
}

function withoutItemId(item: unknown): unknown {
  if (typeof item !== 'object' || item === null || !('id' in item)) return item;
  const { id: _id, ...rest } = item as Record<string, unknown>;
  return rest;
}
