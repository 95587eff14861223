/**
 * An OpenAI Responses caller (Codex, `openai.responses.create`) in front of an OpenAI-compatible chat
 * completions upstream: the request goes out as a chat completion, and the answer (whole or streamed,
 * event by event) comes back as a response.
 *
 * What cannot cross, and what happens to it:
 * - `instructions` and system/developer messages become `system` messages where they stand (chat
 *   servers without a `developer` role are the common case).
 * - Built-in tools (web_search, file_search, computer_use, code_interpreter...) and input items of
 *   their kinds are refused with a 400 naming them: a chat model cannot run them, and dropping them
 *   would answer a different request. `namespace` tools (Codex) are flattened to `<namespace>__<name>`
 *   functions, and calls to them come back as `{namespace, name}`.
 * - `previous_response_id` is refused before translation (the gateway stores no responses); so are
 *   `conversation`, a stored `prompt`, `background: true` and logprobs (responses-input.ts says why).
 * - Reasoning items in the input are dropped (a chat upstream cannot read another model's reasoning);
 *   `reasoning.effort` becomes `reasoning_effort`; reasoning text some chat providers stream
 *   (`reasoning_content`) comes back as a reasoning item with a summary.
 * - `text.format` json_schema/json_object becomes `response_format`; `max_output_tokens` becomes `max_tokens`.
 * - `store`, `include`, `prompt_cache_key`, `client_metadata`, `metadata`, `truncation` and
 *   `service_tier` are not sent; the answer says `store: false`. Of what is not sent, the settings that
 *   change how the answer is made are named in `x-isartor-dropped` (responses-fields-translation-drops.ts).
 * - Chat tool messages hold text: images in a function_call_output (Codex's view_image) go into a user
 *   message after the tool messages, introduced by the call they came from, and the tool text says so.
 * - Of several answer choices only the first is read.
 */
import { randomUUID } from 'node:crypto';
import type { EventSourceParser } from 'eventsource-parser';
import { createSseParser } from './sse-parser.js';
import { SseTextFeed } from './sse-text-feed.js';
import type { ChatCompletion, ChatCompletionRequest, ChatMessage, Usage } from './openai.js';
import { CallShapes, functionToolsOf, requestToolsOf, responsesUsage, type ResponseObject, type ResponsesRequest, type ResponsesTool, type ResponsesUsage } from './responses.js';
import { readResponsesInput, refuseUntranslatable, type ResponsesInputPiece } from './responses-input.js';
import { echoOf, ResponseEventWriter } from './responses-stream.js';
import { markLossy, isEmptyField } from './answer-fidelity.js';
import { tokenCount } from './answer-usage.js';
import { chatChoiceProblem, readLegacyFunctionCallChunk } from './legacy-chat-answers.js';
import { isOpenAIChunk } from './provider-answer-schemas.js';
import { providerErrorWords } from './provider-error-words.js';
import { WrittenEvents } from './responses-replay-check.js';

// ---------------------------------------------------------------------------------------------------
// Request

type ChatPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string; detail?: string } };

/** Throws UntranslatableRequest for what a chat upstream cannot do as asked. */
export function responsesRequestToChat(body: ResponsesRequest, upstreamModel: string): ChatCompletionRequest {
  refuseUntranslatable(body);
  const messages: ChatMessage[] = [];
  const toolImages: ChatPart[] = [];
  for (const piece of readResponsesInput(body)) {
    if (piece.kind !== 'function_call_output' && toolImages.length > 0) messages.push({ role: 'user', content: toolImages.splice(0) });
    appendPiece(messages, piece, toolImages);
  }
  if (toolImages.length > 0) messages.push({ role: 'user', content: toolImages });

  const request: ChatCompletionRequest = { model: upstreamModel, messages };
  const { functions } = functionToolsOf(requestToolsOf(body));
  if (functions.length > 0) {
    request.tools = functions.map(chatTool);
    const choice = chatToolChoice(body.tool_choice);
    if (choice !== undefined) request.tool_choice = choice;
    if (typeof body.parallel_tool_calls === 'boolean') request.parallel_tool_calls = body.parallel_tool_calls;
  }
  if (typeof body.max_output_tokens === 'number') request.max_tokens = body.max_output_tokens;
  if (typeof body.temperature === 'number') request.temperature = body.temperature;
  if (typeof body.top_p === 'number') request.top_p = body.top_p;
  if (typeof body.reasoning?.effort === 'string') request.reasoning_effort = body.reasoning.effort;
  const format = body.text?.format;
  if (format?.type === 'json_schema') {
    request.response_format = { type: 'json_schema', json_schema: { name: format.name ?? 'response', schema: format.schema, ...(typeof format.strict === 'boolean' ? { strict: format.strict } : {}) } };
  } else if (format?.type === 'json_object') request.response_format = { type: 'json_object' };
  if (typeof body.user === 'string') request.user = body.user;
  if (body.stream === true) {
    request.stream = true;
    // response.completed carries usage, which chat streams only send when asked.
    request.stream_options = { include_usage: true };
  }
  return request;
}

/** `toolImages` collects the images of tool outputs, for the user message after the tool messages. */
function appendPiece(messages: ChatMessage[], piece: ResponsesInputPiece, toolImages: ChatPart[]): void {
  switch (piece.kind) {
    case 'system':
    case 'assistant':
      messages.push({ role: piece.kind, content: piece.text });
      return;
    case 'user':
      messages.push({ role: piece.role, content: userContent(piece.content) });
      return;
    case 'function_call': {
      const call = { id: piece.callId, type: 'function' as const, function: { name: piece.name, arguments: piece.arguments ?? '{}' } };
      // Parallel calls (and text said before them) are one assistant turn in chat completions.
      const last = messages.at(-1);
      if (last?.role === 'assistant') {
        last.tool_calls = [...((last.tool_calls as unknown[] | undefined) ?? []), call];
        if (last.content === '') last.content = null;
      } else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
      return;
    }
    case 'function_call_output': {
      messages.push({ role: 'tool', tool_call_id: piece.callId, content: toolOutputText(piece.output, piece.callId) });
      const images = Array.isArray(piece.output) ? (piece.output as Array<Record<string, unknown>>).filter((part) => part?.type === 'input_image' && typeof part.image_url === 'string') : [];
      if (images.length > 0) toolImages.push({ type: 'text', text: `${imagesFrom(piece.callId, 'The')}:` }, ...images.map(imagePart));
    }
  }
}

function imagesFrom(callId: string, article: 'The' | 'the'): string {
  return `${article} image from the output of tool call ${callId}`;
}

function imagePart(part: Record<string, unknown>): ChatPart {
  return { type: 'image_url', image_url: { url: part.image_url as string, ...(typeof part.detail === 'string' && part.detail !== 'auto' ? { detail: part.detail } : {}) } };
}

/** A string stays a string, as the caller wrote it; parts become chat parts. */
function userContent(content: unknown): string | ChatPart[] {
  if (typeof content === 'string') return content;
  const parts: ChatPart[] = [];
  for (const part of Array.isArray(content) ? (content as Array<Record<string, unknown>>) : []) {
    if ((part?.type === 'input_text' || part?.type === 'output_text' || part?.type === 'text') && typeof part.text === 'string') parts.push({ type: 'text', text: part.text });
    else if (part?.type === 'input_image' && typeof part.image_url === 'string') parts.push(imagePart(part));
    else parts.push({ type: 'text', text: `[${typeof part?.type === 'string' ? part.type.replace(/^input_/, '') : 'part'} omitted]` });
  }
  return parts;
}

function toolOutputText(output: unknown, callId: string): string {
  if (typeof output === 'string') return output;
  if (!Array.isArray(output)) return output === undefined ? '' : JSON.stringify(output);
  const marker = (part: { type?: unknown; image_url?: unknown }): string =>
    part?.type === 'input_image' && typeof part.image_url === 'string'
      ? `[${imagesFrom(callId, 'the')} is in the user message that follows]`
      : `[${typeof part?.type === 'string' ? part.type.replace(/^input_/, '') : 'part'} omitted]`;
  return (output as Array<{ type?: unknown; text?: unknown; image_url?: unknown }>).map((part) => (typeof part?.text === 'string' ? part.text : marker(part))).join('\n');
}

function chatTool(tool: ResponsesTool): object {
  return {
    type: 'function',
    function: {
      name: tool.name,
      ...(typeof tool.description === 'string' ? { description: tool.description } : {}),
      parameters: tool.parameters ?? { type: 'object', properties: {} },
      ...(typeof tool.strict === 'boolean' ? { strict: tool.strict } : {}),
    },
  };
}

function chatToolChoice(choice: unknown): unknown {
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  const named = choice as { type?: unknown; name?: unknown } | undefined;
  // A freeform tool is a function to the model (responses-client-tools.ts), so forcing it is forcing that function.
  if ((named?.type === 'function' || named?.type === 'custom') && typeof named.name === 'string') return { type: 'function', function: { name: named.name } };
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Answer

/** What an answer needs from its request: the model name the caller used, namespaces, the echoed settings. */
export interface ResponseContext {
  requestedModel: string;
  body: ResponsesRequest;
}

/** `resp_` plus the completion's own id, so the same completion always gives the same response id. */
function responseId(completionId: string | undefined): string {
  return `resp_${(completionId ?? randomUUID()).replace(/^chatcmpl-/, '').replace(/[^A-Za-z0-9_-]/g, '')}`;
}

/** length: the answer was cut at max tokens; content_filter: the provider withheld it. */
function incompleteReason(finishReason: string | null | undefined): string | undefined {
  if (finishReason === 'length') return 'max_output_tokens';
  if (finishReason === 'content_filter') return 'content_filter';
  return undefined;
}

function usageOfChat(usage: Usage | null | undefined): ResponsesUsage | null {
  if (!usage) return null;
  const cached = (usage.prompt_tokens_details as { cached_tokens?: unknown } | undefined)?.cached_tokens;
  const reasoning = (usage.completion_tokens_details as { reasoning_tokens?: unknown } | undefined)?.reasoning_tokens;
  return responsesUsage(tokenCount(usage.prompt_tokens), tokenCount(usage.completion_tokens), tokenCount(cached), tokenCount(reasoning));
}

export function chatCompletionToResponse(completion: ChatCompletion, context: ResponseContext): ResponseObject {
  const writer = new ResponseEventWriter({ id: responseId(completion.id), model: context.requestedModel, createdAt: completion.created, echo: echoOf(context.body, context.requestedModel) });
  const shapes = new CallShapes(context.body);
  const choice = completion.choices[0];
  const message = choice?.message;
  if (typeof message?.reasoning_content === 'string') writer.reasoning(message.reasoning_content);
  if (typeof message?.content === 'string') writer.text(message.content);
  if (typeof message?.refusal === 'string') writer.refusal(message.refusal);
  (message?.tool_calls ?? []).forEach((call, index) => {
    writer.startFunctionCall(index, { callId: call.id, ...shapes.of(call.function.name) });
    writer.functionArguments(index, call.function.arguments || '{}');
  });
  writer.complete(usageOfChat(completion.usage), incompleteReason(choice?.finish_reason));
  writer.flush();
  const response = writer.response();
  if (answerCarriesMore(completion)) markLossy(response);
  return response;
}

/** Message fields the translation carries into the response. */
const translatedMessageFields = new Set(['role', 'content', 'refusal', 'reasoning_content', 'tool_calls']);

/** Whether a whole completion holds answer content the translation leaves out (see carriesMore). */
function answerCarriesMore(completion: ChatCompletion): boolean {
  if (completion.choices.length > 1) return true;
  const choice = completion.choices[0] as (Record<string, unknown> & { message?: Record<string, unknown> }) | undefined;
  if (!isEmptyField(choice?.logprobs)) return true;
  for (const [field, value] of Object.entries(choice?.message ?? {})) if (!translatedMessageFields.has(field) && !isEmptyField(value)) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------------
// Streamed answer

interface ChunkToolCall {
  index?: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}

/** One tool call of a chat stream on its way into a response: `key` names it to the writer. */
interface PendingCall {
  key: string;
  index: number;
  id: string;
  name: string;
  arguments: string;
  started: boolean;
}

interface ChatChunk {
  id?: string;
  created?: number;
  choices?: Array<{
    index?: number;
    delta?: { content?: string | null; refusal?: string | null; reasoning_content?: string | null; tool_calls?: ChunkToolCall[] };
    finish_reason?: string | null;
  }>;
  usage?: Usage | null;
  x_groq?: { usage?: Usage };
  error?: { message?: unknown; code?: unknown; type?: unknown };
}

/**
 * Translates a chat completion stream into Responses events as it arrives, and keeps the whole
 * response for caching. The first chunk opens the response; text, reasoning text and each tool call
 * index become items in the order they start; `[DONE]` completes it with the usage chunk's counts.
 */
export class ChatStreamToResponses {
  readonly #context: ResponseContext;
  readonly #shapes: CallShapes;
  readonly #parser: EventSourceParser;
  readonly #feed: SseTextFeed;
  readonly #decoder = new TextDecoder();
  #writer: ResponseEventWriter | undefined;
  /** The call now at each tool call index (its name can arrive after its index appears; it opens once named), and every call, by its own key. */
  readonly #pendingCalls = new Map<number, PendingCall>();
  readonly #calls: PendingCall[] = [];
  #finishReason: string | null = null;
  #usage: Usage | undefined;
  #ended = false;
  /** What the client was sent, to check the replay of the stored answer against. */
  readonly #written = new WrittenEvents();
  /** The provider sent something the translation does not carry: the client's answer lacks it, and no cache keeps it. */
  #lossy = false;

  constructor(context: ResponseContext) {
    this.#context = context;
    this.#shapes = new CallShapes(context.body);
    this.#parser = createSseParser((event) => this.#onData(event.data));
    this.#feed = new SseTextFeed(this.#parser);
  }

  push(bytes: Uint8Array): string {
    if (!this.#writer?.finished) this.#feed.feed(this.#decoder.decode(bytes, { stream: true }));
    return this.#written.observe(this.#writer?.flush() ?? '');
  }

  /** The upstream stream ended: unless every choice finished (with or without `[DONE]`), the answer is incomplete, and fails. */
  end(): string {
    if (this.#ended) return '';
    this.#ended = true;
    // What the parser still holds (a last event without its blank line, or one ended by a lone CR) is read first.
    if (!this.#writer?.finished) this.#parser.feed(`${this.#decoder.decode()}\n\n`);
    // A clean end after the finish reason is as good as [DONE]: some servers send none.
    if (!this.#writer?.finished && this.#finishReason !== null) this.#finish();
    const writer = this.#ensureWriter(undefined);
    if (!writer.finished) writer.fail('The upstream stream ended before the answer was complete.', 'upstream_error');
    return this.#written.observe(writer.flush());
  }

  /** The response completed or failed: nothing more of the answer will be read. */
  settled(): boolean {
    return this.#writer?.finished ?? false;
  }

  result(): ResponseObject | undefined {
    return this.#written.keptResponse(this.#writer?.response(), this.#lossy);
  }

  /** What reached the client so far, finished or not: only for charging a client who left, never for the cache. */
  delivered(): ResponseObject | undefined {
    const written = this.#writer?.written();
    return written && this.#usage ? { ...{}, ...written, usage: usageOfChat(this.#usage) } : written;
  }

  #ensureWriter(chunk: ChatChunk | undefined): ResponseEventWriter {
    if (!this.#writer) {
      const model = this.#context.requestedModel;
      this.#writer = new ResponseEventWriter({ id: responseId(chunk?.id), model, ...(chunk?.created ? { createdAt: chunk.created } : {}), echo: echoOf(this.#context.body, model) });
    }
    return this.#writer;
  }

  #onData(data: string): void {
    const writer = this.#writer;
    if (writer?.finished) return;
    if (data === '[DONE]') {
      this.#finish();
      return;
    }
    let chunk: ChatChunk;
    try {
      chunk = JSON.parse(data) as ChatChunk;
    } catch {
      this.#ensureWriter(undefined).fail('The upstream stream sent an event that could not be read.', 'upstream_error');
      return;
    }
    if (typeof chunk === 'object' && chunk !== null && chunk.error) {
      const message = providerErrorWords(chunk) ?? 'The upstream reported an error.';
      this.#ensureWriter(chunk).fail(message, typeof chunk.error.code === 'string' ? chunk.error.code : 'upstream_error');
      return;
    }
    if (!isOpenAIChunk(chunk) || !readLegacyFunctionCallChunk(chunk)) {
      this.#ensureWriter(undefined).fail('The upstream stream sent an event that could not be read.', 'upstream_error');
      return;
    }
    const out = this.#ensureWriter(chunk);
    out.start();
    const usage = chunk.usage ?? chunk.x_groq?.usage;
    if (usage) this.#usage = usage;
    if (!this.#lossy) this.#lossy = carriesMore(chunk);
    const choice = chunk.choices?.find((c) => (c.index ?? 0) === 0);
    if (!choice) return;
    const problem = chatChoiceProblem(choice);
    if (problem !== undefined) return out.fail(problem, 'upstream_error');
    const delta = choice.delta ?? {};
    if (typeof delta.reasoning_content === 'string') out.reasoning(delta.reasoning_content);
    if (typeof delta.content === 'string') {
      // A call still waiting for its arguments came before this text: its item comes first.
      if (delta.content !== '') for (const pending of this.#calls) if (!pending.started && pending.name !== '') this.#startCall(out, pending);
      out.text(delta.content);
    }
    if (typeof delta.refusal === 'string') out.refusal(delta.refusal);
    for (const call of delta.tool_calls ?? []) this.#onToolCall(out, call);
    if (choice.finish_reason) this.#finishReason = choice.finish_reason;
  }

  #onToolCall(out: ResponseEventWriter, call: ChunkToolCall): void {
    const index = call.index ?? 0;
    let pending = this.#pendingCalls.get(index);
    // A different id with a name at a known index is a new call (some providers number every call 0, or
    // send no index); an id that changes on a piece without a name (one per chunk) is the same call.
    if (!pending || (call.id && pending.id && call.id !== pending.id && call.function?.name)) {
      pending = { key: `${index}:${this.#calls.length}`, index, id: '', name: '', arguments: '', started: false };
      this.#pendingCalls.set(index, pending);
      this.#calls.push(pending);
    }
    if (call.id && !pending.id) pending.id = call.id;
    // The item starts once the call has a name and its first arguments: until then more of the name may
    // come (some servers stream it in pieces). A name repeated whole on later chunks is not part of it.
    const name = call.function?.name ?? '';
    if (name !== '' && !pending.started && name !== pending.name) pending.name += name;
    const piece = call.function?.arguments ?? '';
    if (pending.name === '' || (!pending.started && pending.arguments + piece === '')) {
      pending.arguments += piece;
      return;
    }
    this.#startCall(out, pending);
    out.functionArguments(pending.key, pending.arguments + piece);
    pending.arguments = '';
  }

  /** Opens the call's item (once); calls that came before it and wait for their arguments open first, in order. */
  #startCall(out: ResponseEventWriter, pending: PendingCall): void {
    for (const earlier of this.#calls) {
      if (earlier === pending) break;
      if (!earlier.started && earlier.name !== '') this.#startCall(out, earlier);
    }
    out.startFunctionCall(pending.key, { callId: pending.id || `call_${pending.index}`, ...this.#shapes.of(pending.name) });
    pending.started = true;
  }

  #finish(): void {
    const out = this.#ensureWriter(undefined);
    // [DONE] before any choice finished: the answer stopped short (or never began), as the Anthropic translation also holds.
    if (this.#finishReason === null) {
      out.fail('The upstream stream ended before the answer was complete.', 'upstream_error');
      return;
    }
    // A tool without parameters may stream no argument text; "{}" keeps callers that parse it working.
    for (const pending of this.#calls) {
      if (pending.name === '') {
        out.fail('The upstream stream sent a tool call without a name.', 'upstream_error');
        return;
      }
      if (!pending.started) this.#startCall(out, pending);
      if (!out.hasArguments(pending.key)) out.functionArguments(pending.key, pending.arguments || '{}');
    }
    out.complete(usageOfChat(this.#usage), incompleteReason(this.#finishReason));
  }
}

/** Chunk fields about the stream or the provider, not the answer: a translation may leave them out. */
const chunkMetaFields = new Set(['id', 'object', 'created', 'model', 'system_fingerprint', 'service_tier', 'choices', 'usage', 'x_groq', 'obfuscation', 'provider']);
/** Delta fields the translation carries into the response. */
const translatedDeltaFields = new Set(['role', 'content', 'refusal', 'reasoning_content', 'tool_calls']);

/**
 * Whether a chunk holds answer content the translation leaves out: another choice (only the first is
 * read), logprobs, a delta field or chunk field this code does not translate (OpenRouter's `reasoning`,
 * audio, citations...).
 */
function carriesMore(chunk: ChatChunk): boolean {
  // for...in, not Object.entries: once per chunk of every stream (a parsed object inherits no enumerable fields).
  const fieldsOfChunk = chunk as Record<string, unknown>;
  for (const field in fieldsOfChunk) if (!chunkMetaFields.has(field) && !isEmptyField(fieldsOfChunk[field])) return true;
  for (const choice of chunk.choices ?? []) {
    const fields = choice as Record<string, unknown>;
    if ((choice.index ?? 0) !== 0 || !isEmptyField(fields.logprobs)) return true;
    const delta = (choice.delta ?? {}) as Record<string, unknown>;
    for (const field in delta) if (!translatedDeltaFields.has(field) && !isEmptyField(delta[field])) return true;
  }
  return false;
}
