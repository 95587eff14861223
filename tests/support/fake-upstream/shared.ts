// Helpers shared by the protocol handlers: text/token utilities, error bodies, and the
// per-request context that writes JSON and SSE responses.
import { randomBytes } from 'node:crypto';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { FakeMode, FakeUpstreamOptions, RecordedRequest } from './types.js';

// ---------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------

export type Protocol = 'openai' | 'anthropic';
export type Answer =
  | { kind: 'text'; text: string; truncated: boolean }
  | { kind: 'tool'; name: string; args: string; input: object };

export const OK: FakeMode = { kind: 'ok' };
export const now = () => Math.floor(Date.now() / 1000);
export const randomId = (prefix: string, len = 24) => prefix + randomBytes(len).toString('base64url').replace(/[-_]/g, 'x').slice(0, len);
export const approxTokens = (text: string) => Math.ceil(text.length / 4);

/** Splits into words keeping whitespace, so that `splitWords(s).join('') === s`. */
export function splitWords(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

/** Splits a string into pieces of 3-8 characters (deterministic pattern). */
export function splitPieces(text: string): string[] {
  const sizes = [3, 5, 8, 4, 7, 6];
  const out: string[] = [];
  for (let i = 0, k = 0; i < text.length; k++) {
    const size = sizes[k % sizes.length]!;
    out.push(text.slice(i, i + size));
    i += size;
  }
  return out;
}

/** Text of an OpenAI/Anthropic `content` field: a string or an array of text parts. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((p): p is { text: string } => typeof p?.text === 'string' && (p.type === 'text' || p.type === undefined))
    .map((p) => p.text)
    .join('\n');
}

export function messagesText(messages: unknown): string {
  return Array.isArray(messages) ? messages.map((m) => contentText(m?.content)).join('\n') : '';
}

/** Whether the conversation's last turn carries a tool's result (chat `tool` message, Anthropic tool_result, Responses function_call_output). */
export function endsWithToolResult(body: any): boolean {
  if (Array.isArray(body?.input)) return body.input.at(-1)?.type === 'function_call_output';
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
  // After the tool messages may come the tool results' images in a user message of their own (a translation
  // to chat), a system note (Claude Code's tokens left, translated from a system block) and OpenClaw's own
  // context as a user message of its own (OpenClaw speaking Anthropic Messages sends it apart).
  let end = messages.length;
  while (end > 0 && (messages[end - 1]?.role === 'system' || toolImages(messages[end - 1]) || (injectedContext(messages[end - 1]) && !carriesToolResult(messages[end - 1])))) end -= 1;
  const last = messages[end - 1];
  return last?.role === 'tool' || carriesToolResult(last);
}

/** An Anthropic user turn with tool_result blocks (a translation may put OpenClaw's context text in the same turn). */
function carriesToolResult(message: any): boolean {
  return Array.isArray(message?.content) && message.content.some((block: any) => block?.type === 'tool_result');
}

/**
 * How many tool results the conversation carries since the user last wrote (chat `tool` messages,
 * Anthropic user turns of tool_result blocks, Responses function_call_output and custom_tool_call_output items).
 */
export function toolResultsSinceUserText(body: any): number {
  if (Array.isArray(body?.input)) {
    let count = 0;
    for (const item of [...body.input].reverse()) {
      if (item?.type === 'function_call_output' || item?.type === 'custom_tool_call_output') count += 1;
      else if (item?.role === 'user' && !injectedContext(item)) break;
    }
    return count;
  }
  let count = 0;
  for (const message of [...(Array.isArray(body?.messages) ? body.messages : [])].reverse()) {
    if (message?.role === 'tool') count += 1;
    else if (message?.role === 'user') {
      const results = Array.isArray(message.content) ? message.content.filter((block: any) => block?.type === 'tool_result').length : 0;
      if (results > 0) count += 1;
      else if (!injectedContext(message) && !toolImages(message)) break;
    }
  }
  return count;
}

/** The user message isartor adds after chat tool messages to carry their images: part of the tool results. */
function toolImages(message: any): boolean {
  const first = Array.isArray(message?.content) ? message.content[0] : undefined;
  return message?.role === 'user' && typeof first?.text === 'string' && /^The image from the (result|output) of tool call /.test(first.text);
}

/** OpenClaw appends its own context as a user message after tool results: not the user writing. */
function injectedContext(message: any): boolean {
  return contentText(message?.content).startsWith('<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>');
}

export function lastUserText(body: any): string {
  if (typeof body?.input === 'string') return body.input;
  if (Array.isArray(body?.input)) {
    const last = [...body.input].reverse().find((item: any) => item?.role === 'user');
    return Array.isArray(last?.content) ? last.content.filter((p: any) => typeof p?.text === 'string').map((p: any) => p.text).join('\n') : contentText(last?.content);
  }
  const messages: unknown[] = Array.isArray(body?.messages) ? body.messages : [];
  // Anthropic carries tool results in user messages; the user's words are in the last one with text.
  const last = [...messages].reverse().find((m: any) => m?.role === 'user' && contentText(m?.content) !== '') as any;
  return contentText(last?.content);
}

/** Every user message's text (the Responses `input` items too), for toolLoop's `onlyWhen`. */
function allUserText(body: any): string {
  const items: any[] = Array.isArray(body?.input) ? body.input : Array.isArray(body?.messages) ? body.messages : [];
  const text = items.filter((item) => item?.role === 'user').map((item) => (Array.isArray(item.content) ? item.content.map((part: any) => (typeof part?.text === 'string' ? part.text : '')).join('\n') : contentText(item.content)));
  return typeof body?.input === 'string' ? body.input : text.join('\n');
}

export function presentedKeys(h: IncomingHttpHeaders): string[] {
  const keys: string[] = [];
  const auth = h.authorization;
  if (typeof auth === 'string' && /^bearer /i.test(auth)) keys.push(auth.slice(7).trim());
  for (const name of ['x-api-key', 'api-key']) {
    const v = h[name];
    if (typeof v === 'string') keys.push(v);
  }
  return keys;
}

// ---------------------------------------------------------------------------------------
// Error bodies
// ---------------------------------------------------------------------------------------

export function openaiError(status: number, message?: string, extra: { code?: string | null; param?: string | null } = {}) {
  const type = status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error';
  const defaults: Record<number, string> = {
    401: 'Incorrect API key provided',
    429: 'Rate limit reached for requests',
    503: 'The engine is currently overloaded, please try again later',
  };
  const code = extra.code !== undefined ? extra.code : status === 401 ? 'invalid_api_key' : status === 429 ? 'rate_limit_exceeded' : null;
  const fallback = status >= 500 ? 'The server had an error while processing your request. Sorry about that!' : `Fake upstream error ${status}`;
  return { error: { message: message ?? defaults[status] ?? fallback, type, param: extra.param ?? null, code } };
}

const ANTHROPIC_ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

export function anthropicError(status: number, message?: string) {
  const type = ANTHROPIC_ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
  const defaults: Record<number, string> = { 401: 'invalid x-api-key', 429: 'Rate limit exceeded', 529: 'Overloaded', 500: 'Internal server error' };
  return { type: 'error', error: { type, message: message ?? defaults[status] ?? `Fake upstream error ${status}` } };
}

// ---------------------------------------------------------------------------------------
// Per-request context: response writing, SSE, pauses that end early on disconnect
// ---------------------------------------------------------------------------------------

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  rec: RecordedRequest;
  mode: FakeMode;
  opts: Required<Omit<FakeUpstreamOptions, 'apiKey' | 'port' | 'maxOutputTokens' | 'maxTokensUnsupported'>>;
  closed: boolean;
  droppedByServer: boolean;
}

function requestIdHeader(protocol: Protocol): Record<string, string> {
  return protocol === 'anthropic' ? { 'request-id': randomId('req_') } : { 'x-request-id': randomId('req_') };
}

export function sendJson(ctx: Ctx, protocol: Protocol, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (ctx.closed) return;
  const data = JSON.stringify(body);
  ctx.res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(data)),
    ...requestIdHeader(protocol),
    ...headers,
  });
  ctx.res.end(data);
}

export function sendError(ctx: Ctx, protocol: Protocol, status: number, message?: string, opts: { retryAfter?: number; code?: string | null; param?: string } = {}): void {
  const headers: Record<string, string> = opts.retryAfter !== undefined ? { 'retry-after': String(opts.retryAfter) } : {};
  const body = protocol === 'anthropic' ? anthropicError(status, message) : openaiError(status, message, opts);
  sendJson(ctx, protocol, status, body, headers);
}

/** Resolves after `ms`, or as soon as the response is closed (client gone / server closing). */
export function pause(ctx: Ctx, ms: number): Promise<void> {
  if (ctx.closed || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      ctx.res.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    ctx.res.once('close', done);
  });
}

/** Writes one chunk and waits until it is flushed to the socket (or the socket is gone). */
function writeChunk(ctx: Ctx, data: string | Buffer): Promise<void> {
  if (ctx.closed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      ctx.res.off('close', done);
      resolve();
    };
    ctx.res.once('close', done);
    ctx.res.write(data, done);
  });
}

export function dropConnection(ctx: Ctx): void {
  ctx.droppedByServer = true;
  ctx.req.socket.destroy();
}

/** Streams pre-rendered SSE events one by one, honouring chunkDelayMs and 'drop' mode. */
export async function streamEvents(ctx: Ctx, protocol: Protocol, events: string[]): Promise<void> {
  if (ctx.closed) return;
  const dropAfter = ctx.mode.kind === 'drop' ? (ctx.mode.afterChunks ?? 2) : undefined;
  ctx.res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...requestIdHeader(protocol),
  });
  ctx.res.flushHeaders();
  for (let i = 0; i < events.length; i++) {
    if (dropAfter !== undefined && i >= dropAfter) break;
    if (i > 0) await pause(ctx, ctx.opts.chunkDelayMs);
    if (ctx.closed) return;
    await writeChunk(ctx, events[i]!);
  }
  if (ctx.closed) return;
  if (dropAfter !== undefined) dropConnection(ctx);
  else ctx.res.end();
}

export function makeAnswer(ctx: Ctx, maxTokens: unknown): Answer {
  const mode = ctx.mode;
  const loopGoesOn =
    mode.kind === 'toolLoop' &&
    (mode.onlyWhen === undefined || allUserText(ctx.rec.body).includes(mode.onlyWhen)) &&
    (mode.rounds === undefined ? !endsWithToolResult(ctx.rec.body) : toolResultsSinceUserText(ctx.rec.body) < mode.rounds);
  if (mode.kind === 'toolCall' || loopGoesOn) {
    return { kind: 'tool', name: mode.name, args: JSON.stringify(mode.arguments), input: mode.arguments };
  }
  const text = ctx.opts.reply(ctx.rec);
  if (maxTokens === 1) return { kind: 'text', text: splitWords(text)[0]?.trimStart() ?? '', truncated: true };
  return { kind: 'text', text, truncated: false };
}

export const answerText = (a: Answer) => (a.kind === 'text' ? a.text : a.args);
export const sse = (data: unknown) => `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
export const namedSse = (data: { type: string }) => `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;


/** Fault injection: writes the mode's bytes as they are, honouring backpressure, then ends, cuts or hangs. */
export async function sendRaw(ctx: Ctx, mode: Extract<FakeMode, { kind: 'raw' }>): Promise<void> {
  if (ctx.closed) return;
  const headers: Record<string, string> = mode.contentType === null ? {} : { 'content-type': mode.contentType ?? 'application/json' };
  if (mode.encoding) headers['content-encoding'] = mode.encoding === 'deflate-raw' ? 'deflate' : mode.encoding;
  if (mode.trailers) headers.trailer = Object.keys(mode.trailers).join(', ');
  Object.assign(headers, mode.headers);
  ctx.res.writeHead(mode.status ?? 200, headers);
  ctx.res.flushHeaders();
  const lazy = typeof mode.body === 'string' ? [mode.body] : mode.body();
  const pieces = mode.encoding ? halves(compressors[mode.encoding](Buffer.concat([...lazy].map((piece) => Buffer.from(piece))))) : lazy;
  let first = true;
  for (const piece of pieces) {
    if (!first && mode.pauseMs) await pause(ctx, mode.pauseMs);
    first = false;
    if (ctx.closed) return;
    if (mode.pauseMs) await writeChunk(ctx, piece);
    else if (!ctx.res.write(piece)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          ctx.res.off('drain', done);
          ctx.res.off('close', done);
          resolve();
        };
        ctx.res.once('drain', done);
        ctx.res.once('close', done);
      });
    }
  }
  if (ctx.closed || mode.hang) return;
  if (mode.trailers) ctx.res.addTrailers(mode.trailers);
  if (mode.cut) dropConnection(ctx);
  else ctx.res.end();
}

const compressors = { gzip: gzipSync, br: brotliCompressSync, deflate: deflateSync, 'deflate-raw': deflateRawSync };

/** A compressed body in two writes, so the receiver must decompress across chunks. */
function halves(bytes: Buffer): Buffer[] {
  const middle = Math.floor(bytes.length / 2);
  return [bytes.subarray(0, middle), bytes.subarray(middle)];
}

/** Fault injection below HTTP: the mode's bytes straight onto the socket, then a clean end or a reset. */
export function sendSocketBytes(ctx: Ctx, mode: Extract<FakeMode, { kind: 'socket' }>): void {
  ctx.droppedByServer = true;
  const socket = ctx.req.socket;
  socket.write(mode.bytes, () => (mode.end === 'close' ? socket.destroy() : socket.end()));
}
