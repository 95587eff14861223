import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simulatedAnswer } from './simulated-answers.js';

export const simulatedModel = 'isartor-simulated';

export interface SimulatedProvider {
  baseUrl: string;
  /** Chat requests it answered: what a real provider would have billed. */
  readonly calls: number;
  close(): Promise<void>;
}

/**
 * A stand-in provider for trying isartor without a key or a network: an OpenAI-compatible server on
 * loopback that says in every answer that it is simulated. It knows a few facts so that a near-miss
 * visibly gets a different answer, echoes anything else, reports usage as ceil(characters / 4) like
 * a rough tokenizer, and answers slowly enough (like a real model) that a cache hit is visibly faster.
 */
export async function startSimulatedProvider(options: { tokenDelayMs?: number } = {}): Promise<SimulatedProvider> {
  const tokenDelayMs = options.tokenDelayMs ?? 20;
  let calls = 0;
  const server: Server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/v1/chat/completions') calls += 1;
    void answer(req, res, tokenDelayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    get calls() {
      return calls;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Usage as the simulated provider reports it: a quarter of the characters, like a rough tokenizer. */
export function simulatedUsage(messages: unknown, answerText: string): { prompt_tokens: number; completion_tokens: number; total_tokens: number } {
  const prompt = Math.ceil(JSON.stringify(messages).length / 4);
  const completion = Math.ceil(answerText.length / 4);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

async function answer(req: IncomingMessage, res: ServerResponse, tokenDelayMs: number): Promise<void> {
  if (req.method === 'GET' && req.url === '/v1/models') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ object: 'list', data: [{ id: simulatedModel, object: 'model', created: 0, owned_by: 'isartor-simulated' }] }));
    return;
  }
  if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: 'not found', type: 'not_found_error', code: null } }));
    return;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { messages: Array<{ role: string; content: unknown }>; stream?: boolean; stream_options?: { include_usage?: boolean } };
  const text = simulatedAnswer(body.messages);
  const words = text.split(/(?<= )/);
  const usage = simulatedUsage(body.messages, text);
  const head = { id: `chatcmpl-${randomUUID()}`, created: Math.floor(Date.now() / 1000), model: simulatedModel };
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
  if (body.stream_options?.include_usage) send([], { usage });
  res.end('data: [DONE]\n\n');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
