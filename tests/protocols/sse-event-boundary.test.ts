// EventAlignedBytes: a passed-through stream goes to the client event by event whatever its line ends
// (LF, CRLF, or the lone CR some servers write), however its bytes are sliced.
import { describe, expect, it } from 'vitest';
import { EventAlignedBytes } from '../../source/protocols/sse-event-boundary.js';

/** What the client is sent for each slice of `text` cut into pieces of `size` bytes, and the rest at the end. */
function relayed(text: string, size: number): { writes: string[]; rest: string } {
  const aligned = new EventAlignedBytes();
  const bytes = Buffer.from(text);
  const writes: string[] = [];
  for (let i = 0; i < bytes.length; i += size) {
    const out = aligned.push(bytes.subarray(i, i + size));
    if (out.length > 0) writes.push(out.toString('utf8'));
  }
  return { writes, rest: aligned.rest().toString('utf8') };
}

describe('EventAlignedBytes', () => {
  for (const [name, end] of [
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR only', '\r'],
  ] as const) {
    it(`${name} line ends: each event leaves as soon as its blank line has come, whole, whatever the slicing`, () => {
      const events = ['data: {"a":1}', 'event: x\ndata: {"b":"ü"}', ': comment\ndata: [DONE]'].map((event) => event.replace(/\n/g, end) + end + end);
      const text = events.join('');
      for (const size of [1, 2, 3, 7, 1000]) {
        const { writes, rest } = relayed(text, size);
        expect(writes.join('') + rest).toBe(text);
        // Never part of an event: every write ends at an event's end.
        for (const write of writes) expect(events.some((event) => write.endsWith(event)), JSON.stringify(write)).toBe(true);
        if (size < 1000) expect(writes).toHaveLength(events.length);
        expect(rest).toBe('');
      }
    });
  }

  it('an unfinished last event is held, and given back at the end', () => {
    const { writes, rest } = relayed('data: 1\r\rdata: 2', 4);
    expect(writes).toEqual(['data: 1\r\r']);
    expect(rest).toBe('data: 2');
  });

  it('an event longer than 1 MB without a blank line is passed on unaligned, not held without bound', () => {
    const aligned = new EventAlignedBytes();
    const piece = Buffer.alloc(64 * 1024, 0x61);
    let out = 0;
    for (let i = 0; i < 20; i += 1) out += aligned.push(piece).length;
    expect(out).toBeGreaterThanOrEqual(1024 * 1024);
  });
});
