// The two byte-level helpers of a passed-through stream: whole events at a time (so that an error event
// isartor adds never lands inside half of the provider's), and a UTF-8 check that takes a character split
// across chunks for what it is. Both must act on every way the bytes can be sliced.
import { describe, expect, it } from 'vitest';
import { EventAlignedBytes } from '../../source/protocols/sse-event-boundary.js';
import { Utf8Check } from '../../source/protocols/utf8-check.js';

const stream = Buffer.from('data: {"a":"Grüße 😀"}\n\nevent: x\r\ndata: {"b":2}\r\n\r\ndata: [DONE]\n\n');

function slicesOf(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

describe('EventAlignedBytes', () => {
  it('passes every byte on unchanged and in order, each write ending at an event boundary, however the stream is sliced', () => {
    for (let size = 1; size <= stream.length; size += 1) {
      const aligned = new EventAlignedBytes();
      const writes = slicesOf(stream, size).map((piece) => aligned.push(piece)).filter((out) => out.length > 0);
      expect(Buffer.concat([...writes, aligned.rest()]).equals(stream)).toBe(true);
      for (const write of writes) expect(/(\n\n|\r\n\r\n)$/.test(write.toString('latin1'))).toBe(true);
    }
  });

  it('holds back an unfinished event, and gives it back at the end (or drops it when the stream is cut)', () => {
    const aligned = new EventAlignedBytes();
    expect(aligned.push(Buffer.from('data: {"a":1}\n\ndata: {"b"')).toString()).toBe('data: {"a":1}\n\n');
    expect(aligned.rest().toString()).toBe('data: {"b"');
    expect(aligned.rest().length).toBe(0);
  });

  it('passes an event longer than 1 MB on as it comes instead of holding it', () => {
    const aligned = new EventAlignedBytes();
    const big = Buffer.alloc(1024 * 1024 + 1, 'x');
    expect(aligned.push(big).length).toBe(big.length);
  });
});

describe('Utf8Check', () => {
  it('accepts UTF-8 split anywhere, even inside a four-byte character', () => {
    for (let size = 1; size <= 7; size += 1) {
      const check = new Utf8Check();
      for (const piece of slicesOf(stream, size)) check.push(piece);
      expect(check.valid()).toBe(true);
    }
  });

  it('refuses bytes that are not UTF-8, and a character left unfinished at the end', () => {
    const bad = new Utf8Check();
    bad.push(Buffer.from([0x61, 0xff, 0x62]));
    expect(bad.valid()).toBe(false);
    const cut = new Utf8Check();
    cut.push(Buffer.from('😀').subarray(0, 3));
    expect(cut.valid()).toBe(false);
    const overlong = new Utf8Check();
    overlong.push(Buffer.from([0xc0, 0xaf]));
    expect(overlong.valid()).toBe(false);
  });
});
