/**
 * An OpenAI chat completions caller in front of an Anthropic upstream: the request goes out as a Messages
 * request, and the answer (whole or streamed) comes back as a chat completion.
 *
 * What cannot cross, and what happens to it:
 * - Every system and developer message, wherever it stands, joins Anthropic's one `system` (paragraphs).
 * - `max_tokens` is required by Anthropic: max_completion_tokens, else max_tokens, else the model's
 *   default (anthropic-output-limits.ts: 32,000, less for Claude 3.x).
 * - `temperature` is clamped to Anthropic's [0, 1] (OpenAI allows up to 2).
 * - response_format json_schema/json_object, n > 1 and logprobs are refused; seed, penalties, logit_bias
 *   and reasoning_effort are dropped and named in `x-isartor-dropped` (openai-fields-anthropic-lacks.ts);
 *   stream_options and legacy function-calling fields are dropped; audio and file parts become a
 *   "[file omitted]"-style text.
 * - Thinking blocks in the answer are not shown; only Anthropic can read them back.
 */
import {
  parseToolInput,
  type AnthropicContentBlock,
  type AnthropicErrorType,
  type AnthropicImageBlock,
  type AnthropicMessage,
  type AnthropicMessageParam,
  type AnthropicMessagesRequest,
  type AnthropicStreamEvent,
  type AnthropicTextBlock,
  type AnthropicTool,
  type AnthropicToolChoice,
  type AnthropicToolResultBlock,
  type AnthropicUsage,
} from './anthropic.js';
import { AnthropicEventReader } from './anthropic-stream.js';
import { defaultMaxTokensFor } from './anthropic-output-limits.js';
import { refuseOpenAIOnly } from './openai-fields-anthropic-lacks.js';
import { tokenCount } from './answer-usage.js';
import { markLossy } from './answer-fidelity.js';
import { openAIErrorBody, type ChatCompletion, type ChatCompletionRequest, type ChatMessage, type OpenAIErrorType, type ToolCall, type Usage } from './openai.js';


// ---------------------------------------------------------------------------------------------------
// Request

export function openAIRequestToAnthropic(body: ChatCompletionRequest, upstreamModel: string, provider = 'this provider'): AnthropicMessagesRequest {
  refuseOpenAIOnly(body, provider);
  const system: string[] = [];
  const messages: AnthropicMessageParam[] = [];
  for (const message of body.messages) {
    switch (message.role) {
      case 'system':
      case 'developer': {
        const text = plainText(message.content);
        if (text !== '') system.push(text);
        break;
      }
      case 'user':
        appendMessage(messages, 'user', userContent(message.content));
        break;
      case 'assistant':
        appendMessage(messages, 'assistant', assistantContent(message));
        break;
      case 'tool':
        appendMessage(messages, 'user', [toolResult(message)]);
        break;
      default:
      // Legacy `function` messages have no tool call id to pair with, so they cannot become tool results.
    }
  }

  const request: AnthropicMessagesRequest = { model: upstreamModel, max_tokens: maxTokens(body, upstreamModel), messages };
  if (system.length > 0) request.system = system.join('\n\n');
  const tools = (Array.isArray(body.tools) ? (body.tools as unknown[]) : []).flatMap(toAnthropicTool);
  if (tools.length > 0) {
    request.tools = tools;
    const choice = toAnthropicToolChoice(body.tool_choice, body.parallel_tool_calls === false);
    if (choice) request.tool_choice = choice;
  }
  const stop = typeof body.stop === 'string' ? [body.stop] : Array.isArray(body.stop) ? body.stop.filter((s): s is string => typeof s === 'string') : [];
  if (stop.length > 0) request.stop_sequences = stop;
  if (typeof body.temperature === 'number') request.temperature = Math.min(1, Math.max(0, body.temperature));
  if (typeof body.top_p === 'number') request.top_p = body.top_p;
  if (typeof body.user === 'string') request.metadata = { user_id: body.user };
  if (typeof body.stream === 'boolean') request.stream = body.stream;
  return request;
}

function maxTokens(body: ChatCompletionRequest, upstreamModel: string): number {
  if (typeof body.max_completion_tokens === 'number') return body.max_completion_tokens;
  if (typeof body.max_tokens === 'number') return body.max_tokens;
  return defaultMaxTokensFor(upstreamModel);
}

/**
 * Anthropic wants user and assistant strictly taking turns; OpenAI allows runs (a tool message per call,
 * then the user's next words). A run becomes one message, its content blocks in order, so tool results
 * stay first in their user message as Anthropic requires.
 */
function appendMessage(messages: AnthropicMessageParam[], role: 'user' | 'assistant', content: string | AnthropicContentBlock[]): void {
  // Anthropic rejects empty content blocks lists; an empty turn says nothing anyway.
  if (Array.isArray(content) && content.length === 0) return;
  const last = messages.at(-1);
  if (last?.role !== role) {
    messages.push({ role, content });
    return;
  }
  last.content = [...asBlocks(last.content), ...asBlocks(content)];
}

function asBlocks(content: string | AnthropicContentBlock[]): AnthropicContentBlock[] {
  if (typeof content !== 'string') return content;
  return content === '' ? [] : [{ type: 'text', text: content }];
}

interface OpenAIPart {
  type?: unknown;
  text?: unknown;
  refusal?: unknown;
  image_url?: { url?: unknown } | string;
}

function parts(content: unknown): OpenAIPart[] {
  return Array.isArray(content) ? content.filter((part): part is OpenAIPart => typeof part === 'object' && part !== null) : [];
}

/** The text of a string or of text parts; for system messages and tool answers. */
function plainText(content: unknown): string {
  if (typeof content === 'string') return content;
  return parts(content)
    .map((part) => (typeof part.text === 'string' ? part.text : ''))
    .join('');
}

function userContent(content: unknown): string | AnthropicContentBlock[] {
  if (typeof content === 'string') return content;
  return contentBlocks(content);
}

/** Text and image parts become blocks; empty text is skipped because Anthropic rejects it. */
function contentBlocks(content: unknown): Array<AnthropicTextBlock | AnthropicImageBlock> {
  const blocks: Array<AnthropicTextBlock | AnthropicImageBlock> = [];
  for (const part of parts(content)) {
    if (part.type === 'text' && typeof part.text === 'string') {
      if (part.text !== '') blocks.push({ type: 'text', text: part.text });
    } else if (part.type === 'image_url') {
      const image = imageBlock(part.image_url);
      if (image) blocks.push(image);
    } else {
      blocks.push({ type: 'text', text: `[${typeof part.type === 'string' ? part.type : 'part'} omitted]` });
    }
  }
  return blocks;
}

function imageBlock(imageUrl: OpenAIPart['image_url']): AnthropicImageBlock | undefined {
  const url = typeof imageUrl === 'string' ? imageUrl : imageUrl?.url;
  if (typeof url !== 'string') return undefined;
  const dataUrl = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (dataUrl) return { type: 'image', source: { type: 'base64', media_type: dataUrl[1] ?? '', data: dataUrl[2] ?? '' } };
  return { type: 'image', source: { type: 'url', url } };
}

/** Assistant text (and refusal text) first, then each tool call as a tool_use block. */
function assistantContent(message: ChatMessage): string | AnthropicContentBlock[] {
  const blocks: AnthropicContentBlock[] = [];
  const hasToolCalls = Array.isArray(message.tool_calls) && message.tool_calls.length > 0;
  // Plain text stays a string, as the caller wrote it; empty text is no turn at all.
  if (typeof message.content === 'string' && !hasToolCalls) return message.content === '' ? [] : message.content;
  const text =
    typeof message.content === 'string'
      ? message.content
      : parts(message.content)
          .map((part) => (typeof part.text === 'string' ? part.text : typeof part.refusal === 'string' ? part.refusal : ''))
          .join('');
  if (text !== '') blocks.push({ type: 'text', text });
  const toolCalls = Array.isArray(message.tool_calls) ? (message.tool_calls as Partial<ToolCall>[]) : [];
  for (const call of toolCalls) {
    if (!call.function) continue;
    blocks.push({ type: 'tool_use', id: call.id ?? '', name: call.function.name, input: parseToolInput(call.function.arguments ?? '') });
  }
  return blocks;
}

function toolResult(message: ChatMessage): AnthropicToolResultBlock {
  const block: AnthropicToolResultBlock = { type: 'tool_result', tool_use_id: typeof message.tool_call_id === 'string' ? message.tool_call_id : '' };
  if (typeof message.content === 'string') {
    if (message.content !== '') block.content = message.content;
  } else {
    // Anthropic tool results hold text and images, so parts keep their shape.
    const blocks = contentBlocks(message.content);
    if (blocks.length > 0) block.content = blocks;
  }
  return block;
}

function toAnthropicTool(tool: unknown): AnthropicTool[] {
  const fn = (tool as { type?: unknown; function?: { name?: unknown; description?: unknown; parameters?: unknown } }).function;
  if ((tool as { type?: unknown }).type !== 'function' || typeof fn?.name !== 'string') return [];
  const converted: AnthropicTool = {
    name: fn.name,
    // Anthropic requires a schema; a function without parameters takes none.
    input_schema: typeof fn.parameters === 'object' && fn.parameters !== null ? (fn.parameters as Record<string, unknown>) : { type: 'object', properties: {} },
  };
  if (typeof fn.description === 'string') converted.description = fn.description;
  return [converted];
}

/** parallel_tool_calls: false has no field of its own at Anthropic; it rides on the tool choice. */
function toAnthropicToolChoice(choice: unknown, disableParallel: boolean): AnthropicToolChoice | undefined {
  const parallel = disableParallel ? { disable_parallel_tool_use: true } : {};
  if (choice === 'none') return { type: 'none' };
  if (choice === 'required') return { type: 'any', ...parallel };
  const name = (choice as { function?: { name?: unknown } } | null | undefined)?.function?.name;
  if (typeof choice === 'object' && typeof name === 'string') return { type: 'tool', name, ...parallel };
  if (choice === 'auto' || disableParallel) return { type: 'auto', ...parallel };
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Whole answer

/** `chatcmpl-` plus the message's own id, so the same message always gives the same completion id. */
function completionId(messageId: string | undefined): string {
  return `chatcmpl-${(messageId ?? '').replace(/^msg_/, '')}`;
}

export function anthropicMessageToOpenAI(message: AnthropicMessage, requestedModel: string): ChatCompletion {
  const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
  const toolCalls: ToolCall[] = message.content.flatMap((block) =>
    block.type === 'tool_use' ? [{ id: block.id, type: 'function' as const, function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } }] : [],
  );
  return {
    id: completionId(message.id),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: requestedModel,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text === '' && toolCalls.length > 0 ? null : text,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: openAIFinishReason(message.stop_reason),
      },
    ],
    usage: openAIUsage(message.usage),
    system_fingerprint: null,
  };
}

/** stop_sequence and pause_turn (a server tool paused) end the answer as far as the caller can act. */
function openAIFinishReason(stopReason: string | null): string {
  switch (stopReason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop';
  }
}

/**
 * Anthropic counts cache reads and cache writes apart from input_tokens; OpenAI's prompt_tokens include
 * everything read, with cache hits repeated in prompt_tokens_details.cached_tokens.
 */
function openAIUsage(usage: Partial<AnthropicUsage> | null | undefined): Usage {
  const cacheRead = tokenCount(usage?.cache_read_input_tokens);
  const cacheWrite = tokenCount(usage?.cache_creation_input_tokens);
  const prompt = tokenCount(usage?.input_tokens) + cacheRead + cacheWrite;
  const completion = tokenCount(usage?.output_tokens);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    ...(usage?.cache_read_input_tokens != null ? { prompt_tokens_details: { cached_tokens: cacheRead } } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------
// Streamed answer

/** Anthropic's error types as OpenAI's; the Anthropic name stays in `code`. */
function openAIErrorType(type: string): OpenAIErrorType {
  switch (type as AnthropicErrorType) {
    case 'invalid_request_error':
    case 'request_too_large':
      return 'invalid_request_error';
    case 'authentication_error':
    case 'permission_error':
    case 'not_found_error':
    case 'rate_limit_error':
    case 'timeout_error':
      return type as OpenAIErrorType;
    default:
      return 'server_error';
  }
}

/**
 * Translates an Anthropic Messages stream into chat completion chunks as it arrives, and keeps the whole
 * answer for caching. Each tool_use block becomes the next tool call index; text, wherever it stands, is
 * content. Thinking, pings and citations have no chunk to go in and are skipped.
 */
export class AnthropicStreamToOpenAI {
  readonly #requestedModel: string;
  readonly #includeUsage: boolean;
  readonly #reader = new AnthropicEventReader((event) => this.#onEvent(event));
  #out: string[] = [];
  #id = '';
  #created = 0;
  #started = false;
  #text = '';
  readonly #toolCalls: ToolCall[] = [];
  /** Anthropic block index to tool call index, plus whether any argument text has been sent. */
  readonly #toolBlocks = new Map<number, { call: ToolCall; startInput: unknown; sentArguments: boolean }>();
  /** Indexes of the text blocks started: a text delta counts only for one of them. */
  readonly #textBlocks = new Set<number>();
  /** The provider sent a delta for a block it never started (or of another kind): served without it, never cached. */
  #lossy = false;
  #finishReason: string | null = null;
  #usage: AnthropicUsage = { input_tokens: 0, output_tokens: 0 };
  #stopped = false;
  #failed = false;
  #ended = false;

  constructor(requestedModel: string, options: { includeUsage: boolean }) {
    this.#requestedModel = requestedModel;
    this.#includeUsage = options.includeUsage;
  }

  /** Takes upstream bytes; gives the chat completion SSE text to send now (possibly empty). */
  push(bytes: Uint8Array): string {
    if (!this.#failed && !this.#stopped) this.#reader.push(bytes);
    return this.#flush();
  }

  /** The upstream stream ended: `[DONE]` after a complete answer, an error event otherwise. */
  end(): string {
    if (this.#ended) return '';
    this.#ended = true;
    if (!this.#failed && !this.#stopped) this.#reader.end();
    if (this.#stopped && !this.#failed) this.#out.push('data: [DONE]\n\n');
    else if (!this.#failed) this.#fail('The upstream stream ended before the answer was complete.', 'upstream_error', null);
    return this.#flush();
  }

  /** message_stop or an error came: nothing more of the answer will be read. */
  settled(): boolean {
    return this.#stopped || this.#failed;
  }

  /** The whole answer, or undefined unless the upstream stream reached message_stop without an error. */
  result(): ChatCompletion | undefined {
    if (this.#failed || !this.#stopped) return undefined;
    const answer = this.#build();
    if (this.#lossy) markLossy(answer);
    return answer;
  }

  /** What the stream carried so far, finished or not: only for charging a client who left, never for the cache. */
  delivered(): ChatCompletion | undefined {
    return this.#started ? this.#build() : undefined;
  }

  #build(): ChatCompletion {
    const toolCalls = this.#toolCalls.map((call) => ({ ...{}, ...call, function: { ...call.function } }));
    return {
      id: this.#id,
      object: 'chat.completion',
      created: this.#created,
      model: this.#requestedModel,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: this.#text === '' && toolCalls.length > 0 ? null : this.#text,
            refusal: null,
            ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          },
          logprobs: null,
          finish_reason: this.#finishReason ?? 'stop',
        },
      ],
      usage: openAIUsage(this.#usage),
      system_fingerprint: null,
    };
  }

  #flush(): string {
    const text = this.#out.join('');
    this.#out = [];
    return text;
  }

  #chunk(delta: object, finishReason: string | null = null): void {
    const chunk = {
      id: this.#id,
      object: 'chat.completion.chunk',
      created: this.#created,
      model: this.#requestedModel,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    };
    this.#out.push(`data: ${JSON.stringify(chunk)}\n\n`);
  }

  #fail(message: string, type: OpenAIErrorType, code: string | null): void {
    this.#out.push(`data: ${JSON.stringify(openAIErrorBody(message, type, code))}\n\n`);
    this.#failed = true;
  }

  #onEvent(event: AnthropicStreamEvent | undefined): void {
    if (this.#failed || this.#stopped) return;
    if (!event) {
      this.#fail('The upstream stream sent an event that could not be read.', 'upstream_error', null);
      return;
    }
    if (event.type === 'ping') return;
    if (event.type === 'error') {
      const type = typeof event.error?.type === 'string' ? event.error.type : 'api_error';
      const message = typeof event.error?.message === 'string' ? event.error.message : 'The upstream reported an error.';
      this.#fail(message, openAIErrorType(type), type);
      return;
    }
    if (event.type === 'message_start') {
      if (this.#started) {
        this.#fail('The upstream stream started a second message.', 'upstream_error', null);
        return;
      }
      this.#started = true;
      this.#id = completionId(event.message.id);
      this.#created = Math.floor(Date.now() / 1000);
      this.#usage = { ...event.message.usage };
      this.#chunk({ role: 'assistant', content: '' });
      return;
    }
    if (!this.#started) {
      this.#fail('The upstream stream did not start with message_start.', 'upstream_error', null);
      return;
    }
    switch (event.type) {
      case 'content_block_start':
        this.#onBlockStart(event.index, event.content_block);
        return;
      case 'content_block_delta':
        // A delta for a block never started (or of another kind) belongs to no part of the answer.
        if (event.delta.type === 'text_delta' && this.#textBlocks.has(event.index)) this.#onText(event.delta.text);
        else if (event.delta.type === 'input_json_delta' && this.#toolBlocks.has(event.index)) this.#onArguments(event.index, event.delta.partial_json);
        else if (event.delta.type === 'text_delta' || event.delta.type === 'input_json_delta') this.#lossy = true;
        return;
      case 'content_block_stop':
        this.#onBlockStop(event.index);
        return;
      case 'message_delta':
        for (const [key, value] of Object.entries(event.usage ?? {})) if (value !== null && value !== undefined) this.#usage[key] = value;
        if (event.delta.stop_reason) {
          this.#finishReason = openAIFinishReason(event.delta.stop_reason);
          this.#chunk({}, this.#finishReason);
        }
        return;
      case 'message_stop':
        // No stop reason came (no message_delta said why it stopped): like chat's [DONE] before a finish
        // reason, nothing says the answer is whole, and a provider that ends early may have more to send.
        if (this.#finishReason === null) {
          this.#fail('The upstream stream ended (message_stop) without saying why the answer stopped; it may be incomplete.', 'upstream_error', null);
          return;
        }
        if (this.#includeUsage) this.#usageChunk();
        this.#stopped = true;
        return;
      default:
        return;
    }
  }

  #onBlockStart(index: number, block: Extract<AnthropicStreamEvent, { type: 'content_block_start' }>['content_block']): void {
    if (block.type === 'text') {
      this.#textBlocks.add(index);
      if (block.text) this.#onText(block.text);
      return;
    }
    if (block.type !== 'tool_use') return;
    const call: ToolCall = { id: block.id, type: 'function', function: { name: block.name, arguments: '' } };
    const callIndex = this.#toolCalls.length;
    this.#toolCalls.push(call);
    this.#toolBlocks.set(index, { call, startInput: block.input, sentArguments: false });
    this.#chunk({ tool_calls: [{ index: callIndex, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] });
  }

  #onText(text: string): void {
    if (text === '') return;
    this.#text += text;
    this.#chunk({ content: text });
  }

  #onArguments(blockIndex: number, piece: string): void {
    const tool = this.#toolBlocks.get(blockIndex);
    if (!tool || piece === '') return;
    tool.call.function.arguments += piece;
    tool.sentArguments = true;
    this.#chunk({ tool_calls: [{ index: this.#toolCalls.indexOf(tool.call), function: { arguments: piece } }] });
  }

  /**
   * A tool without parameters streams no input JSON at all; an empty arguments string would break
   * callers that JSON.parse it, so such a call gets its start input ("{}") as its arguments.
   */
  #onBlockStop(blockIndex: number): void {
    const tool = this.#toolBlocks.get(blockIndex);
    if (!tool || tool.sentArguments) return;
    this.#onArguments(blockIndex, JSON.stringify(tool.startInput ?? {}));
  }

  #usageChunk(): void {
    const chunk = { id: this.#id, object: 'chat.completion.chunk', created: this.#created, model: this.#requestedModel, choices: [], usage: openAIUsage(this.#usage) };
    this.#out.push(`data: ${JSON.stringify(chunk)}\n\n`);
  }
}
