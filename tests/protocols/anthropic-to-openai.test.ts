import { describe, expect, it } from 'vitest';
import type { AnthropicMessage, AnthropicMessagesRequest } from '../../source/protocols/anthropic.js';
import { AnthropicStreamAccumulator } from '../../source/protocols/anthropic-stream.js';
import { anthropicRequestToOpenAI, OpenAIStreamToAnthropic, openAICompletionToAnthropic } from '../../source/protocols/anthropic-to-openai.js';
import type { ChatCompletion } from '../../source/protocols/openai.js';
import { ChatCompletionStreamAccumulator, encodeCompletionAsSse } from '../../source/protocols/openai-stream.js';

const request = (fields: Partial<AnthropicMessagesRequest>): AnthropicMessagesRequest => ({
  model: 'claude-sonnet',
  max_tokens: 1000,
  messages: [{ role: 'user', content: 'hi' }],
  ...fields,
});

describe('anthropicRequestToOpenAI', () => {
  it('carries the sampling settings, and drops what chat completions cannot hold', () => {
    const translated = anthropicRequestToOpenAI(
      request({
        system: 'Be brief.',
        stop_sequences: ['###', 'END'],
        temperature: 0.3,
        top_p: 0.9,
        top_k: 40,
        metadata: { user_id: 'u-7' },
        thinking: { type: 'enabled', budget_tokens: 2000 },
      }),
      'gpt-upstream',
    );
    expect(translated).toEqual({
      model: 'gpt-upstream',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
      max_tokens: 1000,
      stop: ['###', 'END'],
      temperature: 0.3,
      top_p: 0.9,
      user: 'u-7',
    });
  });

  it('asks for usage in the stream when streaming', () => {
    expect(anthropicRequestToOpenAI(request({ stream: true }), 'm')).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(anthropicRequestToOpenAI(request({ stream: false }), 'm')).not.toHaveProperty('stream_options');
  });

  it('joins system blocks into one system message and drops cache_control everywhere', () => {
    const translated = anthropicRequestToOpenAI(
      request({
        system: [
          { type: 'text', text: 'Part one.', cache_control: { type: 'ephemeral' } },
          { type: 'text', text: 'Part two.' },
        ],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'hello', cache_control: { type: 'ephemeral' } }] }],
      }),
      'm',
    );
    expect(translated.messages).toEqual([
      { role: 'system', content: 'Part one.\n\nPart two.' },
      { role: 'user', content: 'hello' },
    ]);
    expect(JSON.stringify(translated)).not.toContain('cache_control');
  });

  it('turns several text blocks and images into content parts', () => {
    const translated = anthropicRequestToOpenAI(
      request({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Compare' },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0K' } },
              { type: 'image', source: { type: 'url', url: 'https://example.com/a.jpg' } },
              { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBER' } } as never,
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
          { type: 'text', text: 'Compare' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0K' } },
          { type: 'image_url', image_url: { url: 'https://example.com/a.jpg' } },
          { type: 'text', text: '[document omitted]' },
        ],
      },
    ]);
  });

  it('turns tool_use into tool_calls and tool_result into tool messages placed before the rest of the turn', () => {
    const translated = anthropicRequestToOpenAI(
      request({
        messages: [
          { role: 'user', content: 'Read both files' },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: 'I should read them.', signature: 'sig' },
              { type: 'text', text: 'Reading.' },
              { type: 'tool_use', id: 'toolu_a', name: 'read', input: { path: 'a.txt' } },
              { type: 'tool_use', id: 'toolu_b', name: 'read', input: { path: 'b.png' } },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Here they are.' },
              { type: 'tool_result', tool_use_id: 'toolu_a', content: 'alpha' },
              {
                type: 'tool_result',
                tool_use_id: 'toolu_b',
                content: [
                  { type: 'text', text: 'An image:' },
                  { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'xx' } },
                ],
              },
            ],
          },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_c', name: 'exec', input: {} }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_c', content: 'command not found', is_error: true }] },
          { role: 'assistant', content: [{ type: 'redacted_thinking', data: 'zzz' }, { type: 'text', text: 'Done.' }] },
        ],
      }),
      'm',
    );
    expect(translated.messages).toEqual([
      { role: 'user', content: 'Read both files' },
      {
        role: 'assistant',
        content: 'Reading.',
        tool_calls: [
          { id: 'toolu_a', type: 'function', function: { name: 'read', arguments: '{"path":"a.txt"}' } },
          { id: 'toolu_b', type: 'function', function: { name: 'read', arguments: '{"path":"b.png"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_a', content: 'alpha' },
      // A tool message holds text: the image follows in the user message, which says whose it is.
      { role: 'tool', tool_call_id: 'toolu_b', content: 'An image:\n[the image from the result of tool call toolu_b is in the user message that follows]' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'The image from the result of tool call toolu_b:' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,xx' } },
          { type: 'text', text: 'Here they are.' },
        ],
      },
      { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_c', type: 'function', function: { name: 'exec', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'toolu_c', content: 'Error: command not found' },
      { role: 'assistant', content: 'Done.' },
    ]);
  });

  it('translates tools and every tool_choice, and never sends a choice without tools', () => {
    const tools = [
      { name: 'read', description: 'Read a file', input_schema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] }, cache_control: { type: 'ephemeral' as const } },
      { name: 'list', input_schema: { type: 'object', properties: {} } },
    ];
    // A server tool only Anthropic runs is refused, never silently dropped (anthropic-fields-chat-lacks.ts).
    expect(() => anthropicRequestToOpenAI(request({ tools: [...tools, { type: 'web_search_20250305', name: 'web_search', max_uses: 3 }] as never }), 'm', 'groq')).toThrow(/web_search_20250305.*groq cannot run or know it/);
    const translated = anthropicRequestToOpenAI(request({ tools, tool_choice: { type: 'auto' } }), 'm');
    expect(translated.tools).toEqual([
      { type: 'function', function: { name: 'read', description: 'Read a file', parameters: tools[0]?.input_schema } },
      { type: 'function', function: { name: 'list', parameters: { type: 'object', properties: {} } } },
    ]);
    expect(translated.tool_choice).toBe('auto');
    expect(translated).not.toHaveProperty('parallel_tool_calls');

    const choice = (tool_choice: AnthropicMessagesRequest['tool_choice']) => {
      const out = anthropicRequestToOpenAI(request({ tools, tool_choice }), 'm');
      return [out.tool_choice, out.parallel_tool_calls];
    };
    expect(choice({ type: 'any' })).toEqual(['required', undefined]);
    expect(choice({ type: 'none' })).toEqual(['none', undefined]);
    expect(choice({ type: 'tool', name: 'read' })).toEqual([{ type: 'function', function: { name: 'read' } }, undefined]);
    expect(choice({ type: 'auto', disable_parallel_tool_use: true })).toEqual(['auto', false]);
    expect(choice({ type: 'any', disable_parallel_tool_use: true })).toEqual(['required', false]);
    expect(choice(undefined)).toEqual([undefined, undefined]);

    const noTools = anthropicRequestToOpenAI(request({ tool_choice: { type: 'any' } }), 'm');
    expect(noTools).not.toHaveProperty('tools');
    expect(noTools).not.toHaveProperty('tool_choice');
  });
});

const completion = (message: ChatCompletion['choices'][number]['message'], finish_reason: string | null, usage?: ChatCompletion['usage']): ChatCompletion => ({
  id: 'chatcmpl-abc123',
  object: 'chat.completion',
  created: 1700000000,
  model: 'upstream-model',
  choices: [{ index: 0, message, logprobs: null, finish_reason }],
  ...(usage ? { usage } : {}),
});

describe('openAICompletionToAnthropic', () => {
  it('gives text, the caller’s model name, an id derived from the completion and the token counts', () => {
    expect(openAICompletionToAnthropic(completion({ role: 'assistant', content: 'Hello!' }, 'stop', { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 }), 'claude-alias')).toEqual({
      id: 'msg_abc123',
      type: 'message',
      role: 'assistant',
      model: 'claude-alias',
      content: [{ type: 'text', text: 'Hello!' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 12, output_tokens: 3 },
    });
  });

  it('moves cached prompt tokens to cache_read_input_tokens, and counts 0 when usage is missing', () => {
    const cached = completion({ role: 'assistant', content: 'x' }, 'stop', { prompt_tokens: 100, completion_tokens: 5, total_tokens: 105, prompt_tokens_details: { cached_tokens: 80 } });
    expect(openAICompletionToAnthropic(cached, 'm').usage).toEqual({ input_tokens: 20, output_tokens: 5, cache_read_input_tokens: 80 });
    expect(openAICompletionToAnthropic(completion({ role: 'assistant', content: 'x' }, 'stop'), 'm').usage).toEqual({ input_tokens: 0, output_tokens: 0 });
  });

  it('turns tool calls into tool_use blocks after the text; bad or empty arguments become {}', () => {
    const message = openAICompletionToAnthropic(
      completion(
        {
          role: 'assistant',
          content: 'Let me look.',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'read', arguments: '{"path":"/etc/hosts"}' } },
            { id: 'call_2', type: 'function', function: { name: 'list', arguments: '' } },
            { id: 'call_3', type: 'function', function: { name: 'broken', arguments: '{"path":' } },
          ],
        },
        'tool_calls',
      ),
      'm',
    );
    expect(message.content).toEqual([
      { type: 'text', text: 'Let me look.' },
      { type: 'tool_use', id: 'call_1', name: 'read', input: { path: '/etc/hosts' } },
      { type: 'tool_use', id: 'call_2', name: 'list', input: {} },
      { type: 'tool_use', id: 'call_3', name: 'broken', input: {} },
    ]);
    expect(message.stop_reason).toBe('tool_use');
  });

  it('gives no text block for null or empty content, and shows a refusal as text', () => {
    const onlyTool = openAICompletionToAnthropic(completion({ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] }, 'tool_calls'), 'm');
    expect(onlyTool.content.map((b) => b.type)).toEqual(['tool_use']);
    expect(openAICompletionToAnthropic(completion({ role: 'assistant', content: '' }, 'stop'), 'm').content).toEqual([]);
    const refused = openAICompletionToAnthropic(completion({ role: 'assistant', content: null, refusal: 'I cannot help with that.' }, 'content_filter'), 'm');
    expect(refused.content).toEqual([{ type: 'text', text: 'I cannot help with that.' }]);
    expect(refused.stop_reason).toBe('refusal');
  });

  it('maps every finish reason', () => {
    const tool = { id: 'c', type: 'function' as const, function: { name: 'f', arguments: '{}' } };
    const stopReason = (finish: string | null, withTool = false) =>
      openAICompletionToAnthropic(completion({ role: 'assistant', content: 'x', ...(withTool ? { tool_calls: [tool] } : {}) }, finish), 'm').stop_reason;
    expect(stopReason('stop')).toBe('end_turn');
    expect(stopReason('length')).toBe('max_tokens');
    expect(stopReason('tool_calls', true)).toBe('tool_use');
    expect(stopReason('function_call', true)).toBe('tool_use');
    expect(stopReason('content_filter')).toBe('refusal');
    // Some providers finish a tool-calling answer with "stop": the tool calls decide.
    expect(stopReason('stop', true)).toBe('tool_use');
    expect(stopReason('length', true)).toBe('max_tokens');
    expect(stopReason(null)).toBe('end_turn');
  });
});

// ---------------------------------------------------------------------------------------------------

const head = { id: 'chatcmpl-s1', object: 'chat.completion.chunk', created: 5, model: 'upstream' };
const chunk = (delta: object, finish_reason: string | null = null, extra: object = {}) => ({ ...head, choices: [{ index: 0, delta, logprobs: null, finish_reason }], ...extra });
const usageChunk = (prompt: number, completionTokens: number) => ({ ...head, choices: [], usage: { prompt_tokens: prompt, completion_tokens: completionTokens, total_tokens: prompt + completionTokens } });
const openAISse = (...chunks: unknown[]): string => chunks.map((c) => `data: ${typeof c === 'string' ? c : JSON.stringify(c)}\n\n`).join('');
/** Splits JSON text into pieces of 1 to 3 characters, as some providers stream tool arguments. */
const tinyPieces = (text: string): string[] => text.match(/.{1,3}/gsu) ?? [];

function readSse(text: string): Array<[string, Record<string, unknown>]> {
  return text
    .split('\n\n')
    .filter((frame) => frame.trim() !== '')
    .map((frame) => [/^event: (.*)$/m.exec(frame)?.[1] ?? '', JSON.parse(/^data: (.*)$/m.exec(frame)?.[1] ?? 'null') as Record<string, unknown>]);
}

/** Feeds the translator in byte slices; returns everything it wrote, end() included. */
function translate(text: string, size: number, translator = new OpenAIStreamToAnthropic('claude-alias')): { out: string; translator: OpenAIStreamToAnthropic } {
  const bytes = Buffer.from(text);
  let out = '';
  for (let i = 0; i < bytes.length; i += size) out += translator.push(bytes.subarray(i, i + size));
  out += translator.end();
  return { out, translator };
}

function accumulateAnthropic(text: string): AnthropicMessage | undefined {
  const accumulator = new AnthropicStreamAccumulator();
  accumulator.push(Buffer.from(text));
  return accumulator.result();
}

const shortEvent = ([name, data]: [string, Record<string, unknown>]): string => {
  const delta = data.delta as { type?: string; stop_reason?: string } | undefined;
  const block = data.content_block as { type?: string } | undefined;
  if (name === 'content_block_start') return `start ${String(data.index)} ${block?.type ?? ''}`;
  if (name === 'content_block_delta') return `delta ${String(data.index)} ${delta?.type ?? ''}`;
  if (name === 'content_block_stop') return `stop ${String(data.index)}`;
  if (name === 'message_delta') return `message_delta ${delta?.stop_reason ?? ''}`;
  return name;
};

/** Collapses runs of the same short event, so sequences read as a shape. */
const shape = (out: string): string[] => readSse(out).map(shortEvent).filter((e, i, all) => e !== all[i - 1]);

describe('OpenAIStreamToAnthropic', () => {
  const toolArgsA = '{"path":"/tmp/Grüße 🌍.txt","lines":[1,2,3]}';
  const toolArgsB = '{"pattern":"*.ts"}';
  const toolStream = openAISse(
    chunk({ role: 'assistant', content: '' }),
    chunk({ content: 'Looking ' }),
    chunk({ content: 'at it 🔍.' }),
    chunk({ tool_calls: [{ index: 0, id: 'call_A', type: 'function', function: { name: 'read', arguments: '' } }] }),
    ...tinyPieces(toolArgsA).map((piece) => chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] })),
    chunk({ tool_calls: [{ index: 1, id: 'call_B', type: 'function', function: { name: 'glob', arguments: '' } }] }),
    ...tinyPieces(toolArgsB).map((piece) => chunk({ tool_calls: [{ index: 1, function: { arguments: piece } }] })),
    chunk({ content: 'Then more text.' }),
    chunk({}, 'tool_calls'),
    usageChunk(40, 22),
    '[DONE]',
  );
  const expected: AnthropicMessage = {
    id: 'msg_s1',
    type: 'message',
    role: 'assistant',
    model: 'claude-alias',
    content: [
      { type: 'text', text: 'Looking at it 🔍.' },
      { type: 'tool_use', id: 'call_A', name: 'read', input: { path: '/tmp/Grüße 🌍.txt', lines: [1, 2, 3] } },
      { type: 'tool_use', id: 'call_B', name: 'glob', input: { pattern: '*.ts' } },
      { type: 'text', text: 'Then more text.' },
    ],
    stop_reason: 'tool_use',
    stop_sequence: null,
    usage: { input_tokens: 40, output_tokens: 22 },
  };

  it('streams text, several tool calls with tiny argument pieces, and text after them, as ordered blocks', () => {
    for (const size of [1, 7, 1000]) {
      const { out, translator } = translate(toolStream, size);
      expect(shape(out), `size ${size}`).toEqual([
        'message_start',
        'start 0 text',
        'delta 0 text_delta',
        'stop 0',
        'start 1 tool_use',
        'delta 1 input_json_delta',
        'stop 1',
        'start 2 tool_use',
        'delta 2 input_json_delta',
        'stop 2',
        'start 3 text',
        'delta 3 text_delta',
        'stop 3',
        'message_delta tool_use',
        'message_stop',
      ]);
      const events = readSse(out);
      const pieces = events.filter(([, d]) => d.index === 1 && (d.delta as { type?: string } | undefined)?.type === 'input_json_delta');
      expect(pieces.length).toBe(tinyPieces(toolArgsA).length);
      expect(events.find(([name]) => name === 'message_start')?.[1]).toEqual({
        type: 'message_start',
        message: { ...expected, content: [], stop_reason: null, usage: { input_tokens: 0, output_tokens: 0 } },
      });
      expect(events.find(([name]) => name === 'message_delta')?.[1]).toEqual({
        type: 'message_delta',
        delta: { stop_reason: 'tool_use', stop_sequence: null },
        usage: { input_tokens: 40, output_tokens: 22 },
      });
      expect(translator.result(), `size ${size}`).toEqual(expected);
      expect(accumulateAnthropic(out)).toEqual(expected);
    }
  });

  it('sends message_delta only when the usage chunk arrives after finish_reason', () => {
    const translator = new OpenAIStreamToAnthropic('m');
    const push = (text: string): string[] => readSse(translator.push(Buffer.from(text))).map(([name]) => name);
    expect(push(openAISse(chunk({ content: 'Hi' })))).toEqual(['message_start', 'content_block_start', 'content_block_delta']);
    expect(push(openAISse(chunk({}, 'stop')))).toEqual(['content_block_stop']);
    expect(push(openAISse(usageChunk(3, 1)))).toEqual(['message_delta', 'message_stop']);
    expect(push(openAISse('[DONE]'))).toEqual([]);
    expect(translator.end()).toBe('');
    expect(translator.result()?.usage).toEqual({ input_tokens: 3, output_tokens: 1 });
  });

  it('closes at [DONE] with zero counts when usage never comes', () => {
    const translator = new OpenAIStreamToAnthropic('m');
    const out = translator.push(Buffer.from(openAISse(chunk({ content: 'Hi' }), chunk({}, 'length'))));
    expect(out).not.toContain('message_delta');
    const closing = readSse(translator.push(Buffer.from(openAISse('[DONE]'))));
    expect(closing.map(([name]) => name)).toEqual(['message_delta', 'message_stop']);
    expect(closing[0]?.[1]).toEqual({ type: 'message_delta', delta: { stop_reason: 'max_tokens', stop_sequence: null }, usage: { input_tokens: 0, output_tokens: 0 } });
    expect(translator.result()?.stop_reason).toBe('max_tokens');
  });

  it("reads Groq's usage from x_groq on the finish chunk and closes at once", () => {
    const translator = new OpenAIStreamToAnthropic('m');
    const out = translator.push(
      Buffer.from(openAISse(chunk({ content: 'Hi' }), chunk({}, 'stop', { x_groq: { id: 'req_1', usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 } } }))),
    );
    expect(readSse(out).map(([name]) => name).slice(-2)).toEqual(['message_delta', 'message_stop']);
    translator.push(Buffer.from(openAISse('[DONE]')));
    expect(translator.result()?.usage).toEqual({ input_tokens: 9, output_tokens: 2 });
  });

  it('maps each finish reason, and cached prompt tokens', () => {
    const stopReason = (finish: string) => translate(openAISse(chunk({ content: 'x' }), chunk({}, finish), '[DONE]'), 1000).translator.result()?.stop_reason;
    expect(stopReason('stop')).toBe('end_turn');
    expect(stopReason('length')).toBe('max_tokens');
    expect(stopReason('content_filter')).toBe('refusal');
    const cached = translate(
      openAISse(chunk({ content: 'x' }), chunk({}, 'stop'), { ...usageChunk(50, 2), usage: { prompt_tokens: 50, completion_tokens: 2, total_tokens: 52, prompt_tokens_details: { cached_tokens: 30 } } }, '[DONE]'),
      1000,
    );
    expect(cached.translator.result()?.usage).toEqual({ input_tokens: 20, output_tokens: 2, cache_read_input_tokens: 30 });
  });

  it('starts a tool block only once the name is known, and still sends arguments that came first', () => {
    const { out, translator } = translate(
      openAISse(
        chunk({ tool_calls: [{ index: 0, id: 'call_X', type: 'function', function: { arguments: '{"a"' } }] }),
        chunk({ tool_calls: [{ index: 0, function: { name: 'lookup', arguments: ':1}' } }] }),
        chunk({}, 'tool_calls'),
        '[DONE]',
      ),
      3,
    );
    expect(shape(out)).toEqual(['message_start', 'start 0 tool_use', 'delta 0 input_json_delta', 'stop 0', 'message_delta tool_use', 'message_stop']);
    expect(translator.result()?.content).toEqual([{ type: 'tool_use', id: 'call_X', name: 'lookup', input: { a: 1 } }]);
  });

  it('treats a new id at the same index as a new call (providers that number every call 0)', () => {
    const { translator } = translate(
      openAISse(
        chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'a', arguments: '{"n":1}' } }] }),
        chunk({ tool_calls: [{ index: 0, id: 'call_2', type: 'function', function: { name: 'b', arguments: '{"n":2}' } }] }),
        chunk({}, 'tool_calls'),
        '[DONE]',
      ),
      1000,
    );
    expect(translator.result()?.content).toEqual([
      { type: 'tool_use', id: 'call_1', name: 'a', input: { n: 1 } },
      { type: 'tool_use', id: 'call_2', name: 'b', input: { n: 2 } },
    ]);
  });

  it('reports an upstream error event as an Anthropic error and keeps nothing', () => {
    const { out, translator } = translate(openAISse(chunk({ content: 'partial' }), { error: { message: 'Rate limit reached', type: 'rate_limit' } }, chunk({ content: 'ignored' })), 7);
    const events = readSse(out);
    expect(events.at(-1)).toEqual(['error', { type: 'error', error: { type: 'api_error', message: 'Rate limit reached' } }]);
    expect(events.filter(([name]) => name === 'error')).toHaveLength(1);
    expect(out).not.toContain('ignored');
    expect(out).not.toContain('message_stop');
    expect(translator.result()).toBeUndefined();
  });

  it('reports a stream cut before finish_reason as an error at end(), or at [DONE]', () => {
    const cut = translate(openAISse(chunk({ content: 'Hello' }), chunk({ content: ' wor' })), 1);
    expect(readSse(cut.out).at(-1)).toEqual(['error', { type: 'error', error: { type: 'api_error', message: expect.stringContaining('ended before') } }]);
    expect(cut.translator.result()).toBeUndefined();

    const doneEarly = translate(openAISse(chunk({ content: 'Hello' }), '[DONE]'), 1000);
    expect(readSse(doneEarly.out).map(([name]) => name).at(-1)).toBe('error');
    expect(doneEarly.translator.result()).toBeUndefined();

    const nothing = translate('', 1000);
    expect(readSse(nothing.out).map(([name]) => name)).toEqual(['error']);
  });

  it('closes and keeps an answer whose stream ended cleanly after its finish reason without [DONE] (some servers send none), but not one that ended before it', () => {
    const { out, translator } = translate(openAISse(chunk({ content: 'Hi' }), chunk({}, 'stop')), 1000);
    expect(shape(out).slice(-2)).toEqual(['message_delta end_turn', 'message_stop']);
    expect(translator.result()?.content).toEqual([{ type: 'text', text: 'Hi' }]);
    const unfinished = translate(openAISse(chunk({ content: 'Hi' })), 1000);
    expect(readSse(unfinished.out).at(-1)?.[0]).toBe('error');
    expect(unfinished.translator.result()).toBeUndefined();
  });

  it('tool arguments interleaved between calls: the call that began while another was open is held, and sent whole after it (Anthropic blocks cannot interleave)', () => {
    const { out, translator } = translate(
      openAISse(
        chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'a', arguments: '{"x"' } }] }),
        chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'b', arguments: '{}' } }] }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: ':1}' } }] }),
        chunk({}, 'tool_calls'),
        '[DONE]',
      ),
      1000,
    );
    expect(readSse(out).at(-1)?.[0]).toBe('message_stop');
    const content = translator.result()!.content;
    expect(content).toEqual([
      { type: 'tool_use', id: expect.any(String), name: 'a', input: { x: 1 } },
      { type: 'tool_use', id: expect.any(String), name: 'b', input: {} },
    ]);
  });

  it('treats a non-JSON event as an error', () => {
    const { out, translator } = translate(`${openAISse(chunk({ content: 'x' }))}data: {oops\n\n`, 1000);
    expect(readSse(out).at(-1)?.[0]).toBe('error');
    expect(translator.result()).toBeUndefined();
  });

  it('round trip: a stream translated and re-assembled equals the assembled stream translated whole', () => {
    // Text after a tool call is left out here: a chat completion has one content string, so it cannot
    // say where that text stood, while the stream can.
    const toolsLast = toolStream.replace(openAISse(chunk({ content: 'Then more text.' })), '');
    const streams = {
      'tiny pieces': toolsLast,
      'text only': openAISse(chunk({ role: 'assistant', content: '' }), ...tinyPieces('Grüße aus 🌍 — ok').map((t) => chunk({ content: t })), chunk({}, 'stop'), usageChunk(5, 6), '[DONE]'),
    };
    for (const [name, stream] of Object.entries(streams)) {
      const openAI = new ChatCompletionStreamAccumulator();
      openAI.push(Buffer.from(stream));
      const whole = openAI.result();
      expect(whole, name).toBeDefined();
      if (!whole) continue;
      for (const size of [1, 7, 1000]) {
        const { out } = translate(stream, size);
        expect(accumulateAnthropic(out), `${name} size ${size}`).toEqual(openAICompletionToAnthropic(whole, 'claude-alias'));
      }
    }
  });

  it('round trip: a stored completion replayed as SSE and translated equals the completion translated whole', () => {
    const stored = completion(
      {
        role: 'assistant',
        content: 'Sure — reading the file now, it may take a moment to get through all of it. '.repeat(3),
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'read', arguments: '{"path":"ü.md"}' } },
          { id: 'call_2', type: 'function', function: { name: 'exec', arguments: '{"cmd":"ls"}' } },
        ],
      },
      'tool_calls',
      { prompt_tokens: 70, completion_tokens: 30, total_tokens: 100 },
    );
    const replay = encodeCompletionAsSse(stored, { includeUsage: true })!;
    for (const size of [1, 7, 1000]) {
      const { out, translator } = translate(replay, size);
      const whole = openAICompletionToAnthropic(stored, 'claude-alias');
      expect(accumulateAnthropic(out)).toEqual(whole);
      expect(translator.result()).toEqual(whole);
    }
  });
});
