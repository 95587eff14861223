import { createHash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';
import type { ChatRequest } from '../context.js';

/**
 * Fields that change only how an answer is delivered, never what it says. Everything else in the
 * request is part of the key, so a field we have never heard of splits the cache instead of merging it.
 */
const deliveryOnlyFields = new Set(['model', 'stream', 'stream_options']);

/**
 * The L1a key: who asks (tenants never share entries), which provider, base URL and model answer,
 * and every answer-shaping field of the request (messages, tools, tool_choice, response_format,
 * sampling parameters, stop, n, seed, max tokens...), serialised with sorted keys.
 */
export function exactCacheKey(chat: ChatRequest, callerId: string): string {
  const request: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(chat.body)) {
    if (!deliveryOnlyFields.has(field)) request[field] = value;
  }
  const material = stringify({
    v: 1,
    caller: callerId,
    provider: chat.target.providerId,
    baseUrl: chat.target.baseUrl,
    model: chat.upstreamModel,
    request,
  });
  return createHash('sha256').update(material ?? '').digest('hex');
}
