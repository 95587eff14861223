import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';
import { type Body, type Variant, layerOf, sendIn, type Protocol } from './protocol-probe.js';

// Round 7: the same last question, word for word, in a request that differs only where the two earlier
// scope tests (cache-scope-conversations, cache-request-shape) do not look: context that comes AFTER the
// question (a system or developer message, OpenClaw's internal-context turn), text blocks before it in its
// own turn, OpenClaw's day stamp on the question, and the fields those tests leave out (top_logprobs, n with
// logprobs, Anthropic tool_choice options, Responses conversation), in all three caller protocols. The
// second request must reach the provider: a hit from either cache (L1a or L1b) would be an answer made in
// another context. A control keeps the comparison honest: the same request again is served by L1a, and
// with the question reworded (nothing else changed) by L1b.
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});


const question = (i: number): string => `What is the boiling point of ethanol at sea level, case ${i}?`;
const reworded = (i: number): string => `what is the boiling point of ethanol at sea level, case ${i}`;

function ask(protocol: Protocol, text: string): Body {
  if (protocol === 'openai') return { model: 'fake-model', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: text }], temperature: 0 };
  if (protocol === 'anthropic') return { model: 'fake-model', max_tokens: 100, system: 'Be brief.', messages: [{ role: 'user', content: text }] };
  return { model: 'fake-model', instructions: 'Be brief.', input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text }] }] };
}

const openClawContext = (text: string): Body => ({ role: 'user', content: `<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>\n${text}\n<<<END_OPENCLAW_INTERNAL_CONTEXT>>>` });
const stamped = (b: Body, day: string): Body => {
  const messages = [...(b.messages as Body[])];
  const last = messages.length - 1;
  messages[last] = { ...messages[last], content: `[Sat ${day} 19:08 UTC] ${messages[last]!.content as string}` };
  return { ...b, messages };
};
const variants: Record<Protocol, Variant[]> = {
  openai: [
    { name: 'top_logprobs', change: (b) => ({ ...b, logprobs: true, top_logprobs: 3 }) },
    { name: 'n with logprobs', change: (b) => ({ ...b, n: 3, logprobs: true }) },
    { name: 'a system message after the question', change: (b) => ({ ...b, messages: [...(b.messages as Body[]), { role: 'system', content: 'Answer in Kelvin.' }] }) },
    { name: 'a developer message after the question', change: (b) => ({ ...b, messages: [...(b.messages as Body[]), { role: 'developer', content: 'Answer in Kelvin.' }] }) },
    { name: "OpenClaw's internal context after the question", change: (b) => ({ ...b, messages: [...(b.messages as Body[]), openClawContext('units: kelvin')] }) },
    { name: 'an earlier text block in the question turn', change: (b) => withLeadingBlock(b, 'At 2000 m altitude.') },
    { name: 'the question stamped by OpenClaw (its day enters the scope)', change: (b) => stamped(b, '2026-11-22') },
  ],
  anthropic: [
    { name: 'tool_choice without parallel calls', change: (b) => ({ ...b, tools: [tool], tool_choice: { type: 'auto', disable_parallel_tool_use: true } }) },
    { name: 'a second system block', change: (b) => ({ ...b, system: [{ type: 'text', text: 'Be brief.' }, { type: 'text', text: 'Use Fahrenheit.' }] }) },
    { name: 'an earlier text block in the question turn', change: (b) => withLeadingBlock(b, 'At 2000 m altitude.') },
    { name: "OpenClaw's internal context after the question", change: (b) => ({ ...b, messages: [...(b.messages as Body[]), openClawContext('units: kelvin')] }) },
    { name: 'the question stamped by OpenClaw (its day enters the scope)', change: (b) => stamped(b, '2026-11-22') },
  ],
  responses: [
    { name: 'conversation', change: (b) => ({ ...b, conversation: 'conv_1' }) },
    { name: 'a developer message after the question', change: (b) => ({ ...b, input: [...(b.input as Body[]), { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'Answer in Kelvin.' }] }] }) },
    { name: 'a system message after the question', change: (b) => ({ ...b, input: [...(b.input as Body[]), { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'Answer in Kelvin.' }] }] }) },
    { name: 'an earlier text part in the question item', change: (b) => ({ ...b, input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'At 2000 m altitude.' }, ...((b.input as Body[])[0]!.content as Body[])] }] }) },
  ],
};
/** The question's turn with another text block before the question (Claude Code puts reminders there). */
const withLeadingBlock = (b: Body, text: string): Body => {
  const messages = [...(b.messages as Body[])];
  const last = messages.length - 1;
  messages[last] = { ...messages[last], content: [{ type: 'text', text }, { type: 'text', text: messages[last]!.content as string }] };
  return { ...b, messages };
};
const tool = { name: 'lookup', description: 'Looks a value up', input_schema: { type: 'object', properties: { q: { type: 'string' } } } };

describe('round 7: the same question under another field or header reaches the provider', () => {
  for (const protocol of ['openai', 'anthropic', 'responses'] as const) {
    it(`${protocol}: neither L1a nor L1b answers it, and the controls are served`, async () => {
      harness = await startHarness({ nearDuplicateCache: {} });
      const wrong: string[] = [];
      for (const [i, variant] of variants[protocol].entries()) {
        const asked = ask(protocol, question(i));
        expect(await layerOf(await sendIn(harness.url, protocol, asked)), variant.name).toBe('200 l3');
        const changed = await layerOf(await sendIn(harness.url, protocol, variant.change(asked), variant.headers));
        // A provider may refuse a field (a 4xx reaches the caller): that is no cached answer either.
        if (!/ l3$/.test(changed) && !/^4\d\d /.test(changed)) wrong.push(`${variant.name}: ${changed}`);
        expect(await layerOf(await sendIn(harness.url, protocol, asked)), `${variant.name} (same request)`).toBe('200 l1a');
        expect(await layerOf(await sendIn(harness.url, protocol, ask(protocol, reworded(i)))), `${variant.name} (reworded)`).toBe('200 l1b');
      }
      expect(wrong).toEqual([]);
    }, 60_000);
  }
});
