import { createHash, type Hash } from 'node:crypto';
import { forwardedRequestParts } from '../forwarded-request-parts.js';
import { fingerprintJson, textDigest } from '../text-digest.js';
import { FrozenPartMemo } from '../../json/frozen.js';
import { maskVolatileSpans } from '../volatile-spans.js';
import type { CacheableRequest } from '../cacheable-request.js';

/** A question and the context it was asked in: everything but the question itself must match for L1b. */
export interface LocatedQuestion {
  /** The question: the last text of the last real user turn, without OpenClaw's timestamp. */
  question: string;
  /** Hash of everything else that shapes the answer, but the turn's timestamp. */
  context: string;
  /** OpenClaw's per-turn timestamp on the question, when it has one. */
  stamp?: { day: string; minute: string };
}

export type StampResolution = 'day' | 'minute';

/** OpenClaw moves this block to the end of every request; it is context, never the question. */
const internalContextMarker = '<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>';

/**
 * OpenClaw stamps each user message with the minute it was sent (`[Sat 2026-11-21 19:08 UTC] hello`).
 * Kept to the minute, no question would ever repeat; dropped, a question whose answer depends on the
 * time could be answered with another hour's answer. So the question's own stamp enters the scope at
 * the resolution the question needs (`scopeOf`): the minute for a question about the time of day, the
 * day otherwise. Earlier user turns keep the day of theirs: the answers that follow them are in the
 * scope too, so a turn whose answer depended on the minute pins the scope by that answer.
 */
const openClawRuntimeLine = /\n\nRuntime: agent=[^\n]*$/;
const openClawTimestamp = /^\[(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ((\d{4}-\d{2}-\d{2}) \d{2}:\d{2})(?: [A-Za-z+\-0-9:]+)?\] ?/;

interface LooseMessage {
  role?: unknown;
  content?: unknown;
  [field: string]: unknown;
}

/**
 * Fields that never change an answer: what delivery was asked for (messages and system are hashed apart).
 * The model asked for is not one of them even when the route sends every name to one upstream model: the
 * answer carries the name it was asked by.
 */
const deliveryFields = new Set(['stream', 'stream_options', 'messages', 'system']);

/**
 * Messages a client puts after the question: OpenClaw's internal context (a user message), Claude Code's
 * environment block (a `system` message after the prompt). They are context: they enter the scope.
 */
function isTrailingContext(message: LooseMessage | undefined): boolean {
  if (!message) return false;
  if (message.role === 'system' || message.role === 'developer') return true;
  return message.role === 'user' && (lastText(message.content)?.text ?? '').startsWith(internalContextMarker);
}

/**
 * Finds the question a request asks and hashes its context: caller, protocol, provider, base URL and
 * model; the forwarded headers and query; every answer-shaping field (tools, tool_choice, sampling,
 * metadata...); the system prompt; every other message, and the question's own message but its last
 * text; and `protocolContext`, what the caller's protocol says beyond the chat body read here (a Responses
 * request read through its chat view: responses-context.ts). Volatile spans are masked where their client
 * puts them (volatile-spans.ts). undefined when the
 * request is not a plain question: the last real user turn must be text only, followed by nothing but
 * trailing context.
 */
export function locateQuestion(chat: CacheableRequest, callerId: string, protocolContext?: () => string): LocatedQuestion | undefined {
  const body = maskVolatileSpans(chat.body) ?? chat.body;
  const found = findQuestion(body);
  if (!found) return undefined;
  const { messages, index, last, stampMatch, runtime, question } = found;

  const hash = createHash('sha256');
  hash.update(JSON.stringify(['isartor-l1b/v2', callerId, chat.protocol, chat.target.providerId, chat.target.baseUrl, chat.upstreamModel, forwardedRequestParts(chat)]));
  // Read only for a request that asks a question: most agent turns end in a tool result and never get here.
  if (protocolContext !== undefined) update(hash, `protocol=${protocolContext()}`);
  for (const [field, value] of Object.entries(body)) {
    if (!deliveryFields.has(field)) update(hash, `${field}=${fingerprintJson(value)}`);
  }
  // Large texts enter by digest (remembered across requests), not by their 50 KB of characters.
  update(hash, `system=${typeof body.system === 'string' ? textDigest(body.system) : fingerprintJson(body.system ?? null)}`);
  messages.forEach((message, position) => {
    if (position !== index) {
      update(hash, fingerprintJson(message.role === 'user' ? stampedOnDay(message) : message));
      return;
    }
    // The question's message without the question: its other blocks (Claude Code's reminders) and fields.
    const content = Array.isArray(message.content)
      ? message.content.map((block, i) => (i === last.at ? { ...{}, ...(block as object), text: '' } : block))
      : '';
    update(hash, `asked:${fingerprintJson({ ...{}, ...message, content })}${runtime}`);
  });
  return { question, context: hash.digest('hex'), ...(stampMatch ? { stamp: { day: stampMatch[2]!, minute: stampMatch[1]! } } : {}) };
}

/**
 * The question a chat body asks, without hashing anything: the last text of the last real user turn,
 * followed by nothing but trailing context, without OpenClaw's timestamp and Runtime line.
 */
function findQuestion(body: Record<string, unknown>) {
  const messages = Array.isArray(body.messages) ? (body.messages as LooseMessage[]) : [];
  let index = messages.length - 1;
  while (index > 0 && isTrailingContext(messages[index])) index -= 1;
  const asked = messages[index];
  if (!asked || asked.role !== 'user') return undefined;
  const last = lastText(asked.content);
  if (!last) return undefined;
  const stampMatch = openClawTimestamp.exec(last.text);
  // OpenClaw's Runtime line (session ids masked by now) follows its first question: context, not question.
  const runtime = openClawRuntimeLine.exec(last.text)?.[0] ?? '';
  const question = last.text.slice(stampMatch ? stampMatch[0].length : 0, last.text.length - runtime.length).trim();
  return question ? { messages, index, last, stampMatch, runtime, question } : undefined;
}

/** The question a request asks (as locateQuestion finds it), for a reader that needs no scope: L1a's time check. */
export function questionOf(body: Record<string, unknown>): string | undefined {
  return findQuestion(body)?.question;
}

/** What a user may attach to a question beside its text: it changes the answer, never whether it depends on the time. */
const mediaParts = new Set(['image', 'image_url', 'input_image', 'input_audio', 'document', 'file', 'input_file']);

/**
 * The text of the last real user turn when it is the user's own words but not a plain question (an image or
 * a file beside the text): what L1a's time check reads there. undefined for a turn holding anything else (a
 * tool result is the tool's output, and the answer to it is the same whenever it is asked).
 */
export function askedText(body: Record<string, unknown>): string | undefined {
  const messages = Array.isArray(body.messages) ? (body.messages as LooseMessage[]) : [];
  let index = messages.length - 1;
  while (index > 0 && isTrailingContext(messages[index])) index -= 1;
  const asked = messages[index];
  if (!asked || asked.role !== 'user' || !Array.isArray(asked.content)) return undefined;
  const texts: string[] = [];
  for (const part of asked.content as Array<{ type?: unknown; text?: unknown }>) {
    // OpenClaw's stamp and Runtime line are the client's, not the user's ("19:08" asks nothing).
    if (part?.type === 'text' && typeof part.text === 'string') texts.push(part.text.replace(openClawTimestamp, '').replace(openClawRuntimeLine, ''));
    else if (typeof part?.type !== 'string' || !mediaParts.has(part.type)) return undefined;
  }
  return texts.length > 0 ? texts.join('\n') : undefined;
}

/** Earlier user messages recur in every later request: a shared one's day-stamped copy is made once (and frozen, so its fingerprint is remembered too). */
const dayStamped = new FrozenPartMemo<LooseMessage>();

function stampedOnDay(message: LooseMessage): LooseMessage {
  return dayStamped.getShared(message, () => stampedOnDayCopy(message));
}

/** A user message with the OpenClaw stamp of its (last) text cut to the day. */
function stampedOnDayCopy(message: LooseMessage): LooseMessage {
  const last = lastText(message.content);
  const stamp = last && openClawTimestamp.exec(last.text);
  if (!last || !stamp) return message;
  const text = `[${stamp[2]}] ${last.text.slice(stamp[0].length)}`;
  if (last.at === -1) return { ...{}, ...message, content: text };
  return { ...{}, ...message, content: (message.content as object[]).map((block, i) => (i === last.at ? { ...{}, ...block, text } : block)) };
}

/** The scope a question is kept and looked up in: its context and, when stamped, the stamp at `resolution`. */
export function scopeOf(located: LocatedQuestion, resolution: StampResolution): string {
  if (!located.stamp) return located.context;
  return `${located.context}@${resolution === 'minute' ? located.stamp.minute : located.stamp.day}`;
}

/**
 * The last text of string content or of text blocks; undefined when anything but text is there (an
 * image, a tool result: not a plain question). Earlier text blocks stay context.
 */
function lastText(content: unknown): { text: string; at: number } | undefined {
  if (typeof content === 'string') return { text: content, at: -1 };
  if (!Array.isArray(content) || content.length === 0) return undefined;
  for (const part of content as Array<{ type?: unknown; text?: unknown }>) {
    if (part?.type !== 'text' || typeof part.text !== 'string') return undefined;
  }
  const at = content.length - 1;
  return { text: (content[at] as { text: string }).text, at };
}

/** Length-prefixed, so two different sequences of parts can never hash alike. */
function update(hash: Hash, part: string): void {
  hash.update(`${part.length}:`).update(part);
}
