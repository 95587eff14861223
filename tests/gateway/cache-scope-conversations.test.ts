import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type HarnessOptions } from './harness.js';
import { type Body, type Variant, layerOf } from './protocol-probe.js';

// The same last question in agent conversations that differ anywhere else: the system prompt, the
// tools, earlier turns, tool results, the model, sampling, the answer format, tool choice, forwarded
// headers, and for the Responses API every field Codex sends. The question is asked once with the base
// request, then again with one thing changed: the second must reach the provider (neither L1a nor L1b
// may answer it). A reworded question with nothing else changed is the control: L1b serves it.
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});


const question = (i: number): string => `How do I rename a git branch, case ${i}?`;
const reworded = (i: number): string => `how can I rename a git branch, case ${i}`;

/** The last user message's text replaced (all three protocols keep it last). */
function withQuestion(body: Body, text: string, protocol: 'openai' | 'anthropic' | 'responses'): Body {
  const key = protocol === 'responses' ? 'input' : 'messages';
  const items = [...(body[key] as Body[])];
  const last = items.length - 1;
  items[last] = protocol === 'responses' ? { ...items[last], content: [{ type: 'input_text', text }] } : { ...items[last], content: text };
  return { ...body, [key]: items };
}

const fn = (description: string) => ({ type: 'function', function: { name: 'read', description, parameters: { type: 'object', properties: { path: { type: 'string' } } } } });

const openaiBase: Body = {
  model: 'fake-model',
  messages: [
    { role: 'system', content: 'You are a terse coding assistant.' },
    { role: 'user', content: 'I use git 2.40.' },
    { role: 'assistant', content: 'Noted.' },
    { role: 'user', content: 'QUESTION' },
  ],
  tools: [fn('Reads a file')],
  temperature: 0.2,
  max_tokens: 200,
};
const replaceMessage = (at: number, message: Body) => (body: Body): Body => {
  const messages = [...(body.messages as Body[])];
  messages[at] = message;
  return { ...body, messages };
};
const openaiVariants: Variant[] = [
  { name: 'system prompt', change: replaceMessage(0, { role: 'system', content: 'You are a verbose coding assistant.' }) },
  { name: 'system as developer', change: replaceMessage(0, { role: 'developer', content: 'You are a terse coding assistant.' }) },
  { name: 'tool description', change: (b) => ({ ...b, tools: [fn('Reads a file from disk')] }) },
  { name: 'no tools', change: ({ tools: _t, ...b }) => b },
  { name: 'earlier user turn', change: replaceMessage(1, { role: 'user', content: 'I use git 2.20.' }) },
  { name: 'earlier assistant turn', change: replaceMessage(2, { role: 'assistant', content: 'Noted, git 2.40.' }) },
  {
    name: 'earlier tool result',
    change: (b) => ({
      ...b,
      messages: [
        (b.messages as Body[])[0],
        { role: 'user', content: 'Read .git/HEAD' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'read', arguments: '{"path":".git/HEAD"}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'ref: refs/heads/main' },
        (b.messages as Body[])[3],
      ],
    }),
  },
  { name: 'temperature', change: (b) => ({ ...b, temperature: 1.2 }) },
  { name: 'max_tokens', change: (b) => ({ ...b, max_tokens: 20 }) },
  { name: 'max_completion_tokens', change: (b) => ({ ...b, max_completion_tokens: 20 }) },
  { name: 'response_format', change: (b) => ({ ...b, response_format: { type: 'json_object' } }) },
  { name: 'tool_choice', change: (b) => ({ ...b, tool_choice: 'required' }) },
  { name: 'n', change: (b) => ({ ...b, n: 2 }) },
  { name: 'seed', change: (b) => ({ ...b, seed: 7 }) },
  { name: 'stop', change: (b) => ({ ...b, stop: ['\n'] }) },
  { name: 'reasoning_effort', change: (b) => ({ ...b, reasoning_effort: 'high' }) },
  { name: 'user', change: (b) => ({ ...b, user: 'someone-else' }) },
  { name: 'name on the question', change: (b) => withName(b) },
  { name: 'an earlier text block in the question', change: (b) => withLeadingBlock(b, 'Context: monorepo') },
  { name: 'query string', change: (b) => b, path: '/v1/chat/completions?api-version=2024-10-21' },
];
const withName = (b: Body): Body => {
  const messages = [...(b.messages as Body[])];
  messages[3] = { ...messages[3], name: 'bob' };
  return { ...b, messages };
};
const withLeadingBlock = (b: Body, text: string): Body => {
  const messages = [...(b.messages as Body[])];
  const q = messages[messages.length - 1]!;
  messages[messages.length - 1] = { ...q, content: [{ type: 'text', text }, { type: 'text', text: q.content as string }] };
  return { ...b, messages };
};

const anthropicBase: Body = {
  model: 'fake-model',
  max_tokens: 200,
  system: 'You are a terse coding assistant.',
  tools: [{ name: 'read', description: 'Reads a file', input_schema: { type: 'object', properties: { path: { type: 'string' } } } }],
  messages: [
    { role: 'user', content: 'I use git 2.40.' },
    { role: 'assistant', content: 'Noted.' },
    { role: 'user', content: 'QUESTION' },
  ],
};
const anthropicVariants: Variant[] = [
  { name: 'system prompt', change: (b) => ({ ...b, system: 'You are a verbose coding assistant.' }) },
  { name: 'system blocks', change: (b) => ({ ...b, system: [{ type: 'text', text: 'You are a terse coding assistant.' }, { type: 'text', text: 'Answer in French.' }] }) },
  { name: 'tool schema', change: (b) => ({ ...b, tools: [{ name: 'read', description: 'Reads a file', input_schema: { type: 'object', properties: { file: { type: 'string' } } } }] }) },
  { name: 'tool_choice', change: (b) => ({ ...b, tool_choice: { type: 'any' } }) },
  { name: 'thinking', change: (b) => ({ ...b, max_tokens: 2000, thinking: { type: 'enabled', budget_tokens: 1024 } }) },
  { name: 'max_tokens', change: (b) => ({ ...b, max_tokens: 20 }) },
  { name: 'temperature', change: (b) => ({ ...b, temperature: 0.9 }) },
  { name: 'top_k', change: (b) => ({ ...b, top_k: 5 }) },
  { name: 'stop_sequences', change: (b) => ({ ...b, stop_sequences: ['END'] }) },
  { name: 'earlier user turn', change: replaceMessage(0, { role: 'user', content: 'I use git 2.20.' }) },
  {
    name: 'earlier tool result',
    change: (b) => ({
      ...b,
      messages: [
        { role: 'user', content: 'Read .git/HEAD' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'read', input: { path: '.git/HEAD' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'ref: refs/heads/dev' }, { type: 'text', text: 'QUESTION' }] },
      ],
    }),
  },
  { name: 'metadata user', change: (b) => ({ ...b, metadata: { user_id: 'someone-else' } }) },
  { name: 'anthropic-beta header', change: (b) => b, headers: { 'anthropic-beta': 'interleaved-thinking-2025-05-14' } },
  { name: 'anthropic-version header', change: (b) => b, headers: { 'anthropic-version': '2024-01-01' } },
  { name: '?beta=true', change: (b) => b, path: '/v1/messages?beta=true' },
];

const responsesBase: Body = {
  model: 'fake-model',
  instructions: 'You are a terse coding agent.',
  input: [
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'I use git 2.40.' }] },
    { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Noted.' }] },
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'QUESTION' }] },
  ],
  tools: [{ type: 'function', name: 'exec_command', description: 'Runs a command', parameters: { type: 'object', properties: { cmd: { type: 'string' } } } }],
  tool_choice: 'auto',
  parallel_tool_calls: true,
  reasoning: { effort: 'low', summary: 'auto' },
  text: { verbosity: 'low' },
  store: false,
  include: ['reasoning.encrypted_content'],
  max_output_tokens: 400,
};
const replaceItem = (at: number, item: Body) => (body: Body): Body => {
  const input = [...(body.input as Body[])];
  input[at] = item;
  return { ...body, input };
};
const insertItems = (at: number, items: Body[]) => (body: Body): Body => {
  const input = [...(body.input as Body[])];
  input.splice(at, 0, ...items);
  return { ...body, input };
};
const responsesVariants: Variant[] = [
  { name: 'instructions', change: (b) => ({ ...b, instructions: 'You are a verbose coding agent.' }) },
  { name: 'developer message', change: insertItems(0, [{ type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'Answer in French.' }] }]) },
  { name: 'function tool', change: (b) => ({ ...b, tools: [{ ...(b.tools as Body[])[0], description: 'Runs a shell command' }] }) },
  { name: 'tool_choice', change: (b) => ({ ...b, tool_choice: 'required' }) },
  { name: 'parallel_tool_calls', change: (b) => ({ ...b, parallel_tool_calls: false }) },
  { name: 'text.verbosity', change: (b) => ({ ...b, text: { verbosity: 'high' } }) },
  { name: 'text.format', change: (b) => ({ ...b, text: { verbosity: 'low', format: { type: 'json_object' } } }) },
  { name: 'reasoning.effort', change: (b) => ({ ...b, reasoning: { effort: 'high', summary: 'auto' } }) },
  { name: 'reasoning.summary', change: (b) => ({ ...b, reasoning: { effort: 'low', summary: 'detailed' } }) },
  { name: 'include', change: (b) => ({ ...b, include: [] }) },
  { name: 'max_output_tokens', change: (b) => ({ ...b, max_output_tokens: 20 }) },
  { name: 'temperature', change: (b) => ({ ...b, temperature: 1.3 }) },
  { name: 'top_logprobs', change: (b) => ({ ...b, top_logprobs: 5 }) },
  { name: 'truncation', change: (b) => ({ ...b, truncation: 'auto' }) },
  { name: 'metadata', change: (b) => ({ ...b, metadata: { ticket: 'A-1' } }) },
  { name: 'service_tier', change: (b) => ({ ...b, service_tier: 'flex' }) },
  { name: 'max_tool_calls', change: (b) => ({ ...b, max_tool_calls: 1 }) },
  { name: 'safety_identifier', change: (b) => ({ ...b, safety_identifier: 'user-2' }) },
  { name: 'earlier user turn', change: replaceItem(0, { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'I use git 2.20.' }] }) },
  {
    name: 'earlier tool output',
    change: insertItems(2, [
      { type: 'function_call', call_id: 'c1', name: 'exec_command', arguments: '{"cmd":"git branch"}' },
      { type: 'function_call_output', call_id: 'c1', output: '* dev' },
    ]),
  },
  { name: 'earlier reasoning item', change: insertItems(2, [{ type: 'reasoning', summary: [], encrypted_content: 'gAAAA-other-thoughts' }]) },
];
/** Earlier turns with a file and an image, each by id: another id is another file. */
const withAttachments = (file: string, image: string): Body =>
  replaceItem(0, { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'I use git 2.40.' }, { type: 'input_file', file_id: file }, { type: 'input_image', file_id: image }] })(responsesBase);
const attachmentVariants: Variant[] = [
  { name: 'another file id', change: (b) => replaceItem(0, { ...(b.input as Body[])[0], content: [{ type: 'input_text', text: 'I use git 2.40.' }, { type: 'input_file', file_id: 'file-other' }, { type: 'input_image', file_id: 'file-img1' }] })(b) },
  { name: 'another image file id', change: (b) => replaceItem(0, { ...(b.input as Body[])[0], content: [{ type: 'input_text', text: 'I use git 2.40.' }, { type: 'input_file', file_id: 'file-abc' }, { type: 'input_image', file_id: 'file-img2' }] })(b) },
];
/** Only a provider that speaks the Responses API sees these: built-in tools, stored items and state. */
const replaceTool = (at: number, tool: Body) => (body: Body): Body => {
  const tools = [...(body.tools as Body[])];
  tools[at] = tool;
  return { ...body, tools };
};
const passthroughVariants: Variant[] = [
  { name: 'web_search settings', change: replaceTool(1, { type: 'web_search', filters: { allowed_domains: ['git-scm.com'] } }) },
  { name: 'custom tool grammar', change: replaceTool(2, { type: 'custom', name: 'apply_patch', description: 'Applies a patch', format: { type: 'grammar', syntax: 'lark', definition: 'start: "y"' } }) },
  { name: 'item_reference id', change: replaceItem(2, { type: 'item_reference', id: 'msg_other' }) },
  { name: 'reasoning item id', change: replaceItem(3, { type: 'reasoning', id: 'rs_other', summary: [] }) },
  { name: 'prompt template version', change: (b) => ({ ...b, prompt: { id: 'pmpt_1', version: '3' } }) },
];
const passthroughBase = (body: Body): Body => ({
  ...body,
  tools: [...(body.tools as Body[]), { type: 'web_search' }, { type: 'custom', name: 'apply_patch', description: 'Applies a patch', format: { type: 'grammar', syntax: 'lark', definition: 'start: "x"' } }],
  input: [...(body.input as Body[]).slice(0, 2), { type: 'item_reference', id: 'msg_1' }, { type: 'reasoning', id: 'rs_1', summary: [] }, (body.input as Body[])[2]],
  prompt: { id: 'pmpt_1', version: '2' },
});
/** With only built-in tools, tool_choice has no function to name: it still decides whether a tool is used. */
const builtInOnlyBase = (body: Body): Body => ({ ...body, tools: [{ type: 'web_search' }], tool_choice: 'auto' });

async function runVariants(protocol: 'openai' | 'anthropic' | 'responses', base: Body, variants: Variant[], options: HarnessOptions = {}): Promise<string[]> {
  harness = await startHarness({ nearDuplicateCache: {}, ...options });
  const path = protocol === 'openai' ? '/v1/chat/completions' : protocol === 'anthropic' ? '/v1/messages' : '/v1/responses';
  const send = (body: Body, headers: Record<string, string> = {}, at = path) =>
    fetch(`${harness!.url}${at}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(protocol === 'anthropic' ? { 'anthropic-version': '2023-06-01' } : {}), ...headers }, body: JSON.stringify(body) });
  const wrong: string[] = [];
  for (const [i, variant] of variants.entries()) {
    const asked = withQuestion(base, question(i), protocol);
    expect(await layerOf(await send(asked)), variant.name).toMatch(/^200 l3$/);
    const changed = await layerOf(await send(variant.change(asked), variant.headers, variant.path ?? path));
    if (!/ l3$/.test(changed) && !/^4\d\d /.test(changed)) wrong.push(`${variant.name}: ${changed}`);
    // The control: the same request reworded is served by L1b, so the scope is not simply never shared.
    expect(await layerOf(await send(withQuestion(base, reworded(i), protocol))), variant.name).toBe('200 l1b');
  }
  return wrong;
}

describe('a question asked again in another context reaches the provider', () => {
  it('OpenAI chat: another system prompt, tools, turn, tool result, parameter or query', async () => {
    expect(await runVariants('openai', openaiBase, openaiVariants)).toEqual([]);
  });

  it('another model, whether the route forwards it as asked or sends every name to one model (the answer carries the name)', async () => {
    const model: Variant = { name: 'model', change: (b) => ({ ...b, model: 'other-model' }) };
    expect(await runVariants('openai', openaiBase, [model], { model: null })).toEqual([]);
    await harness!.close();
    expect(await runVariants('openai', openaiBase, [model])).toEqual([]);
    await harness!.close();
    expect(await runVariants('anthropic', anthropicBase, [model])).toEqual([]);
    await harness!.close();
    expect(await runVariants('responses', responsesBase, [model])).toEqual([]);
  });

  it('Anthropic messages: another system prompt, tools, turn, tool result, parameter or header', async () => {
    expect(await runVariants('anthropic', anthropicBase, anthropicVariants, { provider: 'anthropic' })).toEqual([]);
  });

  it('Responses (Codex) to a chat provider: another instruction, tool, item or setting', async () => {
    expect(await runVariants('responses', responsesBase, responsesVariants)).toEqual([]);
    await harness!.close();
    expect(await runVariants('responses', withAttachments('file-abc', 'file-img1'), attachmentVariants)).toEqual([]);
  });

  it('Responses (Codex) passed through: every setting and item above', async () => {
    const options = { config: { providers: { 'openai-compatible': { responsesApi: true } } } };
    expect(await runVariants('responses', responsesBase, [...responsesVariants], options)).toEqual([]);
  });

  it('Responses (Codex) passed through: the same, plus built-in tools, stored items and server-side state', async () => {
    const options = { config: { providers: { 'openai-compatible': { responsesApi: true } } } };
    expect(await runVariants('responses', passthroughBase(responsesBase), passthroughVariants, options)).toEqual([]);
    await harness!.close();
    expect(await runVariants('responses', builtInOnlyBase(responsesBase), [{ name: 'tool_choice', change: (b) => ({ ...b, tool_choice: 'required' }) }], options)).toEqual([]);
  });

  it('Responses: what Codex changes on every run (item ids, prompt_cache_key, client_metadata) does not split the scope', async () => {
    harness = await startHarness({ nearDuplicateCache: {} });
    const codexRun = (run: string, text: string): Body => ({
      ...responsesBase,
      input: (withQuestion(responsesBase, text, 'responses').input as Body[]).map((item, i) => ({ ...item, id: `msg_${run}_${i}` })),
      prompt_cache_key: `session-${run}`,
      client_metadata: { turn_id: `turn-${run}` },
    });
    const send = (body: Body) => fetch(`${harness!.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(await layerOf(await send(codexRun('a', question(0))))).toBe('200 l3');
    expect(await layerOf(await send(codexRun('b', reworded(0))))).toBe('200 l1b');
  });

  it('Responses passed through: a conversation kept by the provider is never answered from a cache', async () => {
    harness = await startHarness({ nearDuplicateCache: {}, config: { providers: { 'openai-compatible': { responsesApi: true } } } });
    const body = { ...withQuestion(responsesBase, question(0), 'responses'), conversation: 'conv_1' };
    const send = () => fetch(`${harness!.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(await layerOf(await send())).toBe('200 l3');
    // The same bytes again: the conversation has moved on at the provider, so they ask something else.
    expect(await layerOf(await send())).toBe('200 l3');
    expect((await send()).headers.get('x-isartor-cache')).toBe('bypass');
  });
});
