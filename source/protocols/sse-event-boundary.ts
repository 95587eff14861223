/**
 * Passes the bytes of an SSE stream on unchanged, but only up to the end of the last whole event: the rest
 * waits for the next chunk. A stream that has to be ended early (a cut, a timeout, an answer too large)
 * then ends at an event boundary, so that the error event isartor adds is read as an event of its own
 * instead of being glued onto half of the provider's.
 */
const empty = Buffer.alloc(0);
/** An event longer than this (or a stream without blank lines) is passed on as it comes, unaligned. */
const maxHeldBytes = 1024 * 1024;

export class EventAlignedBytes {
  #held: Buffer | undefined;

  /** The bytes that complete whole events now (possibly none). */
  push(bytes: Buffer): Buffer {
    const joined = this.#held ? Buffer.concat([this.#held, bytes]) : bytes;
    const end = lastEventEnd(joined);
    if (end === joined.length || (end === 0 && joined.length > maxHeldBytes)) {
      this.#held = undefined;
      return joined;
    }
    this.#held = joined.subarray(end);
    return end === 0 ? empty : joined.subarray(0, end);
  }

  /** What is held back: an event the provider did not finish with a blank line. */
  rest(): Buffer {
    const held = this.#held ?? empty;
    this.#held = undefined;
    return held;
  }
}

/** Just past the last blank line (`\n\n` or `\r\n\r\n`), or 0 when there is none. */
function lastEventEnd(bytes: Buffer): number {
  const lf = bytes.lastIndexOf('\n\n');
  const crlf = bytes.lastIndexOf('\n\r\n');
  return Math.max(lf === -1 ? 0 : lf + 2, crlf === -1 ? 0 : crlf + 3);
}
