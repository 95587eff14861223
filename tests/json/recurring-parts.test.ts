import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxJsonDepth, parseJsonBody, type JsonBody } from '../../source/json/checked-parse.js';
import { isDeeplyFrozen } from '../../source/json/frozen.js';
import { readJsonBody, RecurringJsonParts } from '../../source/json/recurring-parts.js';

const systemPrompt = `You are a careful agent.\n${'Follow the house rules: ünïcödé ✓ "quoted" \\ back\\slash.\n'.repeat(120)}`;
const tools = Array.from({ length: 6 }, (_, i) => ({ type: 'function', function: { name: `tool_${i}`, description: 'does a thing '.repeat(20), parameters: { type: 'object', properties: { a: { type: 'string' } } } } }));

function agentBody(turns: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: 'gpt-test',
    messages: [{ role: 'system', content: systemPrompt }, ...turns.map((text, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content: text }))],
    tools,
    stream: true,
    ...extra,
  };
}

/** What the reader must give: exactly what the whole-body parse gives, error code included. */
function expectSameAsWholeParse(raw: Buffer, parts: RecurringJsonParts): JsonBody {
  const read = readJsonBody(raw, parts);
  const whole = parseJsonBody(raw.toString('utf8'));
  expect(read.ok).toBe(whole.ok);
  if (read.ok && whole.ok) expect(read.value).toStrictEqual(whole.value);
  if (!read.ok && !whole.ok) expect(read.code).toBe(whole.code);
  return read;
}

describe('readJsonBody reuses the parts a body shares with recent bodies', () => {
  it('gives the same value as a whole-body parse, and reuses the system prompt, tools and earlier turns', () => {
    const parts = new RecurringJsonParts();
    const first = readJsonBody(Buffer.from(JSON.stringify(agentBody(['What does this repo do? '.repeat(20)]))), parts);
    const second = expectSameAsWholeParse(Buffer.from(JSON.stringify(agentBody(['What does this repo do? '.repeat(20), 'It builds a gateway. '.repeat(20), 'And the tests?'.repeat(30)]))), parts);
    if (!first.ok || !second.ok) throw new Error('both parse');
    const [a, b] = [first.value as { messages: unknown[]; tools: unknown }, second.value as { messages: unknown[]; tools: unknown }];
    expect(b.tools).toBe(a.tools); // the same object: not parsed again
    expect(b.messages[0]).toBe(a.messages[0]);
    expect(b.messages[1]).toBe(a.messages[1]);
    expect(isDeeplyFrozen(b.messages[0])).toBe(true);
    // The request's own containers stay the request's: layers may replace fields and elements.
    expect(Object.isFrozen(b)).toBe(false);
    expect(Object.isFrozen(b.messages)).toBe(false);
  });

  it('a shared part cannot be changed by one request for the next', () => {
    const parts = new RecurringJsonParts();
    const raw = Buffer.from(JSON.stringify(agentBody(['hello '.repeat(100)])));
    const read = readJsonBody(raw, parts);
    if (!read.ok) throw new Error('parses');
    const system = (read.value as { messages: Array<{ content: string }> }).messages[0]!;
    expect(() => {
      system.content = 'changed';
    }).toThrow(TypeError);
    const again = readJsonBody(raw, parts);
    expect(again.ok && (again.value as { messages: Array<{ content: string }> }).messages[0]!.content).toBe(systemPrompt);
  });

  it('refuses what the whole-body parse refuses, with the same code, also when the fault sits next to or inside a remembered part', () => {
    const parts = new RecurringJsonParts();
    const good = JSON.stringify(agentBody(['a question '.repeat(40)]));
    readJsonBody(Buffer.from(good), parts);
    const toolsJson = JSON.stringify(tools);
    const faulty = [
      good.replace('"stream":true', '"stream":true,"model":"other"'), // duplicate top-level key
      good.replace('"type":"function"', '"type":"function","type":"x"'), // duplicate key inside a new version of a part
      good.replace(toolsJson, `${toolsJson.slice(0, -1)},]`), // trailing comma inside
      good.replace(`,"tools":${toolsJson}`, `,"tools":${toolsJson}x`), // garbage right after a remembered part
      `${good}x`,
      `${good}}`,
      good.slice(0, -1),
      good.replace('"stream":true', '"stream":tru'),
      good.replace('"stream":true', '"stream":01'),
      good.replace('"stream":true', '"__proto__":{"polluted":1}'),
      good.replace('"model"', '"mod\\u0065l":"x","model"'), // the same key spelt two ways
      good.replace('"role":"system"', '"role":"sys\u0001tem"'), // a raw control character in a string
      `\ufeff${good}`,
      `[${good}]`,
      good.replace(/:/, ' :\u00a0'), // a non-JSON space
    ];
    for (const text of faulty) expectSameAsWholeParse(Buffer.from(text), parts);
    expect(readJsonBody(Buffer.from(good.replace('"stream":true', '"stream":true,"model":"other"')), parts)).toMatchObject({ ok: false, code: 'duplicate_json_key' });
  });

  it('applies the depth limit at the place a remembered part is reused', () => {
    const parts = new RecurringJsonParts();
    const nested = (levels: number): unknown => (levels === 0 ? 'leaf' : [nested(levels - 1)]);
    // A part 127 levels deep is fine as a top-level field (128 with the body), too deep as a message (129).
    const deepPart = { role: 'user', content: nested(maxJsonDepth - 2), pad: 'x'.repeat(300) };
    const shallow = Buffer.from(JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], extra: deepPart, pad: 'p'.repeat(5000) }));
    expect(expectSameAsWholeParse(shallow, parts).ok).toBe(true);
    const deeper = Buffer.from(JSON.stringify({ model: 'm', messages: [deepPart], pad: 'p'.repeat(5000) }));
    expect(expectSameAsWholeParse(deeper, parts)).toMatchObject({ ok: false, code: 'json_too_deep' });
  });

  it('keeps invalid UTF-8 as the whole-body decode does', () => {
    const parts = new RecurringJsonParts();
    const text = JSON.stringify(agentBody(['a question '.repeat(40)]));
    const raw = Buffer.from(text);
    const at = raw.indexOf('house rules');
    raw[at] = 0xc3; // a lead byte without its continuation
    expectSameAsWholeParse(raw, parts);
    expectSameAsWholeParse(raw, parts);
  });

  it('matches the whole-body parse on random bodies and random edits of them (property)', () => {
    const parts = new RecurringJsonParts(256 * 1024);
    const value = fc.jsonValue({ maxDepth: 4 });
    const body = fc.record({
      model: fc.string(),
      messages: fc.array(fc.record({ role: fc.constantFrom('user', 'assistant', 'tool'), content: fc.oneof(fc.string({ minLength: 200, maxLength: 600 }), value) }), { minLength: 1, maxLength: 6 }),
      tools: fc.array(value, { maxLength: 4 }),
      extra: value,
    });
    const edit = fc.record({ at: fc.nat(), byte: fc.constantFrom(0x22, 0x2c, 0x7b, 0x7d, 0x5b, 0x5d, 0x5c, 0x20, 0x3a, 0x61, 0x00) });
    fc.assert(
      fc.property(body, fc.array(edit, { maxLength: 2 }), fc.constantFrom(0, 2), (record, edits, indent) => {
        const padded = { ...record, pad: 'p'.repeat(4096) };
        const raw = Buffer.from(JSON.stringify(padded, null, indent));
        expectSameAsWholeParse(raw, parts);
        const edited = Buffer.from(raw);
        for (const { at, byte } of edits) edited[at % edited.length] = byte;
        expectSameAsWholeParse(edited, parts);
      }),
      { numRuns: 400 },
    );
  });

  it('forgets the least recently used parts beyond its size', () => {
    const parts = new RecurringJsonParts(64 * 1024);
    for (let i = 0; i < 50; i++) readJsonBody(Buffer.from(JSON.stringify(agentBody([`turn ${i} `.repeat(400)]))), parts);
    // Each body brings one new 3 KB turn; the system prompt and tools are used by every body and stay.
    expect(parts.size).toBeLessThan(30);
    // An evicted turn is gone from its bucket too: nothing finds it by its bytes any more.
    const turnBytes = (i: number): Buffer => Buffer.from(JSON.stringify({ role: 'user', content: `turn ${i} `.repeat(400) }));
    expect(parts.find(turnBytes(0), 0)).toBeUndefined();
    expect(parts.find(turnBytes(49), 0)).toBeDefined();
    const read = readJsonBody(Buffer.from(JSON.stringify(agentBody(['turn 49 '.repeat(400)]))), parts);
    expect(read.ok).toBe(true);
  });
});
