import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A provider whose answers carry everything a replay must give back: OpenAI logprobs, reasoning_content,
 * system_fingerprint, service_tier and usage details; Anthropic thinking with its signature, redacted
 * thinking and cache usage. Streamed or not, as asked. Each answer counts the calls (`answer #N`), so a
 * test can tell a replay from a fresh answer.
 */
export interface RichUpstream {
  openaiBaseUrl: string;
  anthropicBaseUrl: string;
  calls: number;
  /** Request URLs and headers as received. */
  received: Array<{ url: string; headers: IncomingMessage['headers'] }>;
  close(): Promise<void>;
}

export const richOpenAI = (n: number) => ({
  id: `chatcmpl-rich-${n}`,
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'fake-model',
  system_fingerprint: 'fp_rich',
  service_tier: 'default',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: `Paris, answer #${n}.`, refusal: null, reasoning_content: 'The user asks about the capital of France, which is Paris.' },
      logprobs: { content: [{ token: 'Paris', logprob: -0.01, bytes: [80, 97, 114, 105, 115], top_logprobs: [] }], refusal: null },
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 12, completion_tokens: 6, total_tokens: 18, completion_tokens_details: { reasoning_tokens: 4 } },
});

export const richAnthropic = (n: number) => ({
  id: `msg_rich_${n}`,
  type: 'message',
  role: 'assistant',
  model: 'fake-model',
  content: [
    { type: 'thinking', thinking: 'The user asks about the capital of France.', signature: `sig-${n}==` },
    { type: 'redacted_thinking', data: 'opaque' },
    { type: 'text', text: `Paris, answer #${n}.` },
  ],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 12, output_tokens: 6, cache_creation_input_tokens: 0, cache_read_input_tokens: 10 },
});

function openAIStream(n: number): string {
  const answer = richOpenAI(n);
  const head = { id: answer.id, object: 'chat.completion.chunk', created: answer.created, model: answer.model, system_fingerprint: 'fp_rich', service_tier: 'default' };
  const chunk = (delta: object, extra: object = {}) => `data: ${JSON.stringify({ ...head, choices: [{ index: 0, delta, logprobs: null, finish_reason: null, ...extra }] })}\n\n`;
  return [
    chunk({ role: 'assistant', content: '' }),
    chunk({ reasoning_content: 'The user asks about the capital of France, ' }),
    chunk({ reasoning_content: 'which is Paris.' }),
    chunk({ content: 'Paris' }, { logprobs: answer.choices[0]!.logprobs }),
    chunk({ content: `, answer #${n}.` }),
    chunk({}, { finish_reason: 'stop' }),
    `data: ${JSON.stringify({ ...head, choices: [], usage: answer.usage })}\n\n`,
    'data: [DONE]\n\n',
  ].join('');
}

function anthropicStream(n: number): string {
  const answer = richAnthropic(n);
  const events: object[] = [
    { type: 'message_start', message: { ...answer, content: [], stop_reason: null, usage: { ...answer.usage, output_tokens: 1 } } },
    { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'The user asks about ' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'the capital of France.' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: `sig-${n}==` } },
    { type: 'content_block_stop', index: 0 },
    { type: 'content_block_start', index: 1, content_block: { type: 'redacted_thinking', data: 'opaque' } },
    { type: 'content_block_stop', index: 1 },
    { type: 'content_block_start', index: 2, content_block: { type: 'text', text: '' } },
    { type: 'content_block_delta', index: 2, delta: { type: 'text_delta', text: `Paris, answer #${n}.` } },
    { type: 'content_block_stop', index: 2 },
    { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 6 } },
    { type: 'message_stop' },
  ];
  return events.map((event) => `event: ${(event as { type: string }).type}\ndata: ${JSON.stringify(event)}\n\n`).join('');
}

export async function startRichUpstream(): Promise<RichUpstream> {
  const upstream = { calls: 0, received: [] as RichUpstream['received'] };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      upstream.calls += 1;
      upstream.received.push({ url: req.url ?? '', headers: req.headers });
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { stream?: boolean };
      const anthropic = (req.url ?? '').startsWith('/v1/messages');
      if (body.stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(anthropic ? anthropicStream(upstream.calls) : openAIStream(upstream.calls));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(anthropic ? richAnthropic(upstream.calls) : richOpenAI(upstream.calls)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    openaiBaseUrl: `${url}/v1`,
    anthropicBaseUrl: url,
    get calls() {
      return upstream.calls;
    },
    received: upstream.received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
