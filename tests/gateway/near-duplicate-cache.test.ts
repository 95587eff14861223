import { randomUUID } from 'node:crypto';
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { sseData, startHarness, streamedText, type Harness } from './harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const system = { role: 'system', content: 'You are a personal assistant running inside OpenClaw.\nCurrent date: 2026-11-21' };
const internal = { role: 'user', content: '<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>\nActive exec sessions: none\n<<<END_OPENCLAW_INTERNAL_CONTEXT>>>' };
/** A first OpenClaw turn: its own minute and session id each time, like the real client. */
function openClawTurn(question: string, minute = '19:08', extra: Record<string, unknown> = {}): Record<string, unknown> {
  const id = randomUUID();
  return {
    model: 'fake-model',
    tools: [{ type: 'function', function: { name: 'read', parameters: { type: 'object' } } }],
    messages: [system, { role: 'user', content: `[Sat 2026-11-21 ${minute} UTC] ${question}\n\nRuntime: agent=main | sessionId=${id} | host=vm` }, internal],
    ...extra,
  };
}
const layerOf = async (response: Response) => {
  await response.arrayBuffer();
  return `${response.headers.get('x-isartor-layer')}/${response.headers.get('x-isartor-cache')}`;
};

describe('L1b near-duplicate cache', () => {
  it('answers the same question asked again in a new OpenClaw session, with its similarity', async () => {
    harness = await startHarness({ nearDuplicateCache: {} });
    const first = await harness.chat(openClawTurn('How do I reverse a list in Python?'));
    const firstAnswer = await first.json();
    expect(first.headers.get('x-isartor-layer')).toBe('l3');
    const again = await harness.chat(openClawTurn('how to reverse a list in Python', '19:42'));
    expect(again.headers.get('x-isartor-layer')).toBe('l1b');
    expect(again.headers.get('x-isartor-cache')).toBe('hit');
    expect(Number(again.headers.get('x-isartor-similarity'))).toBe(1);
    expect(await again.json()).toEqual(firstAnswer);
    expect(harness.upstreamChatCalls()).toBe(1);
  });

  it('sends near-misses upstream: another entity, number, direction or negation', async () => {
    harness = await startHarness({ nearDuplicateCache: {} });
    for (const question of ['What is the capital of France?', 'Convert 5 km to miles', 'Sort the list in ascending order', 'Is it safe to delete node_modules?']) {
      await layerOf(await harness.chat(openClawTurn(question)));
    }
    for (const question of ['What is the capital of Germany?', 'Convert 5 miles to km', 'Convert 50 km to miles', 'Sort the list in descending order', 'Is it not safe to delete node_modules?']) {
      expect(await layerOf(await harness.chat(openClawTurn(question, '20:00'))), question).toBe('l3/miss');
    }
  });

  it('never answers a time-sensitive question from L1b', async () => {
    harness = await startHarness({ nearDuplicateCache: {} });
    await layerOf(await harness.chat(openClawTurn('What time is it now?')));
    expect(await layerOf(await harness.chat(openClawTurn('What time is it now?', '19:09')))).toBe('l3/miss');
  });

  it('needs the same context: another system prompt, tools or temperature goes upstream', async () => {
    harness = await startHarness({ nearDuplicateCache: {} });
    await layerOf(await harness.chat(openClawTurn('How do I reverse a list in Python?')));
    expect(await layerOf(await harness.chat(openClawTurn('How do I reverse a list in Python?', '19:10', { temperature: 1.5 })))).toBe('l3/miss');
    expect(await layerOf(await harness.chat(openClawTurn('How do I reverse a list in Python?', '19:11', { tools: [] })))).toBe('l3/miss');
  });

  it('is not used for a turn that carries tool results', async () => {
    harness = await startHarness({ nearDuplicateCache: {} });
    const withTool = (id: string) => ({
      model: 'fake-model',
      messages: [
        { role: 'user', content: 'read note.txt' },
        { role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name: 'read', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: id, content: 'contents' },
      ],
    });
    await layerOf(await harness.chat(withTool('c1')));
    expect(await layerOf(await harness.chat(withTool('c2')))).toBe('l3/miss');
  });

  it('replays a hit as OpenAI SSE for a streamed request', async () => {
    harness = await startHarness({ nearDuplicateCache: {} });
    const live = await (await harness.chat(openClawTurn('How do I reverse a list in Python?', '19:08', { stream: true }))).text();
    const replay = await harness.chat(openClawTurn('how to reverse a list in Python', '19:30', { stream: true }));
    expect(replay.headers.get('x-isartor-layer')).toBe('l1b');
    const text = await replay.text();
    expect(sseData(text).at(-1)).toBe('[DONE]');
    expect(streamedText(text)).toBe(streamedText(live));
  });

  it('works for Anthropic callers, replaying as Anthropic SSE', async () => {
    harness = await startHarness({ nearDuplicateCache: {} });
    const client = new Anthropic({ baseURL: harness.url, apiKey: 'x', maxRetries: 0 });
    const ask = (q: string) => client.messages.stream({ model: 'c', max_tokens: 100, system: 'Be brief.', messages: [{ role: 'user', content: q }] }).finalMessage();
    const first = await ask('How do I reverse a list in Python?');
    const second = await ask('how to reverse a list in Python');
    expect(second.content).toEqual(first.content);
    expect(harness.upstreamChatCalls()).toBe(1);
  });

  it('honours no-cache and no-store', async () => {
    harness = await startHarness({ nearDuplicateCache: {} });
    await layerOf(await harness.chat(openClawTurn('How do I reverse a list in Python?')));
    expect(await layerOf(await harness.chat(openClawTurn('how to reverse a list in Python', '19:20'), { 'cache-control': 'no-cache' }))).toBe('l3/bypass');
    await layerOf(await harness.chat(openClawTurn('How do I parse JSON in Go?'), { 'cache-control': 'no-store' }));
    expect(await layerOf(await harness.chat(openClawTurn('how to parse JSON in Go', '19:21')))).toBe('l3/miss');
  });

  it('reports l1b as on in /health', async () => {
    harness = await startHarness({ nearDuplicateCache: {} });
    const health = (await (await fetch(`${harness.url}/health`)).json()) as { layers: Record<string, boolean> };
    expect(health.layers).toMatchObject({ l1a: true, l1b: true, 'l2.5': false });
  });
});
