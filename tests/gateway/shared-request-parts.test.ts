import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

// The request reader shares the parts of a body that recur in later bodies (json/recurring-parts.ts):
// every layer then reads frozen, shared objects. Through a real gateway, turn after turn of one agent
// conversation: what the provider receives is what the client sent, byte for byte; translation reads
// shared parts without changing them; a one-byte change inside a shared part is a new request.
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const system = `You are a coding agent. ${'Keep answers short; never guess a file name; say which tool you used. '.repeat(80)}`;
const openAITools = Array.from({ length: 8 }, (_, i) => ({
  type: 'function',
  function: { name: `tool_${i}`, description: `Tool ${i}: ${'does one careful thing. '.repeat(12)}`, parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } },
}));
const anthropicTools = openAITools.map((tool) => ({ name: tool.function.name, description: tool.function.description, input_schema: tool.function.parameters }));

function openAITurns(count: number): Array<Record<string, unknown>> {
  const messages: Array<Record<string, unknown>> = [{ role: 'system', content: system }, { role: 'user', content: 'Read the build log and tell me what failed.' }];
  const bodies: Array<Record<string, unknown>> = [];
  for (let turn = 0; turn < count; turn++) {
    bodies.push({ model: 'fake-model', messages: [...messages], tools: openAITools, stream: turn % 2 === 0 });
    const id = `call_${turn}`;
    messages.push({ role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name: 'tool_1', arguments: JSON.stringify({ path: `log-${turn}.txt` }) } }] });
    messages.push({ role: 'tool', tool_call_id: id, content: `line ${turn}: ${'compiling module ok\n'.repeat(40)}` });
  }
  return bodies;
}

function anthropicTurns(count: number): Array<Record<string, unknown>> {
  const messages: Array<Record<string, unknown>> = [{ role: 'user', content: [{ type: 'text', text: 'Read the build log and tell me what failed.' }] }];
  const bodies: Array<Record<string, unknown>> = [];
  for (let turn = 0; turn < count; turn++) {
    bodies.push({ model: 'fake-model', max_tokens: 200, system, messages: [...messages], tools: anthropicTools, stream: turn % 2 === 1 });
    const id = `toolu_${turn}`;
    messages.push({ role: 'assistant', content: [{ type: 'tool_use', id, name: 'tool_1', input: { path: `log-${turn}.txt` } }] });
    messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: `line ${turn}: ${'compiling module ok\n'.repeat(40)}` }] });
  }
  return bodies;
}

describe('requests that share parts with earlier ones', () => {
  it('same protocol: the provider receives every turn byte for byte as the client sent it, and a repeat is an L1a hit', async () => {
    harness = await startHarness({ nearDuplicateCache: {}, trimming: true });
    const sent: string[] = [];
    for (const body of openAITurns(6)) {
      const text = JSON.stringify(body);
      sent.push(text);
      const response = await harness.chat(text);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    expect(harness.fake.requests.map((request) => request.rawBody)).toEqual(sent);
    const again = await harness.chat(sent[3]!);
    await again.arrayBuffer();
    expect(again.headers.get('x-isartor-layer')).toBe('l1a');
  });

  it('translated both ways, turn after turn: shared parts are read, never changed', async () => {
    harness = await startHarness({ provider: 'anthropic', nearDuplicateCache: {}, trimming: true });
    for (const body of openAITurns(5)) {
      const response = await harness.chat(body);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    const translated = harness.fake.requests.map((request) => request.body as { system?: unknown; messages: unknown[]; tools: unknown[] });
    expect(translated).toHaveLength(5);
    for (const [turn, request] of translated.entries()) {
      expect(request.system).toBe(system);
      expect(request.tools).toHaveLength(8);
      expect(request.messages).toHaveLength(1 + 2 * turn);
    }
    await harness.close();

    harness = await startHarness({ provider: 'openai-compatible', nearDuplicateCache: {}, trimming: true });
    for (const body of anthropicTurns(5)) {
      const response = await harness.messages(body);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    const chats = harness.fake.requests.map((request) => request.body as { messages: Array<{ role: string; content: unknown }> });
    for (const [turn, request] of chats.entries()) {
      expect(request.messages[0]).toEqual({ role: 'system', content: system });
      // Each earlier tool round is an assistant call plus its tool result.
      expect(request.messages.filter((message) => message.role === 'tool')).toHaveLength(turn);
    }
  });

  const callers = {
    openai: { provider: 'openai-compatible', turns: openAITurns, send: (h: Harness, body: string) => h.chat(body) },
    anthropic: { provider: 'anthropic', turns: anthropicTurns, send: (h: Harness, body: string) => h.messages(body) },
  } as const;
  for (const [protocol, caller] of Object.entries(callers)) {
    it(`${protocol}: one changed byte inside a shared part (the system prompt, a tool, an earlier turn) is another request, never a hit`, async () => {
      harness = await startHarness({ provider: caller.provider, nearDuplicateCache: {} });
      const text = JSON.stringify({ ...caller.turns(3)[2]!, stream: false });
      await (await caller.send(harness, text)).arrayBuffer();
      const changes = [
        text.replace('never guess a file name', 'never guess a file nime'),
        text.replace('"name":"tool_5"', '"name":"tool_6"'),
        text.replace('line 1: compiling', 'line 1: Compiling'),
        text.replace('log-0.txt', 'log-9.txt'),
      ];
      for (const changed of changes) {
        expect(changed).not.toBe(text);
        const response = await caller.send(harness, changed);
        await response.arrayBuffer();
        expect(response.headers.get('x-isartor-cache')).toBe('miss');
      }
      const repeat = await caller.send(harness, text);
      await repeat.arrayBuffer();
      expect(repeat.headers.get('x-isartor-layer')).toBe('l1a');
    });
  }

  it('a malformed body that reuses a shared part is refused as before, and the next good one is served', async () => {
    harness = await startHarness();
    const text = JSON.stringify({ ...openAITurns(2)[1]!, stream: false });
    await (await harness.chat(text)).arrayBuffer();
    for (const bad of [text.replace('"stream":false', '"stream":false,"model":"other"'), `${text.slice(0, -1)},}`, `${text}{}`]) {
      const response = await harness.chat(bad);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/not valid JSON/);
    }
    const good = await harness.chat(text);
    expect(good.status).toBe(200);
    await good.arrayBuffer();
  });
});
