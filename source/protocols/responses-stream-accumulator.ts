import { createParser, type EventSourceParser } from 'eventsource-parser';
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
  #broken = false;

  constructor() {
    this.#parser = createParser({ onEvent: (event) => this.#onData(event.data) });
  }

  push(bytes: Uint8Array): void {
    // Read on after a fault too: whether the stream ended properly decides what the client is told.
    this.#parser.feed(this.#decoder.decode(bytes, { stream: true }));
  }

  /** Whether the stream ended as a Responses stream ends (completed, incomplete, failed or an error event). */
  get ended(): boolean {
    return this.#terminal !== undefined;
  }

  result(): ResponseObject | undefined {
    if (this.#broken || !this.#final) return undefined;
    if (!replayMatches(this.#events, this.#final)) markLossy(this.#final);
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
    // An unreadable event, a failure, or anything after the end: nothing of this stream is an answer to keep.
    if (!isResponsesEvent(event) || afterEnd || event.type === 'error' || event.type === 'response.failed') {
      this.#broken = true;
      return;
    }
    if (event.type === 'keepalive') return;
    this.#events.add(event);
    if (event.type === 'response.completed') {
      if (isCompleteResponse(event.response)) this.#final = event.response;
      else this.#broken = true;
    }
  }
}
