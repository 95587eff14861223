import { once } from 'node:events';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, startGateway } from '../../source/gateway/server.js';
import { buildRoutingTable } from '../../source/routing/routing-table.js';
import { configDefaults } from '../../source/store/config.js';
import { startHarness, upstreamKey, userMessage, type Harness } from './harness.js';

const anthropic = (messages: unknown, extra: Record<string, unknown> = {}) => ({ model: 'fake-model', max_tokens: 20, messages, ...extra });
const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** Bodies the issue found answered 500 (or worse); each must be a 400 in the caller's protocol. */
const malformedAnthropic: Array<[string, unknown]> = [
  ['content as a number', anthropic([{ role: 'user', content: 5 }])],
  ['content null', anthropic([{ role: 'user', content: null }])],
  ['content as an object', anthropic([{ role: 'user', content: { text: 'hi' } }])],
  ['content [null]', anthropic([{ role: 'user', content: [null] }])],
  ['a text block without text', anthropic([{ role: 'user', content: [{ type: 'text' }] }])],
  ['system: 5', anthropic([{ role: 'user', content: 'hi' }], { system: 5 })],
  ['tools: "x"', anthropic([{ role: 'user', content: 'hi' }], { tools: 'x' })],
  ['tools: [null]', anthropic([{ role: 'user', content: 'hi' }], { tools: [null] })],
  ['a role that is not a string', anthropic([{ role: 5, content: 'hi' }])],
];

const malformedOpenAI: Array<[string, unknown]> = [
  ['tools: [null]', userMessage('hi', { tools: [null] })],
  ['content as a number', { model: 'fake-model', messages: [{ role: 'user', content: 5 }] }],
  ['content [null]', { model: 'fake-model', messages: [{ role: 'user', content: [null] }] }],
  ['stream: "yes"', userMessage('hi', { stream: 'yes' })],
  ['tool_calls: [null]', { model: 'fake-model', messages: [{ role: 'assistant', content: null, tool_calls: [null] }, { role: 'user', content: 'hi' }] }],
];

describe('malformed requests are a 400 in the caller\'s protocol, and reach no provider', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ provider: 'openai-compatible' });
  });
  afterAll(() => harness.close());

  for (const [name, body] of malformedAnthropic) {
    it(`Anthropic: ${name}`, async () => {
      const before = harness.upstreamChatCalls();
      const response = await harness.messages(body);
      expect(response.status).toBe(400);
      const answer = (await response.json()) as { type: string; error: { type: string; message: string } };
      expect(answer.type).toBe('error');
      expect(answer.error.type).toBe('invalid_request_error');
      expect(harness.upstreamChatCalls()).toBe(before);
    });
  }
  for (const [name, body] of malformedOpenAI) {
    it(`OpenAI: ${name}`, async () => {
      const before = harness.upstreamChatCalls();
      const response = await harness.chat(body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
      expect(harness.upstreamChatCalls()).toBe(before);
    });
  }

  it('10,000-deep nesting, in both protocols and on /key/generate', async () => {
    const body = `{"model":"fake-model","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"metadata":${deep(10_000)}}`;
    const chat = await harness.chat(body);
    expect(chat.status).toBe(400);
    expect(((await chat.json()) as { error: { code: string } }).error.code).toBe('json_too_deep');
    const messages = await harness.messages(body);
    expect(messages.status).toBe(400);
    expect(((await messages.json()) as { type: string }).type).toBe('error');
  });

  it('a key twice in one object is refused (the provider might read the other "model"); the same key in two objects is fine', async () => {
    const twice = await harness.chat('{"model":"fake-model","messages":[{"role":"user","content":"hi"}],"model":"fake-model-large"}');
    expect(twice.status).toBe(400);
    expect(((await twice.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'duplicate_json_key', message: expect.stringContaining('"model"') });
    const escaped = await harness.chat('{"model":"fake-model","messages":[{"role":"user","content":"hi"}],"mod\\u0065l":"x"}');
    expect(escaped.status).toBe(400);
    const apart = await harness.chat('{"model":"fake-model","messages":[{"role":"user","content":"model \\"model\\""},{"role":"assistant","content":"a"},{"role":"user","content":"b"}]}');
    expect(apart.status).toBe(200);
  });

  it('/stats?since= with a huge duration is everything, not a 500; an unreadable one is a 400', async () => {
    const huge = await fetch(`${harness.url}/stats?since=999999999999d`);
    expect(huge.status).toBe(200);
    expect((await fetch(`${harness.url}/stats?since=99999999999999999999d`)).status).toBe(400);
  });
});

describe('headers built from request data', () => {
  it('a model name outside Latin-1 ("模型") is percent-encoded in x-isartor-upstream, never thrown on', async () => {
    const harness = await startHarness({ model: null, fake: { models: ['模型', 'fake-model'] } });
    try {
      const response = await harness.chat({ model: '模型', messages: [{ role: 'user', content: 'hi' }] });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-isartor-upstream')).toBe('openai-compatible/%E6%A8%A1%E5%9E%8B');
      const stream = await harness.chat({ model: '模型', stream: true, messages: [{ role: 'user', content: 'hi' }] });
      expect(stream.status).toBe(200);
      await stream.text();
      expect((await fetch(`${harness.url}/health`)).status).toBe(200);
    } finally {
      await harness.close();
    }
  });
});

describe('slow and silent clients', () => {
  const limits = { headersTimeoutMs: 1_000 };
  async function startSmallGateway() {
    const routing = buildRoutingTable({
      ...configDefaults,
      provider: 'openai-compatible',
      providers: { 'openai-compatible': { baseUrl: 'http://127.0.0.1:9/v1', apiKey: upstreamKey, model: 'fake-model' } },
    });
    const gateway = await createGateway({ routing, bodyLimitBytes: 1024, exactCache: { ...configDefaults.cache.exact, enabled: false } });
    const running = await startGateway(gateway, { host: '127.0.0.1', port: 0 }, limits);
    return { running, port: Number(new URL(running.url).port) };
  }

  /**
   * Opens a raw connection, sends `send`, and resolves with everything the gateway sent once the
   * connection is closed. It reads, as every real client does: the gateway closes a silent connection
   * either bare (its per-connection timer) or after `HTTP/1.1 408` (Node's own connection check, which
   * runs first when the event loop wakes late). A client that never reads keeps those 408 bytes
   * unread, never reaches the end of the stream, so never sees the close.
   */
  function closedConnection(port: number, send: string): Promise<string> {
    return new Promise((resolve) => {
      let received = '';
      const socket = connect(port, '127.0.0.1', () => {
        if (send) socket.write(send);
      });
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (received += chunk));
      socket.on('error', () => {});
      socket.on('close', () => resolve(received));
    });
  }
  /** Nothing, or Node's 408 on the way out: never an answer to the unfinished request. */
  const unanswered = /^(HTTP\/1\.1 408 [^]*)?$/;

  it('a connection that never sends a byte, and one that stops mid-headers, are closed after headersTimeout; others are served meanwhile', async () => {
    const { running, port } = await startSmallGateway();
    try {
      const silent = closedConnection(port, '');
      const partial = closedConnection(port, 'GET /health HTTP/1.1\r\nHost: x\r\n');
      expect((await fetch(`${running.url}/health`)).status).toBe(200);
      // Closed, not left open forever (a loaded machine may take a while, but not 20 s).
      expect(await within(silent, 'the silent connection to be closed')).toMatch(unanswered);
      expect(await within(partial, 'the connection with partial headers to be closed')).toMatch(unanswered);
    } finally {
      await within(running.stop(100), 'the gateway to stop');
    }
  });

  it('a silent connection a busy gateway reaches late is closed with a 408 its client sees (Node\'s check runs before the connection\'s own timer)', async () => {
    const { running, port } = await startSmallGateway();
    try {
      const accepted = once(running.server, 'connection');
      const silent = closedConnection(port, '');
      await accepted;
      // The event loop wakes only after headersTimeout has passed, as on a loaded machine: Node's
      // connection check (an interval armed at listen, so earlier in the same timer list) runs before
      // the per-connection timer and answers 408 before closing. This order made the test above wait
      // 20 s, once in three full runs, while its client did not read.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, limits.headersTimeoutMs + 500);
      expect(await within(silent, 'the silent connection to be closed')).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      await within(running.stop(100), 'the gateway to stop');
    }
  });
});

function within<T>(promise: Promise<T>, what: string, ms = 20_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
