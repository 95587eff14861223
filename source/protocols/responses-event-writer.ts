import { splitForReplay } from './replay-pieces.js';
import { freeformInputOf, toolSearchArgumentsOf } from './responses-client-tools.js';
import type {
  ResponseObject,
  ResponsesFunctionCallItem,
  ResponsesMessageItem,
  ResponsesOutputItem,
  ResponsesOutputText,
  ResponsesReasoningItem,
  ResponsesRefusal,
  ResponsesUsage,
} from './responses.js';

/** One Responses stream event as OpenAI writes it: the SSE event name repeats the data's `type`. */
function sseEvent(event: { type: string; [field: string]: unknown }): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** What a response echoes of its request (OpenAI repeats the request's settings in every snapshot). */
export type ResponseEcho = Partial<Omit<ResponseObject, 'id' | 'object' | 'created_at' | 'status' | 'output' | 'usage' | 'error' | 'incomplete_details'>>;

type ContentPart = ResponsesOutputText | ResponsesRefusal;

type OpenItem =
  | { kind: 'message'; index: number; item: ResponsesMessageItem; parts: ContentPart[]; part: { type: 'output_text' | 'refusal'; text: string } | undefined }
  | { kind: 'reasoning'; index: number; item: ResponsesReasoningItem; text: string }
  /** `as`: a freeform or tool-search call, written whole once its arguments are complete (see closeFunction). */
  | { kind: 'function'; index: number; item: ResponsesFunctionCallItem; as?: 'custom' | 'tool_search' };

/**
 * Writes the Responses event sequence for an answer built piece by piece (a translated stream, or a
 * stored answer replayed), with the events and fields OpenAI sends: `response.created`,
 * `response.in_progress`, per item `output_item.added`, its parts and deltas, the `.done` events,
 * `output_item.done`, then `response.completed` (or `.incomplete`, or `.failed`) carrying the whole
 * response with usage. Text, refusal and reasoning items close when another item starts; function
 * calls when their owner says they are complete, else at the end, so that a chat provider may stream
 * the arguments of several calls interleaved. A replayed item gives each of its parts the events OpenAI
 * gives them live, so that a client sees the same events from a replay as from the provider
 * (responses-replay-check.ts holds the two to that before anything is cached).
 */
export class ResponseEventWriter {
  readonly #response: ResponseObject;
  #out: string[] = [];
  #sequence = 0;
  #started = false;
  #finished = false;
  #current: OpenItem | undefined;
  readonly #calls = new Map<string | number, OpenItem & { kind: 'function' }>();
  readonly #itemIdBase: string;

  constructor(init: { id: string; model: string; createdAt?: number; echo?: ResponseEcho }) {
    this.#itemIdBase = init.id.replace(/^resp_/, '');
    this.#response = {
      id: init.id,
      object: 'response',
      created_at: init.createdAt ?? Math.floor(Date.now() / 1000),
      status: 'in_progress',
      error: null,
      incomplete_details: null,
      ...init.echo,
      model: init.model,
      output: [],
      usage: null,
    };
  }

  get started(): boolean {
    return this.#started;
  }

  get finished(): boolean {
    return this.#finished;
  }

  /** The SSE text written since the last flush. */
  flush(): string {
    const text = this.#out.join('');
    this.#out = [];
    return text;
  }

  /** The response as it stands (complete once `complete` ran). */
  response(): ResponseObject {
    return this.#response;
  }

  /**
   * What has been written so far, each open item with the text it has so far: for charging a client
   * who left mid-answer, never for the cache.
   */
  written(): ResponseObject {
    if (this.#finished) return this.#response;
    const open = this.#current;
    const output = this.#response.output.map((item, index): ResponsesOutputItem => {
      if (open?.index !== index) return item;
      if (open.kind === 'message') return { ...{}, ...open.item, content: open.part ? [...open.parts, finishedPart(open.part)] : [...open.parts] };
      if (open.kind === 'reasoning') return { ...{}, ...open.item, summary: [{ type: 'summary_text', text: open.text }] };
      return { ...open.item };
    });
    return { ...{}, ...this.#response, status: 'incomplete', output };
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    const snapshot = { ...{}, ...this.#response, output: [] };
    this.#emit({ type: 'response.created', response: snapshot });
    this.#emit({ type: 'response.in_progress', response: snapshot });
  }

  text(delta: string): void {
    if (delta === '') return;
    const part = this.#openPart('output_text');
    part.part.text += delta;
    this.#emit({ type: 'response.output_text.delta', ...part.at, delta, logprobs: [] });
  }

  /** A refusal goes in its own content part, as OpenAI sends one: a client tells it from an answer by its type. */
  refusal(delta: string): void {
    if (delta === '') return;
    const part = this.#openPart('refusal');
    part.part.text += delta;
    this.#emit({ type: 'response.refusal.delta', ...part.at, delta });
  }

  reasoning(delta: string): void {
    if (delta === '') return;
    const open = this.#current?.kind === 'reasoning' ? this.#current : this.#openReasoning();
    open.text += delta;
    this.#emit({ type: 'response.reasoning_summary_text.delta', item_id: open.item.id, output_index: open.index, summary_index: 0, delta });
  }

  /** Opens a function call item under `key` (the upstream's own call index or block index). */
  /**
   * Opens a function call item under `key` (the upstream's own call index or block index). A call
   * `as` a freeform tool or a tool search keeps its place in the output but is written only when it
   * closes: its item (text input, or arguments as an object) comes from the complete arguments.
   */
  startFunctionCall(key: string | number, call: { id?: string; callId: string; name: string; namespace?: string; as?: 'custom' | 'tool_search' }): void {
    if (this.#calls.has(key)) return;
    this.#closeCurrent();
    const index = this.#response.output.length;
    const item: ResponsesFunctionCallItem = {
      type: 'function_call',
      id: call.id ?? `${call.as === 'custom' ? 'ctc' : call.as === 'tool_search' ? 'tsc' : 'fc'}_${this.#itemIdBase}_${index}`,
      call_id: call.callId,
      name: call.name,
      ...(call.namespace ? { namespace: call.namespace } : {}),
      arguments: '',
      status: 'in_progress',
    };
    this.#response.output.push(item);
    const open = { kind: 'function' as const, index, item, ...(call.as ? { as: call.as } : {}) };
    this.#calls.set(key, open);
    this.#current = open;
    if (!open.as) this.#emit({ type: 'response.output_item.added', output_index: index, item: { ...item } });
  }

  functionArguments(key: string | number, delta: string): void {
    const open = this.#calls.get(key);
    if (!open || delta === '') return;
    open.item.arguments += delta;
    if (!open.as) this.#emit({ type: 'response.function_call_arguments.delta', item_id: open.item.id, output_index: open.index, delta });
  }

  /** Closes a function call whose arguments are complete (Anthropic says so per block). */
  closeFunctionCall(key: string | number): void {
    const open = this.#calls.get(key);
    if (open) this.#closeFunction(open);
  }

  /** Whether a function call under `key` has received any argument text. */
  hasArguments(key: string | number): boolean {
    return (this.#calls.get(key)?.item.arguments ?? '') !== '';
  }

  /** Ends the answer: every open item closes, then `response.completed` (or `.incomplete` with its reason). */
  complete(usage: ResponsesUsage | null, incompleteReason?: string): void {
    if (this.#finished) return;
    this.start();
    this.#closeCurrent();
    for (const open of [...this.#calls.values()].sort((a, b) => a.index - b.index)) this.#closeFunction(open);
    this.#finished = true;
    this.#response.status = incompleteReason ? 'incomplete' : 'completed';
    this.#response.incomplete_details = incompleteReason ? { reason: incompleteReason } : null;
    this.#response.usage = usage;
    this.#emit({ type: incompleteReason ? 'response.incomplete' : 'response.completed', response: this.#response });
  }

  /**
   * Ends the answer with an error. Once the response exists it fails as OpenAI fails one
   * (`response.failed` carrying the error); before that there is no response to fail, so it is a bare
   * `error` event, which the SDK raises as an APIError.
   */
  fail(message: string, code: string): void {
    if (this.#finished) return;
    this.#finished = true;
    if (!this.#started) {
      this.#emit({ type: 'error', code, message, param: null });
      return;
    }
    this.#response.status = 'failed';
    this.#response.error = { code, message };
    this.#emit({ type: 'response.failed', response: this.#response });
  }

  /**
   * Replays one stored item as the events OpenAI sends for it live, keeping its id and every field:
   * the added item is the stored one emptied (content, summary or arguments) and `in_progress`, each
   * part gets its added, delta, done events, and `output_item.done` carries the stored item itself.
   * Only for items `isStreamReplayable` accepts; any other item comes out added and done, whole.
   */
  replayItem(item: ResponsesOutputItem): void {
    this.start();
    this.#closeCurrent();
    const index = this.#response.output.length;
    this.#response.output.push(item);
    const at = { item_id: String(item.id ?? ''), output_index: index };
    if (item.type === 'message') {
      const message = item as ResponsesMessageItem;
      this.#emit({ type: 'response.output_item.added', output_index: index, item: { ...{}, ...message, status: 'in_progress', content: [] } });
      message.content.forEach((part, contentIndex) => this.#replayPart({ ...{}, ...at, content_index: contentIndex }, part));
    } else if (item.type === 'reasoning') {
      const reasoning = item as ResponsesReasoningItem;
      this.#emit({ type: 'response.output_item.added', output_index: index, item: { ...{}, ...reasoning, summary: [] } });
      reasoning.summary.forEach((part, summaryIndex) => {
        const here = { ...{}, ...at, summary_index: summaryIndex };
        this.#emit({ type: 'response.reasoning_summary_part.added', ...here, part: { type: 'summary_text', text: '' } });
        for (const delta of splitForReplay(part.text)) this.#emit({ type: 'response.reasoning_summary_text.delta', ...here, delta });
        this.#emit({ type: 'response.reasoning_summary_text.done', ...here, text: part.text });
        this.#emit({ type: 'response.reasoning_summary_part.done', ...here, part });
      });
    } else if (item.type === 'function_call') {
      const call = item as ResponsesFunctionCallItem;
      this.#emit({ type: 'response.output_item.added', output_index: index, item: { ...{}, ...call, arguments: '', status: 'in_progress' } });
      for (const delta of splitForReplay(call.arguments)) this.#emit({ type: 'response.function_call_arguments.delta', ...at, delta });
      this.#emit({ type: 'response.function_call_arguments.done', ...at, name: call.name, arguments: call.arguments });
    } else if (item.type === 'custom_tool_call' && typeof item.input === 'string') {
      // A freeform tool's call (Codex's apply_patch): its input streams as text, as a function call's arguments do.
      const input = item.input;
      this.#emit({ type: 'response.output_item.added', output_index: index, item: { ...{}, ...item, input: '', ...('status' in item ? { status: 'in_progress' } : {}) } });
      for (const delta of splitForReplay(input)) this.#emit({ type: 'response.custom_tool_call_input.delta', ...at, delta });
      this.#emit({ type: 'response.custom_tool_call_input.done', ...at, input });
    } else this.#emit({ type: 'response.output_item.added', output_index: index, item });
    this.#emit({ type: 'response.output_item.done', output_index: index, item });
  }

  #replayPart(at: { item_id: string; output_index: number; content_index: number }, part: ContentPart): void {
    if (part.type === 'refusal') {
      this.#emit({ type: 'response.content_part.added', ...at, part: { type: 'refusal', refusal: '' } });
      for (const delta of splitForReplay(part.refusal)) this.#emit({ type: 'response.refusal.delta', ...at, delta });
      this.#emit({ type: 'response.refusal.done', ...at, refusal: part.refusal });
    } else {
      // logprobs appear on the deltas when the stored part has them (OpenAI's do; other providers' may not).
      const logprobs = Array.isArray(part.logprobs) ? { logprobs: [] } : {};
      this.#emit({ type: 'response.content_part.added', ...at, part: { type: 'output_text', annotations: [], ...logprobs, text: '' } });
      for (const delta of splitForReplay(part.text)) this.#emit({ type: 'response.output_text.delta', ...at, delta, ...logprobs });
      this.#emit({ type: 'response.output_text.done', ...at, text: part.text, ...(Array.isArray(part.logprobs) ? { logprobs: part.logprobs } : {}) });
    }
    this.#emit({ type: 'response.content_part.done', ...at, part });
  }

  /** The open content part of the given type, opening the message and the part as needed. */
  #openPart(type: 'output_text' | 'refusal'): { part: { type: 'output_text' | 'refusal'; text: string }; at: { item_id: string; output_index: number; content_index: number } } {
    const open = this.#current?.kind === 'message' ? this.#current : this.#openMessage();
    if (open.part?.type !== type) {
      this.#closePart(open);
      open.part = { type, text: '' };
      const added = type === 'refusal' ? { type, refusal: '' } : { type, annotations: [], logprobs: [], text: '' };
      this.#emit({ type: 'response.content_part.added', item_id: open.item.id, output_index: open.index, content_index: open.parts.length, part: added });
    }
    return { part: open.part, at: { item_id: open.item.id, output_index: open.index, content_index: open.parts.length } };
  }

  #closePart(open: OpenItem & { kind: 'message' }): void {
    const part = open.part;
    if (!part) return;
    open.part = undefined;
    const at = { item_id: open.item.id, output_index: open.index, content_index: open.parts.length };
    const done = finishedPart(part);
    if (part.type === 'refusal') this.#emit({ type: 'response.refusal.done', ...at, refusal: part.text });
    else this.#emit({ type: 'response.output_text.done', ...at, text: part.text, logprobs: [] });
    this.#emit({ type: 'response.content_part.done', ...at, part: done });
    open.parts.push(done);
  }

  #openMessage(): OpenItem & { kind: 'message' } {
    this.#closeCurrent();
    const index = this.#response.output.length;
    const item: ResponsesMessageItem = { type: 'message', id: `msg_${this.#itemIdBase}_${index}`, role: 'assistant', status: 'in_progress', content: [] };
    this.#response.output.push(item);
    const open = { kind: 'message' as const, index, item, parts: [], part: undefined };
    this.#current = open;
    this.#emit({ type: 'response.output_item.added', output_index: index, item: { ...{}, ...item, content: [] } });
    return open;
  }

  #openReasoning(): OpenItem & { kind: 'reasoning' } {
    this.#closeCurrent();
    const index = this.#response.output.length;
    const item: ResponsesReasoningItem = { type: 'reasoning', id: `rs_${this.#itemIdBase}_${index}`, summary: [] };
    this.#response.output.push(item);
    const open = { kind: 'reasoning' as const, index, item, text: '' };
    this.#current = open;
    this.#emit({ type: 'response.output_item.added', output_index: index, item: { ...{}, ...item, summary: [] } });
    this.#emit({ type: 'response.reasoning_summary_part.added', item_id: item.id, output_index: index, summary_index: 0, part: { type: 'summary_text', text: '' } });
    return open;
  }

  /** Closes the open message or reasoning item. */
  #closeCurrent(): void {
    const open = this.#current;
    this.#current = undefined;
    if (!open || open.kind === 'function') return;
    if (open.kind === 'message') {
      this.#closePart(open);
      const done: ResponsesMessageItem = { ...{}, ...open.item, status: 'completed', content: open.parts };
      this.#response.output[open.index] = done;
      this.#emit({ type: 'response.output_item.done', output_index: open.index, item: done });
      return;
    }
    const base = { item_id: open.item.id, output_index: open.index };
    const part = { type: 'summary_text' as const, text: open.text };
    this.#emit({ type: 'response.reasoning_summary_text.done', ...base, summary_index: 0, text: open.text });
    this.#emit({ type: 'response.reasoning_summary_part.done', ...base, summary_index: 0, part });
    const done: ResponsesReasoningItem = { ...{}, ...open.item, summary: [part] };
    this.#response.output[open.index] = done;
    this.#emit({ type: 'response.output_item.done', output_index: open.index, item: done });
  }

  #closeFunction(open: OpenItem & { kind: 'function' }): void {
    if (open.item.status === 'completed') return;
    open.item.status = 'completed';
    if (this.#current === open) this.#current = undefined;
    if (open.as) {
      this.#writeClientToolCall(open);
      return;
    }
    this.#emit({ type: 'response.function_call_arguments.done', item_id: open.item.id, output_index: open.index, name: open.item.name, arguments: open.item.arguments });
    this.#emit({ type: 'response.output_item.done', output_index: open.index, item: { ...open.item } });
  }

  /** A freeform call is written as a replay writes one; a tool search call added and done, whole. */
  #writeClientToolCall(open: OpenItem & { kind: 'function' }): void {
    const { id, call_id: callId, name, namespace, arguments: args } = open.item;
    const item: ResponsesOutputItem =
      open.as === 'custom'
        ? { type: 'custom_tool_call', id, call_id: callId, name, ...(namespace ? { namespace } : {}), input: freeformInputOf(args), status: 'completed' }
        : { type: 'tool_search_call', id, call_id: callId, execution: 'client', arguments: toolSearchArgumentsOf(args), status: 'completed' };
    this.#response.output[open.index] = item;
    if (item.type === 'custom_tool_call') {
      const at = { item_id: id, output_index: open.index };
      this.#emit({ type: 'response.output_item.added', output_index: open.index, item: { ...{}, ...item, input: '', status: 'in_progress' } });
      for (const delta of splitForReplay(item.input as string)) this.#emit({ type: 'response.custom_tool_call_input.delta', ...at, delta });
      this.#emit({ type: 'response.custom_tool_call_input.done', ...at, input: item.input });
    } else this.#emit({ type: 'response.output_item.added', output_index: open.index, item: { ...{}, ...item, status: 'in_progress' } });
    this.#emit({ type: 'response.output_item.done', output_index: open.index, item });
  }

  #emit(event: { type: string; [field: string]: unknown }): void {
    const { type, ...fields } = event;
    this.#out.push(sseEvent({ type, sequence_number: this.#sequence++, ...fields }));
  }
}

/** A content part as it stands once closed. */
function finishedPart(part: { type: 'output_text' | 'refusal'; text: string }): ContentPart {
  return part.type === 'refusal' ? { type: 'refusal', refusal: part.text } : { type: 'output_text', annotations: [], logprobs: [], text: part.text };
}
