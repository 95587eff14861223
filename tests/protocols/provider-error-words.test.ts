// A provider's error words in the shapes providers and proxies write them (provider-error-words.ts), and
// the foreign error events of a passed-through stream rewritten as the caller's own (foreign-error-events.ts).
import { describe, expect, it } from 'vitest';
import { withForeignErrorsAsOwn, mayHoldForeignError } from '../../source/protocols/foreign-error-events.js';
import { isProviderErrorShape, providerErrorWords } from '../../source/protocols/provider-error-words.js';

describe('providerErrorWords', () => {
  it('reads the message of every known shape', () => {
    const shapes: Array<[unknown, string]> = [
      [{ error: { message: 'OpenAI words', type: 'x' } }, 'OpenAI words'],
      [{ type: 'error', error: { type: 'overloaded_error', message: 'Anthropic words' } }, 'Anthropic words'],
      [{ error: 'Ollama words' }, 'Ollama words'],
      [{ error: { error: { message: 'nested words' } } }, 'nested words'],
      [[{ error: { code: 429, message: 'Google words', status: 'RESOURCE_EXHAUSTED' } }], 'Google words'],
      [{ object: 'error', message: 'vLLM words', code: 404 }, 'vLLM words'],
      [{ detail: 'FastAPI words' }, 'FastAPI words'],
      [{ detail: [{ loc: ['body', 'messages'], msg: 'field required' }] }, 'field required (body.messages)'],
    ];
    for (const [shape, words] of shapes) expect(providerErrorWords(shape)).toBe(words);
  });

  it('has nothing to say for answers and odd values', () => {
    for (const value of [null, 5, 'text', [], {}, { error: null }, { choices: [] }, { error: { code: 5 } }]) expect(providerErrorWords(value)).toBeUndefined();
  });
});

describe('isProviderErrorShape', () => {
  it('is an error only where no answer of any protocol could be', () => {
    for (const error of [{ error: 'x' }, { type: 'error', error: {} }, [{ error: { message: 'x' } }], { object: 'error', message: 'x' }, { detail: 'x' }]) expect(isProviderErrorShape(error)).toBe(true);
    const answers = [{ id: 'resp_1', object: 'response', error: null, output: [] }, { type: 'message', content: [] }, { choices: [], detail: 'x' }, { type: 'message', error: { message: 'x' } }, [], [1]];
    for (const answer of answers) expect(isProviderErrorShape(answer)).toBe(false);
  });
});

describe('withForeignErrorsAsOwn', () => {
  const own = (message: string) => `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'api_error', message } })}\n\n`;

  it('replaces an error event without a type by the caller\'s own, with the words; every other byte as it came', () => {
    const before = 'event: content_block_delta\r\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hé \\"error\\": x"}}\r\n\r\n';
    const bytes = Buffer.from(`${before}data: {"error":"GPU lost"}\n\n: ping\n\n`);
    expect(mayHoldForeignError(bytes)).toBe(true);
    expect(withForeignErrorsAsOwn(bytes, own).toString('utf8')).toBe(`${before}${own('GPU lost')}: ping\n\n`);
  });

  it('leaves the caller\'s own error events, typed events that mention errors and text that is not JSON as they are (the same buffer)', () => {
    const bytes = Buffer.from('event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"busy"}}\n\nevent: error\ndata: Internal Server Error\n\ndata: {"type":"response.created","response":{"error":null}}\n\n');
    expect(withForeignErrorsAsOwn(bytes, own)).toBe(bytes);
    expect(mayHoldForeignError(Buffer.from('data: {"type":"ping"}\n\n'))).toBe(false);
  });
});

describe('mayHoldForeignError', () => {
  it('passes over the "error": null every Responses start and end event carries', () => {
    expect(mayHoldForeignError(Buffer.from('event: response.completed\ndata: {"type":"response.completed","response":{"error":null,"output":[]}}\n\n'))).toBe(false);
    expect(mayHoldForeignError(Buffer.from('data: {"error" : {"message":"x"}}\n\n'))).toBe(true);
  });
});
