// openai-to-anthropic.ts: an OpenAI chat completions caller in front of an Anthropic upstream.
import { describe, expect, it } from 'vitest';
import type { AnthropicMessage } from '../../source/protocols/anthropic.js';
import { encodeAnthropicMessageAsSse } from '../../source/protocols/anthropic-stream.js';
import type { ChatCompletion, ChatCompletionRequest } from '../../source/protocols/openai.js';
import { ChatCompletionStreamAccumulator } from '../../source/protocols/openai-stream.js';
import { anthropicMessageToOpenAI, AnthropicStreamToOpenAI, openAIRequestToAnthropic } from '../../source/protocols/openai-to-anthropic.js';

const request = (fields: Partial<ChatCompletionRequest>): ChatCompletionRequest => ({ model: 'gpt-alias', messages: [{ role: 'user', content: 'hi' }], ...fields });

describe('openAIRequestToAnthropic', () => {
  it('carries the settings, defaults max_tokens to the model\'s default (32,000; less for Claude 3.x) and clamps temperature to [0, 1]', () => {
    expect(openAIRequestToAnthropic(request({ temperature: 0.4, top_p: 0.8, user: 'u-1', stop: 'END', stream: true, stream_options: { include_usage: true }, n: 1, seed: 3 }), 'claude-up')).toEqual({
      model: 'claude-up',
      max_tokens: 32_000,
      messages: [{ role: 'user', content: 'hi' }],
      stop_sequences: ['END'],
      temperature: 0.4,
      top_p: 0.8,
      metadata: { user_id: 'u-1' },
      stream: true,
    });
    expect(openAIRequestToAnthropic(request({ temperature: 1.7 }), 'm').temperature).toBe(1);
    expect(openAIRequestToAnthropic(request({ temperature: -1 }), 'm').temperature).toBe(0);
    expect(openAIRequestToAnthropic(request({ max_tokens: 300 }), 'm').max_tokens).toBe(300);
    // What Anthropic cannot give is refused, never silently dropped (openai-fields-anthropic-lacks.ts).
    expect(() => openAIRequestToAnthropic(request({ n: 2 }), 'm', 'anthropic')).toThrow(/`n`: 2 choices/);
    // A long patch is not cut at 4,096 tokens; older models get their own (lower) limit, never one they refuse.
    expect(openAIRequestToAnthropic(request({}), 'claude-sonnet-4-5-20250929').max_tokens).toBe(32_000);
    expect(openAIRequestToAnthropic(request({}), 'claude-3-7-sonnet-latest').max_tokens).toBe(32_000);
    expect(openAIRequestToAnthropic(request({}), 'claude-3-5-haiku-20241022').max_tokens).toBe(8_192);
    expect(openAIRequestToAnthropic(request({}), 'anthropic.claude-3-5-sonnet-20240620-v1:0').max_tokens).toBe(8_192);
    expect(openAIRequestToAnthropic(request({}), 'claude-3-haiku-20240307').max_tokens).toBe(4_096);
    expect(openAIRequestToAnthropic(request({ max_completion_tokens: 500 }), 'm').max_tokens).toBe(500);
    expect(openAIRequestToAnthropic(request({ stop: ['a', 'b'] }), 'm').stop_sequences).toEqual(['a', 'b']);
  });

  it('moves system and developer messages into system, joined', () => {
    const translated = openAIRequestToAnthropic(
      request({
        messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'developer', content: [{ type: 'text', text: 'Use tools.' }] },
          { role: 'user', content: 'hi' },
        ],
      }),
      'm',
    );
    expect(translated.system).toBe('You are terse.\n\nUse tools.');
    expect(translated.messages).toEqual([{ role: 'user', content: 'hi' }]);
  });

  it('turns content parts into blocks: text, data-URL and http images', () => {
    const translated = openAIRequestToAnthropic(
      request({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } },
              { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'high' } },
              { type: 'input_audio', input_audio: { data: 'xx', format: 'wav' } },
            ],
          },
        ],
      }),
      'm',
    );
    expect(translated.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
          { type: 'text', text: '[input_audio omitted]' },
        ],
      },
    ]);
  });

  it('pairs tool calls with tool results, merging a run of tool messages and the next user message into one turn', () => {
    const translated = openAIRequestToAnthropic(
      request({
        messages: [
          { role: 'user', content: 'Read a and b' },
          {
            role: 'assistant',
            content: 'Reading both.',
            tool_calls: [
              { id: 'call_a', type: 'function', function: { name: 'read', arguments: '{"path":"a"}' } },
              { id: 'call_b', type: 'function', function: { name: 'read', arguments: '' } },
            ],
          },
          { role: 'tool', tool_call_id: 'call_a', content: 'alpha' },
          { role: 'tool', tool_call_id: 'call_b', content: [{ type: 'text', text: 'beta' }] },
          { role: 'user', content: 'Now summarise.' },
          { role: 'user', content: [{ type: 'text', text: 'Briefly.' }] },
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_c', type: 'function', function: { name: 'exec', arguments: '{"cmd":"true"}' } }] },
          { role: 'tool', tool_call_id: 'call_c', content: '' },
          { role: 'assistant', content: '' },
          { role: 'assistant', content: 'Done.' },
        ],
      }),
      'm',
    );
    expect(translated.messages).toEqual([
      { role: 'user', content: 'Read a and b' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Reading both.' },
          { type: 'tool_use', id: 'call_a', name: 'read', input: { path: 'a' } },
          { type: 'tool_use', id: 'call_b', name: 'read', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_a', content: 'alpha' },
          { type: 'tool_result', tool_use_id: 'call_b', content: [{ type: 'text', text: 'beta' }] },
          { type: 'text', text: 'Now summarise.' },
          { type: 'text', text: 'Briefly.' },
        ],
      },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'call_c', name: 'exec', input: { cmd: 'true' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_c' }] },
      // The empty assistant message is dropped (Anthropic rejects empty turns) and "Done." stays alone.
      { role: 'assistant', content: 'Done.' },
    ]);
    const roles = translated.messages.map((m) => m.role);
    expect(roles.every((role, i) => role !== roles[i - 1])).toBe(true);
  });

  it('translates tools and every tool_choice, parallel_tool_calls included', () => {
    const tools = [
      { type: 'function', function: { name: 'read', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } } } } },
      { type: 'function', function: { name: 'now' } },
    ];
    const translated = openAIRequestToAnthropic(request({ tools }), 'm');
    expect(translated.tools).toEqual([
      { name: 'read', description: 'Read a file', input_schema: { type: 'object', properties: { path: { type: 'string' } } } },
      { name: 'now', input_schema: { type: 'object', properties: {} } },
    ]);
    expect(translated).not.toHaveProperty('tool_choice');
    const choice = (fields: Partial<ChatCompletionRequest>) => openAIRequestToAnthropic(request({ tools, ...fields }), 'm').tool_choice;
    expect(choice({ tool_choice: 'auto' })).toEqual({ type: 'auto' });
    expect(choice({ tool_choice: 'required' })).toEqual({ type: 'any' });
    expect(choice({ tool_choice: 'none' })).toEqual({ type: 'none' });
    expect(choice({ tool_choice: { type: 'function', function: { name: 'read' } } })).toEqual({ type: 'tool', name: 'read' });
    expect(choice({ parallel_tool_calls: false })).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(choice({ tool_choice: 'required', parallel_tool_calls: false })).toEqual({ type: 'any', disable_parallel_tool_use: true });
    expect(choice({ tool_choice: 'none', parallel_tool_calls: false })).toEqual({ type: 'none' });
    expect(choice({ parallel_tool_calls: true })).toBeUndefined();
    expect(openAIRequestToAnthropic(request({ tool_choice: 'required' }), 'm')).not.toHaveProperty('tool_choice');
  });
});

const message = (content: AnthropicMessage['content'], stop_reason: string, usage: AnthropicMessage['usage'] = { input_tokens: 10, output_tokens: 4 }): AnthropicMessage => ({
  id: 'msg_01XYZ',
  type: 'message',
  role: 'assistant',
  model: 'claude-real',
  content,
  stop_reason,
  stop_sequence: null,
  usage,
});

const withoutCreated = (completion: ChatCompletion | undefined): Omit<ChatCompletion, 'created'> | undefined => {
  if (!completion) return undefined;
  const { created: _created, ...rest } = completion;
  return rest;
};

describe('anthropicMessageToOpenAI', () => {
  it('gives text, tool calls and counts under the caller’s model name; thinking is not shown', () => {
    const completion = anthropicMessageToOpenAI(
      message(
        [
          { type: 'thinking', thinking: 'hmm', signature: 's' },
          { type: 'text', text: 'Checking ' },
          { type: 'text', text: 'now.' },
          { type: 'tool_use', id: 'toolu_1', name: 'read', input: { path: 'x' } },
        ],
        'tool_use',
        { input_tokens: 10, output_tokens: 4, cache_read_input_tokens: 100, cache_creation_input_tokens: 5 },
      ),
      'gpt-alias',
    );
    expect(completion).toEqual({
      id: 'chatcmpl-01XYZ',
      object: 'chat.completion',
      created: expect.any(Number),
      model: 'gpt-alias',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Checking now.', refusal: null, tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'read', arguments: '{"path":"x"}' } }] },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 115, completion_tokens: 4, total_tokens: 119, prompt_tokens_details: { cached_tokens: 100 } },
      system_fingerprint: null,
    });
  });

  it('gives null content beside tool calls, and maps every stop reason', () => {
    expect(anthropicMessageToOpenAI(message([{ type: 'tool_use', id: 't', name: 'f', input: {} }], 'tool_use'), 'm').choices[0]?.message.content).toBeNull();
    const finish = (stop: string) => anthropicMessageToOpenAI(message([{ type: 'text', text: 'x' }], stop), 'm').choices[0]?.finish_reason;
    expect(finish('end_turn')).toBe('stop');
    expect(finish('stop_sequence')).toBe('stop');
    expect(finish('pause_turn')).toBe('stop');
    expect(finish('max_tokens')).toBe('length');
    expect(finish('tool_use')).toBe('tool_calls');
    expect(finish('refusal')).toBe('content_filter');
    expect(anthropicMessageToOpenAI(message([], 'end_turn'), 'm').usage).toEqual({ prompt_tokens: 10, completion_tokens: 4, total_tokens: 14 });
  });
});

// ---------------------------------------------------------------------------------------------------

const sse = (...events: Array<Record<string, unknown> & { type: string }>): string => events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('');
const tinyPieces = (text: string): string[] => text.match(/.{1,3}/gsu) ?? [];

/** The `data:` payloads of an OpenAI SSE text. */
const dataLines = (text: string): string[] => text.split('\n\n').filter((f) => f.startsWith('data: ')).map((f) => f.slice(6));

function translate(text: string, size: number, includeUsage = true): { out: string; translator: AnthropicStreamToOpenAI } {
  const translator = new AnthropicStreamToOpenAI('gpt-alias', { includeUsage });
  const bytes = Buffer.from(text);
  let out = '';
  for (let i = 0; i < bytes.length; i += size) out += translator.push(bytes.subarray(i, i + size));
  out += translator.end();
  return { out, translator };
}

function reassemble(out: string): ChatCompletion | undefined {
  const accumulator = new ChatCompletionStreamAccumulator();
  accumulator.push(Buffer.from(out));
  return accumulator.result();
}

describe('AnthropicStreamToOpenAI', () => {
  const argsA = '{"path":"/tmp/Grüße 🌍.txt","n":[1,2]}';
  const stream = sse(
    { type: 'message_start', message: { ...message([], 'x'), stop_reason: null, usage: { input_tokens: 30, cache_read_input_tokens: 12, output_tokens: 1 } } },
    { type: 'ping' },
    { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Secret reasoning' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig' } },
    { type: 'content_block_stop', index: 0 },
    { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
    ...tinyPieces('Grüße 🌍 — reading.').map((text) => ({ type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text } })),
    { type: 'content_block_stop', index: 1 },
    { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'toolu_A', name: 'read', input: {} } },
    { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '' } },
    ...tinyPieces(argsA).map((partial_json) => ({ type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json } })),
    { type: 'content_block_stop', index: 2 },
    // A tool without parameters: Anthropic streams no input JSON for it.
    { type: 'content_block_start', index: 3, content_block: { type: 'tool_use', id: 'toolu_B', name: 'now', input: {} } },
    { type: 'content_block_stop', index: 3 },
    { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 40 } },
    { type: 'message_stop' },
  );
  const expected = {
    id: 'chatcmpl-01XYZ',
    object: 'chat.completion',
    model: 'gpt-alias',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: 'Grüße 🌍 — reading.',
          refusal: null,
          tool_calls: [
            { id: 'toolu_A', type: 'function', function: { name: 'read', arguments: argsA } },
            { id: 'toolu_B', type: 'function', function: { name: 'now', arguments: '{}' } },
          ],
        },
        logprobs: null,
        finish_reason: 'tool_calls',
      },
    ],
    usage: { prompt_tokens: 42, completion_tokens: 40, total_tokens: 82, prompt_tokens_details: { cached_tokens: 12 } },
    system_fingerprint: null,
  };

  it('streams text and tool calls with tiny argument pieces as chat completion chunks, thinking skipped', () => {
    for (const size of [1, 7, 1000]) {
      const { out, translator } = translate(stream, size);
      const data = dataLines(out);
      expect(data.at(-1), `size ${size}`).toBe('[DONE]');
      const chunks = data.slice(0, -1).map((d) => JSON.parse(d) as { choices: Array<{ delta: Record<string, unknown>; finish_reason: string | null }>; usage?: unknown });
      expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
      expect(chunks.at(-1)).toMatchObject({ choices: [], usage: expected.usage });
      expect(chunks.at(-2)?.choices[0]).toMatchObject({ delta: {}, finish_reason: 'tool_calls' });
      const argumentPieces = chunks.filter((c) => (c.choices[0]?.delta.tool_calls as Array<{ index: number; function: { arguments: string } }> | undefined)?.[0]?.index === 0);
      expect(argumentPieces.length).toBe(tinyPieces(argsA).length + 1);
      expect(out).not.toContain('Secret reasoning');
      expect(withoutCreated(translator.result())).toEqual(expected);
      // The official accumulator for OpenAI streams reads the translated stream into the same answer.
      expect(withoutCreated(reassemble(out))).toEqual(expected);
    }
  });

  it('leaves the usage chunk out unless asked for', () => {
    const { out, translator } = translate(stream, 1000, false);
    expect(dataLines(out).some((d) => d.includes('"usage"'))).toBe(false);
    expect(translator.result()?.usage?.total_tokens).toBe(82);
  });

  it('maps each stop reason to a finish chunk', () => {
    for (const [stop, finish] of [['end_turn', 'stop'], ['stop_sequence', 'stop'], ['max_tokens', 'length'], ['refusal', 'content_filter']] as const) {
      const { out, translator } = translate(encodeAnthropicMessageAsSse(message([{ type: 'text', text: 'x' }], stop)), 1000);
      expect(out).toContain(`"finish_reason":"${finish}"`);
      expect(translator.result()?.choices[0]?.finish_reason).toBe(finish);
    }
  });

  it('reports an Anthropic error event as an OpenAI error, with no [DONE] and nothing kept', () => {
    const events = sse(
      { type: 'message_start', message: { ...message([], 'x'), stop_reason: null } },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } },
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
    );
    for (const size of [1, 1000]) {
      const { out, translator } = translate(events, size);
      const data = dataLines(out);
      expect(JSON.parse(data.at(-1) ?? '')).toEqual({ error: { message: 'Overloaded', type: 'server_error', code: 'overloaded_error', param: null } });
      expect(out).not.toContain('[DONE]');
      expect(translator.result()).toBeUndefined();
    }
  });

  it('reports a stream cut before message_stop as an error at end()', () => {
    const full = encodeAnthropicMessageAsSse(message([{ type: 'text', text: 'Hello there' }], 'end_turn'));
    const cut = full.slice(0, full.indexOf('event: message_stop'));
    const { out, translator } = translate(cut, 7);
    expect(JSON.parse(dataLines(out).at(-1) ?? '')).toMatchObject({ error: { type: 'upstream_error', message: expect.stringContaining('ended before') } });
    expect(out).not.toContain('[DONE]');
    expect(translator.result()).toBeUndefined();
    const garbled = translate(`${full.slice(0, 200)}\n\nevent: content_block_delta\ndata: {oops\n\n`, 1000);
    expect(dataLines(garbled.out).at(-1)).toContain('"error"');
    expect(garbled.translator.result()).toBeUndefined();
  });

  it('round trip: a stored Anthropic message replayed and translated equals the message translated whole', () => {
    const stored = message(
      [
        { type: 'text', text: 'Here is a fairly long answer that the replay will split into several pieces at spaces. '.repeat(2) },
        { type: 'tool_use', id: 'toolu_1', name: 'exec', input: { cmd: 'ls -la', env: { LANG: 'de_DE.UTF-8' }, note: 'ü'.repeat(80) } },
      ],
      'tool_use',
      { input_tokens: 11, output_tokens: 22, cache_read_input_tokens: 0 },
    );
    for (const size of [1, 7, 1000]) {
      const { out, translator } = translate(encodeAnthropicMessageAsSse(stored), size);
      const whole = withoutCreated(anthropicMessageToOpenAI(stored, 'gpt-alias'));
      expect(withoutCreated(translator.result())).toEqual(whole);
      expect(withoutCreated(reassemble(out))).toEqual(whole);
    }
  });
});
