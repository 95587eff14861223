import type { IncomingMessage } from 'node:http';
import { isMalformed } from './malformed-connection.js';

export type BodyResult = { kind: 'ok'; body: Buffer } | { kind: 'too-large' } | { kind: 'aborted' };

/**
 * Reads a request body up to `limitBytes`. Past the limit it stops keeping bytes but keeps draining
 * the socket, so the client finishes sending and can read the 413 instead of a reset connection.
 */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) {
    req.resume();
    return Promise.resolve({ kind: 'too-large' });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > limitBytes) {
        tooLarge = true;
        chunks.length = 0;
        resolve({ kind: 'too-large' });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      // Bytes past the body's declared end broke the connection: the length was a lie, so this body is not trusted either.
      if (isMalformed(req.socket)) resolve({ kind: 'aborted' });
      else resolve(tooLarge ? { kind: 'too-large' } : { kind: 'ok', body: joined(chunks, size) });
    });
    req.on('aborted', () => resolve({ kind: 'aborted' }));
    req.on('error', () => resolve({ kind: 'aborted' }));
  });
}

/**
 * The body in one buffer. A body that came in one chunk (most do: a 60 KB agent request is one socket
 * read on loopback) is used as it is. Buffer.concat would copy it into a new allocation outside the
 * JavaScript heap, and V8 answers every ~64 MB of such allocations with a full garbage collection, whose
 * cost grows with everything the caches hold: at a few thousand requests a second that copy alone
 * brought a major collection every half second.
 */
function joined(chunks: Buffer[], size: number): Buffer {
  if (chunks.length === 1) return chunks[0]!;
  return Buffer.concat(chunks, size);
}
