import { Transform } from 'node:stream';

/** Labels that mean UTF-8's bytes (ASCII is a subset): nothing to do. */
const utf8Labels = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii', 'unicode-1-1-utf-8']);
const empty: Buffer = Buffer.alloc(0);

/**
 * A provider's answer as UTF-8 text, which every reader after this one and every client assumes.
 *
 * JSON and SSE are UTF-8 by their specs, whatever a `charset` says, and servers label UTF-8 bodies
 * ISO-8859-1 by default (Java containers): bytes that are valid UTF-8 stay as they are, label or not.
 * Only where the bytes cannot be UTF-8 (a Latin-1 "é" is 0xE9 alone; UTF-16 starts FF FE) is a declared
 * other charset what the provider meant: from that byte on they are decoded by the label (WHATWG names)
 * and written as UTF-8, so "Café" does not reach the client as "Caf\uFFFD". Without such a label, or with
 * one no decoder knows, the bytes pass as they came (the UTF-8 check keeps such an answer from the caches).
 */
export function inUtf8(body: NodeJS.ReadableStream, contentType: string | undefined): NodeJS.ReadableStream {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  if (charset === undefined || utf8Labels.has(charset)) return body;
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(charset);
  } catch {
    return body;
  }
  let byLabel = false;
  /** The start of a UTF-8 sequence the chunk cut off, joined to the next chunk. */
  let held: Buffer = empty;
  const out = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (byLabel) return done(null, Buffer.from(decoder.decode(chunk, { stream: true })));
      const bytes = held.length > 0 ? Buffer.concat([held, chunk]) : chunk;
      const { end, invalid } = validUtf8Prefix(bytes);
      if (!invalid) {
        held = bytes.subarray(end);
        return done(null, bytes.subarray(0, end));
      }
      byLabel = true;
      held = empty;
      done(null, Buffer.concat([bytes.subarray(0, end), Buffer.from(decoder.decode(bytes.subarray(end), { stream: true }))]));
    },
    flush(done) {
      done(null, byLabel ? Buffer.from(decoder.decode()) : held);
    },
  });
  body.on('error', (error: Error) => out.destroy(error));
  return body.pipe(out);
}

/**
 * How far `bytes` are whole, valid UTF-8 (`end`), and whether a byte that cannot be UTF-8 stopped there
 * (`invalid`) rather than a sequence the chunk's end cut off.
 */
export function validUtf8Prefix(bytes: Uint8Array): { end: number; invalid: boolean } {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    const length = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0) return { end: i, invalid: true };
    // The second byte's range depends on the first (no overlong forms, no surrogates, nothing past U+10FFFF).
    const low = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const high = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k < length; k += 1) {
      if (i + k >= n) return { end: i, invalid: false };
      const c = bytes[i + k]!;
      if (k === 1 ? c < low || c > high : c < 0x80 || c > 0xbf) return { end: i, invalid: true };
    }
    i += length;
  }
  return { end: n, invalid: false };
}
