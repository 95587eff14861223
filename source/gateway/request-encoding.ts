import { canDecode, decoderFor, encodingName } from './content-encodings.js';

export type DecodedBody = { kind: 'ok'; body: Buffer } | { kind: 'unsupported'; encoding: string } | { kind: 'corrupt'; encoding: string } | { kind: 'too-large' };

/**
 * A request body sent compressed (`content-encoding: gzip`, `deflate`, `br`): decompressed here, within
 * the body limit, so every layer reads JSON and the provider gets the plain body. Read as it came it
 * would be refused as "not UTF-8", which tells the client nothing; an encoding Node cannot decode
 * (`zstd`) is named in a 415 that says what to do. Decompressing runs off the event loop (content-encodings.ts): a brotli
 * body that inflates to the whole limit takes a while, and other requests are served meanwhile.
 *
 * Why zstd stays a 415 on Node 20 rather than a JavaScript decoder (fzstd, the one pure-JS choice): it
 * would decode on the event loop (every other request waits while a body up to the limit inflates), it
 * is a 0.x package with one maintainer and no release since 2024 that skips the frame checksum, and no
 * client isartor connects sends zstd bodies to a custom base URL (Codex compresses only to OpenAI with a
 * ChatGPT sign-in). RFC 9110 (15.5.16) has a 415 for an unsupported coding say which ones are accepted
 * (Accept-Encoding): the client can switch. Node 22.15 added zstd to zlib: there it joins gzip and br.
 */
export async function decodedBody(header: string | string[] | undefined, body: Buffer, limitBytes: number): Promise<DecodedBody> {
  const encoding = encodingName(header);
  if (encoding === '') return { kind: 'ok', body };
  if (!canDecode(encoding)) return { kind: 'unsupported', encoding };
  const decoder = decoderFor(encoding, body)!;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: DecodedBody): void => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    decoder.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        chunks.length = 0;
        settle({ kind: 'too-large' });
        decoder.destroy();
        return;
      }
      chunks.push(chunk);
    });
    decoder.on('end', () => settle({ kind: 'ok', body: Buffer.concat(chunks, size) }));
    decoder.on('error', () => settle({ kind: 'corrupt', encoding }));
    decoder.end(body);
  });
}
