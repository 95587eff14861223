// Client faults, round 4: HTTP a client may send that is odd rather than broken. Wrong methods on model
// routes, Expect headers, chunked bodies with trailers, pipelined requests mixing refusals and streams,
// bodies labelled as something other than JSON, and `stream` as a string. Each gets an answer in the
// protocol of the path it was sent to, reaches no provider when refused, and the gateway serves on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawExchange } from './raw-exchange.js';
import { startHarness, userMessage, type Harness } from './harness.js';


/** Whole HTTP/1.1 answers in `received`: status and body (content-length framed), in order. */
function answersIn(received: string): Array<{ status: number; headers: string; body: string }> {
  const out: Array<{ status: number; headers: string; body: string }> = [];
  let rest = received;
  for (;;) {
    const head = /^HTTP\/1\.1 (\d{3})[^\r]*\r\n([\s\S]*?)\r\n\r\n/.exec(rest);
    if (!head) return out;
    const length = Number(/content-length: (\d+)/i.exec(head[2]!)?.[1] ?? 0);
    const start = head[0].length;
    out.push({ status: Number(head[1]), headers: head[2]!, body: rest.slice(start, start + length) });
    rest = rest.slice(start + length);
  }
}

const anthropicBody = { model: 'fake-model', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] };

describe('odd HTTP from clients', () => {
  let harness: Harness;
  let port: number;
  beforeAll(async () => {
    harness = await startHarness();
    port = Number(new URL(harness.url).port);
  });
  afterAll(() => harness.close());

  for (const [path, protocol] of [
    ['/v1/chat/completions', 'openai'],
    ['/v1/messages', 'anthropic'],
    ['/v1/responses', 'openai'],
  ] as const) {
    it(`GET, OPTIONS and HEAD on ${path}: 405 naming POST in an Allow header, the error in that path's protocol (whatever anthropic-version says), HEAD without a body`, async () => {
      const before = harness.upstreamChatCalls();
      for (const method of ['GET', 'OPTIONS', 'PUT', 'DELETE']) {
        // An OpenAI path asked with an Anthropic header still answers as OpenAI, and the other way round.
        const headers: Record<string, string> = protocol === 'openai' ? { 'anthropic-version': '2023-06-01' } : {};
        const response = await fetch(`${harness.url}${path}`, { method, headers });
        expect(response.status, method).toBe(405);
        expect(response.headers.get('allow')).toBe('POST');
        const body = (await response.json()) as { type?: string; error: { message: string } };
        expect(body.error.message).toContain('POST');
        if (protocol === 'anthropic') expect(body.type).toBe('error');
        else expect(body.type).toBeUndefined();
      }
      const head = await fetch(`${harness.url}${path}`, { method: 'HEAD' });
      expect(head.status).toBe(405);
      expect(head.headers.get('allow')).toBe('POST');
      expect(await head.text()).toBe('');
      expect(harness.upstreamChatCalls()).toBe(before);
      expect((await fetch(`${harness.url}/v1/models`, { method: 'POST' })).headers.get('allow')).toBe('GET');
    });
  }

  it('Expect: 100-continue: the gateway says continue before the body is sent, then answers it', async () => {
    const body = JSON.stringify(userMessage('sent after 100 Continue'));
    const received = await rawExchange(
      port,
      (socket, got) => {
        socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`);
        const wait = setInterval(() => {
          if (!got().startsWith('HTTP/1.1 100 Continue\r\n\r\n')) return;
          clearInterval(wait);
          socket.write(body);
        }, 5);
      },
      (got) => answersIn(got.replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, '')).length === 1,
    );
    const [answer] = answersIn(received.replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, ''));
    expect(answer!.status).toBe(200);
    expect(JSON.parse(answer!.body).choices[0].message.content).toBe('Echo: sent after 100 Continue');
  });

  it('an Expect the gateway cannot meet: 417 in the path\'s protocol saying to leave the header out; nothing forwarded', async () => {
    const before = harness.upstreamChatCalls();
    for (const [path, anthropic] of [
      ['/v1/messages', true],
      ['/v1/chat/completions', false],
    ] as const) {
      const body = JSON.stringify(anthropic ? anthropicBody : userMessage('hi'));
      const received = await rawExchange(port, (socket) =>
        socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nanthropic-version: 2023-06-01\r\nExpect: 200-ok\r\nContent-Length: ${body.length}\r\n\r\n${body}`),
      );
      const [answer] = answersIn(received);
      expect(answer!.status).toBe(417);
      const error = JSON.parse(answer!.body) as { type?: string; error: { message: string } };
      expect(error.error.message).toContain('Expect');
      expect(error.type).toBe(anthropic ? 'error' : undefined);
    }
    expect(harness.upstreamChatCalls()).toBe(before);
    expect((await harness.chat(userMessage('after an unmet expectation'))).status).toBe(200);
  });

  it('a chunked body with trailers is read whole and forwarded plain', async () => {
    const body = JSON.stringify(userMessage('chunked, with a trailer'));
    const cut = Math.floor(body.length / 2);
    const chunk = (text: string) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;
    const received = await rawExchange(
      port,
      (socket) =>
        socket.write(
          `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nTrailer: x-checksum\r\nConnection: close\r\n\r\n${chunk(body.slice(0, cut))}${chunk(body.slice(cut))}0\r\nx-checksum: 1234\r\n\r\n`,
        ),
    );
    const [answer] = answersIn(received);
    expect(answer!.status).toBe(200);
    expect(harness.fake.requests.at(-1)!.rawBody).toBe(body);
    expect(harness.fake.requests.at(-1)!.headers['x-checksum']).toBeUndefined();
  });

  it('pipelined: a refused request, a stream and a whole answer on one connection are each answered, in order', async () => {
    const bad = '{"model": "fake-model", "messages": [';
    const stream = JSON.stringify(userMessage('pipelined stream', { stream: true }));
    const whole = JSON.stringify(userMessage('pipelined whole'));
    const post = (body: string, extra = '') => `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;
    const received = await rawExchange(port, (socket) => socket.write(post(bad) + post(stream) + post(whole, 'Connection: close\r\n')));
    const statuses = [...received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => match[1]);
    expect(statuses).toEqual(['400', '200', '200']);
    expect(received.indexOf('Echo: pipelined whole')).toBeGreaterThan(received.indexOf('[DONE]'));
  });

  it('a JSON body labelled text/plain is served (the label is not the question); a form post is a 400 that says to send JSON', async () => {
    const plain = await fetch(`${harness.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(userMessage('labelled text/plain')) });
    expect(plain.status).toBe(200);
    const before = harness.upstreamChatCalls();
    for (const [path, anthropic] of [
      ['/v1/messages', true],
      ['/v1/chat/completions', false],
      ['/v1/responses', false],
    ] as const) {
      const form = await fetch(`${harness.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'anthropic-version': '2023-06-01' }, body: 'model=fake-model&input=hi' });
      expect(form.status).toBe(400);
      const error = (await form.json()) as { type?: string; error: { message: string } };
      expect(error.error.message).toContain('application/x-www-form-urlencoded');
      expect(error.error.message).toContain('application/json');
      expect(error.type).toBe(anthropic ? 'error' : undefined);
    }
    expect(harness.upstreamChatCalls()).toBe(before);
  });

  it('`stream` as a string ("true") is a 400 in each protocol, never read as "not a stream"', async () => {
    const before = harness.upstreamChatCalls();
    const asks = [
      harness.chat(userMessage('stream as a string', { stream: 'true' })),
      harness.messages({ ...anthropicBody, stream: 'true' }),
      fetch(`${harness.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'fake-model', input: 'hi', stream: 'true' }) }),
      fetch(`${harness.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'fake-model', input: 'hi', stream: 1 }) }),
    ];
    for (const [index, response] of (await Promise.all(asks)).entries()) {
      expect(response.status, String(index)).toBe(400);
      const error = (await response.json()) as { type?: string; error: { message: string } };
      expect(error.error.message).toContain('stream');
      expect(error.type).toBe(index === 1 ? 'error' : undefined);
    }
    expect(harness.upstreamChatCalls()).toBe(before);
  });
});
