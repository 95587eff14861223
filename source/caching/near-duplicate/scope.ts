import { createHash, type Hash } from 'node:crypto';
import { fingerprintJson, textDigest } from '../text-digest.js';
import type { CacheableRequest } from '../cacheable-request.js';

/** A question and the context it was asked in: everything but the question itself must match for L1b. */
export interface QuestionInScope {
  /** The last user question, with OpenClaw's volatile wrapping (timestamp, Runtime line) removed. */
  question: string;
  /** Hash of everything else that shapes the answer. */
  scope: string;
}

/** OpenClaw moves this block to the end of every request; it is context, never the question. */
const internalContextMarker = '<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>';

/**
 * Volatile spans. OpenClaw stamps each user message with the minute it was sent
 * (`[Sat 2026-11-21 19:08 UTC] hello`) and puts a `Runtime: ... sessionId=<uuid>` line in the first one.
 * Kept as they are, no question would ever repeat across sessions or minutes. Dropped entirely, a
 * question whose answer depends on them could be answered with another day's answer. So:
 * - the timestamp keeps its day and loses its time, matching the day-resolution `Current date:` that
 *   OpenClaw's system prompt already carries (a new day is a new scope);
 * - session ids are masked: the session a question is asked in does not change its answer;
 * - questions that ask about the time itself ("today", "now", "current"...) are never served from L1b
 *   at all (`timeSensitive` in question analysis), since the day alone cannot answer them.
 * Only these known markers are touched; a UUID anywhere else (a tool result, a question) stays.
 */
const openClawTimestamp = /^\[(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\d{4}-\d{2}-\d{2}) \d{2}:\d{2}(?: [A-Za-z+\-0-9:]+)?\] ?/;
const runtimeLine = /\n\nRuntime: [^\n]*$/;
const sessionIds = /\b(sessionId=|session=agent:[^|\s]*?:)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

export function stabiliseVolatileSpans(text: string): string {
  return text.replace(openClawTimestamp, '[$1] ').replace(sessionIds, '$1*');
}

interface LooseMessage {
  role?: unknown;
  content?: unknown;
  [field: string]: unknown;
}

/** Fields that never change an answer: who asked for what delivery. */
const deliveryFields = new Set(['model', 'stream', 'stream_options', 'messages', 'system']);

/**
 * Finds the question a request asks and hashes its scope: caller, protocol, provider, base URL and
 * model; every answer-shaping field (tools, tool_choice, sampling, max tokens...); the system prompt;
 * every other message. undefined when the request is not a plain question: the last real user turn
 * must be text only and nothing but OpenClaw's internal context may follow it (no tool results).
 */
export function locateQuestion(chat: CacheableRequest, callerId: string): QuestionInScope | undefined {
  const messages = Array.isArray(chat.body.messages) ? (chat.body.messages as LooseMessage[]) : [];
  let index = messages.length - 1;
  while (index >= 0 && isInternalContext(messages[index])) index -= 1;
  const asked = messages[index];
  if (!asked || asked.role !== 'user') return undefined;
  const text = plainText(asked.content);
  if (text === undefined) return undefined;
  const runtime = runtimeLine.exec(text)?.[0] ?? '';
  const askedOnDay = openClawTimestamp.exec(text)?.[1] ?? '';
  const question = text.slice(0, text.length - runtime.length).replace(openClawTimestamp, '').trim();
  if (!question) return undefined;

  const hash = createHash('sha256');
  hash.update(JSON.stringify(['isartor-l1b/v1', callerId, chat.protocol, chat.target.providerId, chat.target.baseUrl, chat.upstreamModel]));
  for (const [field, value] of Object.entries(chat.body)) {
    if (!deliveryFields.has(field)) update(hash, `${field}=${fingerprintJson(value)}`);
  }
  // Large texts enter by digest (remembered across requests), not by their 50 KB of characters.
  update(hash, `system=${textDigest(stabiliseVolatileSpans(plainText(chat.body.system) ?? JSON.stringify(chat.body.system ?? null)))}`);
  messages.forEach((message, position) => {
    if (position === index) {
      // The question's own wrapping stays in the scope, stabilised: the day it was asked and its Runtime line.
      update(hash, `asked:${JSON.stringify({ ...message, content: `${askedOnDay}${stabiliseVolatileSpans(runtime)}` })}`);
      return;
    }
    const content = plainText(message.content);
    update(hash, fingerprintJson({ ...message, content: content === undefined ? message.content : stabiliseVolatileSpans(content) }));
  });
  return { question, scope: hash.digest('hex') };
}

function isInternalContext(message: LooseMessage | undefined): boolean {
  return message?.role === 'user' && (plainText(message.content) ?? '').startsWith(internalContextMarker);
}

/** The text of string content or of text-only parts/blocks; undefined when anything but text is there. */
function plainText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const texts: string[] = [];
  for (const part of content as Array<{ type?: unknown; text?: unknown }>) {
    if (part?.type !== 'text' || typeof part.text !== 'string') return undefined;
    texts.push(part.text);
  }
  return texts.join('\n');
}

/** Length-prefixed, so two different sequences of parts can never hash alike. */
function update(hash: Hash, part: string): void {
  hash.update(`${part.length}:`).update(part);
}
