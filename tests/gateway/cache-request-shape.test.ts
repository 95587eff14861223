import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type HarnessOptions } from './harness.js';
import { type Body, type Variant, layerOf, sendIn, type Protocol } from './protocol-probe.js';

// Request fields and headers that change the answer while the question stays the same, beyond those
// cache-scope-conversations.test.ts covers: sampling (top_p, penalties, logit_bias, logprobs), delivery
// that is content (service tier, predicted output, modalities, verbosity), Anthropic thinking budgets and
// server-side tools, Responses text formats, an image beside the question, media by address, other
// virtual keys; each in the caller's own protocol and translated to the other provider. The question is
// asked once, then again with one thing changed: the second must reach the provider (neither L1a nor L1b
// may answer it). Control: the same base request reworded is served by L1b.
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});


const question = (i: number): string => `How do I undo the last git commit, case ${i}?`;
const reworded = (i: number): string => `how can I undo the last git commit, case ${i}`;

const send = (protocol: Protocol, body: Body, headers: Record<string, string> = {}): Promise<Response> => sendIn(harness!.url, protocol, body, headers);

function withQuestion(body: Body, text: string, protocol: Protocol): Body {
  const key = protocol === 'responses' ? 'input' : 'messages';
  const items = [...(body[key] as Body[])];
  const last = items.length - 1;
  items[last] = protocol === 'responses' ? { ...items[last], content: [{ type: 'input_text', text }] } : { ...items[last], content: text };
  return { ...body, [key]: items };
}

/** Each variant after its base request: the ones a cache answered (a wrong answer). */
async function wrongHits(protocol: Protocol, base: Body, variants: Variant[], options: HarnessOptions = {}): Promise<string[]> {
  harness = await startHarness({ nearDuplicateCache: {}, ...options });
  const wrong: string[] = [];
  for (const [i, variant] of variants.entries()) {
    const asked = withQuestion(base, question(i), protocol);
    expect(await layerOf(await send(protocol, asked)), variant.name).toBe('200 l3');
    const changed = await layerOf(await send(protocol, variant.change(asked), variant.headers));
    if (!/ l3$/.test(changed) && !/^4\d\d /.test(changed)) wrong.push(`${variant.name}: ${changed}`);
    expect(await layerOf(await send(protocol, withQuestion(base, reworded(i), protocol))), variant.name).toBe('200 l1b');
  }
  return wrong;
}

const openaiBase: Body = {
  model: 'fake-model',
  messages: [
    { role: 'system', content: 'You are a terse assistant.' },
    { role: 'user', content: 'QUESTION' },
  ],
  temperature: 0.2,
  max_tokens: 200,
};
const openaiVariants: Variant[] = [
  { name: 'top_p', change: (b) => ({ ...b, top_p: 0.1 }) },
  { name: 'presence_penalty', change: (b) => ({ ...b, presence_penalty: 1.5 }) },
  { name: 'frequency_penalty', change: (b) => ({ ...b, frequency_penalty: -1 }) },
  { name: 'logit_bias', change: (b) => ({ ...b, logit_bias: { '1734': -100 } }) },
  { name: 'logprobs', change: (b) => ({ ...b, logprobs: true, top_logprobs: 3 }) },
  { name: 'parallel_tool_calls', change: (b) => ({ ...b, parallel_tool_calls: false }) },
  { name: 'service_tier', change: (b) => ({ ...b, service_tier: 'flex' }) },
  { name: 'prediction', change: (b) => ({ ...b, prediction: { type: 'content', content: 'git reset --soft HEAD~1' } }) },
  { name: 'verbosity', change: (b) => ({ ...b, verbosity: 'high' }) },
  { name: 'json_schema', change: (b) => ({ ...b, response_format: { type: 'json_schema', json_schema: { name: 'a', schema: { type: 'object', properties: { steps: { type: 'array' } } } } } }) },
  { name: 'modalities', change: (b) => ({ ...b, modalities: ['text', 'audio'], audio: { voice: 'alloy', format: 'wav' } }) },
  { name: 'web_search_options', change: (b) => ({ ...b, web_search_options: { search_context_size: 'low' } }) },
  { name: 'max_tokens raised', change: (b) => ({ ...b, max_tokens: 4000 }) },
  { name: 'temperature 0', change: (b) => ({ ...b, temperature: 0 }) },
  { name: 'tool_choice none with a tool', change: (b) => ({ ...b, tools: [{ type: 'function', function: { name: 'git', parameters: { type: 'object' } } }], tool_choice: 'none' }) },
  { name: 'anthropic-beta sent by an OpenAI client', change: (b) => b, headers: { 'anthropic-beta': 'context-1m-2025-08-07' } },
];

const anthropicBase: Body = {
  model: 'fake-model',
  max_tokens: 3000,
  system: 'You are a terse assistant.',
  messages: [{ role: 'user', content: 'QUESTION' }],
};
const anthropicVariants: Variant[] = [
  { name: 'top_p', change: (b) => ({ ...b, top_p: 0.5 }) },
  { name: 'thinking on', change: (b) => ({ ...b, thinking: { type: 'enabled', budget_tokens: 1024 } }) },
  { name: 'thinking budget', change: (b) => ({ ...b, thinking: { type: 'enabled', budget_tokens: 2048 } }) },
  { name: 'thinking off', change: (b) => ({ ...b, thinking: { type: 'disabled' } }) },
  { name: 'service_tier', change: (b) => ({ ...b, service_tier: 'standard_only' }) },
  { name: 'system as blocks with cache_control', change: (b) => ({ ...b, system: [{ type: 'text', text: 'You are a terse assistant.', cache_control: { type: 'ephemeral', ttl: '1h' } }, { type: 'text', text: 'Prefer reflog.' }] }) },
  { name: 'server tool', change: (b) => ({ ...b, tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 1 }] }) },
  { name: 'mcp_servers', change: (b) => ({ ...b, mcp_servers: [{ type: 'url', url: 'https://mcp.example.com/sse', name: 'git' }] }) },
  { name: 'container', change: (b) => ({ ...b, container: 'container_abc' }) },
  { name: 'metadata user', change: (b) => ({ ...b, metadata: { user_id: 'another-user' } }) },
  { name: 'anthropic-beta', change: (b) => b, headers: { 'anthropic-beta': 'output-128k-2025-02-19' } },
  { name: 'two anthropic-beta values', change: (b) => b, headers: { 'anthropic-beta': 'output-128k-2025-02-19,interleaved-thinking-2025-05-14' } },
  { name: 'anthropic-version', change: (b) => b, headers: { 'anthropic-version': '2023-01-01' } },
];

const responsesBase: Body = {
  model: 'fake-model',
  instructions: 'You are a terse assistant.',
  input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'QUESTION' }] }],
  store: false,
  max_output_tokens: 300,
};
const schema = (name: string, field: string): Body => ({ type: 'json_schema', name, schema: { type: 'object', properties: { [field]: { type: 'string' } }, required: [field] }, strict: true });
const responsesVariants: Variant[] = [
  { name: 'top_p', change: (b) => ({ ...b, top_p: 0.3 }) },
  { name: 'text.format json_schema', change: (b) => ({ ...b, text: { format: schema('undo', 'command') } }) },
  { name: 'text.format text', change: (b) => ({ ...b, text: { format: { type: 'text' } } }) },
  { name: 'instructions removed', change: ({ instructions: _i, ...b }) => b },
  { name: 'previous_response_id', change: (b) => ({ ...b, previous_response_id: 'resp_123' }) },
  { name: 'reasoning effort', change: (b) => ({ ...b, reasoning: { effort: 'minimal' } }) },
  { name: 'user', change: (b) => ({ ...b, user: 'someone-else' }) },
];

describe('one request field or header changed, the same question: no cache answers it', () => {
  it('OpenAI chat to an OpenAI-compatible provider', async () => {
    expect(await wrongHits('openai', openaiBase, openaiVariants)).toEqual([]);
  });
  it('OpenAI chat translated to an Anthropic provider (and its answer translated back)', async () => {
    expect(await wrongHits('openai', openaiBase, openaiVariants, { provider: 'anthropic' })).toEqual([]);
  });
  it('Anthropic messages to an Anthropic provider', async () => {
    expect(await wrongHits('anthropic', anthropicBase, anthropicVariants, { provider: 'anthropic' })).toEqual([]);
  });
  it('Anthropic messages translated to an OpenAI-compatible provider', async () => {
    expect(await wrongHits('anthropic', anthropicBase, anthropicVariants)).toEqual([]);
  });
  it('Responses translated to a chat provider, and to an Anthropic provider', async () => {
    expect(await wrongHits('responses', responsesBase, responsesVariants)).toEqual([]);
    await harness!.close();
    expect(await wrongHits('responses', responsesBase, responsesVariants, { provider: 'anthropic' })).toEqual([]);
  });
});

// Fields that can never change the answer, and so may share an entry: `stream` and `stream_options`
// (delivery: the same answer is replayed as SSE or JSON, scope.ts deliveryFields), and the OpenAI
// `OpenAI-Organization` / `OpenAI-Project` headers, which the gateway does not forward (it calls the
// provider with its own key): the provider never sees them, so the answer cannot depend on them.
describe('headers the provider never sees', () => {
  it('OpenAI-Organization and OpenAI-Project do not reach the provider, so the repeat is the same request', async () => {
    harness = await startHarness({ nearDuplicateCache: {} });
    const body = withQuestion(openaiBase, question(1), 'openai');
    expect(await layerOf(await send('openai', body, { 'openai-organization': 'org-a', 'openai-project': 'proj-a' }))).toBe('200 l3');
    const forwarded = harness.fake.requests.at(-1)!.headers;
    expect(forwarded['openai-organization']).toBeUndefined();
    expect(forwarded['openai-project']).toBeUndefined();
    expect(await layerOf(await send('openai', body, { 'openai-organization': 'org-b', 'openai-project': 'proj-b' }))).toBe('200 l1a');
  });
});

const pixel = (colour: string): string => `data:image/png;base64,${Buffer.from(`png-${colour}`).toString('base64')}`;

describe('images and files beside the question', () => {
  it('OpenAI: another inline image with the same words is another request; the same image hits L1a', async () => {
    harness = await startHarness({ nearDuplicateCache: {} });
    const ask = (image: string) => ({ model: 'fake-model', messages: [{ role: 'user', content: [{ type: 'text', text: 'What is in this picture?' }, { type: 'image_url', image_url: { url: image } }] }] });
    expect(await layerOf(await send('openai', ask(pixel('red'))))).toBe('200 l3');
    expect(await layerOf(await send('openai', ask(pixel('blue'))))).toBe('200 l3');
    expect(await layerOf(await send('openai', ask(pixel('red'))))).toBe('200 l1a');
  });

  it('Anthropic: the same, with base64 image blocks', async () => {
    harness = await startHarness({ nearDuplicateCache: {}, provider: 'anthropic' });
    const ask = (data: string) => ({ model: 'fake-model', max_tokens: 50, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data } }, { type: 'text', text: 'What is in this picture?' }] }] });
    expect(await layerOf(await send('anthropic', ask('cmVk')))).toBe('200 l3');
    expect(await layerOf(await send('anthropic', ask('Ymx1ZQ==')))).toBe('200 l3');
    expect(await layerOf(await send('anthropic', ask('cmVk')))).toBe('200 l1a');
  });

  // The provider fetches media named by address when it answers: the same bytes may show another picture.
  const remote: Array<{ protocol: Protocol; name: string; body: Body; provider?: 'anthropic' }> = [
    { protocol: 'openai', name: 'OpenAI image_url', body: { model: 'fake-model', messages: [{ role: 'user', content: [{ type: 'text', text: 'What does the dashboard show?' }, { type: 'image_url', image_url: { url: 'https://example.com/dashboard.png' } }] }] } },
    {
      protocol: 'anthropic',
      name: 'Anthropic url source, in an earlier turn',
      provider: 'anthropic',
      body: {
        model: 'fake-model',
        max_tokens: 50,
        messages: [
          { role: 'user', content: [{ type: 'document', source: { type: 'url', url: 'https://example.com/report.pdf' } }, { type: 'text', text: 'Read this.' }] },
          { role: 'assistant', content: 'Done.' },
          { role: 'user', content: 'What is its conclusion?' },
        ],
      },
    },
    { protocol: 'responses', name: 'Responses input_image by URL', body: { model: 'fake-model', input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'What does the chart show?' }, { type: 'input_image', image_url: 'https://example.com/chart.png' }] }] } },
    { protocol: 'responses', name: 'Responses input_file by URL', body: { model: 'fake-model', input: [{ type: 'message', role: 'user', content: [{ type: 'input_file', file_url: 'https://example.com/notes.txt' }, { type: 'input_text', text: 'Summarise it' }] }] } },
  ];
  for (const { protocol, name, body, provider } of remote) {
    it(`${name}: never served from a cache, and says so`, async () => {
      harness = await startHarness({ nearDuplicateCache: {}, ...(provider ? { provider } : {}) });
      for (let round = 0; round < 2; round++) {
        const response = await send(protocol, body);
        expect(await layerOf(response)).toBe('200 l3');
        expect(response.headers.get('x-isartor-skipped')).toContain('l1a:media');
      }
    });
  }

  it('a field name written with an escape is read as the same field', async () => {
    harness = await startHarness({ nearDuplicateCache: {} });
    const raw = '{"model":"fake-model","messages":[{"role":"user","content":[{"type":"text","text":"What is shown?"},{"type":"\\u0069mage_url","\\u0069mage_url":{"\\u0075rl":"https://example.com/live.png"}}]}]}';
    for (let round = 0; round < 2; round++) {
      const response = await fetch(`${harness.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw });
      expect(await layerOf(response)).toBe('200 l3');
    }
  });

  it('an address mentioned in the text is no media: the repeat hits', async () => {
    harness = await startHarness({ nearDuplicateCache: {} });
    const body = { model: 'fake-model', messages: [{ role: 'user', content: 'Explain the "url" field of https://example.com/a.json' }] };
    expect(await layerOf(await send('openai', body))).toBe('200 l3');
    expect(await layerOf(await send('openai', body))).toBe('200 l1a');
  });
});

describe('virtual keys', () => {
  const master = 'master-key-for-shape-tests';
  const generate = async (models: string[]): Promise<string> => {
    const response = await fetch(`${harness!.url}/key/generate`, { method: 'POST', headers: { authorization: `Bearer ${master}`, 'content-type': 'application/json' }, body: JSON.stringify({ models }) });
    return ((await response.json()) as { key: string }).key;
  };

  it('another key never shares an entry, and a key not allowed the model is refused, not served', async () => {
    harness = await startHarness({ nearDuplicateCache: {}, gatewayApiKey: master, model: null });
    const first = await generate(['fake-model']);
    const second = await generate(['fake-model']);
    const narrow = await generate(['fake-model-small']);
    const body = withQuestion(openaiBase, question(2), 'openai');
    const as = (key: string) => ({ authorization: `Bearer ${key}` });
    expect(await layerOf(await send('openai', body, as(first)))).toBe('200 l3');
    expect(await layerOf(await send('openai', body, as(first)))).toBe('200 l1a');
    expect(await layerOf(await send('openai', body, as(second)))).toBe('200 l3');
    expect(await layerOf(await send('openai', withQuestion(openaiBase, reworded(2), 'openai'), as(narrow)))).toMatch(/^403 /);
    expect(await layerOf(await send('openai', body, as(narrow)))).toMatch(/^403 /);
    expect(await layerOf(await send('openai', body, as(master)))).toBe('200 l3');
  });
});
