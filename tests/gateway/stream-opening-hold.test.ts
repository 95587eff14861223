// A stream's opening events (chat's role chunk, message_start and ping, response.created) are held back
// until the answer's first bytes, so that a provider failing right after them can still be replaced by a
// fallback; but only for upstream.openingHoldMs: a reasoning model that opens and then thinks silently
// must not leave its client without headers. Both sides, in every caller protocol, against a provider
// whose next event the test releases itself (no timing races: the test waits for the client's headers).
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sseBody, streamEventsOf } from '../support/fake-upstream/fault-matrix.js';
import { paths, readAnswer, requestBody, type Caller } from './fault-matrix-check.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { startHarness, upstreamKey, type Harness } from './harness.js';

type Wire = 'chat' | 'anthropic';

/** A provider that sends its stream's opening at once and each later piece only when the test says so. */
class HeldProvider {
  readonly server: Server;
  #waiting: Array<(res: ServerResponse) => void> = [];
  #open: ServerResponse[] = [];
  requests = 0;

  constructor(private readonly wire: Wire) {
    this.server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        this.requests += 1;
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const events = streamEventsOf(this.wire, { text: 'held' });
        res.write(sseBody(this.wire, this.wire === 'anthropic' ? [events[0]!, events[1]!, { type: 'ping' }] : [events[0]!]));
        this.#open.push(res);
        this.#waiting.shift()?.(res);
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The response of the next request, once it has sent its opening. */
  next(): Promise<ServerResponse> {
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  async close(): Promise<void> {
    for (const res of this.#open) res.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const errorEvent = (wire: Wire): string =>
  wire === 'anthropic'
    ? 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded after thinking (fault injection)."}}\n\n'
    : 'data: {"error":{"message":"Overloaded after thinking (fault injection).","type":"server_error"}}\n\n';

const ask = (harness: Harness, caller: Caller, text: string): Promise<Response> =>
  fetch(`${harness.url}${paths[caller]}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify(requestBody(caller, true, text)),
  });

const setups: Array<{ wire: Wire; callers: Caller[] }> = [
  { wire: 'chat', callers: ['chat', 'messages', 'responses'] },
  { wire: 'anthropic', callers: ['chat', 'messages', 'responses'] },
];

for (const { wire, callers } of setups) {
  describe(`a ${wire} provider that opens its stream, then thinks silently past upstream.openingHoldMs`, () => {
    let provider: HeldProvider;
    let harness: Harness;
    beforeAll(async () => {
      provider = new HeldProvider(wire);
      const url = await provider.start();
      harness = await startHarness({
        provider: wire === 'anthropic' ? 'anthropic' : 'openai-compatible',
        upstreamBaseUrl: wire === 'anthropic' ? url : `${url}/v1`,
        upstream: { openingHoldMs: 50 },
        config: { routing: { retries: 0, maxRetryAfterMs: 0 } },
      });
      harness.records = [];
    });
    afterAll(async () => {
      await harness.close();
      await provider.close();
    });

    for (const caller of callers) {
      it(`asked in ${caller}: the client gets its headers and the opening while the model thinks, then an error event in its protocol when the provider fails`, async () => {
        const held = provider.next();
        // The headers come while the provider still says nothing (the test has not released anything yet).
        const response = await ask(harness, caller, `Think about ${caller} for a long time.`);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
        (await held).end(errorEvent(wire));
        const body = await response.text();
        const read = readAnswer(caller, true, body);
        expect(read.endsWithError, body.slice(-300)).toBe(true);
        expect(read.text).toBe('');
        expect(body).toContain('Overloaded after thinking');
        await harness.gateway.drained();
        expect(harness.records!.at(-1)!.status).toBeGreaterThanOrEqual(500);
      });

      it(`asked in ${caller}: the answer that comes after the silence reaches the client whole`, async () => {
        const held = provider.next();
        const response = await ask(harness, caller, `Think about ${caller} and then answer.`);
        expect(response.status).toBe(200);
        const events = streamEventsOf(wire, { text: 'After a long thought.' });
        // The rest of the answer: everything after the opening the provider already sent.
        (await held).end(sseBody(wire, events.slice(wire === 'anthropic' ? 2 : 1)));
        const body = await response.text();
        const read = readAnswer(caller, true, body);
        expect(read.endsWithError, body.slice(-300)).toBe(false);
        expect(read.text).toBe('After a long thought.');
      });

      it(`asked in ${caller}: a provider that sends its final event and keeps the connection open: the client's stream still ends, whole (not at idleTimeoutMs)`, async () => {
        const held = provider.next();
        const response = await ask(harness, caller, `Answer ${caller} and linger.`);
        const events = streamEventsOf(wire, { text: 'Lingering after the end.' });
        // Everything after the opening, final event included, and the connection left open.
        (await held).write(sseBody(wire, events.slice(wire === 'anthropic' ? 2 : 1)));
        const body = await response.text();
        const read = readAnswer(caller, true, body);
        expect(read.endsWithError, body.slice(-300)).toBe(false);
        expect(read.text).toBe('Lingering after the end.');
        await harness.gateway.drained();
        expect(harness.records!.at(-1)!.status).toBe(200);
      });
    }
  });

  describe(`a ${wire} provider that opens its stream and fails at once, within upstream.openingHoldMs (default 10 s)`, () => {
    let provider: HeldProvider;
    let fallback: FakeUpstream;
    let harness: Harness;
    beforeAll(async () => {
      provider = new HeldProvider(wire);
      const url = await provider.start();
      fallback = await startFakeUpstream({ apiKey: upstreamKey });
      const other = wire === 'anthropic' ? 'openai-compatible' : 'anthropic';
      harness = await startHarness({
        provider: wire === 'anthropic' ? 'anthropic' : 'openai-compatible',
        upstreamBaseUrl: wire === 'anthropic' ? url : `${url}/v1`,
        config: {
          routing: { retries: 0, maxRetryAfterMs: 0 },
          providers: { [other]: { baseUrl: other === 'anthropic' ? fallback.anthropicBaseUrl : fallback.openaiBaseUrl, apiKey: upstreamKey, model: 'fake-model-large' } },
          fallbacks: { default: [`${other}/fake-model-large`] },
        },
      });
    });
    afterAll(async () => {
      await harness.close();
      await fallback.close();
      await provider.close();
    });

    for (const caller of callers) {
      it(`asked in ${caller}: nothing reached the client, so the fallback answers`, async () => {
        const held = provider.next();
        const answered = ask(harness, caller, `Fail over for ${caller}.`);
        (await held).end(errorEvent(wire));
        const response = await answered;
        const body = await response.text();
        expect(response.status, body.slice(0, 300)).toBe(200);
        const read = readAnswer(caller, true, body);
        expect(read.endsWithError, body.slice(-300)).toBe(false);
        expect(read.text).toBe(`Echo: Fail over for ${caller}.`);
        expect(response.headers.get('x-isartor-upstream')).toMatch(/fake-model-large$/);
      });
    }
  });
}
