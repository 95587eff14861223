import { brotliDecompressSync, gunzipSync, inflateSync, type ZlibOptions } from 'node:zlib';

export type DecodedBody = { kind: 'ok'; body: Buffer } | { kind: 'unsupported'; encoding: string } | { kind: 'corrupt'; encoding: string } | { kind: 'too-large' };

/**
 * A request body sent compressed (`content-encoding: gzip`, `deflate`, `br`): decompressed here, within
 * the body limit, so every layer reads JSON and the provider gets the plain body. Read as it came it
 * would be refused as "not UTF-8", which tells the client nothing; an encoding Node cannot decode
 * (`zstd`) is named in a 415.
 */
export function decodedBody(header: string | string[] | undefined, body: Buffer, limitBytes: number): DecodedBody {
  const encoding = String(header ?? '').trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') return { kind: 'ok', body };
  const decode = decoders.get(encoding);
  if (!decode) return { kind: 'unsupported', encoding };
  try {
    return { kind: 'ok', body: decode(body, { maxOutputLength: limitBytes }) };
  } catch (error) {
    return (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? { kind: 'too-large' } : { kind: 'corrupt', encoding };
  }
}

/** A Map, not an object literal: the header is the client's to write, and `constructor` or `__proto__` must not find Object's own members. */
const decoders = new Map<string, (body: Buffer, options: ZlibOptions) => Buffer>([
  ['gzip', gunzipSync],
  ['x-gzip', gunzipSync],
  ['deflate', inflateSync],
  ['br', brotliDecompressSync],
]);
