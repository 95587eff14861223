// Faults at the provider's connection rather than in its answer: nothing listening, no such host, TLS
// that fails, a provider that stalls (upstream.idleTimeoutMs), and a client slower than its provider
// (backpressure). Each ends one request in the caller's protocol, or is replaced by the fallback; the
// gateway keeps serving.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { hugeOpenAIStream } from '../support/fake-upstream/faults.js';
import { startHarness, streamedText, upstreamKey, userMessage, type Harness } from './harness.js';

const anthropicAsk = (text: string, stream = false) => ({ model: 'fake-model', max_tokens: 50, stream, messages: [{ role: 'user', content: text }] });
const chunk = (content: string) => `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'fake-model', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

describe('a provider that stalls: upstream.idleTimeoutMs ends the wait, not the whole-request limit', () => {
  let harness: Harness;
  let fallback: FakeUpstream;
  beforeAll(async () => {
    fallback = await startFakeUpstream({ apiKey: upstreamKey });
    harness = await startHarness({
      // The whole-request limit is far away: only the idle limit can end these waits within the test.
      upstream: { timeoutMs: 120_000, idleTimeoutMs: 400 },
      config: {
        routing: { retries: 0, maxRetryAfterMs: 0 },
        providers: { anthropic: { baseUrl: fallback.anthropicBaseUrl, apiKey: upstreamKey, model: 'fake-model-large' } },
        fallbacks: { default: ['anthropic/fake-model-large'] },
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await fallback.close();
  });

  for (const stream of [true, false]) {
    it(`headers, then silence (${stream ? 'stream' : 'whole'}): the fallback answers, since the client has nothing yet`, async () => {
      harness.fake.setMode({ kind: 'raw', contentType: stream ? 'text/event-stream' : 'application/json', body: '', hang: true }, { times: 1 });
      const response = await harness.chat(userMessage(`stalled before a byte, ${stream}`, { stream }));
      const body = await response.text();
      expect(response.status, body.slice(0, 300)).toBe(200);
      expect(response.headers.get('x-isartor-upstream')).toBe('anthropic/fake-model-large');
      expect(stream ? streamedText(body) : JSON.parse(body).choices[0].message.content).toBe(`Echo: stalled before a byte, ${stream}`);
    });
  }

  it('a stream request the provider reads and never answers, not even with headers: the idle limit ends the wait and the fallback answers (whole requests keep timeoutMs: a whole answer comes with its headers)', async () => {
    harness.fake.setMode({ kind: 'hang' }, { times: 1 });
    const response = await harness.chat(userMessage('never a header, stream', { stream: true }));
    const body = await response.text();
    expect(response.status, body.slice(0, 300)).toBe(200);
    expect(response.headers.get('x-isartor-upstream')).toBe('anthropic/fake-model-large');
    expect(streamedText(body)).toBe('Echo: never a header, stream');
  });

  it('some events, then silence: the stream ends with an error event in the caller\'s protocol, saying what to raise; nothing is cached', async () => {
    for (const caller of ['chat', 'messages'] as const) {
      const question = `stalled mid-stream for ${caller}`;
      harness.fake.setMode({ kind: 'raw', contentType: 'text/event-stream', body: () => [chunk('Hel'), chunk('lo')], hang: true }, { times: 1 });
      const response = caller === 'chat' ? await harness.chat(userMessage(question, { stream: true })) : await harness.messages(anthropicAsk(question, true));
      const body = await response.text();
      expect(response.status).toBe(200);
      expect(body).toContain('stopped sending in the middle of its answer');
      expect(body).toContain('upstream.idleTimeoutMs');
      if (caller === 'chat') expect(body).toContain('"code":"upstream_timeout"');
      else expect(body).toContain('event: error');
      // Not kept: the same question goes to the provider again, and is answered whole.
      const calls = harness.upstreamChatCalls();
      const again = caller === 'chat' ? await harness.chat(userMessage(question)) : await harness.messages(anthropicAsk(question));
      expect(again.status).toBe(200);
      expect(again.headers.get('x-isartor-cache')).not.toBe('hit');
      expect(harness.upstreamChatCalls()).toBe(calls + 1);
    }
    expect((await fetch(`${harness.url}/health`)).status).toBe(200);
  });
});

describe('a provider that cannot be reached', () => {
  it('connection refused, no such host (.invalid) and TLS to a plain-HTTP server: the fallback answers; without one, a 502 in the caller\'s protocol that names the cause', async () => {
    const plain = createHttpServer((_req, res) => res.end('not TLS'));
    const plainPort = await listen(plain);
    const refusing = createHttpServer();
    const refusedPort = await listen(refusing);
    await new Promise<void>((resolve) => refusing.close(() => resolve()));
    const cases = [
      { baseUrl: `http://127.0.0.1:${refusedPort}/v1`, status: 502, says: 'Connection refused' },
      { baseUrl: 'http://isartor-test.invalid/v1', status: 502, says: 'could not be resolved' },
      { baseUrl: `https://127.0.0.1:${plainPort}/v1`, status: 502, says: 'does not answer in TLS' },
    ];
    try {
      for (const { baseUrl, status, says } of cases) {
        const alone = await startHarness({ upstreamBaseUrl: baseUrl, config: { routing: { retries: 0, maxRetryAfterMs: 0 } } });
        try {
          const chat = await alone.chat(userMessage('unreachable'));
          expect(chat.status).toBe(status);
          expect(((await chat.json()) as { error: { message: string } }).error.message).toContain(says);
          const messages = await alone.messages(anthropicAsk('unreachable'));
          expect(messages.status).toBe(status);
          expect(await messages.json()).toMatchObject({ type: 'error', error: { message: expect.stringContaining(says) } });
          expect((await fetch(`${alone.url}/health`)).status).toBe(200);
        } finally {
          await alone.close();
        }
      }
      const fallback = await startFakeUpstream({ apiKey: upstreamKey });
      const withFallback = await startHarness({
        upstreamBaseUrl: cases[0]!.baseUrl,
        config: {
          routing: { retries: 0, maxRetryAfterMs: 0 },
          providers: { anthropic: { baseUrl: fallback.anthropicBaseUrl, apiKey: upstreamKey, model: 'fake-model-large' } },
          fallbacks: { default: ['anthropic/fake-model-large'] },
        },
      });
      try {
        const answer = await withFallback.chat(userMessage('refused, then the fallback'));
        expect(answer.status).toBe(200);
        expect(answer.headers.get('x-isartor-upstream')).toBe('anthropic/fake-model-large');
      } finally {
        await withFallback.close();
        await fallback.close();
      }
    } finally {
      plain.close();
    }
  });

  it.runIf(hasOpenssl())('a self-signed certificate: a 502 that says TLS failed and what to check', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'isartor-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const server = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => res.end('{}'));
    const port = await listen(server as unknown as Server);
    const harness = await startHarness({ upstreamBaseUrl: `https://127.0.0.1:${port}/v1`, config: { routing: { retries: 0, maxRetryAfterMs: 0 } } });
    try {
      const chat = await harness.chat(userMessage('self-signed'));
      expect(chat.status).toBe(502);
      expect(((await chat.json()) as { error: { message: string; code: string } }).error).toMatchObject({ code: 'upstream_tls', message: expect.stringContaining('TLS with') });
    } finally {
      await harness.close();
      server.close();
    }
  });
});

describe('a client that reads its stream slower than the provider sends it', () => {
  it('the provider is read only as fast as the client reads (bounded read-ahead); the client still gets the whole answer', async () => {
    const total = 40 * 1024 * 1024;
    let generated = 0;
    // With the provider's usage at the end, as real providers send it: the record counts no 40 MB of text.
    const stream = function* () {
      for (const piece of hugeOpenAIStream(total)()) if (!piece.includes('[DONE]')) yield piece;
      yield `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'fake-model', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 9000000, total_tokens: 9000005 } })}\n\ndata: [DONE]\n\n`;
    };
    const harness = await startHarness({ upstream: { maxAnswerBytes: 128 * 1024 * 1024 } });
    harness.fake.setMode({
      kind: 'raw',
      contentType: 'text/event-stream',
      body: function* () {
        for (const piece of stream()) {
          generated += piece.length;
          yield piece;
        }
      },
    });
    const port = Number(new URL(harness.url).port);
    const body = JSON.stringify(userMessage('a long answer', { stream: true }));
    const socket = connect(port, '127.0.0.1');
    try {
      socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
      socket.pause();
      // Wait until the provider's writes are held up (no progress across several checks), or it sent it all.
      let last = -1;
      let steady = 0;
      await vi.waitFor(
        () => {
          steady = generated === last ? steady + 1 : 0;
          last = generated;
          if (generated < total && steady < 5) throw new Error(`still flowing at ${generated} bytes`);
        },
        { timeout: 55_000, interval: 200 },
      );
      // Socket buffers on both sides (loopback TCP may hold several MB each) and one relay write, not the 40 MB answer.
      expect(generated).toBeLessThan(24 * 1024 * 1024);
      let received = 0;
      let tail = '';
      socket.on('data', (data: Buffer) => {
        received += data.length;
        tail = (tail + data.toString('latin1')).slice(-200);
      });
      const whole = new Promise<void>((resolve) => socket.on('data', () => tail.includes('data: [DONE]') && resolve()));
      socket.resume();
      await whole;
      expect(received).toBeGreaterThan(total);
      expect(tail).toContain('data: [DONE]');
    } finally {
      socket.destroy();
      await harness.close();
    }
  }, 120_000);
});

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
