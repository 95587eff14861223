import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';
import { layerOf, sendIn, type Protocol } from './protocol-probe.js';

// Round 7: the same last question, word for word, in a request that differs only in a field or header that
// cache-scope-conversations.test.ts does not try (log probabilities, nucleus sampling, penalties, logit
// bias, parallel tool calls, predicted output, modalities, web search options, service tier, Anthropic's
// top_p and tool_choice options, Responses state and nucleus sampling) in all three caller protocols. The
// second request must reach the provider: a hit from either cache (L1a or L1b) would be an answer made
// under other settings. A control keeps the comparison honest: the same request again is served by L1a,
// and with the question reworded (nothing else changed) by L1b.
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

type Body = Record<string, unknown>;
interface Variant {
  name: string;
  change: (body: Body) => Body;
  headers?: Record<string, string>;
}

const question = (i: number): string => `What is the boiling point of ethanol at sea level, case ${i}?`;
const reworded = (i: number): string => `what is the boiling point of ethanol at sea level, case ${i}`;

function ask(protocol: Protocol, text: string): Body {
  if (protocol === 'openai') return { model: 'fake-model', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: text }], temperature: 0 };
  if (protocol === 'anthropic') return { model: 'fake-model', max_tokens: 100, system: 'Be brief.', messages: [{ role: 'user', content: text }] };
  return { model: 'fake-model', instructions: 'Be brief.', input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text }] }] };
}

const variants: Record<Protocol, Variant[]> = {
  openai: [
    { name: 'logprobs', change: (b) => ({ ...b, logprobs: true }) },
    { name: 'top_logprobs', change: (b) => ({ ...b, logprobs: true, top_logprobs: 3 }) },
    { name: 'top_p', change: (b) => ({ ...b, top_p: 0.5 }) },
    { name: 'presence_penalty', change: (b) => ({ ...b, presence_penalty: 1 }) },
    { name: 'frequency_penalty', change: (b) => ({ ...b, frequency_penalty: 1 }) },
    { name: 'logit_bias', change: (b) => ({ ...b, logit_bias: { '50256': -100 } }) },
    { name: 'parallel_tool_calls', change: (b) => ({ ...b, parallel_tool_calls: false }) },
    { name: 'prediction', change: (b) => ({ ...b, prediction: { type: 'content', content: '78 °C' } }) },
    { name: 'modalities', change: (b) => ({ ...b, modalities: ['text', 'audio'] }) },
    { name: 'web_search_options', change: (b) => ({ ...b, web_search_options: { search_context_size: 'high' } }) },
    { name: 'service_tier', change: (b) => ({ ...b, service_tier: 'flex' }) },
    { name: 'verbosity', change: (b) => ({ ...b, verbosity: 'high' }) },
    { name: 'json_schema response_format', change: (b) => ({ ...b, response_format: { type: 'json_schema', json_schema: { name: 'a', schema: { type: 'object' } } } }) },
    { name: 'a system prompt set after the question', change: (b) => ({ ...b, messages: [...(b.messages as Body[]), { role: 'system', content: 'Answer in Kelvin.' }] }) },
  ],
  anthropic: [
    { name: 'top_p', change: (b) => ({ ...b, top_p: 0.5 }) },
    { name: 'tool_choice without parallel calls', change: (b) => ({ ...b, tools: [tool], tool_choice: { type: 'auto', disable_parallel_tool_use: true } }) },
    { name: 'tool_choice none', change: (b) => ({ ...b, tools: [tool], tool_choice: { type: 'none' } }) },
    { name: 'service_tier', change: (b) => ({ ...b, service_tier: 'standard_only' }) },
    { name: 'system as blocks with a second block', change: (b) => ({ ...b, system: [{ type: 'text', text: 'Be brief.' }, { type: 'text', text: 'Use Fahrenheit.' }] }) },
    { name: 'an earlier text block in the question turn', change: (b) => ({ ...b, messages: [{ role: 'user', content: [{ type: 'text', text: 'At 2000 m altitude.' }, { type: 'text', text: lastText(b) }] }] }) },
    { name: 'anthropic-beta header with another beta', change: (b) => b, headers: { 'anthropic-beta': 'output-128k-2025-02-19' } },
  ],
  responses: [
    { name: 'previous_response_id', change: (b) => ({ ...b, previous_response_id: 'resp_other' }) },
    { name: 'conversation', change: (b) => ({ ...b, conversation: 'conv_1' }) },
    { name: 'top_p', change: (b) => ({ ...b, top_p: 0.5 }) },
    { name: 'text.format json_schema', change: (b) => ({ ...b, text: { format: { type: 'json_schema', name: 'a', schema: { type: 'object' } } } }) },
    { name: 'reasoning.effort', change: (b) => ({ ...b, reasoning: { effort: 'high' } }) },
    { name: 'tool_choice none with a tool', change: (b) => ({ ...b, tools: [{ type: 'function', name: 'lookup', parameters: { type: 'object' } }], tool_choice: 'none' }) },
    { name: 'a developer message after the question', change: (b) => ({ ...b, input: [...(b.input as Body[]), { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'Answer in Kelvin.' }] }] }) },
  ],
};
const tool = { name: 'lookup', description: 'Looks a value up', input_schema: { type: 'object', properties: { q: { type: 'string' } } } };
const lastText = (b: Body): string => ((b.messages as Body[])[0]!.content as string);

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
