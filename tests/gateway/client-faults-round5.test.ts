// Client faults, round 5, for each caller path (chat completions, Anthropic messages, Responses): framing a
// parser must refuse (Transfer-Encoding with Content-Length, two Content-Lengths, one that is no number),
// a chunked body past the limit sent slowly (refused before it is all sent), an HTTP/1.0 client that asks
// for a stream, an absolute-form request target, and a client that leaves while the gateway holds back
// the provider's opening events (the provider's request is cancelled). Each reaches no provider when it
// is refused, and the gateway serves the next client.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCallerError, paths, requestBody, type Caller } from './fault-matrix-check.js';
import { rawExchange } from './raw-exchange.js';
import { startHarness, userMessage, type Harness } from './harness.js';

const callers: Caller[] = ['chat', 'messages', 'responses'];
const limit = 64 * 1024;


const head = (caller: Caller, lines: string[], version = '1.1', target = paths[caller]): string =>
  `POST ${target} HTTP/${version}\r\nHost: x\r\nContent-Type: application/json\r\nanthropic-version: 2023-06-01\r\n${lines.map((line) => `${line}\r\n`).join('')}\r\n`;

const bodyOf = (answer: string): string => answer.slice(answer.indexOf('\r\n\r\n') + 4);

describe('client faults, round 5', () => {
  let harness: Harness;
  let port: number;
  beforeAll(async () => {
    harness = await startHarness({ bodyLimitBytes: limit, upstream: { idleTimeoutMs: 60_000 } });
    harness.records = [];
    port = Number(new URL(harness.url).port);
  });
  afterAll(() => harness.close());

  const stillServes = async (): Promise<void> => {
    expect((await harness.chat(userMessage(`still serving ${Math.random()}`))).status).toBe(200);
  };

  for (const caller of callers) {
    describe(`on ${paths[caller]}`, () => {
      const body = JSON.stringify(requestBody(caller, false, `framing question for ${caller}`));

      it('Transfer-Encoding: chunked and a Content-Length together (a smuggling shape): 400, nothing forwarded', async () => {
        const before = harness.upstreamChatCalls();
        const chunked = `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;
        const answer = await rawExchange(port, (socket) => socket.write(head(caller, ['Transfer-Encoding: chunked', `Content-Length: ${Buffer.byteLength(body)}`]) + chunked));
        expect(answer).toMatch(/^HTTP\/1\.1 400 /);
        await harness.gateway.drained();
        expect(harness.upstreamChatCalls()).toBe(before);
        await stillServes();
      });

      for (const [label, lines] of [
        ['two different Content-Lengths', [`Content-Length: ${Buffer.byteLength(body)}`, `Content-Length: ${Buffer.byteLength(body) - 5}`]],
        ['a Content-Length that is no number', ['Content-Length: 12abc']],
        ['a negative Content-Length', ['Content-Length: -1']],
      ] as const) {
        it(`${label}: 400, nothing forwarded`, async () => {
          const before = harness.upstreamChatCalls();
          const answer = await rawExchange(port, (socket) => socket.write(head(caller, [...lines]) + body));
          expect(answer).toMatch(/^HTTP\/1\.1 400 /);
          await harness.gateway.drained();
          expect(harness.upstreamChatCalls()).toBe(before);
          await stillServes();
        });
      }

      it('a chunked body past the limit, sent slowly without a length: 413 in the caller\'s protocol before it is all sent; nothing forwarded', async () => {
        const before = harness.upstreamChatCalls();
        let sent = 0;
        let answered = false;
        const answer = await rawExchange(
          port,
          async (socket) => {
            socket.write(head(caller, ['Transfer-Encoding: chunked']));
            const piece = `{"pad":"${'x'.repeat(8 * 1024)}"}`;
            // Up to four times the limit, a piece at a time, until the answer comes.
            while (!answered && sent < 4 * limit && !socket.destroyed) {
              socket.write(`${Buffer.byteLength(piece).toString(16)}\r\n${piece}\r\n`);
              sent += piece.length;
              await sleep(2);
            }
          },
          (received) => (answered = /\r\n\r\n\{.*\}/s.test(received)),
        );
        expect(answer).toMatch(/^HTTP\/1\.1 413 /);
        expect(isCallerError(caller, bodyOf(answer)), answer).toBe(true);
        expect(sent).toBeLessThan(4 * limit);
        await harness.gateway.drained();
        expect(harness.upstreamChatCalls()).toBe(before);
        await stillServes();
      });

      it('an HTTP/1.0 client asking for a stream gets all of it, then the connection closes', async () => {
        const question = `an HTTP/1.0 stream for ${caller}`;
        const streamBody = JSON.stringify(requestBody(caller, true, question));
        const answer = await rawExchange(port, (socket) => socket.write(head(caller, [`Content-Length: ${Buffer.byteLength(streamBody)}`], '1.0') + streamBody));
        expect(answer).toMatch(/^HTTP\/1\.[01] 200 /);
        expect(answer).not.toMatch(/transfer-encoding: chunked/i);
        const end = caller === 'chat' ? 'data: [DONE]' : caller === 'messages' ? 'message_stop' : 'response.completed';
        expect(answer).toContain(end);
      });

      it('an absolute-form request target (POST http://host/path) is served as the path', async () => {
        const answer = await rawExchange(
          port,
          (socket) => socket.write(head(caller, [`Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close'], '1.1', `http://127.0.0.1:${port}${paths[caller]}`) + body),
        );
        expect(answer).toMatch(/^HTTP\/1\.1 200 /);
      });

      it('a client that leaves while the provider has sent only its opening event: the provider\'s request is cancelled, recorded as 499, nothing cached', async () => {
        const opening = 'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"fake-model","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n';
        harness.fake.setMode({ kind: 'raw', contentType: 'text/event-stream', body: opening, hang: true }, { times: 1 });
        const abortedBefore = harness.fake.abortedByClient;
        const recordsBefore = harness.records!.length;
        const controller = new AbortController();
        const question = `leave during the opening, ${caller}`;
        const pending = fetch(`${harness.url}${paths[caller]}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
          body: JSON.stringify(requestBody(caller, true, question)),
          signal: controller.signal,
        }).catch(() => undefined);
        // The provider has the request and sent its opening; the client has nothing yet.
        for (let i = 0; i < 500 && harness.fake.inFlight === 0; i++) await sleep(10);
        expect(harness.fake.inFlight).toBeGreaterThan(0);
        controller.abort();
        await pending;
        for (let i = 0; i < 500 && harness.fake.abortedByClient === abortedBefore; i++) await sleep(10);
        expect(harness.fake.abortedByClient).toBe(abortedBefore + 1);
        await harness.gateway.drained();
        expect(harness.records!.slice(recordsBefore).map((record) => record.status)).toEqual([499]);
        const calls = harness.upstreamChatCalls();
        const again = await fetch(`${harness.url}${paths[caller]}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
          body: JSON.stringify(requestBody(caller, true, question)),
        });
        await again.text();
        expect(again.headers.get('x-isartor-cache')).not.toBe('hit');
        expect(harness.upstreamChatCalls()).toBe(calls + 1);
      });
    });
  }
});
