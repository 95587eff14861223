import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createGateway, startGateway, type RunningGateway } from '../../source/gateway/server.js';
import { buildRoutingTable } from '../../source/routing/routing-table.js';
import { configDefaults } from '../../source/store/config.js';
import type { RequestRecord } from '../../source/stats/request-record.js';

// Codex closes its connection as soon as `response.completed` reaches it, and a provider may end its
// stream a moment after its last event ([DONE]). The answer is whole by then: it is kept for the caches.
// A client that leaves before the last event got part of an answer: nothing is kept.
const chunk = (delta: object, finish: string | null = null): string =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'fake-model', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

let upstream: Server | undefined;
let running: RunningGateway | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await running?.stop(100);
  upstream?.close();
  running = undefined;
  upstream = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * A chat provider that sends the answer and [DONE], then ends the stream `endDelayMs` later; with `pauseMs`,
 * it pauses that long after the first chunk; with `malformed`, that chunk carries it (a wrong type).
 */
async function start(
  endDelayMs: number,
  pauseMs = 0,
  malformed?: object,
): Promise<{ calls: () => number; stored: () => Promise<void>; ended: () => Promise<void>; records: RequestRecord[]; drained: () => Promise<void> }> {
  const records: RequestRecord[] = [];
  let calls = 0;
  let ends = 0;
  upstream = createServer((req, res) => {
    req.resume();
    res.on('close', () => (ends += 1));
    req.on('end', async () => {
      calls += 1;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk({ role: 'assistant', content: 'Paris ' }));
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      res.write(chunk({ content: 'is the capital.', ...malformed }));
      res.write(chunk({}, 'stop'));
      res.write(`data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'fake-model', choices: [], usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 } })}\n\n`);
      res.write('data: [DONE]\n\n');
      setTimeout(() => res.end(), endDelayMs);
    });
  });
  await new Promise<void>((resolve) => upstream!.listen(0, '127.0.0.1', resolve));
  const routing = buildRoutingTable({
    ...configDefaults,
    provider: 'openai-compatible',
    providers: { 'openai-compatible': { baseUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`, apiKey: 'k', model: 'fake-model' } },
  });
  // The exact cache also appends each answer it keeps to a file: what the tests watch instead of the clock.
  const dir = mkdtempSync(join(tmpdir(), 'isartor-client-leaves-'));
  dirs.push(dir);
  const exactCacheFile = join(dir, 'exact-cache.jsonl');
  const gateway = await createGateway({
    routing,
    bodyLimitBytes: 1 << 20,
    exactCache: { ...configDefaults.cache.exact, enabled: true },
    exactCacheFile,
    requestLog: { append: (record) => records.push(record), read: () => ({ records, skipped: 0 }) },
  });
  running = await startGateway(gateway, { host: '127.0.0.1', port: 0 });
  return {
    calls: () => calls,
    records,
    drained: () => gateway.drained(),
    stored: () => until(() => existsSync(exactCacheFile) && readFileSync(exactCacheFile, 'utf8').trim() !== '', 'the answer to be kept'),
    // Every stream the provider sent ended (or was cut by the gateway), and the gateway, which reads it on after the client left, had time to
    // act on its end: long enough to have kept an answer it should not have.
    ended: async () => {
      await until(() => ends >= calls, 'the provider to end its stream');
      await gateway.drained();
      await new Promise((resolve) => setTimeout(resolve, 200));
    },
  };
}

const callers = {
  responses: { path: '/v1/responses', last: 'response.completed', body: { model: 'fake-model', stream: true, store: false, input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'capital of France?' }] }] } },
  openai: { path: '/v1/chat/completions', last: '[DONE]', body: { model: 'fake-model', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'capital of France?' }] } },
  anthropic: { path: '/v1/messages', last: 'message_stop', body: { model: 'fake-model', stream: true, max_tokens: 50, messages: [{ role: 'user', content: 'capital of France?' }] } },
} as const;

/** Streams the answer; hangs up as soon as `leaveAt` appears in it. */
function ask(path: string, body: object, leaveAt?: string): Promise<{ layer: string | undefined }> {
  return new Promise((resolve) => {
    const req = request(`${running!.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      const done = (): void => resolve({ layer: res.headers['x-isartor-layer'] as string | undefined });
      res.on('data', (piece: string) => {
        text += piece;
        if (leaveAt && text.includes(leaveAt)) req.destroy();
      });
      res.on('end', done);
      res.on('close', done);
    });
    req.on('error', () => {});
    req.end(JSON.stringify(body));
  });
}

describe('a client that leaves once the whole answer reached it', () => {
  for (const [protocol, caller] of Object.entries(callers)) {
    it(`${protocol}: the answer is kept, recorded as delivered (200, the provider's usage), and the same request is then an L1a hit`, async () => {
      const upstreamCalls = await start(400);
      await ask(caller.path, caller.body, caller.last);
      await upstreamCalls.drained();
      expect(upstreamCalls.records).toHaveLength(1);
      expect(upstreamCalls.records[0]).toMatchObject({ status: 200, layer: 'l3', tokensCounted: 'provider', outputTokens: 3 });
      await upstreamCalls.stored();
      expect((await ask(caller.path, caller.body)).layer).toBe('l1a');
      expect(upstreamCalls.calls()).toBe(1);
    });
  }

  it('a client that leaves before the last event: nothing is kept, the next request goes to the provider', async () => {
    const upstreamCalls = await start(0, 300);
    await ask(callers.openai.path, callers.openai.body, 'Paris');
    await upstreamCalls.ended();
    expect(upstreamCalls.records[0]).toMatchObject({ status: 499, tokensCounted: 'estimated' });
    expect((await ask(callers.openai.path, callers.openai.body)).layer).toBe('l3');
    expect(upstreamCalls.calls()).toBe(2);
  });

  it('a malformed answer is not kept even when its [DONE] came before the client left', async () => {
    for (const malformed of [{ content: 5 }, { tool_calls: 'none' }, { role: null, content: { text: 'x' } }]) {
      const upstreamCalls = await start(400, 0, malformed);
      await ask(callers.openai.path, callers.openai.body, '[DONE]');
      await upstreamCalls.ended();
      expect((await ask(callers.openai.path, callers.openai.body)).layer).toBe('l3');
      expect(upstreamCalls.calls()).toBe(2);
      await running?.stop(100);
      upstream?.close();
    }
    running = undefined;
    upstream = undefined;
  });
});
