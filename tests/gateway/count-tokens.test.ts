// POST /v1/messages/count_tokens in front of an Anthropic upstream that misbehaves: the answer is read
// at most upstream.maxAnswerBytes far, and anything that is not a count becomes a clear error in
// Anthropic's format (a good count passes on as the provider wrote it).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

type Answer = { status: number; contentType?: string; body: string | (() => Iterable<string>); cut?: boolean };
let next: Answer = { status: 200, body: '{"input_tokens":42}' };
let received = 0;
let server: Server;
let harness: Harness;
let bytesSent = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received += 1;
      const answer = next;
      res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'application/json' });
      if (typeof answer.body === 'string') {
        if (answer.cut) {
          res.write(answer.body);
          res.destroy();
        } else res.end(answer.body);
        return;
      }
      // A huge answer, written as the socket takes it, until the gateway hangs up.
      const pieces = answer.body()[Symbol.iterator]();
      const pump = (): void => {
        for (let piece = pieces.next(); !piece.done; piece = pieces.next()) {
          bytesSent += piece.value.length;
          if (!res.write(piece.value)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => pieces.return?.());
      pump();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  harness = await startHarness({ provider: 'anthropic', upstreamBaseUrl: `http://127.0.0.1:${port}`, upstream: { maxAnswerBytes: 1024 * 1024 } });
});
afterAll(async () => {
  await harness.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const count = (): Promise<Response> =>
  fetch(`${harness.url}/v1/messages/count_tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model: 'claude-x', messages: [{ role: 'user', content: 'How many tokens is this?' }] }),
  });

async function expectAnthropicError(response: Response, status: number, pattern: RegExp): Promise<void> {
  expect(response.status).toBe(status);
  const body = (await response.json()) as { type: string; error: { type: string; message: string } };
  expect(body.type).toBe('error');
  expect(typeof body.error.type).toBe('string');
  expect(body.error.message).toMatch(pattern);
}

describe('count_tokens from an Anthropic upstream', () => {
  it('passes a count on as the provider wrote it', async () => {
    next = { status: 200, body: '{"input_tokens":42,"context_management":{"original_input_tokens":42}}' };
    const response = await count();
    expect(response.status).toBe(200);
    expect(response.headers.get('x-isartor-token-count')).toBe('upstream');
    expect(await response.text()).toBe(next.body);
  });

  it('turns a 200 that is not JSON into a clear 502 in Anthropic format', async () => {
    next = { status: 200, contentType: 'text/html', body: '<html><body>Bad gateway</body></html>' };
    await expectAnthropicError(await count(), 502, /count_tokens with a body that is not JSON/);
  });

  for (const [name, body] of [
    ['no input_tokens', '{"tokens":42}'],
    ['input_tokens a string', '{"input_tokens":"42"}'],
    ['negative input_tokens', '{"input_tokens":-3}'],
    ['JSON null', 'null'],
  ] as const) {
    it(`turns a count with ${name} into a 502`, async () => {
      next = { status: 200, body };
      await expectAnthropicError(await count(), 502, /without a token count/);
    });
  }

  it('cuts an answer larger than upstream.maxAnswerBytes and says so, though the provider offers 200 MB', async () => {
    bytesSent = 0;
    next = {
      status: 200,
      body: function* () {
        yield '{"input_tokens":1,"padding":"';
        for (let i = 0; i < 200; i += 1) yield 'x'.repeat(1024 * 1024);
        yield '"}';
      },
    };
    const rssBefore = process.memoryUsage().rss;
    await expectAnthropicError(await count(), 502, /larger than 1 MB.*upstream\.maxAnswerBytes/);
    // The gateway hung up instead of reading on (the socket buffers hold a few MB at most).
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(bytesSent).toBeLessThan(50 * 1024 * 1024);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(128 * 1024 * 1024);
  });

  it('turns a truncated answer into a 502 (the provider closed mid-body)', async () => {
    next = { status: 200, body: '{"input_tok', cut: true };
    const response = await count();
    expect(response.status).toBe(502);
    expect(((await response.json()) as { type: string }).type).toBe('error');
  });

  it('passes a provider JSON error on, and turns an HTML 500 and a 401 into errors the caller can act on', async () => {
    next = { status: 400, body: JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'messages: field required' } }) };
    const invalid = await count();
    expect(invalid.status).toBe(400);
    expect(await invalid.text()).toBe(next.body);
    next = { status: 500, contentType: 'text/html', body: '<html>Internal Server Error</html>' };
    await expectAnthropicError(await count(), 502, /failed with HTTP 500/);
    next = { status: 401, body: JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }) };
    await expectAnthropicError(await count(), 401, /rejected the configured API key.*set-key/);
  });

  it('still answers afterwards', async () => {
    next = { status: 200, body: '{"input_tokens":7}' };
    const response = await count();
    expect(((await response.json()) as { input_tokens: number }).input_tokens).toBe(7);
    expect((await fetch(`${harness.url}/health`)).status).toBe(200);
    expect(received).toBeGreaterThanOrEqual(10);
  });
});
