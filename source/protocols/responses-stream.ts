import { createParser, type EventSourceParser } from 'eventsource-parser';
import { splitForReplay } from './openai-stream.js';
import {
  isCompleteResponse,
  type ResponseObject,
  type ResponsesFunctionCallItem,
  type ResponsesMessageItem,
  type ResponsesOutputItem,
  type ResponsesOutputText,
  type ResponsesReasoningItem,
  type ResponsesUsage,
} from './responses.js';

/** One Responses stream event as OpenAI writes it: the SSE event name repeats the data's `type`. */
function sseEvent(event: { type: string; [field: string]: unknown }): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** What a response echoes of its request (OpenAI repeats the request's settings in every snapshot). */
export type ResponseEcho = Partial<Omit<ResponseObject, 'id' | 'object' | 'created_at' | 'status' | 'output' | 'usage' | 'error' | 'incomplete_details'>>;

/** The request fields a response repeats, with the defaults OpenAI reports when they were not set. */
export function echoOf(body: Record<string, unknown>, model: string): ResponseEcho {
  const pick = <T>(field: string, fallback: T): unknown => (body[field] === undefined ? fallback : body[field]);
  return {
    instructions: pick('instructions', null),
    max_output_tokens: pick('max_output_tokens', null),
    model,
    parallel_tool_calls: pick('parallel_tool_calls', true),
    previous_response_id: null,
    reasoning: pick('reasoning', null),
    // isartor keeps no response for later reference, whatever the request asked (see responses-to-chat.ts).
    store: false,
    temperature: pick('temperature', null),
    text: pick('text', { format: { type: 'text' } }),
    tool_choice: pick('tool_choice', 'auto'),
    tools: pick('tools', []),
    top_p: pick('top_p', null),
    truncation: pick('truncation', 'disabled'),
    metadata: pick('metadata', {}),
    ...(typeof body.user === 'string' ? { user: body.user } : {}),
  } as ResponseEcho;
}

type OpenItem =
  | { kind: 'message'; index: number; item: ResponsesMessageItem; text: string }
  | { kind: 'reasoning'; index: number; item: ResponsesReasoningItem; text: string }
  | { kind: 'function'; index: number; item: ResponsesFunctionCallItem };

/**
 * Writes the Responses event sequence for an answer built piece by piece (a translated stream, or a
 * stored answer replayed): `response.created`, `response.in_progress`, per item `output_item.added`,
 * its content part and deltas, the `.done` events, `output_item.done`, then `response.completed`
 * (or `.incomplete`, or `.failed`) carrying the whole response with usage. Text and reasoning items
 * close when another item starts; function calls when their owner says they are complete, else at
 * the end, so that a chat provider may stream the arguments of several calls interleaved.
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

  start(): void {
    if (this.#started) return;
    this.#started = true;
    const snapshot = { ...this.#response, output: [] };
    this.#emit({ type: 'response.created', response: snapshot });
    this.#emit({ type: 'response.in_progress', response: snapshot });
  }

  text(delta: string): void {
    if (delta === '') return;
    const open = this.#current?.kind === 'message' ? this.#current : this.#openMessage();
    open.text += delta;
    this.#emit({ type: 'response.output_text.delta', item_id: open.item.id, output_index: open.index, content_index: 0, delta, logprobs: [] });
  }

  reasoning(delta: string): void {
    if (delta === '') return;
    const open = this.#current?.kind === 'reasoning' ? this.#current : this.#openReasoning();
    open.text += delta;
    this.#emit({ type: 'response.reasoning_summary_text.delta', item_id: open.item.id, output_index: open.index, summary_index: 0, delta });
  }

  /** Opens a function call item under `key` (the upstream's own call index or block index). */
  startFunctionCall(key: string | number, call: { id?: string; callId: string; name: string; namespace?: string }): void {
    if (this.#calls.has(key)) return;
    this.#closeCurrent();
    const index = this.#response.output.length;
    const item: ResponsesFunctionCallItem = {
      type: 'function_call',
      id: call.id ?? `fc_${this.#itemIdBase}_${index}`,
      call_id: call.callId,
      name: call.name,
      ...(call.namespace ? { namespace: call.namespace } : {}),
      arguments: '',
      status: 'in_progress',
    };
    this.#response.output.push(item);
    const open = { kind: 'function' as const, index, item };
    this.#calls.set(key, open);
    this.#current = open;
    this.#emit({ type: 'response.output_item.added', output_index: index, item: { ...item } });
  }

  functionArguments(key: string | number, delta: string): void {
    const open = this.#calls.get(key);
    if (!open || delta === '') return;
    open.item.arguments += delta;
    this.#emit({ type: 'response.function_call_arguments.delta', item_id: open.item.id, output_index: open.index, delta });
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

  /** Replays one whole item as its events (added, content and deltas, done), keeping its stored id. */
  replayItem(item: ResponsesOutputItem): void {
    this.start();
    if (item.type === 'message') {
      const message = item as ResponsesMessageItem;
      const text = message.content.map((part) => (part.type === 'output_text' ? part.text : '')).join('');
      if (text === '') return this.#wholeItem(item);
      const open = this.#openMessage(message.id);
      for (const piece of splitForReplay(text)) this.text(piece);
      // Annotations, logprobs and refusals arrive with the item as stored, not as deltas.
      if (this.#current === open) this.#closeCurrent(message);
      return;
    }
    if (item.type === 'function_call') {
      const call = item as ResponsesFunctionCallItem;
      const key = `replay-${this.#response.output.length}`;
      this.startFunctionCall(key, { id: call.id, callId: call.call_id, name: call.name, ...(call.namespace ? { namespace: call.namespace } : {}) });
      for (const piece of splitForReplay(call.arguments)) this.functionArguments(key, piece);
      const open = this.#calls.get(key);
      if (open) this.#closeFunction(open);
      return;
    }
    this.#wholeItem(item);
  }

  /** An item without deltas of its own (reasoning, built-in tool calls): added and done, whole. */
  #wholeItem(item: ResponsesOutputItem): void {
    this.#closeCurrent();
    const index = this.#response.output.length;
    this.#response.output.push(item);
    this.#emit({ type: 'response.output_item.added', output_index: index, item });
    this.#emit({ type: 'response.output_item.done', output_index: index, item });
  }

  #openMessage(id?: string): OpenItem & { kind: 'message' } {
    this.#closeCurrent();
    const index = this.#response.output.length;
    const item: ResponsesMessageItem = { type: 'message', id: id ?? `msg_${this.#itemIdBase}_${index}`, role: 'assistant', status: 'in_progress', content: [] };
    this.#response.output.push(item);
    const open = { kind: 'message' as const, index, item, text: '' };
    this.#current = open;
    this.#emit({ type: 'response.output_item.added', output_index: index, item: { ...item, content: [] } });
    this.#emit({ type: 'response.content_part.added', item_id: item.id, output_index: index, content_index: 0, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } });
    return open;
  }

  #openReasoning(): OpenItem & { kind: 'reasoning' } {
    this.#closeCurrent();
    const index = this.#response.output.length;
    const item: ResponsesReasoningItem = { type: 'reasoning', id: `rs_${this.#itemIdBase}_${index}`, summary: [] };
    this.#response.output.push(item);
    const open = { kind: 'reasoning' as const, index, item, text: '' };
    this.#current = open;
    this.#emit({ type: 'response.output_item.added', output_index: index, item: { ...item, summary: [] } });
    this.#emit({ type: 'response.reasoning_summary_part.added', item_id: item.id, output_index: index, summary_index: 0, part: { type: 'summary_text', text: '' } });
    return open;
  }

  /** Closes the open text or reasoning item; `stored` replaces the built item (a replay keeps what was stored). */
  #closeCurrent(stored?: ResponsesMessageItem): void {
    const open = this.#current;
    this.#current = undefined;
    if (!open || open.kind === 'function') return;
    const base = { item_id: open.item.id, output_index: open.index };
    if (open.kind === 'message') {
      const part: ResponsesOutputText = { type: 'output_text', text: open.text, annotations: [], logprobs: [] };
      this.#emit({ type: 'response.output_text.done', ...base, content_index: 0, text: open.text, logprobs: [] });
      this.#emit({ type: 'response.content_part.done', ...base, content_index: 0, part });
      const done: ResponsesMessageItem = stored ? { ...stored, status: 'completed' } : { ...open.item, status: 'completed', content: [part] };
      this.#response.output[open.index] = done;
      this.#emit({ type: 'response.output_item.done', output_index: open.index, item: done });
      return;
    }
    const part = { type: 'summary_text' as const, text: open.text };
    this.#emit({ type: 'response.reasoning_summary_text.done', ...base, summary_index: 0, text: open.text });
    this.#emit({ type: 'response.reasoning_summary_part.done', ...base, summary_index: 0, part });
    const done: ResponsesReasoningItem = { ...open.item, summary: [part] };
    this.#response.output[open.index] = done;
    this.#emit({ type: 'response.output_item.done', output_index: open.index, item: done });
  }

  #closeFunction(open: OpenItem & { kind: 'function' }): void {
    if (open.item.status === 'completed') return;
    open.item.status = 'completed';
    if (this.#current === open) this.#current = undefined;
    this.#emit({ type: 'response.function_call_arguments.done', item_id: open.item.id, output_index: open.index, name: open.item.name, arguments: open.item.arguments });
    this.#emit({ type: 'response.output_item.done', output_index: open.index, item: { ...open.item } });
  }

  #emit(event: { type: string; [field: string]: unknown }): void {
    const { type, ...fields } = event;
    this.#out.push(sseEvent({ type, sequence_number: this.#sequence++, ...fields }));
  }
}

/** Replays a stored response as the event stream OpenAI would have sent for it. */
export function encodeResponseAsSse(response: ResponseObject): string {
  const { id, created_at: createdAt, model, output, usage, status, incomplete_details: incomplete, ...echo } = response;
  const writer = new ResponseEventWriter({ id, model, createdAt, echo: { ...echo, error: null } as ResponseEcho });
  writer.start();
  for (const item of output) writer.replayItem(item);
  writer.complete(usage, status === 'incomplete' ? (incomplete?.reason ?? 'max_output_tokens') : undefined);
  return writer.flush();
}

/**
 * Watches a Responses stream passing through unchanged and keeps the final response, which
 * `response.completed` carries whole. Anything else (incomplete, failed, an error event, a stream
 * cut short) leaves nothing to cache.
 */
export class ResponsesStreamAccumulator {
  readonly #parser: EventSourceParser;
  readonly #decoder = new TextDecoder();
  #final: ResponseObject | undefined;
  #broken = false;

  constructor() {
    this.#parser = createParser({ onEvent: (event) => this.#onData(event.data) });
  }

  push(bytes: Uint8Array): void {
    if (this.#broken) return;
    this.#parser.feed(this.#decoder.decode(bytes, { stream: true }));
  }

  result(): ResponseObject | undefined {
    return this.#broken ? undefined : this.#final;
  }

  #onData(data: string): void {
    if (data === '[DONE]') return;
    let event: { type?: unknown; response?: unknown };
    try {
      event = JSON.parse(data) as typeof event;
    } catch {
      this.#broken = true;
      return;
    }
    if (event.type === 'error' || event.type === 'response.failed') this.#broken = true;
    else if (event.type === 'response.completed' && isCompleteResponse(event.response)) this.#final = event.response;
  }
}
