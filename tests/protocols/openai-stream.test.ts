import { isFaithful } from '../../source/protocols/answer-fidelity.js';
import { describe, expect, it } from 'vitest';
import { ChatCompletionStreamAccumulator, encodeCompletionAsSse, splitForReplay } from '../../source/protocols/openai-stream.js';
import type { ChatCompletion } from '../../source/protocols/openai.js';

const sse = (...chunks: unknown[]): string => chunks.map((c) => `data: ${typeof c === 'string' ? c : JSON.stringify(c)}\n\n`).join('');
const head = { id: 'chatcmpl-9', object: 'chat.completion.chunk', created: 5, model: 'm', system_fingerprint: 'fp' };

function feedBytewise(accumulator: ChatCompletionStreamAccumulator, text: string, size: number): void {
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) accumulator.push(bytes.subarray(i, i + size));
}

describe('ChatCompletionStreamAccumulator', () => {
  it('rebuilds text from events split at arbitrary byte boundaries, multi-byte characters included', () => {
    const stream = sse(
      { ...head, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
      { ...head, choices: [{ index: 0, delta: { content: 'Grüße, ' }, finish_reason: null }] },
      { ...head, choices: [{ index: 0, delta: { content: 'world 🌍' }, finish_reason: null }] },
      { ...head, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
      { ...head, choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } },
      '[DONE]',
    );
    for (const size of [1, 3, 7, 1000]) {
      const accumulator = new ChatCompletionStreamAccumulator();
      feedBytewise(accumulator, stream, size);
      const result = accumulator.result();
      expect(result?.choices[0]?.message.content, `size ${size}`).toBe('Grüße, world 🌍');
      expect(result?.choices[0]?.finish_reason).toBe('stop');
      expect(result?.usage?.total_tokens).toBe(7);
      expect(result).toMatchObject({ id: 'chatcmpl-9', object: 'chat.completion', created: 5, model: 'm', system_fingerprint: 'fp' });
    }
  });

  it('joins tool call arguments streamed in pieces, for several calls', () => {
    const accumulator = new ChatCompletionStreamAccumulator();
    accumulator.push(Buffer.from(sse(
      { ...head, choices: [{ index: 0, delta: { role: 'assistant', content: null }, finish_reason: null }] },
      { ...head, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'read', arguments: '' } }] } }] },
      { ...head, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"pa' } }] } }] },
      { ...head, choices: [{ index: 0, delta: { tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'list', arguments: '{}' } }] } }] },
      { ...head, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: 'th":"/x"}' } }] } }] },
      { ...head, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
      '[DONE]',
    )));
    const message = accumulator.result()?.choices[0]?.message;
    expect(message?.content).toBeNull();
    expect(message?.tool_calls).toEqual([
      { id: 'call_a', type: 'function', function: { name: 'read', arguments: '{"path":"/x"}' } },
      { id: 'call_b', type: 'function', function: { name: 'list', arguments: '{}' } },
    ]);
  });

  it('keeps calls that share an index but not an id apart (every call at index 0, or none), as the translators do; an id change without a name is the same call', () => {
    const call = (fields: object) => ({ ...head, choices: [{ index: 0, delta: { tool_calls: [fields] }, finish_reason: null }] });
    const accumulator = new ChatCompletionStreamAccumulator();
    accumulator.push(Buffer.from(sse(
      { ...head, choices: [{ index: 0, delta: { role: 'assistant', content: null }, finish_reason: null }] },
      call({ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } }),
      call({ index: 0, function: { arguments: '{"city":"Paris"}' } }),
      call({ index: 0, id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{"zone":' } }),
      call({ index: 0, id: 'call_b2', function: { arguments: '"CET"}' } }),
      call({ id: 'call_c', type: 'function', function: { name: 'noop', arguments: '{}' } }),
      { ...head, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
      '[DONE]',
    )));
    expect(accumulator.result()?.choices[0]?.message.tool_calls).toEqual([
      { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      { id: 'call_b2', type: 'function', function: { name: 'get_time', arguments: '{"zone":"CET"}' } },
      { id: 'call_c', type: 'function', function: { name: 'noop', arguments: '{}' } },
    ]);
  });

  it('keeps n > 1 choices apart and in index order', () => {
    const accumulator = new ChatCompletionStreamAccumulator();
    accumulator.push(Buffer.from(sse(
      { ...head, choices: [{ index: 1, delta: { content: 'B' }, finish_reason: null }] },
      { ...head, choices: [{ index: 0, delta: { content: 'A' }, finish_reason: null }] },
      { ...head, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }, { index: 1, delta: {}, finish_reason: 'length' }] },
      '[DONE]',
    )));
    const result = accumulator.result();
    expect(result?.choices.map((c) => [c.index, c.message.content, c.finish_reason])).toEqual([[0, 'A', 'stop'], [1, 'B', 'length']]);
  });

  it("reads Groq's usage from x_groq", () => {
    const accumulator = new ChatCompletionStreamAccumulator();
    accumulator.push(Buffer.from(sse(
      { ...head, choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: 'stop' }], x_groq: { usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } } },
      '[DONE]',
    )));
    expect(accumulator.result()?.usage?.total_tokens).toBe(2);
  });

  it('gives nothing for a stream that is incomplete, errored or garbled', () => {
    const cases = {
      'no [DONE]': sse({ ...head, choices: [{ index: 0, delta: { content: 'x' }, finish_reason: 'stop' }] }),
      'no finish_reason': sse({ ...head, choices: [{ index: 0, delta: { content: 'x' }, finish_reason: null }] }, '[DONE]'),
      'an error event': sse({ ...head, choices: [{ index: 0, delta: { content: 'x' }, finish_reason: 'stop' }] }, { error: { message: 'boom' } }, '[DONE]'),
      'a non-JSON event': sse('{oops', '[DONE]'),
      'no choices at all': sse('[DONE]'),
    };
    for (const [name, text] of Object.entries(cases)) {
      const accumulator = new ChatCompletionStreamAccumulator();
      accumulator.push(Buffer.from(text));
      expect(accumulator.result(), name).toBeUndefined();
    }
  });
});

describe('encodeCompletionAsSse', () => {
  const completion: ChatCompletion = {
    id: 'chatcmpl-r',
    object: 'chat.completion',
    created: 9,
    model: 'm',
    system_fingerprint: 'fp',
    choices: [
      { index: 0, message: { role: 'assistant', content: 'word '.repeat(40).trim() }, finish_reason: 'stop' },
      { index: 1, message: { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] }, finish_reason: 'tool_calls' },
    ],
    usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
  };

  it('round-trips through the accumulator to the same answer', () => {
    const accumulator = new ChatCompletionStreamAccumulator();
    accumulator.push(Buffer.from(encodeCompletionAsSse(completion, { includeUsage: true })!));
    expect(accumulator.result()).toEqual({
      ...completion,
      choices: completion.choices.map((c) => ({ ...c, logprobs: null, message: { ...c.message, refusal: null } })),
    });
  });

  it('sends content in several pieces and usage only when asked', () => {
    const text = encodeCompletionAsSse(completion, { includeUsage: false })!;
    const contentChunks = text.split('\n\n').filter((e) => e.includes('"content":"word'));
    expect(contentChunks.length).toBeGreaterThan(1);
    expect(text).not.toContain('"usage"');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });
});

describe('replaying everything the provider sent', () => {
  const rich: ChatCompletion = {
    id: 'chatcmpl-rich',
    object: 'chat.completion',
    created: 9,
    model: 'm',
    system_fingerprint: 'fp_1',
    service_tier: 'default',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Paris is the capital.', refusal: null, reasoning_content: 'The user asks about France. '.repeat(5) },
        logprobs: { content: [{ token: 'Paris', logprob: -0.01, bytes: [80, 97, 114, 105, 115], top_logprobs: [] }], refusal: null },
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9, completion_tokens_details: { reasoning_tokens: 3 } },
  };

  it('streams logprobs, reasoning, fingerprint, service tier and usage, and the accumulator gets all of them back', () => {
    const replay = encodeCompletionAsSse(rich, { includeUsage: true })!;
    expect(replay).toContain('"reasoning_content":"The user');
    expect(replay).toContain('"logprobs":{"content":[{"token":"Paris"');
    const accumulator = new ChatCompletionStreamAccumulator();
    for (let i = 0; i < replay.length; i += 13) accumulator.push(Buffer.from(replay.slice(i, i + 13)));
    const back = accumulator.result()!;
    expect(back).toEqual(rich);
    expect(isFaithful(back)).toBe(true);
  });

  it('will not stream an answer holding a field a stream cannot carry, nor usage it does not have', () => {
    const withAudio: ChatCompletion = { ...rich, choices: [{ ...rich.choices[0]!, message: { ...rich.choices[0]!.message, audio: { id: 'a', data: 'UklG' } } }] };
    expect(encodeCompletionAsSse(withAudio, { includeUsage: false })).toBeUndefined();
    const { usage: _usage, ...withoutUsage } = rich;
    expect(encodeCompletionAsSse(withoutUsage as ChatCompletion, { includeUsage: true })).toBeUndefined();
    expect(encodeCompletionAsSse(withoutUsage as ChatCompletion, { includeUsage: false })).toBeDefined();
  });

  it('marks a streamed answer with a delta field it does not know as not faithful', () => {
    const accumulator = new ChatCompletionStreamAccumulator();
    const chunk = (delta: object, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    accumulator.push(Buffer.from(chunk({ role: 'assistant', content: 'Hi' }) + chunk({ audio: { data: 'UklG' } }) + chunk({}, 'stop') + 'data: [DONE]\n\n'));
    const answer = accumulator.result()!;
    expect(answer.choices[0]!.message.content).toBe('Hi');
    expect(isFaithful(answer)).toBe(false);
  });

  it('replays a large answer without spaces in linear time, in a bounded number of chunks', () => {
    const text = 'x'.repeat(20 * 1024 * 1024);
    const replay = encodeCompletionAsSse({ ...rich, choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }] }, { includeUsage: false })!;
    expect(replay.split('\n\n').length).toBeLessThan(70_000);
    const accumulator = new ChatCompletionStreamAccumulator();
    accumulator.push(Buffer.from(replay));
    expect(accumulator.result()!.choices[0]!.message.content).toBe(text);
  });
});

describe('splitForReplay', () => {
  it('breaks after spaces and loses nothing', () => {
    const text = 'lorem ipsum dolor sit amet '.repeat(20);
    const pieces = splitForReplay(text);
    expect(pieces.join('')).toBe(text);
    expect(pieces.slice(0, -1).every((p) => p.endsWith(' '))).toBe(true);
  });

  it('never splits a surrogate pair when there is no space to break at', () => {
    const text = `${'a'.repeat(63)}😀${'b'.repeat(70)}`;
    const pieces = splitForReplay(text);
    expect(pieces.join('')).toBe(text);
    const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    for (const piece of pieces) expect(loneSurrogate.test(piece)).toBe(false);
  });

  it('gives no pieces for empty text', () => {
    expect(splitForReplay('')).toEqual([]);
  });
});
