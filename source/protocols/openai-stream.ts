import type { EventSourceParser } from 'eventsource-parser';
import { createSseParser } from './sse-parser.js';
import { isEmptyField, markLossy } from './answer-fidelity.js';
import { isOpenAIChunk } from './provider-answer-schemas.js';
import type { ChatCompletion, CompletionChoice, ToolCall, Usage } from './openai.js';
import { splitForReplay } from './replay-pieces.js';

export { splitForReplay } from './replay-pieces.js';

interface ChunkToolCall {
  index?: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

interface ChunkLogprobs {
  content?: unknown[] | null;
  refusal?: unknown[] | null;
}

interface ChunkChoice {
  index?: number;
  delta?: {
    role?: string;
    content?: string | null;
    refusal?: string | null;
    tool_calls?: ChunkToolCall[];
    reasoning_content?: string | null;
    reasoning?: string | null;
    [field: string]: unknown;
  };
  logprobs?: ChunkLogprobs | null;
  finish_reason?: string | null;
  [field: string]: unknown;
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
  [field: string]: unknown;
}

interface ChoiceDraft {
  content: string;
  sawContent: boolean;
  refusal: string | null;
  /** DeepSeek's and vLLM's `reasoning_content`, OpenRouter's and Groq's `reasoning`: kept as sent. */
  reasoning: Map<'reasoning_content' | 'reasoning', string>;
  logprobs: { content: unknown[] | null; refusal: unknown[] | null } | null;
  /** The call each index stands for now (a later call may take over an index: see #onChoice). */
  toolCalls: Map<number, ToolCall>;
  /** Every call, in the order they began. */
  calls: ToolCall[];
  finishReason: string | null;
  /** Choice fields a provider adds (vLLM's `stop_reason`, OpenRouter's `native_finish_reason`): the last value wins. */
  extras: Record<string, unknown>;
}

/** Delta fields the accumulator rebuilds; any other non-empty one makes the answer lossy. */
const knownDeltaFields = new Set(['role', 'content', 'refusal', 'tool_calls', 'reasoning_content', 'reasoning']);
const knownChoiceFields = new Set(['index', 'delta', 'logprobs', 'finish_reason']);
/** Chunk fields that describe the stream, not the answer (`obfuscation` is OpenAI's stream padding). */
const streamOnlyChunkFields = new Set(['id', 'object', 'created', 'model', 'system_fingerprint', 'choices', 'usage', 'x_groq', 'error', 'obfuscation']);

/**
 * Rebuilds the whole answer from a chat completion SSE stream as its bytes pass through, so that a
 * streamed answer can be cached and replayed. The bytes themselves are forwarded untouched elsewhere.
 * Everything a replay must give back is kept: logprobs, reasoning, tool calls, usage, fingerprint,
 * service tier. A delta field it does not know marks the answer lossy (see answer-fidelity.ts).
 */
export class ChatCompletionStreamAccumulator {
  readonly #parser: EventSourceParser;
  readonly #decoder = new TextDecoder();
  readonly #choices = new Map<number, ChoiceDraft>();
  #meta: { id: string; created: number; model: string; systemFingerprint: string | null } | undefined;
  readonly #extras: Record<string, unknown> = {};
  #usage: Usage | undefined;
  #sawDone = false;
  /** The stream ended without a reset: once every choice finished, that is as good as [DONE] (some servers send none). */
  #streamEnded = false;
  /** The provider's own error chunk (`{"error": ...}`) came: the client has been told. */
  #sawError = false;
  #broken = false;
  #lossy = false;

  constructor() {
    this.#parser = createSseParser((event) => this.#onData(event.data));
  }

  push(bytes: Uint8Array): void {
    // Read on after a fault too: whether the stream ended properly decides what the client is told.
    this.#parser.feed(this.#decoder.decode(bytes, { stream: true }));
  }

  /** The stream ended: an event that lacked only its closing blank line (or ended in a lone CR) still counts. */
  end(): void {
    this.#parser.feed(`${this.#decoder.decode()}\n\n`);
    this.#streamEnded = true;
  }

  /** Whether the stream ended as a chat stream ends: [DONE], every choice finished, or the provider's own error chunk. */
  get ended(): boolean {
    if (this.#sawDone || this.#sawError) return true;
    if (this.#choices.size === 0) return false;
    for (const draft of this.#choices.values()) if (draft.finishReason === null) return false;
    return true;
  }

  /** The full answer, or undefined when the stream ended early, carried an error, or did not parse. */
  result(): ChatCompletion | undefined {
    if (this.#broken || !(this.#sawDone || (this.#streamEnded && !this.#sawError)) || !this.#meta || this.#choices.size === 0) return undefined;
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
      const toolCalls = draft.calls;
      choices.push({
        index,
        message: {
          role: 'assistant',
          content: draft.sawContent || toolCalls.length === 0 ? draft.content : null,
          refusal: draft.refusal,
          ...Object.fromEntries(draft.reasoning),
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        logprobs: draft.logprobs,
        finish_reason: draft.finishReason,
        ...draft.extras,
      });
    }
    const completion: ChatCompletion = {
      id: meta.id,
      object: 'chat.completion',
      created: meta.created,
      model: meta.model,
      choices,
      ...(this.#usage ? { usage: this.#usage } : {}),
      system_fingerprint: meta.systemFingerprint,
      ...this.#extras,
    };
    if (this.#lossy) markLossy(completion);
    return completion;
  }

  #onData(data: string): void {
    if (data === '[DONE]') {
      this.#sawDone = true;
      return;
    }
    // Chunks after [DONE]: an SDK never reads them, so they are not part of the answer; the stream that
    // carried them is served but not kept (a passed-through client got those bytes too).
    if (this.#sawDone) {
      this.#lossy = true;
      return;
    }
    if (this.#broken) {
      if (!this.#sawError && data.includes('"error"')) this.#sawError = isErrorChunk(data);
      return;
    }
    let chunk: CompletionChunk;
    try {
      chunk = JSON.parse(data) as CompletionChunk;
    } catch {
      this.#broken = true;
      return;
    }
    if (!isOpenAIChunk(chunk) || chunk.error) {
      this.#sawError = Boolean((chunk as CompletionChunk | null)?.error);
      this.#broken = true;
      return;
    }
    this.#meta ??= {
      id: chunk.id ?? 'chatcmpl-isartor',
      created: chunk.created ?? Math.floor(Date.now() / 1000),
      model: chunk.model ?? '',
      systemFingerprint: chunk.system_fingerprint ?? null,
    };
    // for...in, not Object.entries: this runs for every event of every stream (a parsed JSON object has
    // no inherited enumerable fields, so both see the same ones).
    for (const field in chunk) {
      if (!streamOnlyChunkFields.has(field) && !isEmptyField(chunk[field])) this.#extras[field] = chunk[field];
    }
    const usage = chunk.usage ?? chunk.x_groq?.usage;
    if (usage) this.#usage = usage;
    for (const choice of Array.isArray(chunk.choices) ? chunk.choices : []) {
      if (typeof choice !== 'object' || choice === null) {
        this.#broken = true;
        return;
      }
      this.#onChoice(choice);
    }
  }

  #onChoice(choice: ChunkChoice): void {
    const index = choice.index ?? 0;
    let draft = this.#choices.get(index);
    if (!draft) {
      draft = { content: '', sawContent: false, refusal: null, reasoning: new Map(), logprobs: null, toolCalls: new Map(), calls: [], finishReason: null, extras: {} };
      this.#choices.set(index, draft);
    }
    const delta = choice.delta ?? {};
    for (const field in delta) {
      if (!knownDeltaFields.has(field) && !isEmptyField(delta[field])) this.#lossy = true;
    }
    for (const field in choice) {
      if (!knownChoiceFields.has(field) && choice[field] !== null && choice[field] !== undefined) draft.extras[field] = choice[field];
    }
    if (typeof delta.content === 'string') {
      draft.content += delta.content;
      if (delta.content.length > 0) draft.sawContent = true;
    }
    if (typeof delta.refusal === 'string') draft.refusal = (draft.refusal ?? '') + delta.refusal;
    for (const field of ['reasoning_content', 'reasoning'] as const) {
      const piece = delta[field];
      if (typeof piece === 'string') draft.reasoning.set(field, (draft.reasoning.get(field) ?? '') + piece);
    }
    if (choice.logprobs) {
      const logprobs = (draft.logprobs ??= { content: null, refusal: null });
      for (const field of ['content', 'refusal'] as const) {
        const entries = choice.logprobs[field];
        if (Array.isArray(entries)) {
          const kept = (logprobs[field] ??= []);
          for (const entry of entries) kept.push(entry);
        }
      }
    }
    for (const call of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) {
      if (typeof call !== 'object' || call === null) {
        this.#broken = true;
        return;
      }
      const callIndex = call.index ?? 0;
      const existing = draft.toolCalls.get(callIndex);
      // A different id with a name at a known index is a new call (some providers number every call 0, or
      // send none), as the translators read it: merged, two calls would be kept as one with both names.
      if (existing && !(call.id && existing.id && call.id !== existing.id && call.function?.name)) {
        existing.function.name += call.function?.name ?? '';
        existing.function.arguments += call.function?.arguments ?? '';
        if (call.id) existing.id = call.id;
      } else {
        const started: ToolCall = { id: call.id ?? '', type: 'function', function: { name: call.function?.name ?? '', arguments: call.function?.arguments ?? '' } };
        draft.toolCalls.set(callIndex, started);
        draft.calls.push(started);
      }
    }
    if (choice.finish_reason) draft.finishReason = choice.finish_reason;
  }
}

function isErrorChunk(data: string): boolean {
  try {
    return Boolean((JSON.parse(data) as { error?: unknown } | null)?.error);
  } catch {
    return false;
  }
}

/** Message fields a stream can carry; any other non-empty one cannot be rebuilt as a stream. */
const streamableMessageFields = new Set(['role', 'content', 'refusal', 'tool_calls', 'reasoning_content', 'reasoning']);
/** Completion fields every chunk repeats, as OpenAI's own streams do. */
const perChunkFields = ['system_fingerprint', 'service_tier'] as const;

/**
 * Replays a stored answer as the SSE stream a provider would have sent: a role chunk (with the choice's
 * logprobs, which stream clients concatenate), reasoning and content in word-aligned pieces, tool calls,
 * the finish chunk (with any extra choice fields), a usage chunk when asked for, and `[DONE]`.
 * undefined when the answer holds something a stream cannot carry, or the caller asked for usage the
 * answer does not have: such a request is not served from cache (a replay gives back all or nothing).
 */
export function encodeCompletionAsSse(completion: ChatCompletion, options: { includeUsage: boolean }): string | undefined {
  if (!Array.isArray(completion.choices)) return undefined;
  if (options.includeUsage && !completion.usage) return undefined;
  const head: Record<string, unknown> = { id: completion.id, object: 'chat.completion.chunk', created: completion.created, model: completion.model };
  for (const field of perChunkFields) if (completion[field] !== undefined) head[field] = completion[field];
  // Fields a provider adds to its answer (none of OpenAI's own): given once, on the first chunk.
  const firstOnly: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(completion)) {
    if (!(field in head) && field !== 'object' && field !== 'choices' && field !== 'usage' && !isEmptyField(value)) firstOnly[field] = value;
  }
  const events: string[] = [];
  const emit = (choices: unknown[], extra: object = {}): void => {
    events.push(`data: ${JSON.stringify({ ...{}, ...head, ...(events.length === 0 ? firstOnly : {}), choices, ...extra })}\n\n`);
  };
  for (const choice of completion.choices) {
    const message = choice.message ?? { role: 'assistant', content: null };
    for (const [field, value] of Object.entries(message)) {
      if (!streamableMessageFields.has(field) && !isEmptyField(value)) return undefined;
    }
    const base = { index: choice.index };
    const { content, refusal, tool_calls: toolCalls } = message;
    const choiceExtras: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(choice)) {
      if (!['index', 'message', 'logprobs', 'finish_reason'].includes(field) && value !== undefined) choiceExtras[field] = value;
    }
    emit([{ ...{}, ...base, delta: { role: 'assistant', content: '' }, logprobs: choice.logprobs ?? null, finish_reason: null }]);
    for (const field of ['reasoning_content', 'reasoning'] as const) {
      const reasoning = message[field];
      if (typeof reasoning !== 'string') continue;
      for (const piece of splitForReplay(reasoning)) emit([{ ...{}, ...base, delta: { [field]: piece }, logprobs: null, finish_reason: null }]);
    }
    for (const piece of splitForReplay(typeof content === 'string' ? content : '')) {
      emit([{ ...{}, ...base, delta: { content: piece }, logprobs: null, finish_reason: null }]);
    }
    if (refusal) emit([{ ...{}, ...base, delta: { refusal }, logprobs: null, finish_reason: null }]);
    (toolCalls ?? []).forEach((call, index) => {
      emit([{ ...{}, ...base, delta: { tool_calls: [{ index, id: call.id, type: call.type, function: call.function }] }, logprobs: null, finish_reason: null }]);
    });
    emit([{ ...{}, ...base, delta: {}, logprobs: null, finish_reason: choice.finish_reason, ...choiceExtras }]);
  }
  if (options.includeUsage && completion.usage) emit([], { usage: completion.usage });
  events.push('data: [DONE]\n\n');
  return events.join('');
}
