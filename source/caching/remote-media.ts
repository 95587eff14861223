import type { CacheableRequest } from './cacheable-request.js';

/**
 * Media a request names by address (an image or a file at https://..., Anthropic's `source: {type: "url"}`)
 * is fetched by the provider when it answers: the same request bytes can show it other content an hour
 * later ("latest.jpg", a dashboard screenshot, a report that is rewritten). Neither cache can know whether
 * the content changed, so such a request is neither answered from a cache nor kept in one. Media sent
 * inline (base64, `data:` URLs) or by a provider file id is its content: those requests stay cacheable.
 *
 * Read only where media can be: the messages (chat, Anthropic) or the input items (Responses), tool results
 * inside them included. A quick byte search comes first, so a request without any such field costs a few
 * microseconds; answers are remembered per parsed body, so L1a and L1b read it once.
 */
const seen = new WeakMap<object, boolean>();

/** The field names to look for, and an escape: a key may be written `"\u0075rl"`, which only a walk sees. */
const markers = ['"url"', '"image_url"', '"file_url"', '\\u'];

export function namesRemoteMedia(chat: Pick<CacheableRequest, 'body' | 'raw'>): boolean {
  const known = seen.get(chat.body);
  if (known !== undefined) return known;
  const found = markers.some((marker) => chat.raw.includes(marker)) && holdsRemoteMedia([chat.body.messages, chat.body.input], 0);
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
