import type { UpstreamRequest } from '../upstream-request.js';
import { providerErrorMessage } from '../../providers/provider-error-message.js';
import { isProviderErrorShape, providerErrorWords } from '../../protocols/provider-error-words.js';
import type { RequestContext } from '../context.js';
import { isartorHeaders, sendError, sendJson } from '../respond.js';
import { midStreamError, type Exchange, type StreamRelay } from '../upstream-exchange.js';
import { isCompleteAnswer } from '../../protocols/complete-answer.js';
import { markLossy } from '../../protocols/answer-fidelity.js';
import { hasPlausibleUsage } from '../../protocols/answer-usage.js';
import { hasUnreadableToolArguments } from '../../protocols/tool-arguments.js';
import { isUtf8 } from 'node:buffer';
import { Utf8Check } from '../../protocols/utf8-check.js';
import { sendWholeAnswerAsStream } from '../replay-answer.js';
import { streamErrorOf } from '../../protocols/stream-error-event.js';
import { chatStreamStartProblem } from '../../protocols/legacy-chat-answers.js';
import { readableRetryAfter } from './upstream-retry.js';
import { opensOnly } from '../../protocols/stream-opening.js';

/** Opening events held back longer than this are sent (no opening is this long; something odd is). */
const maxOpeningBytes = 64 * 1024;
/** How long a provider that sent its final event may take to end its answer before isartor ends it itself. */
const afterFinalEventMs = 1_000;

/**
 * How a provider's answer reaches the client. Every step that reads what the provider sent runs inside
 * `failSafely`: whatever it throws ends this one request with a 502 (or, once the stream has begun, an
 * error event in the caller's protocol), never the process. Nothing from a failed answer is cached.
 */

/** Ends one request because of what its provider sent (or because reading it threw); 502 unless `status` says otherwise. */
export function failAnswer(ctx: RequestContext, provider: string, message: string, code: string, status = 502): void {
  if (ctx.res.headersSent) {
    if (!ctx.res.writableEnded && !ctx.res.destroyed) ctx.res.end(midStreamError(ctx.protocol, `${provider}: ${message}`, code));
    return;
  }
  sendError(ctx, status, `The upstream provider (${provider}) ${message}`, code);
}

/**
 * 529 for an Anthropic caller whose provider said it is overloaded (an HTTP 529, or an `overloaded_error`
 * event opening its stream): Claude Code switches to its --fallback-model after three 529s, where a 502
 * has it retry for minutes. Every other caller and error: 502 (undefined).
 */
function overloadedStatus(ctx: RequestContext, providerOverloaded: boolean): number | undefined {
  return ctx.protocol === 'anthropic' && providerOverloaded ? 529 : undefined;
}

/**
 * Relays a streamed answer chunk by chunk; `fail` is told when it was cut (too large, unreadable).
 * Returns what a client that leaves early got: the whole answer (to keep) when the provider's final event
 * had already come, else undefined; never throws.
 */
export function relayStream(
  ctx: RequestContext,
  upstream: UpstreamRequest,
  relay: StreamRelay,
  limits: { maxAnswerBytes: number; openingHoldMs?: number },
  handlers: { markWaited: () => void; done: () => void; fail: (message: string, code: string, error?: unknown, status?: number) => void },
): () => object | undefined {
  let received = 0;
  const utf8 = new Utf8Check();
  // The headers leave with the first bytes the client gets, in one write: until then a provider that
  // fails (a reset after its headers, a first chunk that cannot be read) can still be replaced by a fallback.
  // A client that reads slower than the provider writes: reading pauses until its socket drains, so the
  // answer waits at the provider (TCP) instead of piling up in this process.
  let waitingForDrain = false;
  const resume = (): void => {
    waitingForDrain = false;
    upstream.resume();
  };
  // The stream's opening events (a role chunk, message_start, response.created) wait for the first bytes
  // of the answer: a provider that fails right after them has given the client nothing yet (error-first rule).
  let opening: Array<string | Buffer> = [];
  let openingBytes = 0;
  // ...but not for ever: a reasoning model that opens, then thinks silently for a minute, would leave its
  // client without headers for that minute (and some clients give up). After openingHoldMs the opening
  // goes out with the headers; a provider failing after that ends the stream with an error event.
  let holdTimer: NodeJS.Timeout | undefined;
  let settledTimer: NodeJS.Timeout | undefined;
  const commitOpening = (): void => {
    if (upstream.finished || ctx.clientGone || ctx.res.headersSent || ctx.res.writableEnded) return;
    write('', false);
  };
  const write = (out: string | Buffer, last: boolean): void => {
    if (ctx.res.writableEnded) return;
    if (!ctx.res.headersSent) {
      startStream(ctx);
      for (const piece of opening) ctx.res.write(piece);
      opening = [];
    }
    if (last) ctx.res.end(out);
    else if (out.length > 0 && !ctx.res.write(out) && !waitingForDrain) {
      waitingForDrain = true;
      upstream.pause();
      ctx.res.once('drain', resume);
    }
  };
  upstream.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > limits.maxAnswerBytes) {
      handlers.fail(tooLargeMessage(limits.maxAnswerBytes), 'upstream_answer_too_large');
      return;
    }
    utf8.push(chunk);
    let out: string | Buffer;
    try {
      out = relay.push(chunk);
    } catch (error) {
      handlers.fail('sent a stream isartor could not read.', 'upstream_bad_stream', error);
      return;
    }
    if (out.length === 0) return;
    // Nothing reached the client yet: a stream that opens with the provider's error is replaced by a fallback.
    if (!ctx.res.headersSent) {
      const error = streamErrorOf(ctx.protocol, out);
      if (error !== undefined) return handlers.fail(`failed before its answer began: ${error.message}`, 'upstream_stream_error', undefined, overloadedStatus(ctx, error.type === 'overloaded_error'));
      // A passed-through chat stream that is no chat answer (legacy-chat-answers.ts): translated, it fails in the translator.
      const problem = ctx.protocol === 'openai' ? chatStreamStartProblem(out) : undefined;
      if (problem !== undefined) return handlers.fail(`failed before its answer began: ${problem}`, 'upstream_stream_error');
      if (openingBytes + out.length <= maxOpeningBytes && opensOnly(ctx.protocol, out)) {
        opening.push(out);
        openingBytes += out.length;
        if (holdTimer === undefined && limits.openingHoldMs !== undefined) {
          holdTimer = setTimeout(commitOpening, limits.openingHoldMs);
          holdTimer.unref();
        }
        return;
      }
    }
    write(out, false);
    // The final event came but the provider keeps the connection open: the answer ends for the client
    // shortly after, instead of at idleTimeoutMs (minutes) with an error after a whole answer.
    if (settledTimer === undefined && relay.settled?.()) {
      settledTimer = setTimeout(() => {
        if (upstream.finished || ctx.res.writableEnded) return;
        upstream.destroy();
        onEnd();
      }, afterFinalEventMs);
      settledTimer.unref();
    }
  });
  const onEnd = (): void => {
    clearTimeout(holdTimer);
    clearTimeout(settledTimer);
    handlers.markWaited();
    let ending: Ending;
    try {
      ending = endRelay();
    } catch (error) {
      handlers.fail('sent a stream isartor could not read.', 'upstream_bad_stream', error);
      return;
    }
    if (!ctx.res.headersSent && !ending.whole) {
      handlers.fail('ended its stream without sending an answer.', 'upstream_empty_stream');
      return;
    }
    finish(ending);
  };
  upstream.on('end', onEnd);
  // A connection that breaks after the answer's last event (a content-length that lied, a reset after
  // [DONE]) lost nothing: the stream ends as if the provider had closed it (ahead of upstream.ts's error
  // event, which then finds the answer settled); before that event, upstream.ts ends it with an error.
  upstream.prependListener('error', () => {
    if (!ctx.res.headersSent || ctx.res.writableEnded) return;
    let ending: Ending;
    try {
      ending = endRelay();
    } catch {
      return;
    }
    if (ending.whole) finish(ending);
  });
  /** Ends the relay: its last bytes for the client, and the whole answer when its final event came (checked for the caches). Throws what reading throws. */
  const endRelay = (): Ending => {
    const tail = relay.end();
    const completion = relay.result();
    return { tail, whole: completion && isCompleteAnswer(ctx.protocol, completion) ? keepOnlyIfFaithful(completion, utf8.valid()) : undefined };
  };
  /** Sends the last bytes, keeps a whole answer, and settles the attempt. */
  const finish = ({ tail, whole }: Ending): void => {
    if (whole) ctx.completion = whole;
    write(tail, true);
    handlers.done();
  };
  return () => {
    try {
      return endRelay().whole;
    } catch {
      return undefined;
    }
  };
}

/**
 * A stream the provider sent to a request for a whole answer (it ignored `stream: false`): passed on, the
 * client's SDK would choke on SSE where it expects JSON. It is read to its end through the relay's reader
 * and sent as the whole answer asked for; one that does not end in a complete answer (cut, an error event)
 * is unusable like any other, and the next route may answer.
 */
export function relayStreamAsWhole(
  ctx: RequestContext,
  upstream: UpstreamRequest,
  relay: StreamRelay,
  limits: { maxAnswerBytes: number },
  handlers: { markWaited: () => void; done: () => void; fail: (message: string, code: string, error?: unknown) => void },
): void {
  let received = 0;
  let failed = false;
  let providerError: string | undefined;
  const utf8 = new Utf8Check();
  const fail = (message: string, code: string, error?: unknown): void => {
    failed = true;
    handlers.fail(message, code, error);
  };
  upstream.on('data', (chunk: Buffer) => {
    if (failed) return;
    received += chunk.length;
    if (received > limits.maxAnswerBytes) return fail(tooLargeMessage(limits.maxAnswerBytes), 'upstream_answer_too_large');
    utf8.push(chunk);
    try {
      const out = relay.push(chunk);
      providerError ??= out.length > 0 ? streamErrorOf(ctx.protocol, out)?.message : undefined;
    } catch (error) {
      fail('sent a stream isartor could not read.', 'upstream_bad_stream', error);
    }
  });
  upstream.on('end', () => {
    if (failed) return;
    handlers.markWaited();
    let answer: object | undefined;
    try {
      relay.end();
      answer = relay.result();
    } catch (error) {
      return fail('sent a stream isartor could not read.', 'upstream_bad_stream', error);
    }
    if (providerError !== undefined) return fail(`failed: ${providerError}`, 'upstream_stream_error');
    if (!answer || !isCompleteAnswer(ctx.protocol, answer)) return fail('answered a request for a whole answer with a stream that did not end in one.', 'upstream_not_whole');
    ctx.completion = keepOnlyIfFaithful(answer, utf8.valid());
    ctx.answerRelayed = true;
    sendJson(ctx, 200, answer);
    handlers.done();
  });
}

/** What ending a relay gives: the client's last bytes, and the whole answer once its final event came. */
interface Ending {
  tail: string | Buffer;
  whole: object | undefined;
}

function startStream(ctx: RequestContext): void {
  ctx.answerRelayed = true;
  // No `connection` header of its own: Node says keep-alive, or close to a client that asked for it (a
  // forced keep-alive held such a client's connection open until keepAliveTimeout).
  ctx.res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    ...isartorHeaders(ctx),
  });
}

/** Why a whole answer cannot be passed on: it ends this attempt, and a fallback may do better. */
export interface UnusableAnswer {
  message: string;
  code: string;
}

/**
 * A whole JSON answer: passed on as it is when the protocols match, translated when they do not.
 * Returns why not when it is not an answer at all (not JSON, an error object with 200, JSON of another
 * shape): nothing was sent then. Same protocol both sides, an answer of the caller's kind that fails a
 * check is passed on as it came (when in doubt, forward), just not cached.
 */
export function relayJson(ctx: RequestContext, exchange: Exchange, body: Buffer): UnusableAnswer | undefined {
  const text = body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { message: 'answered with a body that is not JSON.', code: 'upstream_bad_body' };
  }
  const error = errorObjectMessage(parsed);
  if (error !== undefined) return { message: `answered 200 with an error instead of an answer: ${error}`, code: 'upstream_error_body' };
  let answer: object | undefined;
  try {
    answer = exchange.answerFromJson(parsed);
  } catch {
    answer = undefined;
  }
  if (answer && isCompleteAnswer(ctx.protocol, answer)) ctx.completion = keepOnlyIfFaithful(answer, isUtf8(body));
  else answer = undefined;
  if (answer && ctx.chat?.stream) {
    if (sendWholeAnswerAsStream(ctx, answer)) return void (ctx.answerRelayed = true);
    ctx.completion = undefined;
    return { message: 'answered a stream request with a whole answer that cannot be sent as a stream.', code: 'upstream_not_streamed' };
  }
  if (exchange.sameProtocol && (answer || isAnswerShaped(ctx.protocol, parsed))) sendJson(ctx, 200, text);
  else if (answer) sendJson(ctx, 200, answer);
  else return { message: exchange.sameProtocol ? 'answered with JSON that is not an answer.' : 'answered with a body isartor could not translate.', code: 'upstream_bad_body' };
  ctx.answerRelayed = true;
  return undefined;
}

/**
 * The error message of a body that is an error, not an answer (OpenAI's `{error:{message}}`, Anthropic's
 * `{type:"error",...}`, and the other shapes of provider-error-words.ts), else undefined.
 */
function errorObjectMessage(body: unknown): string | undefined {
  if (!isProviderErrorShape(body)) return undefined;
  return (providerErrorWords(body) ?? JSON.stringify(body)).slice(0, 300);
}

/** JSON that is an answer of the caller's protocol by its marker (a chat completion's choices, a message, a response). */
function isAnswerShaped(protocol: RequestContext['protocol'], body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const answer = body as { choices?: unknown; type?: unknown; object?: unknown };
  if (protocol === 'anthropic') return answer.type === 'message';
  if (protocol === 'responses') return answer.object === 'response';
  return Array.isArray(answer.choices) || answer.object === 'chat.completion';
}

/**
 * Served, counted, but never cached: an answer with usage no provider could mean (counted by estimate, see
 * request-record-of.ts), one whose bytes were not UTF-8 (what a client decoded may differ from what a
 * replay would give), one with a tool call whose arguments are not a JSON object (no tool can run it, and
 * a replay would hand the same broken call to every later request).
 */
function keepOnlyIfFaithful(answer: object, wellFormedUtf8: boolean): object {
  if (!wellFormedUtf8 || !hasPlausibleUsage(answer) || hasUnreadableToolArguments(answer) || isIncomplete(answer)) markLossy(answer);
  return answer;
}

/** A Responses answer cut short by `max_output_tokens` or a filter: whole as the provider meant it (served, counted), but not kept. */
function isIncomplete(answer: object): boolean {
  return (answer as { status?: unknown }).status === 'incomplete';
}

export function relayUpstreamError(
  ctx: RequestContext,
  exchange: Pick<Exchange, 'sameProtocol'>,
  provider: string,
  status: number,
  body: Buffer,
  retryAfter: string | string[] | undefined,
  location?: string | string[] | undefined,
): void {
  const detail = upstreamErrorMessage(body);
  const readable = readableRetryAfter(retryAfter);
  const retryHeaders = readable ? { 'retry-after': readable } : {};
  if (status < 400) {
    // Never passed on: the client would follow it (with its key) to an address isartor does not know.
    const where = typeof location === 'string' && location !== '' ? ` to ${location.slice(0, 200)}` : '';
    sendError(
      ctx,
      502,
      `The upstream provider (${provider}) redirected the request${where} (HTTP ${status}); isartor does not follow redirects, which would send the provider key elsewhere. If the provider moved, set its new base URL with \`isartor set-key -p ${provider} --base-url <url>\`.`,
      'upstream_redirect',
    );
  } else if (status === 401 || status === 403) {
    // Never echo the key, masked or not: the fix is the same either way.
    sendError(
      ctx,
      401,
      `The upstream provider (${provider}) rejected the configured API key (HTTP ${status}). Store a valid key with \`isartor set-key -p ${provider}\`, then run \`isartor check\`.`,
      'upstream_unauthorized',
    );
  } else if (status >= 500) {
    // The provider's retry-after (503, 529 overloaded) is the client's best hint when to ask again; an
    // Anthropic caller keeps the 529 (overloadedStatus).
    sendError(ctx, overloadedStatus(ctx, status === 529) ?? 502, `The upstream provider (${provider}) failed with HTTP ${status}${detail ? `: ${detail}` : ''}.`, 'upstream_server_error', retryHeaders);
  } else {
    // 400, 404, 422, 429...: the provider's own words are the most useful thing to pass on.
    if (exchange.sameProtocol && detail !== undefined && isJsonError(ctx.protocol, body)) sendJson(ctx, status, body.toString('utf8'), retryHeaders);
    else sendError(ctx, status, `The upstream provider (${provider}) answered HTTP ${status}${detail ? `: ${detail}` : ''}.`, `upstream_${status}`, retryHeaders);
  }
}

/** The provider's own words: its JSON error message, else the start of whatever text it sent. */
function upstreamErrorMessage(body: Buffer): string | undefined {
  const text = body.toString('utf8').trim();
  if (!text) return undefined;
  return providerErrorMessage(text, 500) ?? text.slice(0, 200);
}

/**
 * An error body in the caller's own shape, which can pass on as it came: both OpenAI's and Anthropic's
 * keep the message at `error.message`, and Anthropic's says `"type": "error"` (a provider behind an
 * Anthropic-compatible URL may answer in OpenAI's shape, which an Anthropic SDK does not read as an error).
 */
function isJsonError(protocol: RequestContext['protocol'], body: Buffer): boolean {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { type?: unknown; error?: { message?: unknown } } | null;
    return typeof parsed?.error?.message === 'string' && (protocol !== 'anthropic' || parsed.type === 'error');
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
