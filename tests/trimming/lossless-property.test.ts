import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { clearTrimMemo, prepareTrimmer, trimRequestBody } from '../../source/trimming/trim-request.js';

beforeAll(async () => {
  await prepareTrimmer();
});

/**
 * The contract as a property: tool output without terminal control characters (any mix of repeated
 * lines, blank lines, trailing spaces, tabs, CRLF, unicode) reaches the provider unchanged, except that a
 * result byte-identical to the previous result of the same call may become a reference to it.
 */

const line = fc.oneof(
  fc.constantFrom('', ' ', '\t', '    ', 'retry', 'retry', 'ok', '}', '  - run: npm test', '1002,Globex,99.90,USD', '| test | ok |', '+    retry()', 'gcc -o app \\ ', '█████ 45%', '日本語 ✓', 'PASS src/a.test.ts'),
  fc.string({ unit: fc.constantFrom('a', 'b', ' ', '.', '-', '/', '#', '=', '%', '0', '9', 'é', '→', '😀', '\t'), maxLength: 40 }),
);
const output = fc.tuple(fc.array(line, { minLength: 0, maxLength: 30 }), fc.constantFrom('\n', '\r\n'), fc.boolean()).map(([lines, eol, trailing]) => lines.join(eol) + (trailing ? eol : ''));
const conversation = fc.array(fc.tuple(output, fc.nat({ max: 3 })), { minLength: 1, maxLength: 6 });

/**
 * Each result is sent as it is, or as a reference to the previous call of the same tool with the same
 * arguments (the only one a model that never sees call ids can find), whose output was the very same text.
 */
function expectLossless(originals: string[], sent: string[], toolOf: (i: number) => string): void {
  sent.forEach((text, i) => {
    if (text === originals[i]) return;
    const match = /^\[tool call call_(\d+) printed exactly the same output as the previous (\S+) call with the same arguments above \(tool call call_(\d+)\)\]$/u.exec(text);
    expect(match, `result ${i} changed: ${JSON.stringify(originals[i])} -> ${JSON.stringify(text)}`).not.toBeNull();
    expect(Number(match![1])).toBe(i);
    expect(match![2]).toBe(toolOf(i));
    const previous = Number(match![3]);
    const sameCalls = originals.map((_, j) => j).filter((j) => j < i && toolOf(j) === toolOf(i));
    expect(previous).toBe(sameCalls.at(-1));
    expect(originals[previous]).toBe(originals[i]);
  });
}

describe('L2.5 on tool output without control characters', () => {
  it.each([
    ['defaults', 32],
    ['minimum 0', 0],
  ])('forwards it unchanged except for references to identical results (%s)', async (_label, minSavedTokens) => {
    await fc.assert(
      fc.asyncProperty(conversation, async (pairs) => {
        // Some results repeat an earlier one on purpose: `repeat` picks which.
        const outputs = pairs.map(([text, repeat], i) => (repeat > 0 && i >= repeat ? pairs[i - repeat]![0] : text));
        const openai = {
          model: 'm',
          messages: [
            { role: 'user', content: 'go' },
            ...outputs.flatMap((text, i) => [
              { role: 'assistant', content: null, tool_calls: [{ id: `call_${i}`, type: 'function', function: { name: i % 2 ? 'exec' : 'bash', arguments: '{"command":"make"}' } }] },
              { role: 'tool', tool_call_id: `call_${i}`, content: text },
            ]),
            { role: 'user', content: 'and now?' },
          ],
        };
        clearTrimMemo();
        const result = await trimRequestBody(openai, 'openai', { minSavedTokens });
        const sent = (result.body.messages as Array<{ role: string; content: string }>).filter((m) => m.role === 'tool').map((m) => m.content);
        expectLossless(outputs, sent, (i) => (i % 2 ? 'exec' : 'bash'));

        const anthropic = {
          model: 'm',
          messages: [
            { role: 'user', content: 'go' },
            ...outputs.flatMap((text, i) => [
              { role: 'assistant', content: [{ type: 'tool_use', id: `call_${i}`, name: 'exec', input: { command: 'make' } }] },
              { role: 'user', content: [{ type: 'tool_result', tool_use_id: `call_${i}`, content: text }] },
            ]),
            { role: 'assistant', content: 'Done.' },
            { role: 'user', content: 'and now?' },
          ],
        };
        const trimmed = await trimRequestBody(anthropic, 'anthropic', { minSavedTokens });
        const results = (trimmed.body.messages as Array<{ content: unknown }>)
          .flatMap((m) => (Array.isArray(m.content) ? m.content : []))
          .filter((block: { type?: string }) => block.type === 'tool_result')
          .map((block: { content: string }) => block.content);
        expectLossless(outputs, results, () => 'exec');
      }),
      { numRuns: 150 },
    );
  });
});
