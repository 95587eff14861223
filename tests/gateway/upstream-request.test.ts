import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createUpstreamAgents } from '../../source/gateway/layers/upstream.js';
import { UpstreamRequest } from '../../source/gateway/upstream-request.js';
import { classifyNetworkError } from '../../source/providers/network-failure.js';

let server: Server | undefined;
const agents = createUpstreamAgents();

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}/v1/chat/completions`;
}

function run(url: string, timeout: { connect: number; request: number; idle?: number; head?: number } = { connect: 2_000, request: 2_000 }): Promise<{ status?: number; body: string; error?: Error & { code?: string; event?: string } }> {
  return new Promise((resolve) => {
    const upstream = new UpstreamRequest(url, { body: '{"hello":"world"}', headers: { 'content-type': 'application/json' }, agents, timeout });
    let status: number | undefined;
    let body = '';
    upstream.on('response', (head: { statusCode: number }) => (status = head.statusCode));
    upstream.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    upstream.on('end', () => resolve({ status, body }));
    upstream.on('error', (error: Error) => resolve({ status, body, error }));
  });
}

describe('UpstreamRequest (the hot-path client to providers)', () => {
  it('posts the body with its length and streams the answer back', async () => {
    const url = await serve((req, res) => {
      let got = '';
      req.on('data', (c: Buffer) => (got += c.toString('utf8')));
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ got, length: req.headers['content-length'], path: req.url }));
      });
    });
    const answer = await run(url);
    expect(answer.error).toBeUndefined();
    expect(answer.status).toBe(201);
    expect(JSON.parse(answer.body)).toEqual({ got: '{"hello":"world"}', length: '17', path: '/v1/chat/completions' });
  });

  it('a provider that never answers times out as got would say it (ETIMEDOUT, event request)', async () => {
    const url = await serve(() => {});
    const answer = await run(url, { connect: 2_000, request: 150 });
    expect(answer.error?.code).toBe('ETIMEDOUT');
    expect(answer.error?.event).toBe('request');
    expect(classifyNetworkError(answer.error, url, 150).kind).toBe('timeout');
  });

  it('an answer cut off mid-stream is an error (a reset), never a clean end', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"partial":true}\n\n', () => setTimeout(() => res.socket?.destroy(), 20));
    });
    const answer = await run(url);
    expect(answer.body).toContain('partial');
    expect(answer.error).toBeDefined();
    expect(classifyNetworkError(answer.error, url).kind).toBe('reset');
  });

  it('nothing listening: connection refused', async () => {
    const url = await serve(() => {});
    server!.close();
    const answer = await run(url);
    expect(classifyNetworkError(answer.error, url).kind).toBe('refused');
  });
});

describe('UpstreamRequest: the wait for an answer\'s headers (timeout.head, a stream request\'s idleTimeoutMs)', () => {
  it('a provider that reads the request and never sends a header fails at the head limit, named so, not at the whole exchange\'s', async () => {
    const url = await serve(() => {
      // Reads the request, never answers.
    });
    // The whole-exchange limit is far past the test's own timeout: only the head limit can end this.
    const result = await run(url, { connect: 2_000, request: 120_000, head: 300 });
    expect(result.status).toBeUndefined();
    expect(result.error?.code).toBe('ETIMEDOUT');
    expect(result.error?.event).toBe('head');
    const failure = classifyNetworkError(result.error, url, 120_000);
    expect(failure.message).toContain('sent no answer, not even its headers, for 300 ms');
    expect(failure.fix).toContain('upstream.idleTimeoutMs');
  });

  it('a loop kept busy past the head limit while the headers came (a loaded machine): the headers win, not the timer', async () => {
    const url = await serve((_req, res) => {
      // The provider (in this process) holds the whole loop past the head limit, then answers at once: its
      // headers and the due timer meet in the same turn, and the timer must not take them for a silence.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 600);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('data: [DONE]\n\n');
    });
    const result = await run(url, { connect: 2_000, request: 30_000, idle: 15_000, head: 200 });
    expect(result.error).toBeUndefined();
    expect(result.status).toBe(200);
  });

  it('once the headers came, the head limit is over: a slow answer after them is the idle limit\'s to judge', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"a":1}\n\n');
      // The rest comes well after the head limit, and long before the idle limit.
      setTimeout(() => res.end('data: [DONE]\n\n'), 2_500);
    });
    const result = await run(url, { connect: 2_000, request: 30_000, idle: 15_000, head: 1_000 });
    expect(result.error).toBeUndefined();
    expect(result.body).toBe('data: {"a":1}\n\ndata: [DONE]\n\n');
  });
});
