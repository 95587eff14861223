import { isDeepStrictEqual } from 'node:util';
import { createParser, type EventSourceParser } from 'eventsource-parser';
import { markLossy } from './answer-fidelity.js';
import type { ResponseObject } from './responses.js';
import { encodeResponseAsSse } from './responses-replay.js';

type StreamEvent = { type: string; [field: string]: unknown };

/** Fields that describe the stream, not the answer: the counter, and OpenAI's random padding on deltas. */
const streamOnlyFields = new Set(['sequence_number', 'obfuscation']);
/** The snapshot fields of `response.created` / `.in_progress` that name the answer; the rest echoes settings (service_tier "auto" becomes "default"). */
const snapshotFields = ['id', 'object', 'created_at', 'status', 'model', 'output'];

/**
 * The events of a Responses stream in a form two streams of the same answer share: deltas of one part
 * joined (a replay cuts text into other pieces), stream-only fields dropped, and each output item's
 * events kept apart in their own order (a translated stream may interleave the arguments of parallel
 * calls; a replay gives them one after the other). Every other event and field is kept as it came.
 */
export class NormalizedEvents {
  readonly lifecycle: StreamEvent[] = [];
  readonly items = new Map<number, StreamEvent[]>();

  add(raw: StreamEvent): void {
    const event: StreamEvent = { type: raw.type };
    for (const field in raw) if (!streamOnlyFields.has(field)) event[field] = raw[field];
    if ((event.type === 'response.created' || event.type === 'response.in_progress') && typeof event.response === 'object' && event.response !== null) {
      const snapshot = event.response as Record<string, unknown>;
      event.response = Object.fromEntries(snapshotFields.map((field) => [field, snapshot[field]]));
    }
    const at = event.output_index;
    let list = this.lifecycle;
    if (typeof at === 'number') {
      list = this.items.get(at) ?? [];
      this.items.set(at, list);
    }
    const last = list.at(-1);
    if (last && last.type === event.type && continues(last, event)) {
      last.delta = (last.delta as string) + (event.delta as string);
      if (Array.isArray(event.logprobs) && event.logprobs.length > 0) (last.logprobs as unknown[]).push(...(event.logprobs as unknown[]));
      return;
    }
    if (Array.isArray(event.logprobs)) event.logprobs = [...event.logprobs];
    list.push(event);
  }

  equals(other: NormalizedEvents): boolean {
    return isDeepStrictEqual(this.lifecycle, other.lifecycle) && isDeepStrictEqual(sorted(this.items), sorted(other.items));
  }
}

/** The fields a delta event may have for it to be joined with the one before. */
const deltaFields = new Set(['type', 'item_id', 'output_index', 'content_index', 'summary_index', 'delta', 'logprobs']);

/**
 * Whether `next` continues `last`'s text: both deltas of the same type at the same place, with text,
 * logprobs both arrays or both absent, and no other field (a field a delta should not have stays on an
 * event of its own, where the comparison sees it).
 */
function continues(last: StreamEvent, next: StreamEvent): boolean {
  if (!next.type.endsWith('.delta') || typeof last.delta !== 'string' || typeof next.delta !== 'string') return false;
  for (const field in next) if (!deltaFields.has(field)) return false;
  for (const field in last) if (!deltaFields.has(field)) return false;
  if (Array.isArray(last.logprobs) !== Array.isArray(next.logprobs) || (last.logprobs === undefined) !== (next.logprobs === undefined)) return false;
  return last.item_id === next.item_id && last.output_index === next.output_index && last.content_index === next.content_index && last.summary_index === next.summary_index;
}

function sorted(items: Map<number, StreamEvent[]>): StreamEvent[][] {
  return [...items.entries()].sort(([a], [b]) => a - b).map(([, events]) => events);
}

/** The events of an SSE text, normalized; undefined if one is not a JSON object with a type. */
export function normalizedEventsOf(sse: string): NormalizedEvents | undefined {
  const events = new NormalizedEvents();
  let readable = true;
  const parser = createParser({
    onEvent: ({ data }) => {
      try {
        const event = JSON.parse(data) as StreamEvent;
        if (typeof event?.type === 'string') events.add(event);
        else readable = false;
      } catch {
        readable = false;
      }
    },
  });
  parser.feed(sse);
  return readable ? events : undefined;
}

/**
 * Whether replaying `final` gives a client the same events as the stream it came from. An answer for
 * which it does not (an event type or field the replay does not rebuild, a final response that differs
 * from what was streamed, an item that changed between its events) must not be cached.
 */
export function replayMatches(streamed: NormalizedEvents, final: ResponseObject): boolean {
  const sse = encodeResponseAsSse(final);
  if (sse === undefined) return false;
  const replayed = normalizedEventsOf(sse);
  return replayed !== undefined && replayed.equals(streamed);
}

/** Watches the Responses SSE text a translator writes, to check its replay against it at the end. */
export class WrittenEvents {
  readonly events = new NormalizedEvents();
  readonly #parser: EventSourceParser;
  #readable = true;

  constructor() {
    this.#parser = createParser({
      onEvent: ({ data }) => {
        try {
          this.events.add(JSON.parse(data) as StreamEvent);
        } catch {
          this.#readable = false;
        }
      },
    });
  }

  observe(sse: string): string {
    if (sse !== '') this.#parser.feed(sse);
    return sse;
  }

  /** Whether replaying `final` gives the events written. */
  replayMatches(final: ResponseObject): boolean {
    return this.#readable && replayMatches(this.events, final);
  }

  /**
   * The response a translated stream ends with, as a relay's result: only a completed or incomplete one (not a failed one), marked lossy
   * when the translation dropped something (`lossy`) or when replaying it would not give the events written.
   */
  keptResponse(response: ResponseObject | undefined, lossy: boolean): ResponseObject | undefined {
    if (response?.status !== 'completed' && response?.status !== 'incomplete') return undefined;
    if (lossy || response.status === 'incomplete' || !this.replayMatches(response)) markLossy(response);
    return response;
  }
}
