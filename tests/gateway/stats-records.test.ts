import { afterEach, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../source/stats/request-record.js';
import { startHarness, userMessage, type Harness } from './harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});


describe('request records', () => {
  it('records the provider usage on a miss and the saved call on a hit, with the client that asked (hand-computed)', async () => {
    harness = await startHarness({ nearDuplicateCache: {} });
    const records: RequestRecord[] = [];
    harness.records = records;
    // The fake upstream counts ceil(chars/4): "Echo: How do I reverse a list in Python?" is 40 chars -> 10 tokens.
    const first = (await (await harness.chat(userMessage('How do I reverse a list in Python?'), { 'x-isartor-client': 'openclaw' })).json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
    await (await harness.chat(userMessage('How do I reverse a list in Python?'), { 'user-agent': 'curl/8.5.0' })).text();
    await (await harness.chat(userMessage('how to reverse a list in Python'), { 'user-agent': 'curl/8.5.0' })).text();
    await harness.gateway.drained();
    expect(records.map((r) => [r.client, r.layer, r.inputTokens, r.outputTokens, r.tokensSaved])).toEqual([
      ['openclaw', 'l3', first.usage.prompt_tokens, first.usage.completion_tokens, 0],
      ['curl', 'l1a', 0, 0, first.usage.prompt_tokens + first.usage.completion_tokens],
      ['curl', 'l1b', 0, 0, first.usage.prompt_tokens + first.usage.completion_tokens],
    ]);
    expect(first.usage.completion_tokens).toBe(10);
    expect(records[0]).toMatchObject({ protocol: 'openai', route: '/v1/chat/completions', status: 200, provider: 'openai-compatible', model: 'fake-model' });
  });

  it('counts L2.5 savings as tokens saved', async () => {
    harness = await startHarness({ trimming: true });
    const records: RequestRecord[] = [];
    harness.records = records;
    // npm in a pty: a spinner redrawn in place, then the result (L2.5 sends only the final screen).
    const log = `${'⠋ reify: timing reifyNode:node_modules/left-pad Completed in 12ms\r\u001b[K'.repeat(60)}added 1 package\n`;
    const response = await harness.chat({
      model: 'fake-model',
      messages: [
        { role: 'assistant', content: null, tool_calls: [{ id: 'e', type: 'function', function: { name: 'exec', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'e', content: log },
        { role: 'user', content: 'next' },
      ],
    });
    await response.text();
    await harness.gateway.drained();
    expect(records[0]!.tokensSaved).toBe(Number(response.headers.get('x-isartor-trimmed-tokens')));
    expect(records[0]!.tokensSaved).toBeGreaterThan(100);
  });
});
