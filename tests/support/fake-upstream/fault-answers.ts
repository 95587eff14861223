// What the fault rounds (fault-matrix-round3..6.ts) build their fake provider answers from: a raw answer
// streamed or whole, the good answer in a wire's own protocol, and that answer's events edited as objects.
import { jsonText, sseBody, streamEventsOf, wholeAnswerOf, type GoodAnswer, type Wire } from './fault-matrix.js';
import type { FakeMode } from './types.js';

export type Json = Record<string, any>;
export type Event = Json | '[DONE]';
type RawExtra = Partial<Extract<FakeMode, { kind: 'raw' }>>;

/** Raw bytes as an SSE stream. */
export const stream = (body: string | (() => Iterable<string | Buffer>), extra: RawExtra = {}): FakeMode => ({ kind: 'raw', contentType: 'text/event-stream', body, ...extra });
/** Raw bytes as a whole (JSON) answer. */
export const whole = (body: string | (() => Iterable<string | Buffer>), extra: RawExtra = {}): FakeMode => ({ kind: 'raw', body, ...extra });
export const either = (isStream: boolean) => (isStream ? stream : whole);
export const good = (text: string): GoodAnswer => ({ text });
/** The good answer's bytes in the wire's protocol, streamed or whole. */
export const goodBody = (wire: Wire, isStream: boolean, answer: GoodAnswer): string => (isStream ? sseBody(wire, streamEventsOf(wire, answer)) : jsonText(wholeAnswerOf(wire, answer)));

/** The good events with `edit` applied to the list (events stay objects until written). */
export const edited = (wire: Wire, text: string, edit: (events: Event[]) => Event[]): string => sseBody(wire, edit(streamEventsOf(wire, good(text))));

/** Index of the first event that carries answer text. */
export function firstTextIndex(wire: Wire, events: Event[]): number {
  return events.findIndex((event) => {
    if (typeof event === 'string') return false;
    if (wire === 'chat') return typeof event.choices?.[0]?.delta?.content === 'string' && event.choices[0].delta.content !== '';
    if (wire === 'anthropic') return event.type === 'content_block_delta';
    return event.type === 'response.output_text.delta';
  });
}
