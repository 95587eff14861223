// Round 4 faults as the official SDKs see them (the openai and @anthropic-ai/sdk clients real tools are
// built on): what each SDK assembles or raises is the faithful answer or an APIError, never a wrong answer.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { sseBody, streamEventsOf } from '../support/fake-upstream/fault-matrix.js';
import { sdkGatewayBefore } from './sdk-gateway.js';

type Json = Record<string, any>;
const head = { id: 'chatcmpl-sdk', object: 'chat.completion.chunk', created: 1_764_000_000, model: 'fake-model' };
const chunk = (delta: Json, finish: string | null = null): Json => ({ ...head, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
const sse = (list: Json[]): string => list.map((event) => `data: ${JSON.stringify(event)}\n\n`).join('') + 'data: [DONE]\n\n';
const interleaved = sse([
  chunk({ role: 'assistant', content: null }),
  chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{"path":' } }] }),
  chunk({ tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'list_dir', arguments: '{"dir":' } }] }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: '"a.md"}' } }] }),
  chunk({ tool_calls: [{ index: 1, function: { arguments: '"src"}' } }] }),
  chunk({}, 'tool_calls'),
  { ...head, choices: [], usage: { prompt_tokens: 9, completion_tokens: 5, total_tokens: 14 } },
]);
const tools = [
  { name: 'read_file', description: 'Reads a file', input_schema: { type: 'object' as const, properties: { path: { type: 'string' } } } },
  { name: 'list_dir', description: 'Lists a folder', input_schema: { type: 'object' as const, properties: { dir: { type: 'string' } } } },
];

describe('the Anthropic SDK in front of a chat completions provider', () => {
  const sdk = sdkGatewayBefore('chat');

  it('interleaved parallel tool calls: finalMessage() holds both calls with their own inputs', async () => {
    sdk.harness.fake.setMode({ kind: 'raw', contentType: 'text/event-stream', body: interleaved }, { times: 1 });
    const stream = sdk.anthropic.messages.stream({ model: 'fake-model', max_tokens: 100, tools, messages: [{ role: 'user', content: 'Read a.md and list src.' }] });
    const message = await stream.finalMessage();
    expect(message.content.map((block) => (block.type === 'tool_use' ? [block.name, block.input] : block.type))).toEqual([
      ['read_file', { path: 'a.md' }],
      ['list_dir', { dir: 'src' }],
    ]);
    expect(message.stop_reason).toBe('tool_use');
  });

  it('a stream that opens with the provider\'s error: an APIError carrying its message, not an empty answer', async () => {
    sdk.harness.fake.setMode({ kind: 'raw', contentType: 'text/event-stream', body: 'data: {"error":{"message":"Rate limit reached (fault injection)","type":"rate_limit_error"}}\n\n' }, { times: 1 });
    const failure = await sdk.anthropic.messages
      .stream({ model: 'fake-model', max_tokens: 100, messages: [{ role: 'user', content: 'Error first, SDK.' }] })
      .finalMessage()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.APIError);
    expect(String((failure as Error).message)).toContain('fault injection');
  });

  it('a stream with CR-only line ends and unknown events between: the SDK assembles the text', async () => {
    const events = streamEventsOf('chat', { text: 'Carriage returns, read by the SDK.' });
    const body = events.map((event) => `event: heartbeat\ndata: {"type":"heartbeat"}\n\n${sseBody('chat', [event])}`).join('').replace(/\n/g, '\r');
    sdk.harness.fake.setMode({ kind: 'raw', contentType: 'text/event-stream', body }, { times: 1 });
    const message = await sdk.anthropic.messages.stream({ model: 'fake-model', max_tokens: 100, messages: [{ role: 'user', content: 'CRs for the SDK.' }] }).finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: 'Carriage returns, read by the SDK.' }]);
  });
});

describe('the openai SDK in front of an Anthropic provider', () => {
  const sdk = sdkGatewayBefore('anthropic');

  it('a delta for a block Anthropic never started: the chat stream\'s text is the answer\'s, without it', async () => {
    const events = streamEventsOf('anthropic', { text: 'Only the real text.' });
    const at = events.findIndex((event) => typeof event !== 'string' && event.type === 'content_block_delta');
    const stray = { type: 'content_block_delta', index: 5, delta: { type: 'text_delta', text: 'STRAY' } };
    sdk.harness.fake.setMode({ kind: 'raw', contentType: 'text/event-stream', body: sseBody('anthropic', [...events.slice(0, at + 1), stray, ...events.slice(at + 1)]) }, { times: 1 });
    const stream = await sdk.openai.chat.completions.create({ model: 'fake-model', stream: true, messages: [{ role: 'user', content: 'No stray text, SDK.' }] });
    let text = '';
    for await (const part of stream) text += part.choices[0]?.delta?.content ?? '';
    expect(text).toBe('Only the real text.');
  });

  it('overloaded_error as the first event: an APIError with the provider\'s message', async () => {
    sdk.harness.fake.setMode({ kind: 'raw', contentType: 'text/event-stream', body: 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded (fault injection)"}}\n\n' }, { times: 1 });
    const failure = await (async () => {
      const stream = await sdk.openai.chat.completions.create({ model: 'fake-model', stream: true, messages: [{ role: 'user', content: 'Overloaded, SDK.' }] });
      for await (const _ of stream) void _;
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(String((failure as Error).message)).toContain('Overloaded (fault injection)');
  });

  it('Responses: one byte at a time, the SDK gets the whole response', async () => {
    const events = streamEventsOf('anthropic', { text: 'Trickled to the Responses SDK.' });
    const bytes = Buffer.from(sseBody('anthropic', events));
    sdk.harness.fake.setMode({ kind: 'raw', contentType: 'text/event-stream', body: () => [...bytes].map((byte) => Buffer.from([byte])) }, { times: 1 });
    const response = await sdk.openai.responses.stream({ model: 'fake-model', input: 'Trickle, SDK.', store: false }).finalResponse();
    expect(response.output_text).toBe('Trickled to the Responses SDK.');
  });
});
