/**
 * Chat answers in shapes older or other than chat completions, read before a translator takes them, so
 * that a translated caller never gets an empty success where the provider said something:
 * - The legacy `function_call` (OpenAI's function calling before `tool_calls`, still sent by some
 *   OpenAI-compatible servers and by models asked with `functions`): one call, which is what a tool call
 *   is; it becomes `tool_calls[0]` (finish reason `function_call` becomes `tool_calls`). A caller in chat
 *   gets the provider's answer as it came, since it asked in that shape.
 * - A legacy completions answer (`choices[].text`, `delta.text`: a base URL pointing at /v1/completions or
 *   a server that speaks only that) holds the answer where a chat answer has none: it cannot be read as
 *   one, and the translators fail with what to fix.
 * - finish_reason `error` (OpenRouter and others when the model failed mid-answer): not an answer's end.
 */
import { isRecord } from '../json/is-record.js';
import type { ChatCompletion } from './openai.js';

type Json = Record<string, unknown>;

/** A legacy call that can be run: a name, and arguments as text (or none yet). */
function isLegacyCall(call: unknown): call is { name: string; arguments?: string | null } {
  return isRecord(call) && typeof call.name === 'string' && call.name !== '' && (call.arguments === undefined || call.arguments === null || typeof call.arguments === 'string');
}

/** The id a legacy call gets as a tool call: from the answer's id, so that a replay says the same. */
const legacyCallId = (answerId: unknown): string => `call_${typeof answerId === 'string' && answerId !== '' ? answerId.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 40) : 'legacy'}`;

/**
 * A whole completion with each choice's legacy `function_call` as its one tool call; the same object when
 * there is none. undefined when a choice has a `function_call` that is not a call (no name, arguments
 * that are not text) and no tool calls: that answer cannot be translated without losing it.
 */
export function withToolCallsForFunctionCall(completion: ChatCompletion): ChatCompletion | undefined {
  if (!completion.choices.some((choice) => isRecord(choice.message) && choice.message.function_call != null)) return completion;
  const choices = [];
  for (const choice of completion.choices) {
    const { function_call: call, ...message } = choice.message;
    if (call == null || (Array.isArray(message.tool_calls) && message.tool_calls.length > 0)) {
      choices.push(call == null ? choice : { ...{}, ...choice, message });
      continue;
    }
    if (!isLegacyCall(call)) return undefined;
    const toolCall = { id: legacyCallId(completion.id), type: 'function' as const, function: { name: call.name, arguments: call.arguments ?? '' } };
    choices.push({ ...{}, ...choice, message: { ...{}, ...message, tool_calls: [toolCall] }, finish_reason: choice.finish_reason === 'function_call' ? 'tool_calls' : choice.finish_reason });
  }
  return { ...{}, ...completion, choices };
}

/**
 * One parsed chunk of a chat stream with a legacy `delta.function_call` turned into `delta.tool_calls`
 * (index 0; the id on the piece that carries the name), changed in place. Returns false when a chunk
 * holds a `function_call` that cannot be one (not an object, a name that is not text).
 */
export function readLegacyFunctionCallChunk(chunk: { id?: unknown; choices?: unknown }): boolean {
  if (!Array.isArray(chunk.choices)) return true;
  for (const choice of chunk.choices as unknown[]) {
    if (!isRecord(choice)) continue;
    const delta = choice.delta;
    if (choice.finish_reason === 'function_call') choice.finish_reason = 'tool_calls';
    if (!isRecord(delta) || delta.function_call == null) continue;
    const call = delta.function_call;
    delete delta.function_call;
    if (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) continue;
    if (!isRecord(call) || (call.name != null && typeof call.name !== 'string') || (call.arguments != null && typeof call.arguments !== 'string')) return false;
    const named = typeof call.name === 'string' && call.name !== '';
    const piece: Json = { arguments: typeof call.arguments === 'string' ? call.arguments : '' };
    if (named) piece.name = call.name;
    delta.tool_calls = [named ? { index: 0, id: legacyCallId(chunk.id), type: 'function', function: piece } : { index: 0, function: piece }];
  }
  return true;
}

/** A chunk's choice that holds its text where a chat answer has none (`text`, `delta.text`) and no chat content. */
export function holdsCompletionsText(choice: unknown): boolean {
  if (!isRecord(choice)) return false;
  const delta = isRecord(choice.delta) ? choice.delta : undefined;
  if (typeof delta?.content === 'string' && delta.content !== '') return false;
  return (typeof choice.text === 'string' && choice.text !== '') || (typeof delta?.text === 'string' && delta.text !== '');
}

export const completionsTextMessage =
  'The provider answered in the legacy completions format (its text in choices[].text), not as a chat completion: point the provider\'s base URL at its chat completions API (…/v1), not …/v1/completions.';

/** A finish reason that says the answer failed, not that it ended (OpenRouter's "error"). */
export const isFailedFinish = (reason: unknown): boolean => reason === 'error';

export const failedFinishMessage = 'The provider ended its answer with finish_reason "error": the model failed before the answer was complete.';

/** Why a chat choice (whole or a stream's) is no chat answer's: text where chat has none, or a failed finish; undefined when neither. */
export function chatChoiceProblem(choice: unknown): string | undefined {
  if (holdsCompletionsText(choice)) return completionsTextMessage;
  if (isRecord(choice) && isFailedFinish(choice.finish_reason)) return failedFinishMessage;
  return undefined;
}

/**
 * Why the first bytes of a chat stream (SSE text, before any of it reached the client) are no chat
 * answer: text where chat has none, or a finish that says the model failed; undefined when neither. A
 * passed-through stream is then replaced by a fallback like one that opens with its error. Cheap on the
 * usual first bytes: two native searches, no parsing.
 */
export function chatStreamStartProblem(sse: string | Buffer): string | undefined {
  if (sse.indexOf('"text"') === -1 && sse.indexOf('"error"') === -1) return undefined;
  const text = typeof sse === 'string' ? sse : sse.toString('utf8');
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (!line.startsWith('data:')) continue;
    let chunk: unknown;
    try {
      chunk = JSON.parse(line.slice(5));
    } catch {
      continue;
    }
    const choices = isRecord(chunk) && Array.isArray(chunk.choices) ? chunk.choices : [];
    for (const choice of choices) {
      const problem = chatChoiceProblem(choice);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}
