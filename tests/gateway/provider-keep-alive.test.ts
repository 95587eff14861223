// A provider that closes kept-alive connections between requests (an idle timeout shorter than the
// gateway's pool keeps them, a load balancer that recycles connections): the close can cross the next
// request on the wire, which then meets a connection the provider already gave up. Nothing of that
// request reached the provider's model, so it is sent again on a fresh connection: the client never sees
// the gateway's pool. Every caller protocol, streamed and whole.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonText, sseBody, streamEventsOf, wholeAnswerOf } from '../support/fake-upstream/fault-matrix.js';
import { paths, readAnswer, requestBody, type Caller } from './fault-matrix-check.js';
import { startHarness, type Harness } from './harness.js';

/** A chat provider that answers the first request on each connection and drops the connection when a second one comes on it. */
async function oneAnswerPerConnection(): Promise<{ server: Server; url: string; answered: () => number; dropped: () => number }> {
  const served = new WeakSet<Socket>();
  let answered = 0;
  let dropped = 0;
  const server = createServer((req, res: ServerResponse) => {
    const socket = req.socket;
    if (served.has(socket)) {
      dropped += 1;
      socket.destroy();
      return;
    }
    served.add(socket);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { stream?: boolean; messages: Array<{ content: string }> };
      const text = `Echo: ${body.messages.at(-1)!.content}`;
      answered += 1;
      if (body.stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(sseBody('chat', streamEventsOf('chat', { text })));
      } else {
        const json = jsonText(wholeAnswerOf('chat', { text }));
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
        res.end(json);
      }
    });
  });
  // Kept alive on the provider's side as long as the gateway wants: only a request shows it was given up.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, answered: () => answered, dropped: () => dropped };
}

describe('a provider that drops kept-alive connections when the next request comes on them', () => {
  let harness: Harness;
  let provider: Awaited<ReturnType<typeof oneAnswerPerConnection>>;
  beforeAll(async () => {
    provider = await oneAnswerPerConnection();
    harness = await startHarness({ upstreamBaseUrl: provider.url, config: { routing: { retries: 0, maxRetryAfterMs: 0 } } });
  });
  afterAll(async () => {
    await harness.close();
    provider.server.closeAllConnections();
    await new Promise<void>((resolve) => provider.server.close(() => resolve()));
  });

  for (const caller of ['chat', 'messages', 'responses'] as Caller[]) {
    for (const stream of [true, false]) {
      it(`asked in ${caller} (${stream ? 'stream' : 'whole'}): three requests in a row are all answered, each once by the provider`, async () => {
        const answeredBefore = provider.answered();
        for (let i = 0; i < 3; i++) {
          const question = `Keep-alive question ${i} in ${caller} ${stream}?`;
          const response = await fetch(`${harness.url}${paths[caller]}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'cache-control': 'no-store' },
            body: JSON.stringify(requestBody(caller, stream, question)),
          });
          const body = await response.text();
          expect(response.status, body.slice(0, 300)).toBe(200);
          expect(readAnswer(caller, stream, body).text).toBe(`Echo: ${question}`);
        }
        expect(provider.answered()).toBe(answeredBefore + 3);
      });
    }
  }

  it('the connections it dropped were met (the case is real, not avoided by chance)', () => {
    expect(provider.dropped()).toBeGreaterThan(0);
  });
});
