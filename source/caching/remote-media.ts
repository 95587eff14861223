import { FrozenPartMemo } from '../json/frozen.js';
import type { CacheableRequest } from './cacheable-request.js';

/**
 * Media a request names by address (an image or a file at https://..., Anthropic's `source: {type: "url"}`)
 * is fetched by the provider when it answers: the same request bytes can show it other content an hour
 * later ("latest.jpg", a dashboard screenshot, a report that is rewritten). Neither cache can know whether
 * the content changed, so such a request is neither answered from a cache nor kept in one. Media sent
 * inline (base64, `data:` URLs) or by a provider file id is its content: those requests stay cacheable.
 *
 * Read only where media can be: the messages (chat, Anthropic) or the input items (Responses), tool results
 * inside them included, on the parsed body (a key written with an escape, `"\u0075rl"`, is read as what it
 * is). Each message shared with earlier requests (json/frozen.ts) is read once and its answer kept with it,
 * so a request costs a walk of its new messages; answers are remembered per parsed body, so L1a and L1b read
 * it once. (A byte search of the raw body came first before: four scans of a 60 KB agent request cost
 * 75-120 µs, a quarter of an L1a hit.)
 */
const seen = new WeakMap<object, boolean>();
const perMessage = new FrozenPartMemo<boolean>();

export function namesRemoteMedia(chat: Pick<CacheableRequest, 'body'>): boolean {
  const known = seen.get(chat.body);
  if (known !== undefined) return known;
  const found = [chat.body.messages, chat.body.input].some(
    (list) => Array.isArray(list) && list.some((message: unknown) => perMessage.get(message, () => holdsRemoteMedia(message, 0))),
  );
  seen.set(chat.body, found);
  return found;
}

const remote = (address: unknown): boolean => typeof address === 'string' && !address.startsWith('data:');

function holdsRemoteMedia(value: unknown, depth: number): boolean {
  if (depth > 64 || typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some((item) => holdsRemoteMedia(item, depth + 1));
  const part = value as Record<string, unknown>;
  // Anthropic: an image or document source by URL.
  if (part.type === 'url' && typeof part.url === 'string') return true;
  // OpenAI chat: image_url as an object with a url; Responses: image_url and file_url as strings.
  const image = part.image_url;
  if (remote(image) || (typeof image === 'object' && image !== null && remote((image as { url?: unknown }).url))) return true;
  if (remote(part.file_url)) return true;
  for (const field in part) {
    const inner = part[field];
    if (typeof inner === 'object' && inner !== null && holdsRemoteMedia(inner, depth + 1)) return true;
  }
  return false;
}
