import type { CacheableRequest } from './cacheable-request.js';

/**
 * What, besides the body, reaches the provider and can change its answer: the `anthropic-version` and
 * `anthropic-beta` headers (a beta such as interleaved thinking changes what comes back) and the query
 * string (`?beta=true`). Both cache keys hold all of it, so an answer made under one never serves another.
 * Query parameters are sorted: their order changes nothing.
 */
export function forwardedRequestParts(chat: CacheableRequest): string {
  const headers = Object.entries(chat.anthropicHeaders).sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify([headers, chat.query]);
}

/** A request URL's query parameters in one order, as text: `a=1&b=2`; '' when there are none. */
export function canonicalQuery(url: string | undefined): string {
  const at = url?.indexOf('?') ?? -1;
  if (!url || at === -1) return '';
  const params = new URLSearchParams(url.slice(at + 1));
  params.sort();
  return params.toString();
}
