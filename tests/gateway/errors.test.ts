import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sseData, startHarness as startHarnessWithRetries, upstreamKey, userMessage, type Harness, type HarnessOptions } from './harness.js';

// These tests are about how each failure is reported; retries and fallbacks have their own tests.
const noRetries = { routing: { retries: 0, maxRetryAfterMs: 0 } };
const startHarness = (options: HarnessOptions = {}): Promise<Harness> => startHarnessWithRetries({ ...options, config: { ...noRetries, ...options.config } });

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

interface ErrorBody {
  error: { message: string; type: string; code: string | null };
}

async function errorOf(response: Response): Promise<ErrorBody['error']> {
  return ((await response.json()) as ErrorBody).error;
}

describe('bad input is answered by the gateway and goes no further', () => {
  it('malformed JSON -> 400', async () => {
    harness = await startHarness();
    const response = await harness.chat('{"messages": [');
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.type).toBe('invalid_request_error');
    expect(error.code).toBe('invalid_json');
    expect(error.message).toMatch(/not valid JSON/);
    expect(harness.fake.requests).toHaveLength(0);
  });

  it('missing, empty or malformed messages -> 400', async () => {
    harness = await startHarness();
    for (const body of [{ model: 'x' }, { model: 'x', messages: [] }, { messages: 'hi' }, { messages: [{ content: 'no role' }] }, [1, 2]]) {
      const response = await harness.chat(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect((await errorOf(response)).type).toBe('invalid_request_error');
    }
    expect(harness.fake.requests).toHaveLength(0);
  });

  it('a body over the limit -> 413, and nothing is forwarded', async () => {
    harness = await startHarness({ bodyLimitBytes: 1024 });
    const response = await harness.chat(userMessage('x'.repeat(5000)));
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe('request_too_large');
    expect(harness.fake.requests).toHaveLength(0);
  });

  it('an unknown route -> 404 pointing at the /v1 base URL; a wrong method -> 405', async () => {
    harness = await startHarness();
    const notFound = await fetch(`${harness.url}/v2/chat`, { method: 'POST', body: '{}' });
    expect(notFound.status).toBe(404);
    expect((await errorOf(notFound)).message).toContain('/v1');
    const wrongMethod = await fetch(`${harness.url}/v1/chat/completions`);
    expect(wrongMethod.status).toBe(405);
  });
});

describe('upstream failures become clear errors', () => {
  it('upstream 401 -> 401 saying the provider rejected the configured key, never echoing it', async () => {
    harness = await startHarness();
    harness.fake.setMode({ kind: 'error', status: 401 });
    const response = await harness.chat(userMessage('hi'));
    expect(response.status).toBe(401);
    // Final: asking again cannot fix a key (Claude Code would otherwise retry for minutes).
    expect(response.headers.get('x-should-retry')).toBe('false');
    const text = await response.text();
    expect(text).toContain('rejected the configured API key');
    expect(text).toContain('isartor set-key');
    expect(text).not.toContain(upstreamKey);
    expect(text).not.toContain(upstreamKey.slice(-4));
  });

  it('upstream 5xx -> 502 with the cause', async () => {
    harness = await startHarness();
    harness.fake.setMode({ kind: 'error', status: 503, message: 'overloaded right now' });
    const response = await harness.chat(userMessage('hi'));
    expect(response.status).toBe(502);
    expect(response.headers.get('x-should-retry')).toBeNull();
    const error = await errorOf(response);
    expect(error.message).toContain('HTTP 503');
    expect(error.message).toContain('overloaded right now');
  });

  it('upstream 429 passes through with its retry-after', async () => {
    harness = await startHarness();
    harness.fake.setMode({ kind: 'error', status: 429, retryAfter: 7 });
    const response = await harness.chat(userMessage('hi'));
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    // Waiting helps here, so the client's own retry rules stay in charge.
    expect(response.headers.get('x-should-retry')).toBeNull();
    expect((await errorOf(response)).message.length).toBeGreaterThan(0);
  });

  it('upstream timeout -> 504', async () => {
    harness = await startHarness({ upstream: { timeoutMs: 300 } });
    harness.fake.setMode({ kind: 'hang' });
    const response = await harness.chat(userMessage('hi'));
    expect(response.status).toBe(504);
    expect((await errorOf(response)).code).toBe('upstream_timeout');
  });

  it('nothing listening upstream -> 502 connection refused', async () => {
    harness = await startHarness();
    await harness.fake.close();
    const response = await harness.chat(userMessage('hi'));
    expect(response.status).toBe(502);
    const error = await errorOf(response);
    expect(error.code).toBe('upstream_refused');
    expect(error.message).toMatch(/refused/i);
  });

  it('a connection dropped before any answer -> 502', async () => {
    harness = await startHarness();
    harness.fake.setMode({ kind: 'drop' });
    const response = await harness.chat(userMessage('hi'));
    expect(response.status).toBe(502);
  });

  it('a stream dropped midway ends with an error event and no [DONE]', async () => {
    harness = await startHarness();
    harness.fake.setMode({ kind: 'drop', afterChunks: 2 });
    const response = await harness.chat(userMessage('one two three four five', { stream: true }));
    expect(response.status).toBe(200);
    const data = sseData(await response.text());
    expect(data).not.toContain('[DONE]');
    expect(JSON.parse(data.at(-1)!).error.type).toBe('upstream_error');
  });
});

describe('a client that hangs up', () => {
  it('aborts the upstream request', async () => {
    harness = await startHarness({ fake: { chunkDelayMs: 50 } });
    const controller = new AbortController();
    const response = await harness.chat(userMessage(Array.from({ length: 60 }, (_, i) => `word${i}`).join(' '), { stream: true }), {});
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await reader.cancel();
    await waitFor(() => harness!.fake.abortedByClient === 1);
    expect(harness.fake.abortedByClient).toBe(1);
    expect(harness.fake.inFlight).toBe(0);
  });
});

describe('the listening port', () => {
  it('a port already in use fails with a message that says what to do', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const { createGateway, startGateway } = await import('../../source/gateway/server.js');
    const { buildRoutingTable } = await import('../../source/routing/routing-table.js');
    const { configDefaults } = await import('../../source/store/config.js');
    const gateway = await createGateway({
      routing: buildRoutingTable({ ...configDefaults, provider: 'ollama', providers: { ollama: {} } }),
      bodyLimitBytes: 1024,
      exactCache: { enabled: false, ttlSeconds: 1, maxBytes: 1024 },
    });
    await expect(startGateway(gateway, { host: '127.0.0.1', port })).rejects.toThrow(`Port ${port} on 127.0.0.1 is already in use`);
    await gateway.close();
    blocker.close();
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}
