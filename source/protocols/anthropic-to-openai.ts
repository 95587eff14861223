/**
 * An Anthropic Messages caller in front of an OpenAI-compatible upstream: the request goes out as a chat
 * completion, and the answer (whole or streamed) comes back as an Anthropic message.
 *
 * What cannot cross, and what happens to it:
 * - Server tools and `mcp_servers` are refused; `cache_control` markers, `top_k`, `thinking` (the request
 *   setting and thinking blocks in history) and `context_management` are dropped, the ones that change
 *   how the answer is made named in `x-isartor-dropped` (anthropic-fields-chat-lacks.ts).
 * - A `tool_result` marked `is_error` gets its text prefixed with "Error: ", the only way to tell the model.
 * - A tool message holds text only: an image inside a tool result (Claude Code's Read of a screenshot)
 *   goes into the user message after the tool messages, introduced by the tool call it came from, and the
 *   tool text says so. Blocks of types chat completions cannot hold (documents...) become a
 *   "[document omitted]" text, so the model knows something was there.
 * - Of several answer choices only the first is read; reasoning text some providers add is not shown.
 *
 * The same Anthropic input always gives the same OpenAI messages, byte for byte, because OpenAI-style
 * providers cache prompts by exact prefix:
 * - A system text is a `system` message whether it came as a string or as text blocks (blocks join
 *   with a blank line, like `system` itself); that holds for `system` and for a `role: "system"` message
 *   inside `messages` (Claude Code sends its environment block once as blocks, then as a string).
 * - A client's bookkeeping line (Claude Code's `x-anthropic-billing-header:` line) is not an instruction
 *   and is left out (see client-bookkeeping.ts).
 * - `metadata.user_id` goes to `user`, which is not part of the prompt.
 */
import { randomUUID } from 'node:crypto';
import type { EventSourceMessage, EventSourceParser } from 'eventsource-parser';
import { createSseParser } from './sse-parser.js';
import { SseTextFeed } from './sse-text-feed.js';
import {
  anthropicErrorBody,
  parseToolInput,
  type AnthropicContentBlock,
  type AnthropicImageBlock,
  type AnthropicMessage,
  type AnthropicMessageParam,
  type AnthropicMessagesRequest,
  type AnthropicResponseBlock,
  type AnthropicStopReason,
  type AnthropicStreamEvent,
  type AnthropicTextBlock,
  type AnthropicTool,
  type AnthropicToolChoice,
  type AnthropicToolResultBlock,
  type AnthropicToolUseBlock,
  type AnthropicUsage,
} from './anthropic.js';
import { anthropicSseEvent } from './anthropic-stream.js';
import { refuseAnthropicOnly } from './anthropic-fields-chat-lacks.js';
import { systemWithoutBookkeeping } from './client-bookkeeping.js';
import { chatChoiceProblem, readLegacyFunctionCallChunk } from './legacy-chat-answers.js';
import { isOpenAIChunk } from './provider-answer-schemas.js';
import { markLossy } from './answer-fidelity.js';
import { isRunnableArguments } from './tool-arguments.js';
import type { ChatCompletion, ChatCompletionRequest, ChatMessage, ToolCall, Usage } from './openai.js';

type OpenAIContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

interface OpenAIFunctionTool {
  type: 'function';
  function: { name: string; description?: string; parameters: Record<string, unknown> };
}

type OpenAIToolChoice = 'auto' | 'required' | 'none' | { type: 'function'; function: { name: string } };

// ---------------------------------------------------------------------------------------------------
// Request

export function anthropicRequestToOpenAI(body: AnthropicMessagesRequest, upstreamModel: string, provider = 'this provider'): ChatCompletionRequest {
  refuseAnthropicOnly(body, provider);
  const messages: ChatMessage[] = [];
  const system = systemText(body.system);
  if (system !== '') messages.push({ role: 'system', content: system });
  for (const message of body.messages) messages.push(...translateMessage(message));

  const request: ChatCompletionRequest = { model: upstreamModel, messages, max_tokens: body.max_tokens };
  const tools = (body.tools ?? []).flatMap(toOpenAITool);
  // OpenAI rejects tool_choice and parallel_tool_calls without tools, so they only travel with some.
  if (tools.length > 0) {
    request.tools = tools;
    if (body.tool_choice) request.tool_choice = toOpenAIToolChoice(body.tool_choice);
    if (body.tool_choice && 'disable_parallel_tool_use' in body.tool_choice && body.tool_choice.disable_parallel_tool_use) {
      request.parallel_tool_calls = false;
    }
  }
  if (body.stop_sequences && body.stop_sequences.length > 0) request.stop = body.stop_sequences;
  if (typeof body.temperature === 'number') request.temperature = body.temperature;
  if (typeof body.top_p === 'number') request.top_p = body.top_p;
  if (typeof body.metadata?.user_id === 'string') request.user = body.metadata.user_id;
  if (body.stream === true) {
    request.stream = true;
    // Without it an OpenAI stream carries no token counts, and Anthropic's message_delta needs them.
    request.stream_options = { include_usage: true };
  } else if (body.stream === false) {
    request.stream = false;
  }
  return request;
}

/** Chat completions want one system message; several system blocks become paragraphs of it. */
function systemText(system: AnthropicMessagesRequest['system']): string {
  if (system === undefined) return '';
  return joinSystemBlocks(systemWithoutBookkeeping(system));
}

function joinSystemBlocks(content: string | ReadonlyArray<{ type: string; text?: string }>): string {
  if (typeof content === 'string') return content;
  return content.map((block) => (block.type === 'text' && typeof block.text === 'string' ? block.text : omitted(block))).join('\n\n');
}

function translateMessage(message: AnthropicMessageParam): ChatMessage[] {
  // Block or string, a system message is the same system text (never a user turn).
  if (message.role === 'system') return [{ role: 'system', content: joinSystemBlocks(message.content) }];
  if (typeof message.content === 'string') return [{ role: message.role, content: message.content }];
  return message.role === 'assistant' ? [assistantMessage(message.content)] : userMessages(message.content);
}

/** Assistant text joins into the content; tool_use blocks become tool_calls. Thinking is dropped. */
function assistantMessage(blocks: AnthropicContentBlock[]): ChatMessage {
  const text = blocks
    .filter((block): block is AnthropicTextBlock => block.type === 'text')
    .map((block) => block.text)
    .join('');
  const toolCalls: ToolCall[] = blocks
    .filter((block): block is AnthropicToolUseBlock => block.type === 'tool_use')
    .map((block) => ({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } }));
  if (toolCalls.length === 0) return { role: 'assistant', content: text };
  // Several providers reject an empty string next to tool_calls; null is what OpenAI itself sends.
  return { role: 'assistant', content: text === '' ? null : text, tool_calls: toolCalls };
}

/**
 * A user turn may answer tool calls and say more. OpenAI wants each tool answer as a `tool` message
 * directly after the assistant's tool_calls, so those come first and the rest follows as one user message.
 */
function userMessages(blocks: AnthropicContentBlock[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  // The images of tool results lead the user message, before what the user said in this turn.
  const toolImages: OpenAIContentPart[] = [];
  const parts: OpenAIContentPart[] = [];
  for (const block of blocks) {
    switch (block.type) {
      case 'tool_result': {
        messages.push({ role: 'tool', tool_call_id: block.tool_use_id, content: toolResultText(block) });
        const images = Array.isArray(block.content) ? block.content.filter((part): part is AnthropicImageBlock => part.type === 'image') : [];
        if (images.length > 0) toolImages.push({ type: 'text', text: `${imagesFrom(block.tool_use_id, 'The')}:` }, ...images.map(imagePart));
        break;
      }
      case 'text':
        parts.push({ type: 'text', text: block.text });
        break;
      case 'image':
        parts.push(imagePart(block));
        break;
      case 'tool_use':
      case 'thinking':
      case 'redacted_thinking':
        // Only an assistant says these; in a user turn there is nothing to translate them to.
        break;
      default:
        parts.push({ type: 'text', text: omitted(block) });
    }
  }
  parts.unshift(...toolImages);
  if (parts.length === 1 && parts[0]?.type === 'text') messages.push({ role: 'user', content: parts[0].text });
  else if (parts.length > 0) messages.push({ role: 'user', content: parts });
  return messages;
}

function imagesFrom(toolUseId: string, article: 'The' | 'the'): string {
  return `${article} image from the result of tool call ${toolUseId}`;
}

function imagePart(block: AnthropicImageBlock): OpenAIContentPart {
  const url = block.source.type === 'base64' ? `data:${block.source.media_type};base64,${block.source.data}` : block.source.url;
  return { type: 'image_url', image_url: { url } };
}

/** A tool message holds text only: blocks join by lines, an image says where it went, errors say so. */
function toolResultText(block: AnthropicToolResultBlock): string {
  const content = block.content ?? '';
  const marker = (part: { type: string }): string => (part.type === 'image' ? `[${imagesFrom(block.tool_use_id, 'the')} is in the user message that follows]` : omitted(part));
  const text = typeof content === 'string' ? content : content.map((part) => (part.type === 'text' ? part.text : marker(part))).join('\n');
  return block.is_error ? `Error: ${text}` : text;
}

function omitted(block: { type: string }): string {
  return `[${block.type} omitted]`;
}

/** Server tools (web search and the like) have no schema and only run at Anthropic: they cannot cross. */
function toOpenAITool(tool: AnthropicTool): OpenAIFunctionTool[] {
  if (!tool.input_schema) return [];
  const fn: OpenAIFunctionTool['function'] = { name: tool.name, parameters: tool.input_schema };
  if (typeof tool.description === 'string') fn.description = tool.description;
  return [{ type: 'function', function: fn }];
}

function toOpenAIToolChoice(choice: AnthropicToolChoice): OpenAIToolChoice {
  switch (choice.type) {
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool':
      return { type: 'function', function: { name: choice.name } };
    default:
      return 'auto';
  }
}

// ---------------------------------------------------------------------------------------------------
// Whole answer

/** `msg_` plus the completion's own id, so the same completion always gives the same message id. */
function anthropicMessageId(completionId: string | undefined): string {
  const id = (completionId ?? '').replace(/^chatcmpl-/, '').replace(/[^A-Za-z0-9_-]/g, '');
  return `msg_${id === '' ? randomUUID().replaceAll('-', '') : id}`;
}

function toolUseId(callId: string | undefined): string {
  return callId ? callId : `toolu_${randomUUID().replaceAll('-', '')}`;
}

export function openAICompletionToAnthropic(completion: ChatCompletion, requestedModel: string): AnthropicMessage {
  const message = completion.choices[0]?.message;
  const content: AnthropicResponseBlock[] = [];
  // A refusal is what the model said instead of an answer, so the caller sees it as text.
  const text = (typeof message?.content === 'string' ? message.content : '') + (message?.refusal ?? '');
  if (text !== '') content.push({ type: 'text', text });
  const toolCalls = message?.tool_calls ?? [];
  for (const call of toolCalls) {
    content.push({ type: 'tool_use', id: toolUseId(call.id), name: call.function.name, input: parseToolInput(call.function.arguments) });
  }
  const translated: AnthropicMessage = {
    id: anthropicMessageId(completion.id),
    type: 'message',
    role: 'assistant',
    model: requestedModel,
    content,
    stop_reason: anthropicStopReason(completion.choices[0]?.finish_reason ?? null, toolCalls.length > 0),
    stop_sequence: null,
    usage: anthropicUsage(completion.usage),
  };
  // Arguments that are not a JSON object became `{}`: served so, never cached (tool-arguments.ts).
  if (toolCalls.some((call) => !isRunnableArguments(call.function.arguments))) markLossy(translated);
  return translated;
}

/**
 * OpenAI cannot say which stop sequence matched, so `stop` is always end_turn. Some providers end a
 * tool-calling answer with `stop`; tool calls decide it, since Anthropic callers run tools on tool_use.
 * content_filter becomes `refusal`, Anthropic's own word for an answer withheld by a safety filter.
 */
function anthropicStopReason(finishReason: string | null, hasToolCalls: boolean): AnthropicStopReason {
  if (finishReason === 'length') return 'max_tokens';
  if (finishReason === 'content_filter') return 'refusal';
  return hasToolCalls ? 'tool_use' : 'end_turn';
}

/**
 * OpenAI's prompt_tokens include cached ones; Anthropic's input_tokens do not, cache reads are counted
 * apart. So cached tokens move from one to the other, and the totals stay the same.
 */
function anthropicUsage(usage: Usage | null | undefined): AnthropicUsage {
  const prompt = numberOr0(usage?.prompt_tokens);
  const cached = numberOr0((usage?.prompt_tokens_details as { cached_tokens?: unknown } | null | undefined)?.cached_tokens);
  return {
    input_tokens: Math.max(0, prompt - cached),
    output_tokens: numberOr0(usage?.completion_tokens),
    ...(cached > 0 ? { cache_read_input_tokens: cached } : {}),
  };
}

function numberOr0(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

// ---------------------------------------------------------------------------------------------------
// Streamed answer

interface ChunkToolCall {
  index?: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}

interface ChunkChoice {
  index?: number;
  delta?: { content?: string | null; refusal?: string | null; tool_calls?: ChunkToolCall[] };
  finish_reason?: string | null;
}

interface CompletionChunk {
  id?: string;
  choices?: ChunkChoice[];
  usage?: Usage | null;
  /** Groq reports streamed usage here instead of in `usage`. */
  x_groq?: { usage?: Usage };
  error?: unknown;
}

/** A tool call being streamed. Its block can only start once the name is known. */
interface ToolDraft {
  id: string;
  name: string;
  arguments: string;
  blockIndex: number | undefined;
}

type OpenBlock = { kind: 'text'; block: AnthropicTextBlock } | { kind: 'tool'; draft: ToolDraft };

/**
 * Translates an OpenAI chat completion stream into an Anthropic one as it arrives, and keeps the whole
 * answer for caching. Anthropic blocks are strictly one after another, so a tool call starting closes the
 * text before it, and text after a tool call opens a new block.
 *
 * OpenAI sends usage after finish_reason (with include_usage), so message_delta waits for it, for
 * [DONE], or for end(). Usage that already came (Groq puts it on the finish chunk) closes at once.
 */
export class OpenAIStreamToAnthropic {
  readonly #requestedModel: string;
  readonly #parser: EventSourceParser;
  readonly #feed: SseTextFeed;
  readonly #decoder = new TextDecoder();
  #out: string[] = [];
  #message: AnthropicMessage | undefined;
  readonly #blocks: AnthropicResponseBlock[] = [];
  /** The call now streaming at each OpenAI tool call index, and every call ever seen. */
  readonly #tools = new Map<number, ToolDraft>();
  readonly #drafts: ToolDraft[] = [];
  #open: OpenBlock | undefined;
  #finishReason: string | null = null;
  #usage: Usage | undefined;
  #sawDone = false;
  #closed = false;
  #failed = false;

  constructor(requestedModel: string) {
    this.#requestedModel = requestedModel;
    this.#parser = createSseParser((event) => this.#onEvent(event));
    this.#feed = new SseTextFeed(this.#parser);
  }

  /** Takes upstream bytes; gives the Anthropic SSE text to send now (possibly empty). */
  push(bytes: Uint8Array): string {
    if (!this.#failed && !this.#sawDone) this.#feed.feed(this.#decoder.decode(bytes, { stream: true }));
    return this.#flush();
  }

  /** The upstream stream ended: closes the answer if it was finished, reports an error if not. */
  end(): string {
    if (!this.#failed && !this.#sawDone) this.#parser.feed(`${this.#decoder.decode()}\n\n`);
    // A clean end after the finish reason is as good as [DONE]: some servers send none.
    if (!this.#failed && this.#finishReason !== null) this.#sawDone = true;
    this.#finalize();
    return this.#flush();
  }

  /** [DONE] or an error came: nothing more of the answer will be read. */
  settled(): boolean {
    return this.#sawDone || this.#failed;
  }

  /** The whole answer, or undefined unless the upstream stream finished cleanly with [DONE]. */
  result(): AnthropicMessage | undefined {
    if (this.#failed || !this.#closed || !this.#sawDone || !this.#message) return undefined;
    return this.#build(this.#message);
  }

  /** What the stream carried so far, finished or not: only for charging a client who left, never for the cache. */
  delivered(): AnthropicMessage | undefined {
    return this.#message ? this.#build(this.#message) : undefined;
  }

  #build(message: AnthropicMessage): AnthropicMessage {
    const content = this.#blocks.map((block) => ({ ...block }));
    let runnable = true;
    for (const draft of this.#drafts) {
      const block = draft.blockIndex === undefined ? undefined : content[draft.blockIndex];
      if (block?.type === 'tool_use') block.input = parseToolInput(draft.arguments);
      runnable &&= isRunnableArguments(draft.arguments);
    }
    const built = { ...{}, ...message, content, usage: { ...message.usage } };
    // Arguments that are not a JSON object became `{}`: served so, never cached (tool-arguments.ts).
    if (!runnable) markLossy(built);
    return built;
  }

  #flush(): string {
    const text = this.#out.join('');
    this.#out = [];
    return text;
  }

  #emit(event: AnthropicStreamEvent): void {
    this.#out.push(anthropicSseEvent(event));
  }

  #fail(message: string): void {
    this.#emit(anthropicErrorBody(message, 'api_error'));
    this.#failed = true;
  }

  #onEvent({ event, data }: EventSourceMessage): void {
    if (this.#failed || this.#sawDone) return;
    if (data === '[DONE]') {
      this.#sawDone = true;
      this.#finalize();
      return;
    }
    let chunk: CompletionChunk;
    try {
      chunk = JSON.parse(data) as CompletionChunk;
    } catch {
      this.#fail('The upstream stream sent an event that is not JSON.');
      return;
    }
    if (!isOpenAIChunk(chunk) || !readLegacyFunctionCallChunk(chunk)) {
      this.#fail('The upstream stream sent an event isartor cannot read (not a chat completion chunk).');
      return;
    }
    if (event === 'error' || chunk.error !== undefined) {
      this.#fail(upstreamErrorMessage(chunk.error ?? chunk));
      return;
    }
    // After message_stop only [DONE] still matters.
    if (this.#closed) return;
    this.#start(chunk);
    const usage = chunk.usage ?? chunk.x_groq?.usage;
    if (usage) this.#usage = usage;
    const choice = chunk.choices?.find((c) => (c.index ?? 0) === 0);
    if (choice && this.#finishReason === null) this.#onChoice(choice);
    if (this.#failed) return;
    if (this.#finishReason !== null && this.#usage) this.#close();
  }

  #start(chunk: CompletionChunk): void {
    if (this.#message) return;
    this.#message = {
      id: anthropicMessageId(chunk.id),
      type: 'message',
      role: 'assistant',
      model: this.#requestedModel,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: anthropicUsage(chunk.usage ?? chunk.x_groq?.usage).input_tokens, output_tokens: 0 },
    };
    this.#emit({ type: 'message_start', message: { ...{}, ...this.#message, usage: { ...this.#message.usage } } });
  }

  #onChoice(choice: ChunkChoice): void {
    const problem = chatChoiceProblem(choice);
    if (problem !== undefined) return this.#fail(problem);
    const delta = choice.delta ?? {};
    const text = (typeof delta.content === 'string' ? delta.content : '') + (typeof delta.refusal === 'string' ? delta.refusal : '');
    if (text !== '') this.#text(text);
    for (const call of delta.tool_calls ?? []) {
      this.#toolCall(call);
      if (this.#failed) return;
    }
    if (choice.finish_reason) {
      // A call whose name never came still gets its block: losing it would be worse.
      for (const draft of this.#drafts) if (draft.blockIndex === undefined) this.#startTool(draft);
      this.#closeBlock();
      this.#finishReason = choice.finish_reason;
    }
  }

  #text(text: string): void {
    if (this.#open?.kind !== 'text') {
      // Calls held back behind another (see #toolCall) end where text begins: their blocks come first.
      this.#startHeldTools();
      this.#closeBlock();
      const block: AnthropicTextBlock = { type: 'text', text: '' };
      this.#emit({ type: 'content_block_start', index: this.#blocks.length, content_block: { ...block } });
      this.#blocks.push(block);
      this.#open = { kind: 'text', block };
    }
    this.#open.block.text += text;
    this.#emit({ type: 'content_block_delta', index: this.#blocks.length - 1, delta: { type: 'text_delta', text } });
  }

  #toolCall(call: ChunkToolCall): void {
    const index = call.index ?? 0;
    let draft = this.#tools.get(index);
    // A different id with a name at a known index is a new call: some providers number every call 0. An
    // id that changes on a piece without a name (some servers make one per chunk) is the same call.
    if (!draft || (call.id && draft.id && call.id !== draft.id && call.function?.name)) {
      // The call it replaces at this index is finished: its open block closes, so the new one can stream.
      if (draft && this.#open?.kind === 'tool' && this.#open.draft === draft) this.#closeBlock();
      else if (draft && draft.blockIndex === undefined && !this.#mustHold(draft)) this.#startTool(draft);
      draft = { id: call.id ?? '', name: '', arguments: '', blockIndex: undefined };
      this.#tools.set(index, draft);
      this.#drafts.push(draft);
    }
    if (call.id && !draft.id) draft.id = call.id;
    const piece = call.function?.arguments ?? '';
    if (draft.blockIndex === undefined) {
      // The block starts once the call has a name and its first arguments: until then more of the name may
      // come (some servers stream it in pieces: "get_", "weather"). A name repeated whole on a later chunk,
      // as some providers do, is not part of it. A call with no arguments starts at the next call, text or finish.
      const name = call.function?.name ?? '';
      if (name !== draft.name) draft.name += name;
      draft.arguments += piece;
      // While another call's block is open, more of its arguments may still come (some providers interleave
      // parallel calls): this one is held, whole, until the finish or the next text, when the open one is done.
      if (draft.name !== '' && draft.arguments !== '' && !this.#mustHold(draft)) this.#startTool(draft);
      return;
    }
    if (piece === '') return;
    if (this.#open?.kind !== 'tool' || this.#open.draft !== draft) {
      // Anthropic cannot add to a block once another has begun; sending the rest would corrupt the call.
      this.#fail('The upstream interleaved the arguments of several tool calls, which cannot be translated.');
      return;
    }
    draft.arguments += piece;
    this.#emit({ type: 'content_block_delta', index: draft.blockIndex, delta: { type: 'input_json_delta', partial_json: piece } });
  }

  /** A named call waits while another call's block is open or an earlier call waits: blocks cannot interleave. */
  #mustHold(draft: ToolDraft): boolean {
    if (this.#open?.kind === 'tool' && this.#open.draft !== draft) return true;
    return this.#drafts.some((other) => other !== draft && other.blockIndex === undefined && other.name !== '' && this.#drafts.indexOf(other) < this.#drafts.indexOf(draft));
  }

  /** Starts the calls held back, in the order they came, each with all its arguments so far. */
  #startHeldTools(): void {
    for (const draft of this.#drafts) if (draft.blockIndex === undefined && draft.name !== '') this.#startTool(draft);
  }

  #startTool(draft: ToolDraft): void {
    this.#closeBlock();
    draft.id = toolUseId(draft.id);
    draft.blockIndex = this.#blocks.length;
    const block: AnthropicToolUseBlock = { type: 'tool_use', id: draft.id, name: draft.name, input: {} };
    this.#blocks.push(block);
    this.#open = { kind: 'tool', draft };
    this.#emit({ type: 'content_block_start', index: draft.blockIndex, content_block: { ...{}, ...block, input: {} } });
    if (draft.arguments !== '') {
      this.#emit({ type: 'content_block_delta', index: draft.blockIndex, delta: { type: 'input_json_delta', partial_json: draft.arguments } });
    }
  }

  #closeBlock(): void {
    if (!this.#open) return;
    this.#emit({ type: 'content_block_stop', index: this.#blocks.length - 1 });
    this.#open = undefined;
  }

  /** message_delta and message_stop: the answer is over and its counts are known (or will never be). */
  #close(): void {
    const message = this.#message;
    if (!message || this.#closed) return;
    const hasToolCalls = this.#blocks.some((block) => block.type === 'tool_use');
    message.stop_reason = anthropicStopReason(this.#finishReason, hasToolCalls);
    message.usage = anthropicUsage(this.#usage);
    this.#emit({ type: 'message_delta', delta: { stop_reason: message.stop_reason, stop_sequence: null }, usage: { ...message.usage } });
    this.#emit({ type: 'message_stop' });
    this.#closed = true;
  }

  #finalize(): void {
    if (this.#failed || this.#closed) return;
    if (this.#finishReason !== null) this.#close();
    else this.#fail('The upstream stream ended before the answer was complete.');
  }
}

function upstreamErrorMessage(error: unknown): string {
  if (typeof error === 'string') return error;
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : JSON.stringify(error);
}
