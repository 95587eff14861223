import { afterEach, describe, expect, it } from 'vitest';
import type { PairFamily } from '../caching/near-duplicate/adversarial-pairs.js';
import { startHarness, type Harness } from './harness.js';

type Protocol = 'openai' | 'anthropic' | 'responses';

/**
 * Every pair of a set through a running gateway, in the three caller protocols: the first question is
 * asked, then the second, each pair in its own scope. A `different` pair served from a cache (L1a or L1b)
 * is a wrong answer; at least `minSameShare` of the `same` pairs should come from a cache.
 */
export function describePairsThroughGateway(title: string, set: readonly PairFamily[], minSameShare: number): void {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  const ask = (protocol: Protocol, question: string, tag: number): Promise<Response> => {
    if (protocol === 'openai') return harness!.chat({ model: 'fake-model', user: `pair-${tag}`, messages: [{ role: 'user', content: question }] });
    if (protocol === 'anthropic') return harness!.messages({ model: 'fake-model', max_tokens: 50, metadata: { user_id: `pair-${tag}` }, messages: [{ role: 'user', content: question }] });
    return fetch(`${harness!.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake-model', user: `pair-${tag}`, instructions: 'Answer briefly.', input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: question }] }] }),
    });
  };
  const layerOf = async (response: Response): Promise<string | null> => {
    await response.arrayBuffer();
    return response.headers.get('x-isartor-layer');
  };

  describe(title, () => {
    for (const protocol of ['openai', 'anthropic', 'responses'] as const) {
      it(`gives no wrong answer and serves the rewordings (${protocol})`, async () => {
        harness = await startHarness({ nearDuplicateCache: {} });
        const wrongHits: string[] = [];
        const missed: string[] = [];
        let same = 0;
        let tag = 0;
        for (const { family, verdict, pairs } of set) {
          for (const [a, b] of pairs) {
            tag += 1;
            await layerOf(await ask(protocol, a, tag));
            const second = await layerOf(await ask(protocol, b, tag));
            const cached = second === 'l1a' || second === 'l1b';
            if (verdict === 'different' && cached) wrongHits.push(`${family}: ${a} | ${b} -> ${second}`);
            if (verdict === 'same') {
              same += 1;
              if (!cached) missed.push(`${family}: ${a} | ${b}`);
            }
          }
        }
        expect(wrongHits).toEqual([]);
        expect(same - missed.length, missed.join('\n')).toBeGreaterThanOrEqual(Math.ceil(same * minSameShare));
      }, 120_000);
    }
  });
}
