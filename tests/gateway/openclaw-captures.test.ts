import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

// Real requests the OpenClaw CLI sent (see ../shared/data/README.md). Absent on a bare clone: skipped.
const capturesDir = new URL('../../../shared/data/openclaw-captures/', import.meta.url);
const available = existsSync(capturesDir);
const load = (name: string) => JSON.parse(readFileSync(new URL(name, capturesDir), 'utf8')) as { path: string; body: Record<string, unknown> };
const openAICaptures = available ? readdirSync(capturesDir).filter((name) => name.startsWith('openai-completions-')) : [];

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const countMatches = (text: string, needle: string): number => text.split(needle).length - 1;

describe.skipIf(!available)('real OpenClaw requests through the gateway', () => {
  it.each(openAICaptures)('%s reaches an OpenAI-compatible provider byte for byte', async (name) => {
    harness = await startHarness();
    const capture = load(name);
    const raw = JSON.stringify(capture.body);
    const response = await harness.chat(raw);
    expect(response.status).toBe(200);
    await response.text();
    expect(harness.fake.requests.at(-1)?.rawBody).toBe(raw);
  });

  it.each(openAICaptures)('%s reaches an Anthropic provider with every tool, the system prompt and the tool pairing', async (name) => {
    harness = await startHarness({ provider: 'anthropic', model: 'fake-model' });
    const capture = load(name) as unknown as { body: { tools: Array<{ function: { name: string; parameters: unknown } }>; messages: Array<{ role: string; content: unknown; tool_calls?: Array<{ id: string }>; tool_call_id?: string }> } };
    const response = await harness.chat(capture.body);
    expect(response.status).toBe(200);
    await response.text();
    const sent = harness.fake.requests.at(-1)!.body as {
      system: string;
      tools: Array<{ name: string; input_schema: unknown }>;
      messages: Array<{ role: string; content: Array<{ type: string; id?: string; tool_use_id?: string }> | string }>;
    };
    expect(sent.tools.map((t) => t.name)).toEqual(capture.body.tools.map((t) => t.function.name));
    sent.tools.forEach((tool, i) => expect(tool.input_schema).toEqual(capture.body.tools[i]!.function.parameters));
    const systemText = capture.body.messages.find((m) => m.role === 'system')?.content as string;
    expect(sent.system).toContain(systemText.slice(0, 2000));
    const blocks = sent.messages.flatMap((m) => (Array.isArray(m.content) ? m.content : []));
    for (const call of capture.body.messages.flatMap((m) => m.tool_calls ?? [])) {
      expect(blocks.some((b) => b.type === 'tool_use' && b.id === call.id)).toBe(true);
      expect(blocks.some((b) => b.type === 'tool_result' && b.tool_use_id === call.id)).toBe(true);
    }
    // Anthropic requires user and assistant turns to alternate.
    sent.messages.forEach((m, i) => i > 0 && expect(m.role).not.toBe(sent.messages[i - 1]!.role));
  });

  it('the Anthropic request reaches an Anthropic provider byte for byte, cache_control included', async () => {
    harness = await startHarness({ provider: 'anthropic', model: 'claude-fake', fake: { models: ['claude-fake'] } });
    const raw = JSON.stringify(load('anthropic-messages-agent-turn.json').body);
    const response = await harness.messages(raw);
    expect(response.status).toBe(200);
    await response.text();
    const sent = harness.fake.requests.at(-1)!;
    expect(sent.rawBody).toBe(raw);
    expect(countMatches(sent.rawBody, '"cache_control"')).toBe(3);
  });
});
