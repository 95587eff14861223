// Claude Code (Anthropic messages) in front of an OpenAI-compatible provider: what chat completions have no
// place for never changes the answer silently. Server tools and MCP servers, which Anthropic runs itself,
// are refused with a 400 that names them; `thinking`, `top_k` and `context_management` are dropped and
// named in `x-isartor-dropped`; the same request to Anthropic passes through untouched. And the mirror:
// an OpenAI chat caller in front of Anthropic (response_format, n, logprobs refused; seed, penalties,
// logit_bias, reasoning_effort dropped and named).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

const ask = (extra: Record<string, unknown>, text = 'Search the web for the Isar.') => ({
  model: 'fake-model',
  max_tokens: 100,
  messages: [{ role: 'user', content: text }],
  ...extra,
});
const webSearch = { type: 'web_search_20250305', name: 'web_search', max_uses: 8 };
const functionTool = { name: 'Read', description: 'Reads a file', input_schema: { type: 'object', properties: { path: { type: 'string' } } } };

describe('Anthropic-only request fields, translated for an OpenAI-compatible provider', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.close());

  for (const [label, extra] of [
    ['a web_search server tool beside a function tool', { tools: [functionTool, webSearch] }],
    ['a code_execution server tool', { tools: [{ type: 'code_execution_20250522', name: 'code_execution' }] }],
    ['mcp_servers', { mcp_servers: [{ type: 'url', url: 'https://mcp.example/sse', name: 'example' }] }],
  ] as const) {
    it(`${label}: 400 in Anthropic's format naming it, nothing forwarded`, async () => {
      const before = harness.upstreamChatCalls();
      for (const stream of [false, true]) {
        const response = await harness.messages(ask({ ...extra, stream }));
        expect(response.status).toBe(400);
        expect(response.headers.get('x-should-retry')).toBe('false');
        const body = (await response.json()) as { type: string; error: { type: string; message: string } };
        expect(body.type).toBe('error');
        expect(body.error.type).toBe('invalid_request_error');
        expect(body.error.message).toMatch(label === 'mcp_servers' ? /mcp_servers/ : /Anthropic's own tool (web_search_20250305|code_execution_20250522)/);
        expect(body.error.message).toContain('anthropic');
      }
      expect(harness.upstreamChatCalls()).toBe(before);
    });
  }

  it('thinking, top_k and context_management: answered, the fields named in x-isartor-dropped; a plain request has no such header', async () => {
    const response = await harness.messages(
      ask(
        { thinking: { type: 'enabled', budget_tokens: 2048 }, top_k: 5, context_management: { edits: [{ type: 'clear_tool_uses_20250919' }] }, tools: [functionTool] },
        'What is the Isar?',
      ),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('x-isartor-dropped')).toBe('thinking, top_k, context_management');
    expect(harness.fake.requests.at(-1)!.body).not.toHaveProperty('top_k');
    // Thinking blocks in the history are dropped too.
    const history = await harness.messages({
      model: 'fake-model',
      max_tokens: 100,
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'hmm', signature: 'c2ln' }, { type: 'text', text: 'Hello.' }] },
        { role: 'user', content: 'And now?' },
      ],
    });
    expect(history.status).toBe(200);
    expect(history.headers.get('x-isartor-dropped')).toBe('thinking');
    const plain = await harness.messages(ask({ thinking: { type: 'disabled' } }, 'What is the Isar, plainly?'));
    expect(plain.status).toBe(200);
    expect(plain.headers.get('x-isartor-dropped')).toBeNull();
  });
});

describe('the same fields to Anthropic itself', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ provider: 'anthropic' });
  });
  afterAll(() => harness.close());

  it('pass through byte for byte: no refusal, nothing dropped', async () => {
    const body = ask({ tools: [functionTool, webSearch], thinking: { type: 'enabled', budget_tokens: 2048 }, top_k: 5 });
    const response = await harness.messages(body);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-isartor-dropped')).toBeNull();
    expect(harness.fake.requests.at(-1)!.body).toEqual(body);
  });
});

describe('OpenAI-only request fields, translated for Anthropic', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ provider: 'anthropic' });
  });
  afterAll(() => harness.close());
  const question = (extra: Record<string, unknown>, text = 'Name a river in Bavaria.') => ({ model: 'fake-model', messages: [{ role: 'user', content: text }], ...extra });

  for (const [field, extra] of [
    ['response_format', { response_format: { type: 'json_schema', json_schema: { name: 'river', schema: { type: 'object' } } } }],
    ['response_format', { response_format: { type: 'json_object' } }],
    ['`n`', { n: 3 }],
    ['logprobs', { logprobs: true, top_logprobs: 2 }],
  ] as const) {
    it(`${JSON.stringify(extra)}: 400 in OpenAI's format naming ${field}, nothing forwarded`, async () => {
      const before = harness.upstreamChatCalls();
      for (const stream of [false, true]) {
        const response = await harness.chat(question({ ...extra, stream }));
        expect(response.status).toBe(400);
        const body = (await response.json()) as { error: { message: string; type: string } };
        expect(body.error.type).toBe('invalid_request_error');
        expect(body.error.message).toContain(field);
      }
      expect(harness.upstreamChatCalls()).toBe(before);
    });
  }

  it('seed, penalties, logit_bias and reasoning_effort: answered, named in x-isartor-dropped; a plain request (and penalties of 0) has no such header', async () => {
    const response = await harness.chat(question({ seed: 7, frequency_penalty: 0.5, presence_penalty: 0, logit_bias: { '50256': -100 }, reasoning_effort: 'high' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-isartor-dropped')).toBe('seed, frequency_penalty, logit_bias, reasoning_effort');
    const plain = await harness.chat(question({ frequency_penalty: 0, n: 1, response_format: { type: 'text' } }, 'Name a lake in Bavaria.'));
    expect(plain.status).toBe(200);
    expect(plain.headers.get('x-isartor-dropped')).toBeNull();
  });
});
