/**
 * Passes the bytes of an SSE stream on unchanged, but only up to the end of the last whole event: the rest
 * waits for the next chunk. A stream that has to be ended early (a cut, a timeout, an answer too large)
 * then ends at an event boundary, so that the error event isartor adds is read as an event of its own
 * instead of being glued onto half of the provider's.
 */
const empty = Buffer.alloc(0);
/** An event longer than this (or a stream without blank lines) is passed on as it comes, unaligned. */
const maxHeldBytes = 1024 * 1024;
const LF = 0x0a;
const CR = 0x0d;

export class EventAlignedBytes {
  /** Bytes of an unfinished event, in the pieces they came in (joined once, when the event ends). */
  #held: Buffer[] = [];
  #heldBytes = 0;

  /** The bytes that complete whole events now (possibly none). */
  push(bytes: Buffer): Buffer {
    // What is held has no event end in it, but one may begin in its last bytes (`\r\n` + `\r\n`).
    const lookBack = this.#heldBytes === 0 ? empty : tail(this.#held, 3);
    const end = lastEventEnd(lookBack, bytes);
    if (end === -1) {
      if (this.#heldBytes + bytes.length > maxHeldBytes) return this.#release(bytes);
      if (bytes.length > 0) {
        this.#held.push(bytes);
        this.#heldBytes += bytes.length;
      }
      return empty;
    }
    if (end === bytes.length) return this.#release(bytes);
    const out = this.#release(bytes.subarray(0, end));
    this.#held.push(bytes.subarray(end));
    this.#heldBytes = bytes.length - end;
    return out;
  }

  /** What is held back: an event the provider did not finish with a blank line. */
  rest(): Buffer {
    return this.#release(empty);
  }

  /** What is held, followed by `bytes`, as one buffer; nothing is held after. */
  #release(bytes: Buffer): Buffer {
    if (this.#heldBytes === 0) return bytes;
    const joined = Buffer.concat([...this.#held, bytes], this.#heldBytes + bytes.length);
    this.#held = [];
    this.#heldBytes = 0;
    return joined;
  }
}

/** The last `count` bytes of `pieces` (fewer if they hold fewer). */
function tail(pieces: Buffer[], count: number): Buffer {
  const last = pieces[pieces.length - 1]!;
  if (last.length >= count || pieces.length === 1) return last.subarray(Math.max(0, last.length - count));
  return Buffer.concat(pieces.slice(-count)).subarray(-count);
}

/**
 * Just past the last blank line in `bytes` (an offset into `bytes`), or -1 when none ends there. `before`
 * are the bytes that came just before (held, without an event end of their own). A blank line is two line
 * ends in a row, and SSE ends a line with `\n`, `\r\n` or a lone `\r` (some servers write only CRs): a
 * stream of those is relayed event by event too, not held to its end.
 */
function lastEventEnd(before: Buffer, bytes: Buffer): number {
  const at = (i: number): number => (i >= 0 ? bytes[i]! : i >= -before.length ? before[before.length + i]! : -1);
  // From the end backwards, line end by line end (found natively): the first that follows another line end is the last blank line.
  let lf = bytes.lastIndexOf(LF);
  let cr = bytes.lastIndexOf(CR);
  while (lf !== -1 || cr !== -1) {
    const i = Math.max(lf, cr);
    if (i === lf) lf = i > 0 ? bytes.lastIndexOf(LF, i - 1) : -1;
    else cr = i > 0 ? bytes.lastIndexOf(CR, i - 1) : -1;
    // The line end that ends at i: `\r\n` (two bytes), or one byte.
    const start = bytes[i] === LF && at(i - 1) === CR ? i - 1 : i;
    const previous = at(start - 1);
    if (previous !== LF && previous !== CR) continue;
    // A stream of `\r\n` line ends cut just after the blank line's `\r`: its `\n` is on the way, and the event waits for it.
    if (bytes[i] === CR && i === bytes.length - 1 && previous === LF && at(start - 2) === CR) continue;
    // A blank line ending in a lone `\r` may yet be the first half of `\r\n`: its `\n` goes with it when it is here.
    return bytes[i] === CR && bytes[i + 1] === LF ? i + 2 : i + 1;
  }
  return -1;
}
