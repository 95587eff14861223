import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anthropicEventSchemas, isAnthropicEvent, isOpenAIChunk, isPlainBlockDelta, isPlainOpenAIChunk, openAIChunkSchema } from '../../source/protocols/provider-answer-schemas.js';

// Stream events are first checked without zod (provider-answer-schemas.ts). That check may only ever say
// yes where the schema says yes; wherever it says no, the schema decides. So the combined check must
// agree with the schema on every value, the odd ones most of all.

/** Values of every JSON type and the edges of each (and undefined: a field left out). */
const anyValue = fc.oneof(
  fc.constantFrom(undefined, null, '', 'stop', 'x', 0, -0, 1, -1, 1.5, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY, true, false, [], {}, ['a'], { a: 1 }),
  fc.string({ maxLength: 4 }),
  fc.integer(),
  fc.double(),
);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, anyValue);

const delta = fc.record(
  { role: maybe(fc.constant('assistant')), content: maybe(fc.string({ maxLength: 6 })), refusal: maybe(fc.constant(null)), tool_calls: maybe(fc.constant([{ index: 0, id: 'c', function: { name: 'f', arguments: '{}' } }])), extra: anyValue },
  { requiredKeys: [] },
);
const choice = fc.record({ index: maybe(fc.nat(3)), delta: maybe(delta), finish_reason: maybe(fc.constantFrom(null, 'stop', 'length')), logprobs: anyValue }, { requiredKeys: [] });
const chunk = fc.record(
  {
    id: maybe(fc.constant('chatcmpl-1')),
    object: maybe(fc.constant('chat.completion.chunk')),
    created: maybe(fc.constant(1_700_000_000)),
    model: maybe(fc.constant('m')),
    system_fingerprint: maybe(fc.constant(null)),
    choices: maybe(fc.array(maybe(choice), { maxLength: 3 })),
    usage: maybe(fc.constant({ prompt_tokens: 1, completion_tokens: 2 })),
    x_groq: maybe(fc.constant({ usage: { prompt_tokens: 1 } })),
  },
  { requiredKeys: [] },
);

const blockDelta = fc.record(
  {
    index: maybe(fc.nat(3)),
    delta: maybe(
      fc.record(
        { type: maybe(fc.constantFrom('text_delta', 'input_json_delta', 'thinking_delta', 'signature_delta', 'citations_delta', 'toString', '__proto__')), text: anyValue, partial_json: anyValue, thinking: anyValue, signature: anyValue },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: [] },
);

describe('stream events checked without zod agree with the schemas', () => {
  it('chat completion chunks: the fast check says yes only where openAIChunkSchema does, and the combined check is the schema', () => {
    fc.assert(
      fc.property(maybe(chunk), (value) => {
        const schema = openAIChunkSchema.safeParse(value).success;
        if (isPlainOpenAIChunk(value)) expect(schema).toBe(true);
        expect(isOpenAIChunk(value)).toBe(schema);
      }),
      { numRuns: 4000 },
    );
  });

  it('Anthropic content_block_delta events: the same', () => {
    const schema = anthropicEventSchemas.content_block_delta!;
    fc.assert(
      fc.property(blockDelta, (value) => {
        const event = { ...value, type: 'content_block_delta' } as Record<string, unknown>;
        const accepted = schema.safeParse(event).success;
        if (isPlainBlockDelta(event)) expect(accepted).toBe(true);
        expect(isAnthropicEvent(event)).toBe(accepted);
      }),
      { numRuns: 4000 },
    );
  });

  it('takes the fast path for the events a stream is made of', () => {
    const head = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'm', system_fingerprint: null };
    expect(isPlainOpenAIChunk({ ...head, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] })).toBe(true);
    expect(isPlainOpenAIChunk({ ...head, choices: [{ index: 0, delta: { content: 'word ' }, logprobs: null, finish_reason: null }] })).toBe(true);
    expect(isPlainOpenAIChunk({ ...head, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })).toBe(true);
    expect(isPlainOpenAIChunk({ ...head, choices: [], usage: { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 } })).toBe(true);
    expect(isPlainBlockDelta({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } })).toBe(true);
    expect(isPlainBlockDelta({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"a":' } })).toBe(true);
    // Left to the schema: tool calls, and anything odd.
    expect(isPlainOpenAIChunk({ ...head, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{' } }] } }] })).toBe(false);
    expect(isOpenAIChunk({ ...head, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{' } }] } }] })).toBe(true);
    expect(isOpenAIChunk({ ...head, choices: [{ index: -1, delta: { content: 'x' } }] })).toBe(false);
    expect(isOpenAIChunk({ ...head, choices: [{ index: 0, delta: { content: 5 } }] })).toBe(false);
    expect(isAnthropicEvent({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 5 } })).toBe(false);
    expect(isAnthropicEvent({ type: 'content_block_delta', index: 0, delta: { type: 'toString' } })).toBe(true); // a delta type newer than this code
  });
});
