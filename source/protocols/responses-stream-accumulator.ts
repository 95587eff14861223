import type { EventSourceParser } from 'eventsource-parser';
import { createSseParser } from './sse-parser.js';
import { markLossy } from './answer-fidelity.js';
import { isCompleteResponse, type ResponseObject } from './responses.js';
import { isResponsesEvent } from './responses-answer-schemas.js';
import { NormalizedEvents, replayMatches } from './responses-replay-check.js';

/** Events that end a Responses stream: after one, nothing more belongs to the answer. */
const terminalEvents = new Set(['response.completed', 'response.incomplete', 'response.failed', 'error']);

/**
 * Watches a Responses stream passing through unchanged and keeps the final response, which
 * `response.completed` carries whole. Every event is checked (responses-answer-schemas.ts) and kept in
 * normalized form; the final response is cached only if replaying it gives the same events
 * (responses-replay-check.ts), else it is marked lossy: it still serves stats, never a cache.
 * Anything else (incomplete, failed, an error event, an unreadable event, a stream cut short) leaves
 * nothing to cache.
 */
export class ResponsesStreamAccumulator {
  readonly #parser: EventSourceParser;
  readonly #decoder = new TextDecoder();
  readonly #events = new NormalizedEvents();
  #final: ResponseObject | undefined;
  #terminal: string | undefined;
  /** Something came after the terminal event. */
  #afterEnd = false;
  #broken = false;
  /** What the stream carried so far, by output index: text and call arguments (to charge a client who leaves). */
  readonly #deliveredItems = new Map<number, { type: 'message'; text: string } | { type: 'function_call'; name: string; arguments: string }>();

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
  }

  /** Whether the stream ended as a Responses stream ends (completed, incomplete, failed or an error event). */
  get ended(): boolean {
    return this.#terminal !== undefined;
  }

  /**
   * What the stream carried so far, finished or not, as a response whose output holds the text and the
   * call arguments seen: only for charging a client who left, never for the cache. The final response
   * when it came (its usage is the provider's).
   */
  delivered(): ResponseObject | undefined {
    if (this.#final) return this.#final;
    if (this.#deliveredItems.size === 0) return undefined;
    const output = [...this.#deliveredItems.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, item]) =>
        item.type === 'message'
          ? { type: 'message', role: 'assistant', status: 'incomplete', content: [{ type: 'output_text', text: item.text, annotations: [] }] }
          : { type: 'function_call', status: 'incomplete', name: item.name, arguments: item.arguments, call_id: '' },
      );
    return { object: 'response', status: 'incomplete', output } as unknown as ResponseObject;
  }

  result(): ResponseObject | undefined {
    if (this.#broken || !this.#final) return undefined;
    // Events after the end (a second response.completed) are not part of the answer, but the client got them: never cached.
    // An incomplete answer (max_output_tokens) is whole as the provider meant it: counted, never cached.
    if (this.#afterEnd || this.#final.status === 'incomplete' || !replayMatches(this.#events, this.#final)) markLossy(this.#final);
    return this.#final;
  }

  #onData(data: string): void {
    // Not OpenAI's, but some servers that speak the API end with it as chat streams do.
    if (data === '[DONE]') return;
    let event: unknown;
    try {
      event = JSON.parse(data);
    } catch {
      this.#broken = true;
      return;
    }
    const type = (event as { type?: unknown } | null)?.type;
    const afterEnd = this.#terminal !== undefined;
    if (typeof type === 'string' && terminalEvents.has(type)) this.#terminal ??= type;
    if (this.#broken) return;
    if (afterEnd) {
      this.#afterEnd = true;
      return;
    }
    // An unreadable event or a failure: nothing of this stream is an answer to keep.
    if (!isResponsesEvent(event) || event.type === 'error' || event.type === 'response.failed') {
      this.#broken = true;
      return;
    }
    if (event.type === 'keepalive') return;
    this.#noteDelivered(event as unknown as Record<string, unknown>);
    this.#events.add(event);
    if (event.type === 'response.completed' || event.type === 'response.incomplete') {
      if (isCompleteResponse(event.response)) this.#final = event.response;
      else this.#broken = true;
    }
  }

  #noteDelivered(event: Record<string, unknown>): void {
    const index = typeof event.output_index === 'number' ? event.output_index : 0;
    const delta = typeof event.delta === 'string' ? event.delta : '';
    if (event.type === 'response.output_text.delta' || event.type === 'response.refusal.delta') {
      const item = this.#deliveredItems.get(index);
      if (item?.type === 'message') item.text += delta;
      else this.#deliveredItems.set(index, { type: 'message', text: delta });
    } else if (event.type === 'response.output_item.added') {
      const added = event.item as { type?: unknown; name?: unknown } | undefined;
      if (added?.type === 'function_call' || added?.type === 'custom_tool_call') this.#deliveredItems.set(index, { type: 'function_call', name: typeof added.name === 'string' ? added.name : '', arguments: '' });
    } else if (event.type === 'response.function_call_arguments.delta' || event.type === 'response.custom_tool_call_input.delta') {
      const item = this.#deliveredItems.get(index);
      if (item?.type === 'function_call') item.arguments += delta;
      else this.#deliveredItems.set(index, { type: 'function_call', name: '', arguments: delta });
    }
  }
}
