import type { Socket } from 'node:net';
import type { CallerProtocol } from '../protocols/caller-protocol.js';
import { errorBodyIn } from './respond.js';

/**
 * A connection whose bytes stopped being HTTP (a body longer than its content-length, a broken chunk):
 * Node's parser reads the surplus as a next request, fails on it and, left alone, answers a bare
 * `400 Bad Request` with no body. The request before the surplus may look whole, but its length was a
 * lie, so it is neither forwarded nor cached (read-body.ts asks `isMalformed`), and the client gets the
 * 400 in the protocol of its latest request.
 */
const malformed = new WeakSet<Socket>();
const lastProtocol = new WeakMap<Socket, CallerProtocol>();

/** Remembers the protocol of the connection's latest request (the gateway decides it per request), for its error. */
export function noteProtocol(socket: Socket, protocol: CallerProtocol): void {
  lastProtocol.set(socket, protocol);
}

export function isMalformed(socket: Socket): boolean {
  return malformed.has(socket);
}

/** server.on('clientError'): Node's own answers for what they fit (431, 408), a protocol 400 for bytes that are not HTTP. */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  malformed.add(socket);
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(errorBodyFor(lastProtocol.get(socket) ?? 'openai', status));
  socket.end(
    `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}\r\n` +
      `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nx-should-retry: false\r\nconnection: close\r\n\r\n${body}`,
  );
}

function errorBodyFor(protocol: CallerProtocol, status: number): object {
  const message =
    status === 431
      ? 'The request headers are too large. Send fewer or shorter headers.'
      : status === 408
        ? 'The request took too long to arrive; the connection was closed. Send it again.'
        : 'The request was not valid HTTP (for example a body longer than its Content-Length, or a broken chunk). Nothing was forwarded. Send the request again with a correct Content-Length.';
  return errorBodyIn(protocol, status, message, status === 431 ? 'headers_too_large' : status === 408 ? 'request_timeout' : 'malformed_http');
}
