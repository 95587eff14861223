import { EventEmitter } from 'node:events';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { PassThrough } from 'node:stream';
import type { UpstreamAgents } from './layers/upstream.js';
import { canDecode, decoderFor, encodingName } from './content-encodings.js';
import { inUtf8 } from './declared-charset.js';

export interface UpstreamRequestOptions {
  body: Buffer | string;
  headers: Record<string, string>;
  agents: UpstreamAgents;
  /**
   * Connecting (socket and TLS), the whole exchange from start to last byte, the longest silence
   * between two bytes of the answer once its headers came (omitted: none), and the longest wait for the
   * answer's headers once the request was sent (omitted: only the whole exchange's limit), in ms.
   */
  timeout: { connect: number; request: number; idle?: number; head?: number | undefined };
}

export interface UpstreamResponseHead {
  statusCode: number;
  headers: IncomingHttpHeaders;
}

/**
 * One POST to a provider on the hot path of every model request, as a small event emitter with got's
 * stream events ('response', 'data', 'end', 'error') and errors got would raise (ETIMEDOUT with the
 * phase in `event`, ECONNRESET for a cut answer), so callers and `classifyNetworkError` read it alike.
 *
 * Why not got here: measured on the captured 59 KB OpenClaw request against the fake provider, got's
 * stream API cost ~620 µs of CPU per request on the client side and node:http ~230 µs (bench/results/
 * cpu-budget.md): option normalisation, hooks and a Duplex per request, for features this path turns
 * off (retries, redirects, decompression). got stays for the cold paths (checks, model lists).
 */
export class UpstreamRequest extends EventEmitter {
  #request;
  #response: IncomingMessage | undefined;
  #timer: NodeJS.Timeout | undefined;
  #idle: NodeJS.Timeout | undefined;
  /** Waiting for the answer's headers (a stream request's: see timeout.head). */
  #head: NodeJS.Timeout | undefined;
  #body: NodeJS.ReadableStream | undefined;
  /** Reading is paused for a client that takes the answer slower than the provider sends it. */
  #paused = false;
  #done = false;

  constructor(url: string, options: UpstreamRequestOptions) {
    super();
    const target = new URL(url);
    const https = target.protocol === 'https:';
    const body = typeof options.body === 'string' ? Buffer.from(options.body) : options.body;
    this.#timer = setTimeout(() => this.#fail(timeoutError('request', options.timeout.request)), options.timeout.request);
    this.#timer.unref();
    this.#request = this.#send(target, body, options, https ? options.agents.https : options.agents.http);
  }

  #send(target: URL, body: Buffer, options: UpstreamRequestOptions, agent: UpstreamAgents['http'] | UpstreamAgents['https'] | false): ReturnType<typeof httpRequest> {
    const https = target.protocol === 'https:';
    const request = (https ? httpsRequest : httpRequest)({
      protocol: target.protocol,
      hostname: target.hostname.startsWith('[') ? target.hostname.slice(1, -1) : target.hostname,
      port: target.port || undefined,
      path: `${target.pathname}${target.search}`,
      method: 'POST',
      headers: { ...{}, ...options.headers, 'content-length': String(body.length) },
      agent,
    });
    /** What the socket had read before this request: more on a failure means part of an answer came. */
    let readBefore = 0;
    request.on('socket', (socket) => {
      readBefore = socket.bytesRead;
      // A reused keep-alive socket is already connected; a new one gets the connect limit.
      if (!socket.connecting) return;
      const connectTimer = setTimeout(() => this.#fail(timeoutError('connect', options.timeout.connect)), options.timeout.connect);
      connectTimer.unref();
      socket.once(https ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
      socket.once('close', () => clearTimeout(connectTimer));
    });
    request.on('error', (error: Error & { code?: string }) => {
      // A kept-alive connection the provider closed as this request went out on it (its idle timeout, a
      // load balancer recycling connections): nothing of the answer came, the request never reached the
      // model. Sent once more on a connection of its own, as Node's docs advise, when not one byte came
      // back on it; any other failure (part of a status line, a fresh connection) is final.
      const nothingCame = request.socket !== null && request.socket.bytesRead === readBefore;
      if (agent !== false && request.reusedSocket && nothingCame && !this.#response && !this.#done && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) {
        this.#request = this.#send(target, body, options, false);
        return;
      }
      this.#fail(error);
    });
    // A 101 Switching Protocols to a plain POST (an HTTP/1.1 proxy or server confused about the
    // protocol): Node hands the socket to an 'upgrade' listener, or without one just closes the request,
    // with neither a response nor an error, which would leave the client waiting for the whole timeout.
    request.on('upgrade', (response: IncomingMessage, socket: { destroy(): void }) => {
      socket.destroy();
      this.#fail(Object.assign(new Error(`The provider answered HTTP ${response.statusCode} (switching protocols) instead of an answer.`), { code: 'EPROTO' }));
    });
    request.on('close', () => {
      // (A request replaced by its retry on a fresh connection closes too: only the current one counts.)
      if (this.#request === request && !this.#response && !this.#done) this.#fail(Object.assign(new Error('The provider closed the connection without answering.'), { code: 'ECONNRESET' }));
    });
    request.on('response', (response) => {
      clearTimeout(this.#head);
      this.#response = response;
      const body = inUtf8(decompressed(response, (error) => this.#fail(error)), response.headers['content-type']);
      this.#body = body;
      // A provider that stalls mid-answer is given up on after this silence, not after the whole request's
      // limit: before the client got a byte a fallback can still answer. Any byte counts (SSE pings too),
      // and a pause for a slow client does not.
      const idleMs = options.timeout.idle;
      if (idleMs !== undefined) {
        this.#idle = setTimeout(() => {
          if (!this.#paused) this.#fail(timeoutError('idle', idleMs));
        }, idleMs);
        this.#idle.unref();
      }
      body.on('data', (chunk: Buffer) => {
        this.#idle?.refresh();
        if (!this.#done) this.emit('data', chunk);
      });
      body.on('end', () => {
        if (this.#done) return;
        this.#done = true;
        clearTimeout(this.#timer);
        clearTimeout(this.#idle);
        this.emit('end');
      });
      response.on('error', (error) => this.#fail(error));
      response.on('close', () => {
        if (!this.#done && !response.complete) this.#fail(Object.assign(new Error('The provider closed the connection before the answer was complete.'), { code: 'ECONNRESET' }));
      });
      this.emit('response', { statusCode: response.statusCode ?? 502, headers: response.headers } satisfies UpstreamResponseHead);
    });
    request.end(body, () => this.#awaitHead(request, options.timeout.head));
    return request;
  }

  /**
   * Once the request is sent, its answer's headers must come within `limitMs`. A streaming provider sends
   * them at once and the answer after (reasoning included), so a silence before them is a provider that is
   * not answering: the attempt ends there (a fallback may answer) instead of at the whole exchange's limit.
   */
  #awaitHead(request: ReturnType<typeof httpRequest>, limitMs: number | undefined): void {
    if (limitMs === undefined || this.#request !== request || this.#response || this.#done) return;
    clearTimeout(this.#head);
    const expired = (): boolean => this.#request === request && !this.#response && !this.#done;
    this.#head = setTimeout(() => {
      // A loop kept busy past the limit (a loaded machine) runs its due timers before it reads the sockets:
      // headers that came meanwhile would lose to this timer. Two more turns of the loop read them first
      // (the second for a provider in this same process, which reads the request in the first).
      if (expired()) setImmediate(() => setImmediate(() => expired() && this.#fail(timeoutError('head', limitMs))));
    }, limitMs);
    this.#head.unref();
  }

  /** The exchange is over: answered, failed, or stopped (nothing more of it may reach the client). */
  get finished(): boolean {
    return this.#done;
  }

  /** Stops reading the answer until `resume`: the client's socket is full, so the provider waits too (TCP). */
  pause(): void {
    this.#paused = true;
    this.#body?.pause();
  }

  resume(): void {
    this.#paused = false;
    this.#idle?.refresh();
    this.#body?.resume();
  }

  /** Stops the exchange (the client left, or the answer was refused); no more events follow. */
  destroy(): void {
    this.#done = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#idle);
    clearTimeout(this.#head);
    this.#response?.destroy();
    this.#request.destroy();
  }

  #fail(error: Error): void {
    if (this.#done) return;
    this.#done = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#idle);
    clearTimeout(this.#head);
    this.#response?.destroy();
    this.#request.destroy();
    this.emit('error', error);
  }
}

/**
 * Whether an answer is an SSE stream: its content-type says so, or the client asked for a stream and the
 * provider named no type or a plain-text one (some proxies and small servers do): an answer to a stream
 * request that is not JSON can only be read as a stream (one that is not is refused there, as empty).
 */
export function answersAsStream(contentType: string | string[] | undefined, askedForStream: boolean): boolean {
  const type = String(contentType ?? '').toLowerCase();
  if (type.includes('text/event-stream')) return true;
  return askedForStream && (type === '' || type.startsWith('text/plain') || type.startsWith('application/octet-stream'));
}

function timeoutError(event: 'connect' | 'request' | 'idle' | 'head', ms: number): Error {
  return Object.assign(new Error(`Timeout awaiting '${event}' for ${ms}ms`), { code: 'ETIMEDOUT', event, limitMs: ms });
}

/**
 * The answer's bytes as the provider meant them. isartor asks for no compression, but a provider or a
 * proxy in front of it may compress anyway (`content-encoding: gzip`): passed on as it came, that would
 * reach the client as garbage under isartor's own headers, and no cache or translator could read it.
 * The decoder is chosen with the first bytes at hand (content-encodings.ts: `deflate` may be raw).
 */
function decompressed(response: IncomingMessage, fail: (error: Error) => void): NodeJS.ReadableStream {
  const encoding = encodingName(response.headers['content-encoding']);
  if (!canDecode(encoding)) return response;
  const failed = (error: Error & { code?: string }): void =>
    fail(Object.assign(new Error(`The provider sent a ${encoding}-compressed answer that could not be decompressed (${error.code ?? error.message}).`), { code: 'EBADCOMPRESSION' }));
  const out = new PassThrough();
  let started = false;
  response.once('data', (first: Buffer) => {
    started = true;
    const decoder = decoderFor(encoding, first)!;
    decoder.on('error', failed);
    decoder.pipe(out);
    decoder.write(first);
    response.pipe(decoder);
  });
  // An empty body never gave a first chunk.
  response.once('end', () => {
    if (!started) out.end();
  });
  return out;
}

