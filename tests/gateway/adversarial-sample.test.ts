import { afterEach, describe, expect, it } from 'vitest';
import { adversarialPairs } from '../caching/near-duplicate/adversarial-pairs.js';
import { startHarness, type Harness } from './harness.js';

// A sample of the adversarial set through a real gateway, both protocols: the first question of a pair
// is asked, then the second; a `different` pair must reach the provider again, a `same` pair must not.
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const sample = adversarialPairs.flatMap((family) => family.pairs.filter((_, i) => i % 4 === 0).map((pair) => ({ family: family.family, verdict: family.verdict, pair })));

async function layerOf(response: Response): Promise<string | null> {
  await response.arrayBuffer();
  return response.headers.get('x-isartor-layer');
}

describe('a sample of the adversarial pairs through a running gateway', () => {
  for (const protocol of ['openai', 'anthropic'] as const) {
    it(`gives no wrong answer and serves the rewordings (${protocol})`, async () => {
      harness = await startHarness({ nearDuplicateCache: {}, exactCache: { enabled: false } });
      const ask = (question: string, tag: number) =>
        protocol === 'openai'
          ? harness!.chat({ model: 'fake-model', user: `pair-${tag}`, messages: [{ role: 'user', content: question }] })
          : harness!.messages({ model: 'fake-model', max_tokens: 50, metadata: { user_id: `pair-${tag}` }, messages: [{ role: 'user', content: question }] });
      const outcomes: string[] = [];
      for (const [i, { family, verdict, pair }] of sample.entries()) {
        // Each pair in its own scope (the `user` field is part of it), so pairs cannot meet each other.
        await layerOf(await ask(pair[0], i));
        const second = await layerOf(await ask(pair[1], i));
        const served = second === 'l1b';
        if (served !== (verdict === 'same')) outcomes.push(`${verdict} ${family}: ${pair[0]} | ${pair[1]} -> ${second}`);
      }
      const wrongHits = outcomes.filter((line) => line.startsWith('different'));
      expect(wrongHits).toEqual([]);
      const sameCount = sample.filter((entry) => entry.verdict === 'same').length;
      expect(sameCount - outcomes.length, outcomes.join('\n')).toBeGreaterThanOrEqual(Math.ceil(sameCount * 0.75));
      expect(sample.length).toBeGreaterThan(80);
    }, 60_000);
  }
});
