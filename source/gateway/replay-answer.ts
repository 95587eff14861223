import type { RequestContext } from './context.js';
import type { AnthropicMessage } from '../protocols/anthropic.js';
import { encodeAnthropicMessageAsSse } from '../protocols/anthropic-stream.js';
import type { ChatCompletion } from '../protocols/openai.js';
import { encodeCompletionAsSse } from '../protocols/openai-stream.js';
import type { ResponseObject } from '../protocols/responses.js';
import { encodeResponseAsSse } from '../protocols/responses-stream.js';
import { isartorHeaders, sendJson } from './respond.js';

/**
 * Recently replayed answers, parsed and encoded: an agent that repeats a request gets the same stored
 * text each time, and a hit should cost a lookup and a write, not a parse and an SSE encoding.
 * Keyed by the stored JSON text itself (V8 hashes a string once), so a changed answer is a new entry.
 * An encoding of null remembers that the answer cannot be rebuilt faithfully in that stream form.
 */
const replayed = new Map<string, { answer: object; sse: Map<string, Buffer | null> }>();
const maxReplayed = 256;

function prepared(json: string): { answer: object; sse: Map<string, Buffer | null> } {
  let entry = replayed.get(json);
  if (entry) return entry;
  // Frozen: the object is shared by every replay of this text, and readers (stats) must not change it.
  entry = { answer: Object.freeze(JSON.parse(json) as object), sse: new Map() };
  replayed.set(json, entry);
  if (replayed.size > maxReplayed) replayed.delete(replayed.keys().next().value!);
  return entry;
}

/**
 * Sends a stored answer (JSON text in the caller's protocol) as the caller's stream mode expects it.
 * false, with nothing sent, when the answer cannot be rebuilt faithfully in that form (a field a stream
 * cannot carry, usage asked for but not stored): the caller then gets a fresh answer instead.
 */
export function replayAnswer(ctx: RequestContext, json: string): boolean {
  const chat = ctx.chat;
  const entry = prepared(json);
  const answer = entry.answer;
  if (!chat?.stream) {
    ctx.replayedAnswer = answer;
    sendJson(ctx, 200, json);
    return true;
  }
  const mode = `${chat.protocol}:${chat.includeUsage}`;
  let body = entry.sse.get(mode);
  if (body === undefined) {
    const text = encodedAsStream(chat, answer);
    body = text === undefined ? null : Buffer.from(text);
    entry.sse.set(mode, body);
  }
  if (body === null) return false;
  ctx.replayedAnswer = answer;
  sendSse(ctx, body);
  return true;
}

/** A whole answer as the SSE text of the caller's stream; undefined when a stream cannot carry it faithfully. */
function encodedAsStream(chat: { protocol: RequestContext['protocol']; includeUsage: boolean }, answer: object): string | undefined {
  return chat.protocol === 'anthropic'
    ? encodeAnthropicMessageAsSse(answer as AnthropicMessage)
    : chat.protocol === 'responses'
      ? encodeResponseAsSse(answer as ResponseObject)
      : encodeCompletionAsSse(answer as ChatCompletion, { includeUsage: chat.includeUsage });
}

/**
 * A provider that ignored `stream: true` and sent a whole answer: the client still gets the stream it
 * asked for (an SDK reading a stream finds no events in a JSON body). false, with nothing sent, when the
 * answer cannot be streamed faithfully.
 */
export function sendWholeAnswerAsStream(ctx: RequestContext, answer: object): boolean {
  if (!ctx.chat) return false;
  const text = encodedAsStream(ctx.chat, answer);
  if (text === undefined) return false;
  sendSse(ctx, Buffer.from(text));
  return true;
}

function sendSse(ctx: RequestContext, body: Buffer): void {
  ctx.res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'content-length': body.length,
    ...isartorHeaders(ctx),
  });
  ctx.res.end(body);
}
