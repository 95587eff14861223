import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';
import { layerOf, sendIn, type Protocol } from './protocol-probe.js';

// Wave 8 (sixth adversarial round), agent conversations: a question that points back ("Is this correct?",
// "Summarise the above") reads its referent from an earlier turn, so the same last words after another
// earlier turn must reach the provider: another image in an earlier turn, another assistant answer, another
// tool result, another system prompt or tool list; also a question whose earlier turn an assistant
// prefilled. cache-scope-conversations.test.ts and cache-request-shape.test.ts hold the request fields and
// headers; this file holds the earlier-context cases they did not (images in earlier turns, an Anthropic
// assistant turn, Responses images) and the header the provider never sees (OpenAI-Beta). Control in each
// run: the question reworded with nothing else changed is served by L1b.
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

type Body = Record<string, unknown>;

const question = (i: number): string => `Is this correct, case ${i}?`;
const reworded = (i: number): string => `is this correct, case ${i}`;
const png = (colour: string): string => Buffer.from(`png-${colour}`).toString('base64');

const send = (protocol: Protocol, body: Body, headers: Record<string, string> = {}): Promise<Response> => sendIn(harness!.url, protocol, body, headers);

/** A conversation of earlier turns (built by `earlier`) ending in the question. */
type Conversation = (variant: string, text: string) => Body;

const openai: Conversation = (variant, text) => ({
  model: 'fake-model',
  messages: [
    { role: 'system', content: variant === 'system' ? 'You are a strict reviewer.' : 'You are a terse reviewer.' },
    { role: 'user', content: [{ type: 'text', text: 'Here is my proof.' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${png(variant === 'image' ? 'blue' : 'red')}` } }] },
    { role: 'assistant', content: variant === 'assistant' ? 'The proof uses induction on n.' : 'The proof uses contradiction.' },
    ...(variant === 'tool'
      ? [
          { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'run', arguments: '{"cmd":"check"}' } }] },
          { role: 'tool', tool_call_id: 'c1', content: 'check failed at line 3' },
        ]
      : []),
    { role: 'user', content: text },
  ],
  tools: [{ type: 'function', function: { name: 'run', description: variant === 'tools' ? 'Runs a checker in strict mode' : 'Runs a checker', parameters: { type: 'object' } } }],
});

const anthropic: Conversation = (variant, text) => ({
  model: 'fake-model',
  max_tokens: 200,
  system: variant === 'system' ? 'You are a strict reviewer.' : 'You are a terse reviewer.',
  tools: [{ name: 'run', description: variant === 'tools' ? 'Runs a checker in strict mode' : 'Runs a checker', input_schema: { type: 'object' } }],
  messages: [
    { role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: png(variant === 'image' ? 'blue' : 'red') } }, { type: 'text', text: 'Here is my proof.' }] },
    { role: 'assistant', content: variant === 'assistant' ? 'The proof uses induction on n.' : 'The proof uses contradiction.' },
    ...(variant === 'tool'
      ? [
          { role: 'user', content: 'Run the checker.' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'run', input: { cmd: 'check' } }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'check failed at line 3' }, { type: 'text', text }] },
        ]
      : [{ role: 'user', content: text }]),
  ],
});

const responses: Conversation = (variant, text) => ({
  model: 'fake-model',
  instructions: variant === 'system' ? 'You are a strict reviewer.' : 'You are a terse reviewer.',
  store: false,
  tools: [{ type: 'function', name: 'run', description: variant === 'tools' ? 'Runs a checker in strict mode' : 'Runs a checker', parameters: { type: 'object' } }],
  input: [
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Here is my proof.' }, { type: 'input_image', image_url: `data:image/png;base64,${png(variant === 'image' ? 'blue' : 'red')}` }] },
    { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: variant === 'assistant' ? 'The proof uses induction on n.' : 'The proof uses contradiction.' }] },
    ...(variant === 'tool'
      ? [
          { type: 'function_call', call_id: 'c1', name: 'run', arguments: '{"cmd":"check"}' },
          { type: 'function_call_output', call_id: 'c1', output: 'check failed at line 3' },
        ]
      : []),
    { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
  ],
});

const conversations: Record<Protocol, Conversation> = { openai, anthropic, responses };
const variants = ['image', 'assistant', 'tool', 'system', 'tools'];

describe('a question that points back, after other earlier context, reaches the provider', () => {
  for (const protocol of ['openai', 'anthropic', 'responses'] as const) {
    it(`another image, assistant turn, tool result, system prompt or tool list in an earlier turn (${protocol})`, async () => {
      harness = await startHarness({ nearDuplicateCache: {} });
      const conversation = conversations[protocol];
      const wrong: string[] = [];
      for (const [i, variant] of variants.entries()) {
        expect(await layerOf(await send(protocol, conversation('base', question(i)))), variant).toBe('200 l3');
        const changed = await layerOf(await send(protocol, conversation(variant, question(i))));
        if (!/ l3$/.test(changed)) wrong.push(`${variant}: ${changed}`);
        // The control: the same conversation, the question reworded, is served from L1b.
        expect(await layerOf(await send(protocol, conversation('base', reworded(i)))), variant).toBe('200 l1b');
      }
      expect(wrong).toEqual([]);
    });
  }
});

describe('OpenAI-Beta never reaches the provider', () => {
  it('so it does not split the key: the repeat with another value is the same request', async () => {
    harness = await startHarness({ nearDuplicateCache: {} });
    const body = openai('base', question(9));
    expect(await layerOf(await send('openai', body, { 'openai-beta': 'assistants=v2' }))).toBe('200 l3');
    expect(harness.fake.requests.at(-1)!.headers['openai-beta']).toBeUndefined();
    expect(await layerOf(await send('openai', body, { 'openai-beta': 'realtime=v1' }))).toBe('200 l1a');
  });
});
