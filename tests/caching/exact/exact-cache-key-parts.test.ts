import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exactCacheKey } from '../../../source/caching/exact/exact-cache-key.js';
import { readJsonBody, RecurringJsonParts } from '../../../source/json/recurring-parts.js';
import { chatRequest } from '../../gateway/chat-request-fixture.js';

// The L1a key hashes a body's parts that recur across requests (system prompt, tools, earlier turns) by
// the digest of their bytes instead of the bytes. These tests hold it to what hashing the raw bytes gave:
// equal keys exactly for byte-equal bodies, whatever was remembered before and in whichever process.

const systemPrompt = `You are a careful agent.\n${'Follow the house rules, always; quote "exactly" \\ and ✓.\n'.repeat(90)}`;
const tools = Array.from({ length: 5 }, (_, i) => ({ type: 'function', function: { name: `tool_${i}`, description: 'runs a thing '.repeat(25), parameters: { type: 'object', properties: { path: { type: 'string' } } } } }));

function agentJson(turns: string[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    model: 'm',
    messages: [{ role: 'system', content: systemPrompt }, ...turns.map((text, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content: text }))],
    tools,
    stream: true,
    ...extra,
  });
}

/** The key of `json` as the gateway computes it, reading the body through `parts`. */
function keyOf(json: string | Buffer, parts: RecurringJsonParts): string {
  const raw = typeof json === 'string' ? Buffer.from(json) : json;
  const read = readJsonBody(raw, parts);
  if (!read.ok) throw new Error(`does not parse: ${read.reason}`);
  return exactCacheKey(chatRequest({ body: read.value as Record<string, unknown>, raw, rawParts: { raw, spans: read.spans } }), 'anonymous');
}

/** The key with no parts at all: the raw bytes hashed whole. */
function wholeKeyOf(json: string): string {
  const raw = Buffer.from(json);
  return exactCacheKey(chatRequest({ raw }), 'anonymous');
}

const earlier = 'Find the failing test in this repository and explain why it fails. '.repeat(6);
const reply = 'The test in tests/a.test.ts fails because the fixture path moved. '.repeat(6);

describe('the L1a key of a body with recurring parts', () => {
  it('reads the recurring parts as parts (the case this is for)', () => {
    const raw = Buffer.from(agentJson([earlier, reply, 'and now?']));
    const read = readJsonBody(raw, new RecurringJsonParts());
    if (!read.ok) throw new Error('parses');
    expect(read.spans.length).toBeGreaterThanOrEqual(3); // system prompt, two turns, tools
    for (const { start, end, part } of read.spans) expect(raw.subarray(start, end).equals(part.bytes)).toBe(true);
  });

  it('is the same for the same bytes whether its parts were remembered before, by this store or another', () => {
    const body = agentJson([earlier, reply, 'and the fix?']);
    const warm = new RecurringJsonParts();
    keyOf(agentJson([earlier, reply, 'something else first']), warm); // remembers the prompt, tools and turns
    const fromWarm = keyOf(body, warm);
    const fromCold = keyOf(body, new RecurringJsonParts());
    expect(fromWarm).toBe(fromCold);
    expect(keyOf(body, warm)).toBe(fromCold); // and again, every part found this time
  });

  it('differs for any byte changed inside a part, between parts, or in the last turn', () => {
    const parts = new RecurringJsonParts();
    const base = agentJson([earlier, reply, 'and the fix?']);
    const baseKey = keyOf(base, parts);
    const variants = [
      base.replace('always;', 'always,'), // inside the system prompt
      base.replace('tool_3', 'tool_4'), // inside the tools
      base.replace('fixture path moved', 'fixture path moves'), // inside an earlier turn
      base.replace('and the fix?', 'and the fix!'), // the new turn
      base.replace('"stream":true', '"stream":false'), // a small field between parts
      base.replace('"messages":[', '"messages": ['), // whitespace next to a part
      base.replace('"tools":[', '"tools" :['),
    ];
    const keys = variants.map((variant) => {
      expect(variant).not.toBe(base);
      return keyOf(variant, parts);
    });
    expect(new Set([baseKey, ...keys]).size).toBe(variants.length + 1);
  });

  it('differs when the same parts come in another order or another place', () => {
    const parts = new RecurringJsonParts();
    const a = agentJson([earlier, reply, earlier]);
    const b = agentJson([earlier, earlier, reply]);
    const c = JSON.stringify({ model: 'm', tools, messages: JSON.parse(a).messages, stream: true });
    expect(new Set([keyOf(a, parts), keyOf(b, parts), keyOf(c, parts)]).size).toBe(3);
  });

  it('hashes a body rewritten after it was read (L2.5) as its new bytes, not by the parts of the old ones', () => {
    const parts = new RecurringJsonParts();
    const json = agentJson([earlier, reply, 'q']);
    const raw = Buffer.from(json);
    const read = readJsonBody(raw, parts);
    if (!read.ok) throw new Error('parses');
    const rewritten = Buffer.from(json.replace('always;', 'always:'));
    const chat = chatRequest({ body: read.value as Record<string, unknown>, raw: rewritten, rawParts: { raw, spans: read.spans } });
    expect(exactCacheKey(chat, 'anonymous')).toBe(wholeKeyOf(rewritten.toString()));
    expect(exactCacheKey(chat, 'anonymous')).not.toBe(keyOf(json, parts));
  });

  it('keys a small body (read whole, no parts) by its raw bytes as before', () => {
    const small = '{"model":"m","messages":[{"role":"user","content":"hi"}]}';
    expect(keyOf(small, new RecurringJsonParts())).toBe(wholeKeyOf(small));
  });

  it('property: two bodies get one key exactly when their bytes are equal, across stores and histories', () => {
    const turn = fc.constantFrom(earlier, reply, 'short', 'x'.repeat(300), 'ünïcödé '.repeat(40), '"quoted" \\ '.repeat(30));
    const body = fc.record({ turns: fc.array(turn, { minLength: 1, maxLength: 4 }), temperature: fc.option(fc.constantFrom(0, 0.5, 1), { nil: undefined }) });
    fc.assert(
      fc.property(body, body, fc.array(body, { maxLength: 3 }), ({ turns: ta, temperature: t1 }, { turns: tb, temperature: t2 }, history) => {
        const shared = new RecurringJsonParts();
        for (const h of history) keyOf(agentJson(h.turns), shared);
        const a = agentJson(ta, t1 === undefined ? {} : { temperature: t1 });
        const b = agentJson(tb, t2 === undefined ? {} : { temperature: t2 });
        const ka = keyOf(a, shared);
        const kb = keyOf(b, new RecurringJsonParts());
        expect(ka === kb).toBe(a === b);
      }),
      { numRuns: 150 },
    );
  });
});
