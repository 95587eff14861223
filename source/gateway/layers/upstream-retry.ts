/**
 * Retrying helps with rate limits and provider-side failures; 400/401/403/404 would fail the same way
 * again. A redirect is not followed (it would take the provider key to another address), but another
 * route may answer: it is treated like a 200 that is not an answer.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500 || (status >= 300 && status < 400);
}

/** `retry-after` in milliseconds, from seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfterMs(header: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const firstBackoffMs = 250;

/**
 * How long to wait before another pass over the route chain: exponential backoff, or longer when the
 * provider asked for it. undefined means the provider asked for more than we are willing to hold the
 * client for, so the request should fail now with the provider's answer.
 */
export function retryDelayMs(pass: number, retryAfterMs: number | undefined, maxRetryAfterMs: number): number | undefined {
  if (retryAfterMs !== undefined && retryAfterMs > maxRetryAfterMs) return undefined;
  const backoff = firstBackoffMs * 2 ** Math.max(0, pass - 1);
  return Math.max(backoff, retryAfterMs ?? 0);
}

/** A day: a provider asking for longer means "not today", and a client reads a day the same way. */
const longestRetryAfterSeconds = 86_400;

/**
 * The provider's retry-after as a client can read it: whole seconds (a fraction rounded up, at most a
 * day) or the HTTP date as it came; undefined for a negative number, words, or a number no client can
 * hold (`soon`, `-1`, `1e400`), which would reach the client as a header its SDK misreads or chokes on.
 */
export function readableRetryAfter(header: string | string[] | undefined): string | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  if (/^\d+(?:\.\d+)?$/.test(value)) return String(Math.min(Math.ceil(Number(value)), longestRetryAfterSeconds));
  return /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(value) && !Number.isNaN(Date.parse(value)) ? value : undefined;
}
