import { createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib';
import type { Transform } from 'node:stream';

/**
 * The content encodings isartor decodes, for request bodies a client compressed (request-encoding.ts)
 * and answers a provider or its proxy compressed unasked (upstream-request.ts): one list, so that both
 * sides accept the same names and read `deflate` alike. Decoding is a zlib stream, which works on
 * libuv's thread pool: a large body never holds the event loop while it is inflated.
 *
 * A Map, not an object literal: the header is the sender's to write, and `constructor` or `__proto__`
 * must not find Object's own members.
 */
const decoders = new Map<string, (head: Uint8Array) => Transform>([
  ['gzip', () => createGunzip()],
  ['x-gzip', () => createGunzip()],
  ['deflate', (head) => (isZlibWrapped(head) ? createInflate() : createInflateRaw())],
  ['br', () => createBrotliDecompress()],
]);

/** The names of `decoders`, for messages that say what would have worked. */
export const decodableEncodings = 'gzip, deflate or br';

/** The `content-encoding` header as one lower-case name ('' for none or `identity`). */
export function encodingName(header: string | string[] | undefined): string {
  const name = String(header ?? '').trim().toLowerCase();
  return name === 'identity' ? '' : name;
}

/** Whether isartor can decode this encoding (a name from `encodingName`, not ''). */
export function canDecode(encoding: string): boolean {
  return decoders.has(encoding);
}

/**
 * A fresh decoder for `encoding`, chosen with the body's first bytes at hand (`deflate` needs them);
 * undefined for an encoding isartor cannot decode.
 */
export function decoderFor(encoding: string, head: Uint8Array): Transform | undefined {
  return decoders.get(encoding)?.(head);
}

/**
 * `deflate` means zlib-wrapped deflate (RFC 9110), but some senders write raw deflate under that name, as
 * browsers accept: the first two bytes tell which (a zlib header is a multiple of 31 with method 8).
 */
function isZlibWrapped(head: Uint8Array): boolean {
  return head.length < 2 || ((head[0]! & 0x0f) === 8 && ((head[0]! << 8) | head[1]!) % 31 === 0);
}
