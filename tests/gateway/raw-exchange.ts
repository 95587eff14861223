import { connect, type Socket } from 'node:net';

/**
 * Sends raw bytes on one connection to a test gateway and resolves with everything sent back once the
 * gateway closed it or `enough` says so: for HTTP a client library would never send (pipelining, bad
 * framing, slow bodies). `send` also gets what came back so far, for exchanges that answer as they go.
 * The client never half-closes: Node aborts the requests of a client that sends FIN, as most servers do.
 */
export function rawExchange(port: number, send: (socket: Socket, received: () => string) => unknown, enough?: (received: string) => boolean): Promise<string> {
  return new Promise((resolve) => {
    let received = '';
    const socket = connect(port, '127.0.0.1', () => void send(socket, () => received));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (enough?.(received)) socket.destroy();
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve(received));
  });
}
