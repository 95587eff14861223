// The official SDKs as the judges of faithfulness: each reads a translated stream from a tiny server.
import Anthropic, { APIError as AnthropicAPIError } from '@anthropic-ai/sdk';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnthropicMessage } from '../../source/protocols/anthropic.js';
import { encodeAnthropicMessageAsSse } from '../../source/protocols/anthropic-stream.js';
import { OpenAIStreamToAnthropic } from '../../source/protocols/anthropic-to-openai.js';
import { AnthropicStreamToOpenAI } from '../../source/protocols/openai-to-anthropic.js';

interface Translator {
  push(bytes: Uint8Array): string;
  end(): string;
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/**
 * Serves `upstream` SSE through a fresh translator, 7 bytes at a time, writing whatever the translator
 * gives as it gives it, the way the gateway relays a stream. Without a translator the text goes as is.
 */
async function serve(upstream: string, makeTranslator?: () => Translator): Promise<string> {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const bytes = Buffer.from(upstream);
      if (!makeTranslator) {
        res.end(bytes);
        return;
      }
      const translator = makeTranslator();
      for (let i = 0; i < bytes.length; i += 7) {
        const out = translator.push(bytes.subarray(i, i + 7));
        if (out) res.write(out);
      }
      res.end(translator.end());
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server?.address() as AddressInfo).port}`;
}

/** The SDK's message as plain JSON, without `parsed_output`, which the SDK adds for structured outputs. */
function plain(message: object): unknown {
  const { parsed_output: _parsed, ...rest } = JSON.parse(JSON.stringify(message)) as Record<string, unknown>;
  return rest;
}

const anthropic = (url: string): Anthropic => new Anthropic({ baseURL: url, apiKey: 'x', maxRetries: 0 });
const params = { model: 'claude-alias', max_tokens: 100, messages: [{ role: 'user' as const, content: 'hi' }] };

const head = { id: 'chatcmpl-sdk1', object: 'chat.completion.chunk', created: 5, model: 'upstream' };
const chunk = (delta: object, finish_reason: string | null = null) => ({ ...head, choices: [{ index: 0, delta, logprobs: null, finish_reason }] });
const openAISse = (...chunks: unknown[]): string => chunks.map((c) => `data: ${typeof c === 'string' ? c : JSON.stringify(c)}\n\n`).join('');
const tinyPieces = (text: string): string[] => text.match(/.{1,3}/gsu) ?? [];

describe('the Anthropic SDK reading what OpenAIStreamToAnthropic writes', () => {
  it('assembles text, a tool_use input object and the counts', async () => {
    const args = '{"path":"/home/ü/notes 🌍.md","limit":20,"flags":["a","b"]}';
    const upstream = openAISse(
      chunk({ role: 'assistant', content: '' }),
      ...tinyPieces('Grüße! Let me read that file.').map((content) => chunk({ content })),
      chunk({ tool_calls: [{ index: 0, id: 'call_sdk', type: 'function', function: { name: 'read', arguments: '' } }] }),
      ...tinyPieces(args).map((piece) => chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] })),
      chunk({}, 'tool_calls'),
      { ...head, choices: [], usage: { prompt_tokens: 21, completion_tokens: 13, total_tokens: 34 } },
      '[DONE]',
    );
    let translator: OpenAIStreamToAnthropic | undefined;
    const url = await serve(upstream, () => (translator = new OpenAIStreamToAnthropic('claude-alias')));
    const seen: string[] = [];
    const stream = anthropic(url).messages.stream(params);
    stream.on('text', (text) => seen.push(text));
    const message = await stream.finalMessage();

    expect(message.content).toEqual([
      { type: 'text', text: 'Grüße! Let me read that file.' },
      { type: 'tool_use', id: 'call_sdk', name: 'read', input: { path: '/home/ü/notes 🌍.md', limit: 20, flags: ['a', 'b'] } },
    ]);
    expect(seen.join('')).toBe('Grüße! Let me read that file.');
    expect(message).toMatchObject({ id: 'msg_sdk1', model: 'claude-alias', role: 'assistant', stop_reason: 'tool_use', stop_sequence: null, usage: { input_tokens: 21, output_tokens: 13 } });
    // What the gateway would cache is what the SDK saw.
    expect(translator?.result()).toEqual(plain(message));
  });

  it('surfaces an upstream error mid-stream as an APIError', async () => {
    const upstream = openAISse(chunk({ content: 'partial' }), { error: { message: 'upstream exploded' } });
    const url = await serve(upstream, () => new OpenAIStreamToAnthropic('claude-alias'));
    const failure = await anthropic(url).messages.stream(params).finalMessage().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(AnthropicAPIError);
    expect(String((failure as Error).message)).toContain('upstream exploded');
  });

  it('reads a replay made by encodeAnthropicMessageAsSse into the stored message', async () => {
    const stored: AnthropicMessage = {
      id: 'msg_stored',
      type: 'message',
      role: 'assistant',
      model: 'claude-real',
      content: [
        { type: 'thinking', thinking: 'Considering the request in some detail before answering it fully.', signature: 'c2lnbmF0dXJl' },
        { type: 'text', text: 'A replayed answer that is long enough to be cut into several word-aligned pieces — mit Umlauten äöü.' },
        { type: 'tool_use', id: 'toolu_r', name: 'exec', input: { cmd: 'echo hi', env: { A: '1' } } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 50, output_tokens: 60, cache_creation_input_tokens: 0, cache_read_input_tokens: 40 },
    };
    const url = await serve(encodeAnthropicMessageAsSse(stored));
    const message = await anthropic(url).messages.stream(params).finalMessage();
    expect(plain(message)).toEqual(stored);
  });
});

describe('the OpenAI SDK reading what AnthropicStreamToOpenAI writes', () => {
  it('assembles text, tool calls and usage with its stream helper', async () => {
    const args = '{"query":"isartör","limit":3}';
    const events = [
      { type: 'message_start', message: { id: 'msg_up', type: 'message', role: 'assistant', model: 'claude-real', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 8, output_tokens: 1 } } },
      { type: 'ping' },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      ...tinyPieces('Searching… 🔎').map((text) => ({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } })),
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_s', name: 'search', input: {} } },
      ...tinyPieces(args).map((partial_json) => ({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json } })),
      { type: 'content_block_stop', index: 1 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 17 } },
      { type: 'message_stop' },
    ];
    const upstream = events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('');
    const url = await serve(upstream, () => new AnthropicStreamToOpenAI('gpt-alias', { includeUsage: true }));
    const openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'x', maxRetries: 0 });
    const completion = await openai.chat.completions
      .stream({ model: 'gpt-alias', messages: [{ role: 'user', content: 'hi' }], stream_options: { include_usage: true } })
      .finalChatCompletion();
    expect(completion.choices[0]?.message.content).toBe('Searching… 🔎');
    expect(completion.choices[0]?.message.tool_calls).toEqual([{ id: 'toolu_s', type: 'function', function: { name: 'search', arguments: args } }]);
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(completion.usage).toMatchObject({ prompt_tokens: 8, completion_tokens: 17, total_tokens: 25 });
    expect(completion.model).toBe('gpt-alias');
  });
});
