import { isUtf8 } from 'node:buffer';

/**
 * Whether a stream's bytes are well-formed UTF-8, checked chunk by chunk without decoding: a character
 * split across two chunks is carried over, not taken for an error. Decoders replace bad bytes with U+FFFD
 * silently, so an answer that had some is not what its provider sent: it may be served, never cached.
 */
export class Utf8Check {
  #carry: Buffer | undefined;
  #valid = true;

  push(bytes: Buffer): void {
    if (!this.#valid) return;
    const joined = this.#carry ? Buffer.concat([this.#carry, bytes]) : bytes;
    const whole = completeLength(joined);
    this.#carry = whole < joined.length ? Buffer.from(joined.subarray(whole)) : undefined;
    if (!isUtf8(joined.subarray(0, whole))) this.#valid = false;
  }

  /** Every byte so far was UTF-8, and no character was left unfinished. */
  valid(): boolean {
    return this.#valid && this.#carry === undefined;
  }
}

/** The length up to a multi-byte character the end of `bytes` leaves unfinished (all of it when none is). */
function completeLength(bytes: Buffer): number {
  for (let i = bytes.length - 1; i >= 0 && i >= bytes.length - 4; i--) {
    const byte = bytes[i]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back for its lead
    const size = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return i + size > bytes.length ? i : bytes.length;
  }
  return bytes.length;
}
