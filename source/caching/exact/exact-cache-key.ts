import { createHash, type Hash } from 'node:crypto';
import { partDigest, type PartSpan } from '../../json/recurring-parts.js';
import type { CacheableRequest } from '../cacheable-request.js';
import { forwardedRequestParts } from '../forwarded-request-parts.js';
import { fingerprintJson } from '../text-digest.js';
import { unreadResponsesFields, withoutStorageId } from '../responses-items.js';
import { maskVolatileSpans } from '../volatile-spans.js';

/**
 * The L1a key: who asks (tenants never share entries), in which protocol, which provider, base URL
 * and upstream model answer, the forwarded headers and query that shape the answer, and the request
 * body exactly as the client sent it.
 *
 * Hashing the raw bytes is both the strictest reading of "exact" and the cheapest: on a 60 KB agent
 * request it costs ~35 µs, where re-serialising with sorted keys cost ~235 µs on every request. Parts
 * the body shares with recent bodies (the system prompt, the tools, earlier turns) enter by the digest
 * of their bytes, hashed once per part (rawBodyBytes): the same strictness, for a fraction of the cost.
 * The one exception is a body with a declared volatile span (a client's session id, volatile-spans.ts):
 * that body is keyed by its content with the span masked, so the same request in another session hits.
 */
export function exactCacheKey(chat: CacheableRequest, callerId: string): string {
  // JSON array framing keeps the fields unambiguous whatever characters a model name contains.
  const routing = JSON.stringify([
    'isartor-l1a/v4', callerId, chat.protocol, chat.target.providerId, chat.target.baseUrl, chat.upstreamModel, forwardedRequestParts(chat),
  ]);
  const hash = createHash('sha256').update(routing).update('\n');
  const masked = maskVolatileSpans(chat.body);
  if (chat.protocol === 'responses') return hash.update('responses\n').update(responsesKeyBytes(masked ?? chat.body)).digest('hex');
  if (masked) return hash.update('masked\n').update(fingerprintJson(masked)).digest('hex');
  // The spans index the bytes they were read from: a body rewritten since is hashed whole.
  const spans = chat.rawParts?.raw === chat.raw ? chat.rawParts.spans : [];
  return hashRawBody(hash.update('raw\n'), chat.raw, spans).digest('hex');
}

/**
 * Feeds `raw` into `hash`, each remembered part as a zero byte and the 32-byte sha256 of its bytes. A
 * body that parsed as JSON holds no zero byte (JSON text has no raw control characters), so the stream
 * is read back one way only: two bodies feed the same stream exactly when their bytes are the same. And
 * which values are parts depends only on the bytes (recurring-parts.ts), so equal bodies are keyed
 * alike in every process sharing a cache.
 */
function hashRawBody(hash: Hash, raw: Buffer, spans: readonly PartSpan[]): Hash {
  let at = 0;
  for (const { start, end, part } of spans) {
    if (start > at) hash.update(raw.subarray(at, start));
    hash.update(partMarker).update(partDigest(part));
    at = end;
  }
  if (at < raw.length) hash.update(at === 0 ? raw : raw.subarray(at));
  return hash;
}

const partMarker = Buffer.from([0]);

/**
 * A Responses body as keyed: without the fields that never reach the model and change on every request
 * of a Codex session (the prompt cache hint, the client's turn metadata), and without the input item `id`s
 * that only name an item whose content travels with it (fresh per run in Codex; responses-items.ts).
 * Keyed on the raw bytes, no Codex request would ever repeat; everything the model reads stays in the key.
 */
function responsesKeyBytes(body: Record<string, unknown>): string {
  const kept: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(body)) {
    if (unreadResponsesFields.has(field)) continue;
    kept[field] = field === 'input' && Array.isArray(value) ? value.map(withoutStorageId) : value;
  }
  return JSON.stringify(kept);
}
