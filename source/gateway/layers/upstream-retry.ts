/**
 * Retrying helps with rate limits and provider-side failures; 400/401/403/404 would fail the same way
 * again. A redirect is not followed (it would take the provider key to another address), but another
 * route may answer: it is treated like a 200 that is not an answer.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500 || (status >= 300 && status < 400);
}

/** A day: a provider asking for longer means "not today", and a client reads a day the same way. */
const longestRetryAfterSeconds = 86_400;
/** The one date form RFC 9110 asks senders to use (IMF-fixdate); SDKs parse this one and seconds. */
const imfFixdate = /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * One reading of a provider's `retry-after`, with its two uses: `waitMs`, how long the gateway waits
 * before its next try (lenient: any non-negative finite number of seconds, e.g. `1e3` or `0x10`, or any
 * date Date.parse reads), and `forClient`, what the client may be sent (strict: whole or decimal seconds,
 * rounded up and capped at a day, or an IMF-fixdate as it came; undefined otherwise, since an SDK would
 * misread or choke on the rest). undefined when the header is absent or neither a number nor a date.
 */
export function parseRetryAfter(header: string | string[] | undefined, now: number = Date.now()): { waitMs: number; forClient: string | undefined } | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) {
    const forClient = /^\d+(?:\.\d+)?$/.test(value) ? String(Math.min(Math.ceil(seconds), longestRetryAfterSeconds)) : undefined;
    return { waitMs: Math.round(seconds * 1000), forClient };
  }
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return { waitMs: Math.max(0, date - now), forClient: imfFixdate.test(value) ? value : undefined };
}

/** `retry-after` in milliseconds, from seconds or a date: how long the gateway waits (see parseRetryAfter). */
export function parseRetryAfterMs(header: string | string[] | undefined, now: number = Date.now()): number | undefined {
  return parseRetryAfter(header, now)?.waitMs;
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

/**
 * The provider's retry-after as a client can read it (see parseRetryAfter): `soon`, `-1` or `1e400` never
 * reach the client as a header its SDK misreads or chokes on.
 */
export function readableRetryAfter(header: string | string[] | undefined): string | undefined {
  return parseRetryAfter(header)?.forClient;
}
