/**
 * An OpenAI Responses caller (Codex, `openai.responses.create`) in front of an Anthropic upstream: the
 * request goes out as a Messages request, and the answer (whole or streamed, event by event) comes back
 * as a response.
 *
 * What cannot cross, and what happens to it:
 * - `instructions` and every system/developer message join Anthropic's one `system` (paragraphs).
 * - Built-in tools and their items are refused with a 400, and so are `conversation`, a stored `prompt`,
 *   `background: true` and logprobs (see responses-input.ts); `namespace` tools
 *   are flattened to `<namespace>__<name>` and calls to them come back as `{namespace, name}`.
 * - `max_tokens` is required by Anthropic: `max_output_tokens`, else the model's default
 *   (anthropic-output-limits.ts: 32,000, less for Claude 3.x). `temperature` is clamped to [0, 1].
 * - `text.format` json_schema/json_object is refused with a 400: Anthropic would answer in free text.
 * - `reasoning` (effort and summary) is not mapped to extended thinking, so no thinking blocks come
 *   back; reasoning items in the input are dropped (Anthropic cannot read OpenAI's).
 * - `parallel_tool_calls: false` rides on the tool choice as `disable_parallel_tool_use`.
 * - `store`, `include`, `prompt_cache_key`, `client_metadata`, `metadata` are not sent; `user` becomes `metadata.user_id`.
 * - `reasoning`, `text.verbosity`, `truncation: "auto"` and `max_tool_calls` are named in `x-isartor-dropped`
 *   (responses-fields-translation-drops.ts).
 */
import { randomUUID } from 'node:crypto';
import {
  parseToolInput,
  type AnthropicContentBlock,
  type AnthropicImageBlock,
  type AnthropicMessage,
  type AnthropicMessageParam,
  type AnthropicMessagesRequest,
  type AnthropicStreamEvent,
  type AnthropicTextBlock,
  type AnthropicTool,
  type AnthropicToolChoice,
  type AnthropicUsage,
} from './anthropic.js';
import { AnthropicEventReader } from './anthropic-stream.js';
import { defaultMaxTokensFor } from './anthropic-output-limits.js';
import { CallShapes, functionToolsOf, requestToolsOf, responsesUsage, UntranslatableRequest, type ResponseObject, type ResponsesRequest, type ResponsesUsage } from './responses.js';
import { readResponsesInput, refuseUntranslatable, type ResponsesInputPiece } from './responses-input.js';
import { echoOf, ResponseEventWriter } from './responses-stream.js';
import type { ResponseContext } from './responses-to-chat.js';
import { isEmptyField, markLossy } from './answer-fidelity.js';
import { tokenCount } from './answer-usage.js';
import { WrittenEvents } from './responses-replay-check.js';

// ---------------------------------------------------------------------------------------------------
// Request

export function responsesRequestToAnthropic(body: ResponsesRequest, upstreamModel: string): AnthropicMessagesRequest {
  refuseUntranslatable(body);
  const format = body.text?.format?.type;
  if (format === 'json_schema' || format === 'json_object') {
    throw new UntranslatableRequest(`\`text.format\` "${format}" cannot be enforced by an Anthropic model; it would answer in free text. Route this model to an OpenAI-compatible provider, or drop text.format.`, 'text.format');
  }
  const system: string[] = [];
  const messages: AnthropicMessageParam[] = [];
  for (const piece of readResponsesInput(body)) appendPiece(messages, system, piece);

  const request: AnthropicMessagesRequest = { model: upstreamModel, max_tokens: typeof body.max_output_tokens === 'number' ? body.max_output_tokens : defaultMaxTokensFor(upstreamModel), messages };
  if (system.length > 0) request.system = system.join('\n\n');
  const { functions } = functionToolsOf(requestToolsOf(body));
  if (functions.length > 0) {
    request.tools = functions.map(
      (tool): AnthropicTool => ({
        name: tool.name as string,
        ...(typeof tool.description === 'string' ? { description: tool.description } : {}),
        input_schema: tool.parameters ?? { type: 'object', properties: {} },
      }),
    );
    const choice = anthropicToolChoice(body.tool_choice, body.parallel_tool_calls === false);
    if (choice) request.tool_choice = choice;
  }
  if (typeof body.temperature === 'number') request.temperature = Math.min(1, Math.max(0, body.temperature));
  if (typeof body.top_p === 'number') request.top_p = body.top_p;
  if (typeof body.user === 'string') request.metadata = { user_id: body.user };
  if (body.stream === true) request.stream = true;
  return request;
}

function appendPiece(messages: AnthropicMessageParam[], system: string[], piece: ResponsesInputPiece): void {
  switch (piece.kind) {
    case 'system':
      system.push(piece.text);
      return;
    case 'assistant':
      append(messages, 'assistant', [{ type: 'text', text: piece.text }]);
      return;
    case 'user':
      append(messages, 'user', userBlocks(piece.content));
      return;
    case 'function_call':
      append(messages, 'assistant', [{ type: 'tool_use', id: piece.callId, name: piece.name, input: parseToolInput(piece.arguments ?? '') }]);
      return;
    case 'function_call_output': {
      const content = toolResultContent(piece.output);
      append(messages, 'user', [{ type: 'tool_result', tool_use_id: piece.callId, ...(content === undefined ? {} : { content }) }]);
    }
  }
}

/**
 * Anthropic wants user and assistant strictly taking turns; Responses items come one per call or
 * output. A run becomes one message, blocks in order, so tool results stay first in their user message.
 */
function append(messages: AnthropicMessageParam[], role: 'user' | 'assistant', blocks: AnthropicContentBlock[]): void {
  if (blocks.length === 0) return;
  const last = messages.at(-1);
  if (last?.role === role) last.content = [...(typeof last.content === 'string' ? [{ type: 'text' as const, text: last.content }] : last.content), ...blocks];
  else messages.push({ role, content: blocks });
}

function userBlocks(content: unknown): AnthropicContentBlock[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  const blocks: AnthropicContentBlock[] = [];
  for (const part of Array.isArray(content) ? (content as Array<Record<string, unknown>>) : []) {
    if (typeof part?.text === 'string') {
      if (part.text !== '') blocks.push({ type: 'text', text: part.text });
    } else if (part?.type === 'input_image' && typeof part.image_url === 'string') blocks.push(imageBlock(part.image_url));
    else blocks.push({ type: 'text', text: `[${typeof part?.type === 'string' ? part.type.replace(/^input_/, '') : 'part'} omitted]` });
  }
  return blocks;
}

function imageBlock(url: string): AnthropicImageBlock {
  const dataUrl = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (dataUrl) return { type: 'image', source: { type: 'base64', media_type: dataUrl[1] ?? '', data: dataUrl[2] ?? '' } };
  return { type: 'image', source: { type: 'url', url } };
}

/** Tool results hold text and images at Anthropic, so parts keep their shape. */
function toolResultContent(output: unknown): string | Array<AnthropicTextBlock | AnthropicImageBlock> | undefined {
  if (typeof output === 'string') return output === '' ? undefined : output;
  if (!Array.isArray(output)) return output === undefined ? undefined : JSON.stringify(output);
  const blocks = userBlocks(output).filter((block): block is AnthropicTextBlock | AnthropicImageBlock => block.type === 'text' || block.type === 'image');
  return blocks.length > 0 ? blocks : undefined;
}

function anthropicToolChoice(choice: unknown, disableParallel: boolean): AnthropicToolChoice | undefined {
  const parallel = disableParallel ? { disable_parallel_tool_use: true } : {};
  if (choice === 'none') return { type: 'none' };
  if (choice === 'required') return { type: 'any', ...parallel };
  const named = choice as { type?: unknown; name?: unknown } | undefined;
  // A freeform tool is a function to the model (responses-client-tools.ts), so forcing it is forcing that function.
  if ((named?.type === 'function' || named?.type === 'custom') && typeof named.name === 'string') return { type: 'tool', name: named.name, ...parallel };
  if (choice === 'auto' || disableParallel) return { type: 'auto', ...parallel };
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Answer

function responseId(messageId: string | undefined): string {
  return `resp_${(messageId ?? randomUUID()).replace(/^msg_/, '').replace(/[^A-Za-z0-9_-]/g, '')}`;
}

function incompleteReason(stopReason: string | null | undefined): string | undefined {
  if (stopReason === 'max_tokens' || stopReason === 'model_context_window_exceeded') return 'max_output_tokens';
  if (stopReason === 'refusal') return 'content_filter';
  return undefined;
}

/** Anthropic counts cache reads and writes apart from input_tokens; Responses input_tokens include them. */
function usageOfAnthropic(usage: Partial<AnthropicUsage> | null | undefined): ResponsesUsage {
  const cacheRead = tokenCount(usage?.cache_read_input_tokens);
  return responsesUsage(tokenCount(usage?.input_tokens) + cacheRead + tokenCount(usage?.cache_creation_input_tokens), tokenCount(usage?.output_tokens), cacheRead);
}

export function anthropicMessageToResponse(message: AnthropicMessage, context: ResponseContext): ResponseObject {
  const writer = new ResponseEventWriter({ id: responseId(message.id), model: context.requestedModel, echo: echoOf(context.body, context.requestedModel) });
  const shapes = new CallShapes(context.body);
  let lossy = false;
  message.content.forEach((block, index) => {
    if (block.type === 'text') {
      writer.text(block.text);
      if (!isEmptyField((block as { citations?: unknown }).citations)) lossy = true;
    } else if (block.type === 'tool_use') {
      writer.startFunctionCall(index, { callId: block.id, ...shapes.of(block.name) });
      writer.functionArguments(index, JSON.stringify(block.input ?? {}));
    } else lossy = true;
  });
  writer.complete(usageOfAnthropic(message.usage), incompleteReason(message.stop_reason));
  writer.flush();
  const response = writer.response();
  // Thinking, server tools, citations: the caller's answer lacks them, and no cache may keep it.
  if (lossy) markLossy(response);
  return response;
}

/** Events a Messages stream may hold whose content the translation carries (or that carry none). */
const translatedEvents = new Set(['ping', 'message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop', 'error']);

/**
 * Translates an Anthropic Messages stream into Responses events as it arrives, and keeps the whole
 * response for caching: message_start opens the response, text blocks become one message item (a new
 * one after a tool call), each tool_use block a function call item, message_stop completes it with
 * usage. Thinking and pings have no item to go in and are skipped.
 */
export class AnthropicStreamToResponses {
  readonly #context: ResponseContext;
  readonly #shapes: CallShapes;
  readonly #reader = new AnthropicEventReader((event) => this.#onEvent(event));
  #writer: ResponseEventWriter | undefined;
  readonly #toolInputs = new Map<number, unknown>();
  /** Indexes of the text blocks started: a text delta counts only for one of them. */
  readonly #textBlocks = new Set<number>();
  #usage: AnthropicUsage = { input_tokens: 0, output_tokens: 0 };
  #stopReason: string | null = null;
  #ended = false;
  /** What the client was sent, to check the replay of the stored answer against. */
  readonly #written = new WrittenEvents();
  /** The provider sent something the translation does not carry (thinking, citations, server tools...). */
  #lossy = false;

  constructor(context: ResponseContext) {
    this.#context = context;
    this.#shapes = new CallShapes(context.body);
  }

  push(bytes: Uint8Array): string {
    if (!this.#writer?.finished) this.#reader.push(bytes);
    return this.#written.observe(this.#writer?.flush() ?? '');
  }

  end(): string {
    if (this.#ended) return '';
    this.#ended = true;
    if (!this.#writer?.finished) this.#reader.end();
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
    return written && { ...{}, ...written, usage: usageOfAnthropic(this.#usage) };
  }

  #ensureWriter(messageId: string | undefined): ResponseEventWriter {
    const model = this.#context.requestedModel;
    this.#writer ??= new ResponseEventWriter({ id: responseId(messageId), model, echo: echoOf(this.#context.body, model) });
    return this.#writer;
  }

  #onEvent(event: AnthropicStreamEvent | undefined): void {
    if (this.#writer?.finished) return;
    if (!event) {
      this.#ensureWriter(undefined).fail('The upstream stream sent an event that could not be read.', 'upstream_error');
      return;
    }
    if (event.type === 'ping') return;
    if (!translatedEvents.has(event.type)) this.#lossy = true;
    if (event.type === 'error') {
      const message = typeof event.error?.message === 'string' ? event.error.message : 'The upstream reported an error.';
      this.#ensureWriter(undefined).fail(message, typeof event.error?.type === 'string' ? event.error.type : 'api_error');
      return;
    }
    if (event.type === 'message_start') {
      if (this.#writer?.started) {
        this.#writer.fail('The upstream stream started a second message.', 'upstream_error');
        return;
      }
      this.#ensureWriter(event.message.id).start();
      this.#usage = { ...event.message.usage };
      return;
    }
    const out = this.#writer;
    if (!out?.started) {
      this.#ensureWriter(undefined).fail('The upstream stream did not start with message_start.', 'upstream_error');
      return;
    }
    switch (event.type) {
      case 'content_block_start': {
        const block = event.content_block;
        if (block.type === 'text') {
          this.#textBlocks.add(event.index);
          out.text(block.text);
          if (!isEmptyField((block as { citations?: unknown }).citations)) this.#lossy = true;
        } else if (block.type === 'tool_use') {
          out.startFunctionCall(event.index, { callId: block.id, ...this.#shapes.of(block.name) });
          this.#toolInputs.set(event.index, block.input);
        } else this.#lossy = true;
        return;
      }
      case 'content_block_delta':
        // A delta for a block never started (or of another kind) belongs to no part of the answer.
        if (event.delta.type === 'text_delta' && this.#textBlocks.has(event.index)) out.text(event.delta.text);
        else if (event.delta.type === 'input_json_delta' && this.#toolInputs.has(event.index)) out.functionArguments(event.index, event.delta.partial_json);
        else this.#lossy = true;
        return;
      case 'content_block_stop':
        // A tool without parameters streams no input JSON; its start input ("{}") is its arguments.
        if (this.#toolInputs.has(event.index)) {
          if (!out.hasArguments(event.index)) out.functionArguments(event.index, JSON.stringify(this.#toolInputs.get(event.index) ?? {}));
          out.closeFunctionCall(event.index);
        }
        return;
      case 'message_delta':
        for (const [key, value] of Object.entries(event.usage ?? {})) if (value !== null && value !== undefined) this.#usage[key] = value;
        if (event.delta.stop_reason) this.#stopReason = event.delta.stop_reason;
        return;
      case 'message_stop':
        // Without a stop reason nothing says the answer is whole (openai-to-anthropic.ts does the same).
        if (this.#stopReason === null) {
          out.fail('The upstream stream ended (message_stop) without saying why the answer stopped; it may be incomplete.', 'upstream_error');
          return;
        }
        out.complete(usageOfAnthropic(this.#usage), incompleteReason(this.#stopReason));
        return;
      default:
        return;
    }
  }
}
