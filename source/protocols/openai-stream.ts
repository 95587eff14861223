import { createParser, type EventSourceParser } from 'eventsource-parser';
import { conforms, openAIChunkSchema } from './provider-answer-schemas.js';
import type { ChatCompletion, CompletionChoice, ToolCall, Usage } from './openai.js';

interface ChunkToolCall {
  index?: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

interface ChunkChoice {
  index?: number;
  delta?: { role?: string; content?: string | null; refusal?: string | null; tool_calls?: ChunkToolCall[] };
  finish_reason?: string | null;
}

interface CompletionChunk {
  id?: string;
  created?: number;
  model?: string;
  system_fingerprint?: string | null;
  choices?: ChunkChoice[];
  usage?: Usage | null;
  /** Groq reports streamed usage here instead of in `usage`. */
  x_groq?: { usage?: Usage };
  error?: unknown;
}

interface ChoiceDraft {
  content: string;
  sawContent: boolean;
  refusal: string | null;
  toolCalls: Map<number, ToolCall>;
  finishReason: string | null;
}

/**
 * Rebuilds the whole answer from a chat completion SSE stream as its bytes pass through, so that a
 * streamed answer can be cached and replayed. The bytes themselves are forwarded untouched elsewhere.
 */
export class ChatCompletionStreamAccumulator {
  readonly #parser: EventSourceParser;
  readonly #decoder = new TextDecoder();
  readonly #choices = new Map<number, ChoiceDraft>();
  #meta: { id: string; created: number; model: string; systemFingerprint: string | null } | undefined;
  #usage: Usage | undefined;
  #sawDone = false;
  #broken = false;

  constructor() {
    this.#parser = createParser({ onEvent: (event) => this.#onData(event.data) });
  }

  push(bytes: Uint8Array): void {
    if (this.#broken) return;
    this.#parser.feed(this.#decoder.decode(bytes, { stream: true }));
  }

  /** The full answer, or undefined when the stream ended early, carried an error, or did not parse. */
  result(): ChatCompletion | undefined {
    if (this.#broken || !this.#sawDone || !this.#meta || this.#choices.size === 0) return undefined;
    for (const draft of this.#choices.values()) if (draft.finishReason === null) return undefined;
    return this.#build(this.#meta);
  }

  /** What the stream carried so far, finished or not: only for charging a client who left, never for the cache. */
  delivered(): ChatCompletion | undefined {
    return this.#meta ? this.#build(this.#meta) : undefined;
  }

  #build(meta: { id: string; created: number; model: string; systemFingerprint: string | null }): ChatCompletion {
    const choices: CompletionChoice[] = [];
    for (const [index, draft] of [...this.#choices].sort(([a], [b]) => a - b)) {
      const toolCalls = [...draft.toolCalls.values()];
      choices.push({
        index,
        message: {
          role: 'assistant',
          content: draft.sawContent || toolCalls.length === 0 ? draft.content : null,
          refusal: draft.refusal,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: draft.finishReason,
      });
    }
    return {
      id: meta.id,
      object: 'chat.completion',
      created: meta.created,
      model: meta.model,
      choices,
      ...(this.#usage ? { usage: this.#usage } : {}),
      system_fingerprint: meta.systemFingerprint,
    };
  }

  #onData(data: string): void {
    if (data === '[DONE]') {
      this.#sawDone = true;
      return;
    }
    let chunk: CompletionChunk;
    try {
      chunk = JSON.parse(data) as CompletionChunk;
    } catch {
      this.#broken = true;
      return;
    }
    if (!conforms(openAIChunkSchema, chunk) || chunk.error) {
      this.#broken = true;
      return;
    }
    this.#meta ??= {
      id: chunk.id ?? 'chatcmpl-isartor',
      created: chunk.created ?? Math.floor(Date.now() / 1000),
      model: chunk.model ?? '',
      systemFingerprint: chunk.system_fingerprint ?? null,
    };
    const usage = chunk.usage ?? chunk.x_groq?.usage;
    if (usage) this.#usage = usage;
    for (const choice of chunk.choices ?? []) this.#onChoice(choice);
  }

  #onChoice(choice: ChunkChoice): void {
    const index = choice.index ?? 0;
    let draft = this.#choices.get(index);
    if (!draft) {
      draft = { content: '', sawContent: false, refusal: null, toolCalls: new Map(), finishReason: null };
      this.#choices.set(index, draft);
    }
    const delta = choice.delta ?? {};
    if (typeof delta.content === 'string') {
      draft.content += delta.content;
      if (delta.content.length > 0) draft.sawContent = true;
    }
    if (typeof delta.refusal === 'string') draft.refusal = (draft.refusal ?? '') + delta.refusal;
    for (const call of delta.tool_calls ?? []) {
      const callIndex = call.index ?? 0;
      const existing = draft.toolCalls.get(callIndex);
      if (existing) {
        existing.function.name += call.function?.name ?? '';
        existing.function.arguments += call.function?.arguments ?? '';
        if (call.id) existing.id = call.id;
      } else {
        draft.toolCalls.set(callIndex, {
          id: call.id ?? '',
          type: 'function',
          function: { name: call.function?.name ?? '', arguments: call.function?.arguments ?? '' },
        });
      }
    }
    if (choice.finish_reason) draft.finishReason = choice.finish_reason;
  }
}

const replayPieceChars = 64;

/**
 * Replays a stored answer as the SSE stream a provider would have sent: a role chunk, content in
 * word-aligned pieces, tool calls, the finish chunk, a usage chunk when asked for, and `[DONE]`.
 */
export function encodeCompletionAsSse(completion: ChatCompletion, options: { includeUsage: boolean }): string {
  const head = { id: completion.id, object: 'chat.completion.chunk', created: completion.created, model: completion.model };
  const fingerprint = completion.system_fingerprint === undefined ? {} : { system_fingerprint: completion.system_fingerprint };
  const events: string[] = [];
  const emit = (choices: unknown[], extra: object = {}): void => {
    events.push(`data: ${JSON.stringify({ ...head, ...fingerprint, choices, ...extra })}\n\n`);
  };
  for (const choice of completion.choices) {
    const base = { index: choice.index, logprobs: null };
    const { content, refusal, tool_calls: toolCalls } = choice.message;
    emit([{ ...base, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
    for (const piece of splitForReplay(content ?? '')) {
      emit([{ ...base, delta: { content: piece }, finish_reason: null }]);
    }
    if (refusal) emit([{ ...base, delta: { refusal }, finish_reason: null }]);
    (toolCalls ?? []).forEach((call, index) => {
      emit([{ ...base, delta: { tool_calls: [{ index, id: call.id, type: call.type, function: call.function }] }, finish_reason: null }]);
    });
    emit([{ ...base, delta: {}, finish_reason: choice.finish_reason }]);
  }
  if (options.includeUsage && completion.usage) emit([], { usage: completion.usage });
  events.push('data: [DONE]\n\n');
  return events.join('');
}

/** Splits text into pieces of about `replayPieceChars`, breaking after whitespace where possible. */
export function splitForReplay(text: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + replayPieceChars, text.length);
    if (end < text.length) {
      const lastSpace = text.lastIndexOf(' ', end);
      if (lastSpace > start) end = lastSpace + 1;
      // Never split a surrogate pair: a lone half is not valid text for every client.
      else if (isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
    }
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
