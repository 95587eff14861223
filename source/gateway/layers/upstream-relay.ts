import type { UpstreamRequest } from '../upstream-request.js';
import { providerErrorMessage } from '../../providers/provider-error-message.js';
import type { RequestContext } from '../context.js';
import { isartorHeaders, sendError, sendJson } from '../respond.js';
import { midStreamError, type Exchange, type StreamRelay } from '../upstream-exchange.js';
import { isCompleteAnswer } from '../../protocols/complete-answer.js';
import { markLossy } from '../../protocols/answer-fidelity.js';
import { hasPlausibleUsage } from '../../protocols/responses-answer-schemas.js';

/**
 * How a provider's answer reaches the client. Every step that reads what the provider sent runs inside
 * `failSafely`: whatever it throws ends this one request with a 502 (or, once the stream has begun, an
 * error event in the caller's protocol), never the process. Nothing from a failed answer is cached.
 */

/** Ends one request because of what its provider sent (or because reading it threw). */
export function failAnswer(ctx: RequestContext, provider: string, message: string, code: string): void {
  if (ctx.res.headersSent) {
    if (!ctx.res.writableEnded && !ctx.res.destroyed) ctx.res.end(midStreamError(ctx.protocol, `${provider}: ${message}`, code));
    return;
  }
  sendError(ctx, 502, `The upstream provider (${provider}) ${message}`, code);
}

/** Relays a streamed answer chunk by chunk; `onFailure` is told when it was cut (too large, unreadable). */
export function relayStream(
  ctx: RequestContext,
  upstream: UpstreamRequest,
  relay: StreamRelay,
  limits: { maxAnswerBytes: number },
  handlers: { markWaited: () => void; done: () => void; fail: (message: string, code: string, error?: unknown) => void },
): void {
  ctx.res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...isartorHeaders(ctx),
  });
  let received = 0;
  // No flushHeaders(): the headers leave with the first chunk, one write instead of two.
  upstream.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > limits.maxAnswerBytes) {
      handlers.fail(tooLargeMessage(limits.maxAnswerBytes), 'upstream_answer_too_large');
      return;
    }
    let out: string | Buffer;
    try {
      out = relay.push(chunk);
    } catch (error) {
      handlers.fail('sent a stream isartor could not read.', 'upstream_bad_stream', error);
      return;
    }
    if (out.length > 0 && !ctx.res.writableEnded) ctx.res.write(out);
  });
  upstream.on('end', () => {
    handlers.markWaited();
    let tail: string;
    let completion: object | undefined;
    try {
      tail = relay.end();
      completion = relay.result();
    } catch (error) {
      handlers.fail('sent a stream isartor could not read.', 'upstream_bad_stream', error);
      return;
    }
    if (completion && isCompleteAnswer(ctx.protocol, completion)) ctx.completion = keepOnlyIfPlausible(ctx, completion);
    if (!ctx.res.writableEnded) ctx.res.end(tail);
    handlers.done();
  });
}

/** A whole JSON answer: passed on as it is when the protocols match, translated when they do not. */
export function relayJson(ctx: RequestContext, exchange: Exchange, provider: string, body: Buffer): void {
  const text = body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    sendError(ctx, 502, `${provider} answered with a body that is not JSON.`, 'upstream_bad_body');
    return;
  }
  let answer: object | undefined;
  try {
    answer = exchange.answerFromJson(parsed);
  } catch {
    answer = undefined;
  }
  if (answer && isCompleteAnswer(ctx.protocol, answer)) ctx.completion = keepOnlyIfPlausible(ctx, answer);
  else answer = undefined;
  if (exchange.sameProtocol) sendJson(ctx, 200, text);
  else if (answer) sendJson(ctx, 200, answer);
  else sendError(ctx, 502, `${provider} answered with a body isartor could not translate.`, 'upstream_bad_body');
}

/** A Responses answer with usage no provider could mean is served and counted (clamped), never cached. */
function keepOnlyIfPlausible(ctx: RequestContext, answer: object): object {
  if (ctx.protocol === 'responses' && !hasPlausibleUsage(answer)) markLossy(answer);
  return answer;
}

export function relayUpstreamError(
  ctx: RequestContext,
  exchange: Pick<Exchange, 'sameProtocol'>,
  provider: string,
  status: number,
  body: Buffer,
  retryAfter: string | string[] | undefined,
): void {
  const detail = upstreamErrorMessage(body);
  if (status === 401 || status === 403) {
    // Never echo the key, masked or not: the fix is the same either way.
    sendError(
      ctx,
      401,
      `The upstream provider (${provider}) rejected the configured API key (HTTP ${status}). Store a valid key with \`isartor set-key -p ${provider}\`, then run \`isartor check\`.`,
      'upstream_unauthorized',
    );
  } else if (status >= 500) {
    sendError(ctx, 502, `The upstream provider (${provider}) failed with HTTP ${status}${detail ? `: ${detail}` : ''}.`, 'upstream_server_error');
  } else {
    // 400, 404, 422, 429...: the provider's own words are the most useful thing to pass on.
    const headers = retryAfter ? { 'retry-after': String(retryAfter) } : {};
    if (exchange.sameProtocol && detail !== undefined && isJsonError(body)) sendJson(ctx, status, body.toString('utf8'), headers);
    else sendError(ctx, status, `The upstream provider (${provider}) answered HTTP ${status}${detail ? `: ${detail}` : ''}.`, `upstream_${status}`, headers);
  }
}

/** The provider's own words: its JSON error message, else the start of whatever text it sent. */
function upstreamErrorMessage(body: Buffer): string | undefined {
  const text = body.toString('utf8').trim();
  if (!text) return undefined;
  return providerErrorMessage(text, 500) ?? text.slice(0, 200);
}

/** Both OpenAI's and Anthropic's error bodies keep the message at `error.message`. */
function isJsonError(body: Buffer): boolean {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { error?: { message?: unknown } } | null;
    return typeof parsed?.error?.message === 'string';
  } catch {
    return false;
  }
}

/** Upstream error bodies are read only this far; they are for the user's eyes, not for storage. */
export const errorBodyLimit = 64 * 1024;

/**
 * Reads a whole body. Error bodies are read only `limit` far and the rest dropped; an answer past
 * `limit` is refused (`tooLarge`) and the upstream cut, so a runaway answer never sits in memory.
 */
export function collect(stream: UpstreamRequest, limit: number, handlers: { truncate: boolean; done: (body: Buffer) => void; tooLarge: () => void }): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  stream.on('data', (chunk: Buffer) => {
    if (over) return;
    if (size + chunk.length > limit) {
      if (handlers.truncate) {
        chunks.push(chunk.subarray(0, limit - size));
        size = limit;
        over = true;
        return;
      }
      over = true;
      chunks.length = 0;
      handlers.tooLarge();
      return;
    }
    chunks.push(chunk);
    size += chunk.length;
  });
  stream.on('end', () => {
    if (over && !handlers.truncate) return;
    handlers.done(Buffer.concat(chunks, size));
  });
}

export function tooLargeMessage(maxAnswerBytes: number): string {
  const megabytes = (maxAnswerBytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '');
  return `sent an answer larger than ${megabytes} MB, this gateway's limit; it was cut off. Raise upstream.maxAnswerBytes in isartor's config if such answers are expected.`;
}
