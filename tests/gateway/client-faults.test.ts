import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createGateway, startGateway } from '../../source/gateway/server.js';
import { buildRoutingTable } from '../../source/routing/routing-table.js';
import { configDefaults } from '../../source/store/config.js';
import { startFakeUpstream } from '../support/fake-upstream.js';
import { rawExchange } from './raw-exchange.js';
import { startHarness, upstreamKey, userMessage, type Harness } from './harness.js';

/**
 * Faults on the client's side of the gateway: bytes that are not JSON text, bodies cut or stalled,
 * broken framing. Each is answered (or dropped) for that one connection, in the caller's protocol where
 * an answer is possible, reaches no provider, and the gateway keeps serving everyone else.
 */
const anthropicBody = { model: 'fake-model', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] };

describe('request bodies that are not UTF-8 JSON text', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.close());

  const bom = Buffer.from([0xef, 0xbb, 0xbf]);
  const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');

  it('a compressed body (content-encoding gzip, deflate, br) is decompressed and forwarded plain; zstd is a 415, a corrupt one a 400, a bomb past the limit a 413, in the caller\'s protocol', async () => {
    const json = JSON.stringify(userMessage('compressed hello'));
    for (const [encoding, bytes] of [
      ['gzip', gzipSync(json)],
      ['deflate', deflateSync(json)],
      ['br', brotliCompressSync(json)],
    ] as const) {
      const response = await fetch(`${harness.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': encoding }, body: bytes });
      expect(response.status, encoding).toBe(200);
      expect(((await response.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toBe('Echo: compressed hello');
      expect(harness.fake.requests.at(-1)!.rawBody).toBe(json);
      expect(harness.fake.requests.at(-1)!.headers['content-encoding']).toBeUndefined();
    }
    const before = harness.upstreamChatCalls();
    const zstd = await fetch(`${harness.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'content-encoding': 'zstd' }, body: Buffer.from('(zstd bytes)') });
    expect(zstd.status).toBe(415);
    // What to do, as RFC 9110 asks of a 415 for a coding: the codings accepted, and the switch to turn.
    expect(zstd.headers.get('accept-encoding')).toBe('gzip, deflate, br');
    const zstdError = ((await zstd.json()) as { type: string; error: { message: string } });
    expect(zstdError.type).toBe('error');
    expect(zstdError.error.message).toContain('"zstd"');
    expect(zstdError.error.message).toContain('no zstd decoder');
    expect(zstdError.error.message).toContain("Turn the client's request compression off, or send the body as gzip, deflate or br");
    // Names of Object's own members are encodings nobody knows either, not a lookup that finds something.
    for (const encoding of ['constructor', '__proto__', 'toString']) {
      const odd = await fetch(`${harness.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': encoding }, body: Buffer.from(json) });
      expect(odd.status, encoding).toBe(415);
      expect(((await odd.json()) as { error: { code: string } }).error.code).toBe('unsupported_content_encoding');
    }
    const corrupt = await fetch(`${harness.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: Buffer.from(json) });
    expect(corrupt.status).toBe(400);
    expect(((await corrupt.json()) as { error: { code: string } }).error.code).toBe('invalid_content_encoding');
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
    const tooLarge = await fetch(`${harness.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: bomb });
    expect(tooLarge.status).toBe(413);
    expect(harness.upstreamChatCalls()).toBe(before);
  });

  it('a byte order mark: 400 saying so, in both protocols; nothing reaches the provider', async () => {
    const before = harness.upstreamChatCalls();
    const chat = await harness.chat(Buffer.concat([bom, Buffer.from(JSON.stringify(userMessage('hi')))]).toString('utf8'));
    expect(chat.status).toBe(400);
    expect(((await chat.json()) as { error: { message: string; type: string } }).error).toMatchObject({
      type: 'invalid_request_error',
      message: expect.stringContaining('byte order mark'),
    });
    const messages = await harness.messages(Buffer.concat([bom, Buffer.from(JSON.stringify(anthropicBody))]).toString('utf8'));
    expect(messages.status).toBe(400);
    expect(await messages.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('byte order mark') } });
    expect(harness.upstreamChatCalls()).toBe(before);
  });

  it('bytes that are not UTF-8 (Latin-1 "é"): 400, never decoded into U+FFFD and forwarded or cached', async () => {
    const before = harness.upstreamChatCalls();
    for (const text of ['caf\u00e9', 'na\u00efve']) {
      // Two different bodies that would decode to the same text: neither may be answered.
      const body = latin1(JSON.stringify(userMessage(text)));
      const response = await fetch(`${harness.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toContain('not valid UTF-8');
    }
    const anthropic = await fetch(`${harness.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: latin1(JSON.stringify({ ...anthropicBody, messages: [{ role: 'user', content: 'caf\u00e9' }] })),
    });
    expect(anthropic.status).toBe(400);
    expect(await anthropic.json()).toMatchObject({ type: 'error', error: { message: expect.stringContaining('not valid UTF-8') } });
    expect(harness.upstreamChatCalls()).toBe(before);
    // Real UTF-8 of the same text is fine.
    expect((await harness.chat(userMessage('caf\u00e9'))).status).toBe(200);
  });
});

describe('broken framing and cut bodies', () => {
  let harness: Harness;
  let port: number;
  beforeAll(async () => {
    harness = await startHarness({ bodyLimitBytes: 64 * 1024 });
    port = Number(new URL(harness.url).port);
  });
  afterAll(() => harness.close());

  const request = (body: string, headers: string): string =>
    `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${headers}\r\n${body}`;

  it('malformed chunked encoding is a 400 for that connection; others are served', async () => {
    const before = harness.upstreamChatCalls();
    const answer = await rawExchange(port, (socket) => socket.write(request('zz\r\n{"model"\r\n0\r\n\r\n', 'Transfer-Encoding: chunked\r\n')));
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(harness.upstreamChatCalls()).toBe(before);
    expect((await harness.chat(userMessage('after bad chunks'))).status).toBe(200);
  });

  it('a client that leaves mid-body: nothing is forwarded, the gateway goes on', async () => {
    const before = harness.upstreamChatCalls();
    const body = JSON.stringify(userMessage('cut short'));
    await rawExchange(port, (socket) => {
      socket.write(request(body.slice(0, 20), `Content-Length: ${body.length}\r\n`));
      socket.destroy();
    });
    expect((await harness.chat(userMessage('after a cut body'))).status).toBe(200);
    expect(harness.upstreamChatCalls()).toBe(before + 1);
  });

  it('a body longer than its content-length: a 400 in the caller\'s protocol, the request before the surplus neither forwarded nor cached', async () => {
    // Node's parser reads the surplus as the next request and fails on it; the request before it declared a
    // length that was a lie, so it is dropped too (its body is whole JSON here, to show it is not forwarded).
    for (const [path, headers, body, anthropic] of [
      ['/v1/chat/completions', '', JSON.stringify(userMessage('exact length, then surplus')), false],
      ['/v1/messages', 'anthropic-version: 2023-06-01\r\n', JSON.stringify({ model: 'fake-model', max_tokens: 20, messages: [{ role: 'user', content: 'exact length, then surplus' }] }), true],
    ] as const) {
      const before = harness.upstreamChatCalls();
      const answer = await rawExchange(port, (socket) =>
        socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${headers}Content-Length: ${body.length}\r\n\r\n${body}garbage that is no request\r\n\r\n`),
      );
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      const json = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
      expect(json.error.message).toContain('Content-Length');
      if (anthropic) expect(json.type).toBe('error');
      else expect(json.error.code).toBe('malformed_http');
      await harness.gateway.drained();
      expect(harness.upstreamChatCalls()).toBe(before);
    }
    // Nothing was kept: the same question, well formed, goes to the provider.
    const calls = harness.upstreamChatCalls();
    const again = await harness.chat(userMessage('exact length, then surplus'));
    expect(again.status).toBe(200);
    expect(harness.upstreamChatCalls()).toBe(calls + 1);
  });

  it('two pipelined requests on one connection are both answered, in order', async () => {
    const first = JSON.stringify(userMessage('pipelined one'));
    const second = JSON.stringify(userMessage('pipelined two'));
    const answer = await rawExchange(port, (socket) =>
      socket.write(request(first, `Content-Length: ${first.length}\r\n`) + request(second, `Content-Length: ${second.length}\r\nConnection: close\r\n`)),
    );
    const statuses = [...answer.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => match[1]);
    expect(statuses).toEqual(['200', '200']);
  });

  it('a client that asks for `Connection: close` gets its stream, then the connection closes (not kept open until keepAliveTimeout)', async () => {
    const body = JSON.stringify(userMessage('close after this stream', { stream: true }));
    const answer = await rawExchange(port, (socket) => socket.write(request(body, `Content-Length: ${body.length}\r\nConnection: close\r\n`)));
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    expect(answer).toContain('data: [DONE]');
  });

  it('a declared body over the limit is a 413 in the caller\'s protocol, answered before the body is sent', async () => {
    const answer = await rawExchange(port, (socket) => {
      socket.write(`POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nanthropic-version: 2023-06-01\r\nContent-Length: ${1024 * 1024 * 1024}\r\n\r\n`);
      // The answer comes without the gigabyte: the client stops here, reads it and leaves.
      socket.once('data', () => socket.destroy());
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toContain('"type":"error"');
    expect((await harness.chat(userMessage('after 413'))).status).toBe(200);
  });

  it('huge headers are refused with 431; hundreds of concurrent connections are all served', async () => {
    const answer = await rawExchange(port, (socket) => socket.write(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`));
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    const many = await Promise.all(Array.from({ length: 300 }, (_, i) => harness.chat(userMessage(`concurrent ${i % 7}`)).then(async (r) => (await r.text(), r.status))));
    expect(new Set(many)).toEqual(new Set([200]));
  });
});

describe('slow clients', () => {
  it('headers, then a body that stalls (slowloris), or shorter than its content-length: closed after requestTimeout, never forwarded; others are served meanwhile', async () => {
    const fake = await startFakeUpstream({ apiKey: upstreamKey });
    const routing = buildRoutingTable({
      ...configDefaults,
      provider: 'openai-compatible',
      providers: { 'openai-compatible': { baseUrl: fake.openaiBaseUrl, apiKey: upstreamKey, model: 'fake-model' } },
    });
    const gateway = await createGateway({ routing, bodyLimitBytes: 64 * 1024, exactCache: { ...configDefaults.cache.exact, enabled: false } });
    const running = await startGateway(gateway, { host: '127.0.0.1', port: 0 }, { headersTimeoutMs: 1_000, requestTimeoutMs: 1_500 });
    const port = Number(new URL(running.url).port);
    try {
      const body = JSON.stringify(userMessage('never finished'));
      const head = `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
      // One sends half its body and stalls; one trickles a byte now and then, which must not keep it open.
      const stalled = rawExchange(port, (socket) => socket.write(head + body.slice(0, 10)));
      let trickle: NodeJS.Timeout | undefined;
      const trickling = rawExchange(port, (socket) => {
        socket.write(head);
        let at = 0;
        trickle = setInterval(() => socket.writable && at < body.length - 1 && socket.write(body[at++]!), 100);
      });
      expect((await fetch(`${running.url}/health`)).status).toBe(200);
      expect(await stalled).toMatch(/^(HTTP\/1\.1 408 [^]*)?$/);
      expect(await trickling).toMatch(/^(HTTP\/1\.1 408 [^]*)?$/);
      clearInterval(trickle);
      expect(fake.requests).toHaveLength(0);
      const served = await fetch(`${running.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(userMessage('served')) });
      expect(served.status).toBe(200);
    } finally {
      await running.stop(100);
      await fake.close();
    }
  });

  it('a client that leaves while the fallback is being tried: the fallback\'s request is cancelled, the gateway goes on', async () => {
    const fallback = await startFakeUpstream({ apiKey: upstreamKey });
    const harness = await startHarness({
      config: {
        routing: { retries: 0, maxRetryAfterMs: 0 },
        providers: { anthropic: { baseUrl: fallback.anthropicBaseUrl, apiKey: upstreamKey, model: 'fake-model-large' } },
        fallbacks: { default: ['anthropic/fake-model-large'] },
      },
    });
    harness.records = [];
    try {
      harness.fake.setMode({ kind: 'error', status: 503 }, { times: 1 });
      fallback.setMode({ kind: 'hang' }, { times: 1 });
      const leaving = new AbortController();
      const request = fetch(`${harness.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(userMessage('left during the fallback, really', { stream: true })),
        signal: leaving.signal,
      }).catch(() => undefined);
      await vi.waitFor(() => expect(fallback.requests.length).toBeGreaterThanOrEqual(1));
      leaving.abort();
      await request;
      await vi.waitFor(() => expect(fallback.abortedByClient).toBeGreaterThanOrEqual(1));
      expect((await fetch(`${harness.url}/health`)).status).toBe(200);
      expect((await harness.chat(userMessage('after the one that left'))).status).toBe(200);
    } finally {
      await harness.close();
      await fallback.close();
    }
  });
});
