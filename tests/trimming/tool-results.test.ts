import { beforeAll, describe, expect, it } from 'vitest';
import { prepareTrimmer, trimRequestBody } from '../../source/trimming/trim-request.js';
import { expectGuards } from './support.js';

beforeAll(async () => {
  await prepareTrimmer();
});

const file = Array.from({ length: 30 }, (_, i) => `export const value${i} = compute(${i}, 'setting number ${i}');`).join('\n');
const call = (id: string, command: string) => ({ id, type: 'function', function: { name: 'exec', arguments: JSON.stringify({ command }) } });
const last = { role: 'user', content: 'internal context' };

describe('duplicate tool results (rule 2), OpenAI', () => {
  it('replaces a later identical result with a reference to the first', () => {
    const body = {
      messages: [
        { role: 'user', content: 'look at config' },
        { role: 'assistant', content: null, tool_calls: [call('call_1', 'cat config.ts')] },
        { role: 'tool', tool_call_id: 'call_1', content: file },
        { role: 'assistant', content: null, tool_calls: [call('call_2', 'cat config.ts')] },
        { role: 'tool', tool_call_id: 'call_2', content: file },
        last,
      ],
    };
    const result = trimRequestBody(body, 'openai');
    const messages = result.body.messages as Array<Record<string, unknown>>;
    expect(messages[2]!.content).toBe(file);
    expect(messages[4]).toEqual({ role: 'tool', tool_call_id: 'call_2', content: '[identical to the result of tool call call_1 above]' });
    expect(result.rules).toEqual({ 'duplicate-tool-result': 1 });
    expect(result.tokensAfter).toBeLessThan(result.tokensBefore);
    expectGuards(body, result.body, 'openai');
  });

  it('compares results after their clean-up: colours and trailing spaces do not make them different', () => {
    const coloured = file.replace('value3', '\u001b[32mvalue3\u001b[39m').replace(/;$/m, ';   ');
    const body = {
      messages: [
        { role: 'assistant', content: null, tool_calls: [call('a', 'cat'), call('b', 'cat')] },
        { role: 'tool', tool_call_id: 'a', content: file },
        { role: 'tool', tool_call_id: 'b', content: [{ type: 'text', text: coloured }] },
        last,
      ],
    };
    const messages = trimRequestBody(body, 'openai').body.messages as Array<Record<string, unknown>>;
    expect(messages[2]!.content).toEqual([{ type: 'text', text: '[identical to the result of tool call a above]' }]);
  });

  it('keeps two different results', () => {
    const body = {
      messages: [
        { role: 'assistant', content: null, tool_calls: [call('a', 'cat a'), call('b', 'cat b')] },
        { role: 'tool', tool_call_id: 'a', content: file },
        { role: 'tool', tool_call_id: 'b', content: `${file}\nexport const extra = 1;` },
        last,
      ],
    };
    expect(trimRequestBody(body, 'openai').changed).toBe(false);
  });

  it('keeps a short duplicate that a reference would not shorten', () => {
    const body = {
      messages: [
        { role: 'tool', tool_call_id: 'a', content: 'OK' },
        { role: 'tool', tool_call_id: 'b', content: 'OK' },
        last,
      ],
    };
    expect(trimRequestBody(body, 'openai').changed).toBe(false);
  });

  it('keeps a duplicate inside the last user message', () => {
    const body = {
      messages: [
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'a', content: file }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'b', name: 'exec', input: { command: 'cat' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'b', content: file }] },
      ],
    };
    const result = trimRequestBody(body, 'anthropic');
    expect(result.changed).toBe(false);
    expect(result.body.messages).toEqual(body.messages);
  });
});

describe('duplicate tool results (rule 2), Anthropic', () => {
  const toolUse = (id: string) => ({ role: 'assistant', content: [{ type: 'tool_use', id, name: 'exec', input: { command: 'cat config.ts' } }] });

  it('replaces string and block content, keeping is_error, cache_control and the block fields', () => {
    const body = {
      system: 'You are a coding agent.',
      messages: [
        toolUse('toolu_1'),
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: file }] },
        toolUse('toolu_2'),
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_2', content: file, is_error: false }] },
        toolUse('toolu_3'),
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_3', content: [{ type: 'text', text: file }], cache_control: { type: 'ephemeral' } },
            { type: 'text', text: 'carry on' },
          ],
        },
        { role: 'user', content: 'last' },
      ],
    };
    const result = trimRequestBody(body, 'anthropic');
    const messages = result.body.messages as Array<{ content: Array<Record<string, unknown>> }>;
    expect(messages[1]!.content[0]!.content).toBe(file);
    expect(messages[3]!.content[0]).toEqual({ type: 'tool_result', tool_use_id: 'toolu_2', content: '[identical to the result of tool call toolu_1 above]', is_error: false });
    // As a text block: the same text, so identical; the block keeps its fields.
    expect(messages[5]!.content[0]).toEqual({
      type: 'tool_result',
      tool_use_id: 'toolu_3',
      content: [{ type: 'text', text: '[identical to the result of tool call toolu_1 above]' }],
      cache_control: { type: 'ephemeral' },
    });
    expect(result.rules['duplicate-tool-result']).toBe(2);
    expectGuards(body, result.body, 'anthropic');
  });

  it('never replaces a result that holds an image', () => {
    const image = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } };
    const body = {
      messages: [
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'a', content: [{ type: 'text', text: file }, image] }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'b', content: [{ type: 'text', text: file }, image] }] },
        { role: 'user', content: 'last' },
      ],
    };
    expect(trimRequestBody(body, 'anthropic').changed).toBe(false);
  });

  const [head, tail] = [file.slice(0, file.indexOf('\n', 400) + 1), file.slice(file.indexOf('\n', 400) + 1)];

  it('collapses a multi-block duplicate into its first block', () => {
    const body = {
      messages: [
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'a', content: [{ type: 'text', text: head }, { type: 'text', text: tail }] }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'b', content: [{ type: 'text', text: head, citations: null }, { type: 'text', text: tail }] }] },
        { role: 'user', content: 'last' },
      ],
    };
    const messages = trimRequestBody(body, 'anthropic').body.messages as Array<{ content: Array<Record<string, unknown>> }>;
    expect(messages[1]!.content[0]!.content).toEqual([{ type: 'text', text: '[identical to the result of tool call a above]', citations: null }]);
  });

  it('keeps blocks that carry cache_control when their result is a duplicate', () => {
    const content = [{ type: 'text', text: head }, { type: 'text', text: tail, cache_control: { type: 'ephemeral' } }];
    const body = {
      messages: [
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'a', content: [{ type: 'text', text: head }, { type: 'text', text: tail }] }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'b', content }] },
        { role: 'user', content: 'last' },
      ],
    };
    const result = trimRequestBody(body, 'anthropic');
    expect(result.changed).toBe(false);
    expectGuards(body, result.body, 'anthropic');
  });
});

describe('file contents are never cleaned, only deduplicated', () => {
  // A model copies from a read result into exact-match edits; a collapsed blank line would break them.
  const source = 'def f():\n    return 1   \n\n\n\ndef g():\n    pass\n' + 'x = 1\n'.repeat(5);
  const readCall = (id: string, name: string) => ({ id, type: 'function', function: { name, arguments: '{"path":"a.py"}' } });

  it.each(['read', 'read_file', 'Read', 'cat', 'view_file'])('leaves a %s result byte for byte', (name) => {
    const body = { messages: [{ role: 'assistant', content: null, tool_calls: [readCall('r1', name)] }, { role: 'tool', tool_call_id: 'r1', content: source }, last] };
    const result = trimRequestBody(body, 'openai');
    expect((result.body.messages as Array<{ content: unknown }>)[1]!.content).toBe(source);
  });

  it('still cleans the same text from a command-running tool', () => {
    const body = { messages: [{ role: 'assistant', content: null, tool_calls: [readCall('e1', 'exec')] }, { role: 'tool', tool_call_id: 'e1', content: source }, last] };
    const result = trimRequestBody(body, 'openai');
    expect((result.body.messages as Array<{ content: unknown }>)[1]!.content).not.toBe(source);
  });

  it('replaces a second identical read with a reference, and knows Anthropic tool_use names too', () => {
    const body = {
      messages: [
        { role: 'assistant', content: [{ type: 'tool_use', id: 'r1', name: 'read', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'r1', content: source }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'r2', name: 'read', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'r2', content: source }] },
        { role: 'user', content: 'internal context' },
      ],
    };
    const messages = trimRequestBody(body, 'anthropic').body.messages as Array<{ content: Array<{ content: unknown }> }>;
    expect(messages[1]!.content[0]!.content).toBe(source);
    expect(messages[3]!.content[0]!.content).toBe('[identical to the result of tool call r1 above]');
  });
});
