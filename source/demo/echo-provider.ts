import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const echoModel = 'isartor-demo-echo';

/**
 * A stand-in provider for trying isartor without an API key: an OpenAI-compatible server on loopback
 * that answers every chat completion by echoing the last user message, streamed or not, slowly
 * enough (like a real model) that a cache hit is visibly faster.
 */
export async function startEchoProvider(options: { tokenDelayMs?: number } = {}): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const tokenDelayMs = options.tokenDelayMs ?? 25;
  const server: Server = createServer((req, res) => void answer(req, res, tokenDelayMs));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function answer(req: IncomingMessage, res: ServerResponse, tokenDelayMs: number): Promise<void> {
  if (req.method === 'GET' && req.url === '/v1/models') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ object: 'list', data: [{ id: echoModel, object: 'model', created: 0, owned_by: 'isartor-demo' }] }));
    return;
  }
  if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: 'not found', type: 'not_found_error', code: null } }));
    return;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { messages: Array<{ role: string; content: unknown }>; stream?: boolean };
  const last = [...body.messages].reverse().find((m) => m.role === 'user');
  const text = `You said: ${typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content)}`;
  const words = text.split(/(?<= )/);
  const usage = { prompt_tokens: Math.ceil(JSON.stringify(body.messages).length / 4), completion_tokens: words.length, total_tokens: 0 };
  usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
  const head = { id: `chatcmpl-${randomUUID()}`, created: Math.floor(Date.now() / 1000), model: echoModel };
  if (!body.stream) {
    await sleep(tokenDelayMs * words.length);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ...head, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }], usage }));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const send = (choices: unknown[], extra: object = {}): boolean => res.write(`data: ${JSON.stringify({ ...head, object: 'chat.completion.chunk', choices, ...extra })}\n\n`);
  send([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
  for (const word of words) {
    await sleep(tokenDelayMs);
    send([{ index: 0, delta: { content: word }, finish_reason: null }]);
  }
  send([{ index: 0, delta: {}, finish_reason: 'stop' }]);
  send([], { usage });
  res.end('data: [DONE]\n\n');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
