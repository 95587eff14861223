// Client faults, round 7, for each caller path (chat completions, Anthropic messages, Responses): request
// framing a front proxy might read differently from Node (two Transfer-Encodings, a coding before chunked,
// a space before the colon, a signed or doubled Content-Length, a bare LF), each refused with a 400 and
// nothing forwarded, or read as one whole request and answered once, never as two; and a client that
// leaves at points rounds 1-6 did not try: while a stream request waits for the provider's headers, and
// while the gateway waits out a provider's Retry-After before asking again. The provider's request is
// cancelled (or never sent), the record says 499, and the gateway serves the next client.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paths, requestBody, type Caller } from './fault-matrix-check.js';
import { rawExchange } from './raw-exchange.js';
import { startHarness, userMessage, type Harness } from './harness.js';

const callers: Caller[] = ['chat', 'messages', 'responses'];

const head = (caller: Caller, lines: string[], end = '\r\n'): string =>
  `POST ${paths[caller]} HTTP/1.1${end}Host: x${end}Content-Type: application/json${end}anthropic-version: 2023-06-01${end}${lines.map((line) => `${line}${end}`).join('')}${end}`;

const chunkedBody = (body: string): string => `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;

/** One whole answer came (its length, or the last chunk); a refused request's connection is closed by the gateway. */
function answeredWhole(received: string): boolean {
  const end = received.indexOf('\r\n\r\n');
  if (end === -1) return false;
  const length = /\r\ncontent-length: *(\d+)/i.exec(received.slice(0, end))?.[1];
  return length !== undefined ? Buffer.byteLength(received.slice(end + 4)) >= Number(length) : received.endsWith('0\r\n\r\n');
}

/** Waits for a condition the gateway reaches on its own (never a fixed sleep racing it). */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await sleep(10);
  expect(condition(), what).toBe(true);
}

describe('client faults, round 7', () => {
  let harness: Harness;
  let port: number;
  beforeAll(async () => {
    harness = await startHarness({ upstream: { idleTimeoutMs: 60_000 }, config: { routing: { retries: 1, maxRetryAfterMs: 30_000 } } });
    harness.records = [];
    port = Number(new URL(harness.url).port);
  });
  afterAll(() => harness.close());

  const stillServes = async (): Promise<void> => {
    expect((await harness.chat(userMessage(`still serving ${Math.random()}`))).status).toBe(200);
  };

  for (const caller of callers) {
    describe(`on ${paths[caller]}`, () => {
      const body = JSON.stringify(requestBody(caller, false, `framing question for ${caller}, round 7`));
      const length = Buffer.byteLength(body);
      // [label, the request's bytes]
      const shapes: Array<[string, string]> = [
        ['two Transfer-Encoding: chunked headers', head(caller, ['Transfer-Encoding: chunked', 'Transfer-Encoding: chunked']) + chunkedBody(body)],
        ['Transfer-Encoding: chunked, chunked', head(caller, ['Transfer-Encoding: chunked, chunked']) + chunkedBody(body)],
        ['Transfer-Encoding: gzip, chunked on a body that is not gzip', head(caller, ['Transfer-Encoding: gzip, chunked']) + chunkedBody(body)],
        ['Transfer-Encoding: chunked, identity (chunked not last)', head(caller, ['Transfer-Encoding: chunked, identity', `Content-Length: ${length}`]) + body],
        ['Transfer-Encoding: xchunked', head(caller, ['Transfer-Encoding: xchunked']) + chunkedBody(body)],
        ['a space before the colon (Content-Length : N)', head(caller, [`Content-Length : ${length}`]) + body],
        ['a signed Content-Length (+N)', head(caller, [`Content-Length: +${length}`]) + body],
        ['the same Content-Length twice', head(caller, [`Content-Length: ${length}`, `Content-Length: ${length}`]) + body],
        ['a Content-Length list (N, N)', head(caller, [`Content-Length: ${length}, ${length}`]) + body],
        ['bare LF line ends in the head', head(caller, [`Content-Length: ${length}`], '\n') + body],
        ['a header value with a bare CR', head(caller, [`Content-Length: ${length}`, 'X-Note: a\rb']) + body],
      ];
      for (const [label, bytes] of shapes) {
        it(`${label}: a 400 with nothing forwarded, or the one request answered once`, async () => {
          const before = harness.upstreamChatCalls();
          const answer = await rawExchange(port, (socket) => socket.write(bytes), answeredWhole);
          const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(answer)?.[1]);
          await harness.gateway.drained();
          if (status === 200) expect(harness.upstreamChatCalls()).toBe(before + 1);
          else {
            expect(status, answer.slice(0, 200)).toBe(400);
            expect(harness.upstreamChatCalls()).toBe(before);
          }
          await stillServes();
        });
      }

      it('a client that leaves while its stream request waits for the provider\'s headers: the provider\'s request is cancelled, recorded as 499', async () => {
        harness.fake.setMode({ kind: 'hang' }, { times: 1 });
        const abortedBefore = harness.fake.abortedByClient;
        const recordsBefore = harness.records!.length;
        const controller = new AbortController();
        const pending = fetch(`${harness.url}${paths[caller]}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
          body: JSON.stringify(requestBody(caller, true, `leave before any header, ${caller}`)),
          signal: controller.signal,
        }).catch(() => undefined);
        await until(() => harness.fake.inFlight > 0, 'the provider has the request');
        controller.abort();
        await pending;
        await until(() => harness.fake.abortedByClient === abortedBefore + 1, 'the provider\'s request was cancelled');
        await harness.gateway.drained();
        expect(harness.records!.slice(recordsBefore).map((record) => record.status)).toEqual([499]);
        await stillServes();
      });

      it('a client that leaves while the gateway waits out a provider\'s Retry-After: the request is not asked again, recorded as 499', async () => {
        // The provider asks for 20 s; within routing.maxRetryAfterMs, the gateway would ask again after it.
        harness.fake.setMode({ kind: 'error', status: 503, retryAfter: 20 }, { times: 1 });
        const callsBefore = harness.upstreamChatCalls();
        const recordsBefore = harness.records!.length;
        const controller = new AbortController();
        const pending = fetch(`${harness.url}${paths[caller]}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
          body: JSON.stringify(requestBody(caller, false, `leave during the retry wait, ${caller}`)),
          signal: controller.signal,
        }).catch(() => undefined);
        await until(() => harness.upstreamChatCalls() === callsBefore + 1 && harness.fake.completedResponses > 0 && harness.fake.inFlight === 0, 'the provider said 503');
        controller.abort();
        await pending;
        await harness.gateway.drained();
        expect(harness.records!.slice(recordsBefore).map((record) => record.status)).toEqual([499]);
        // No second ask: the wait ended with the client.
        expect(harness.upstreamChatCalls()).toBe(callsBefore + 1);
        await stillServes();
      });
    });
  }
});
