// Chat answers in older or other shapes, read before a translator takes them (legacy-chat-answers.ts):
// a legacy function_call is one tool call, a call that cannot be one fails, other answers are untouched.
import { describe, expect, it } from 'vitest';
import { holdsCompletionsText, isFailedFinish, readLegacyFunctionCallChunk, withToolCallsForFunctionCall } from '../../source/protocols/legacy-chat-answers.js';
import type { ChatCompletion } from '../../source/protocols/openai.js';

const completion = (message: Record<string, unknown>, finish = 'function_call'): ChatCompletion =>
  ({ id: 'chatcmpl-7', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: null, ...message }, finish_reason: finish }] }) as ChatCompletion;

describe('withToolCallsForFunctionCall (whole answers)', () => {
  it('a legacy function_call becomes the one tool call, with a stable id; the finish reason becomes tool_calls', () => {
    const out = withToolCallsForFunctionCall(completion({ function_call: { name: 'get_weather', arguments: '{"city":"Paris"}' } }))!;
    expect(out.choices[0]!.message).toEqual({ role: 'assistant', content: null, tool_calls: [{ id: 'call_chatcmpl-7', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] });
    expect(out.choices[0]!.finish_reason).toBe('tool_calls');
    expect(withToolCallsForFunctionCall(completion({ function_call: { name: 'get_weather', arguments: '{"city":"Paris"}' } }))).toEqual(out);
  });

  it('an answer without one is the same object; tool_calls beside a function_call win (the legacy copy dropped)', () => {
    const plain = completion({ content: 'hi' }, 'stop');
    expect(withToolCallsForFunctionCall(plain)).toBe(plain);
    const both = withToolCallsForFunctionCall(completion({ function_call: { name: 'a', arguments: '{}' }, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'b', arguments: '{}' } }] }, 'tool_calls'))!;
    expect(both.choices[0]!.message.tool_calls).toEqual([{ id: 'call_1', type: 'function', function: { name: 'b', arguments: '{}' } }]);
    expect(both.choices[0]!.message).not.toHaveProperty('function_call');
  });

  it('a function_call that is not a call (no name, arguments that are not text, a string) cannot be translated: undefined, never an empty answer', () => {
    for (const call of [{ arguments: '{}' }, { name: 'a', arguments: { city: 'Paris' } }, 'auto', { name: '' }]) expect(withToolCallsForFunctionCall(completion({ function_call: call }))).toBeUndefined();
  });
});

describe('readLegacyFunctionCallChunk (stream chunks, changed in place)', () => {
  it('the piece with the name gets the id and index 0; the pieces after carry only arguments; function_call finishes as tool_calls', () => {
    const first = { id: 'chatcmpl-7', choices: [{ index: 0, delta: { role: 'assistant', function_call: { name: 'get_weather', arguments: '' } }, finish_reason: null }] };
    const next = { id: 'chatcmpl-7', choices: [{ index: 0, delta: { function_call: { arguments: '{"city"' } }, finish_reason: null }] };
    const last = { id: 'chatcmpl-7', choices: [{ index: 0, delta: {}, finish_reason: 'function_call' }] };
    expect([first, next, last].every((chunk) => readLegacyFunctionCallChunk(chunk))).toBe(true);
    expect(first.choices[0]!.delta).toEqual({ role: 'assistant', tool_calls: [{ index: 0, id: 'call_chatcmpl-7', type: 'function', function: { name: 'get_weather', arguments: '' } }] });
    expect(next.choices[0]!.delta).toEqual({ tool_calls: [{ index: 0, function: { arguments: '{"city"' } }] });
    expect(last.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('a chunk without a function_call is left as it is; one that cannot be a call is refused', () => {
    const text = { choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: null }] };
    expect(readLegacyFunctionCallChunk(text)).toBe(true);
    expect(text).toEqual({ choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: null }] });
    expect(readLegacyFunctionCallChunk({ choices: [{ index: 0, delta: { function_call: 'auto' } }] })).toBe(false);
    expect(readLegacyFunctionCallChunk({ choices: [{ index: 0, delta: { function_call: { name: 5 } } }] })).toBe(false);
  });
});

describe('answers that are not chat answers', () => {
  it('text where a chat answer has none (a completions text, delta.text) is seen; chat content is not', () => {
    expect(holdsCompletionsText({ index: 0, text: 'River', finish_reason: null })).toBe(true);
    expect(holdsCompletionsText({ index: 0, delta: { text: 'River' } })).toBe(true);
    expect(holdsCompletionsText({ index: 0, delta: { content: 'River' } })).toBe(false);
    expect(holdsCompletionsText({ index: 0, delta: { content: 'River', text: 'River' } })).toBe(false);
    expect(holdsCompletionsText({ index: 0, text: '', finish_reason: 'stop' })).toBe(false);
  });

  it('finish_reason "error" is a failure, other reasons are not', () => {
    expect(isFailedFinish('error')).toBe(true);
    for (const reason of ['stop', 'length', 'tool_calls', 'content_filter', null, undefined]) expect(isFailedFinish(reason)).toBe(false);
  });
});
