import { afterEach, describe, expect, it } from 'vitest';
import { round3Pairs } from '../caching/near-duplicate/adversarial-pairs-round3.js';
import { startHarness, type Harness } from './harness.js';

// Every pair of the third set through a running gateway, in the three caller protocols: the first
// question is asked, then the second, each pair in its own scope. A `different` pair served from a
// cache (L1a or L1b) is a wrong answer; a `same` pair should come from L1b.
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

type Protocol = 'openai' | 'anthropic' | 'responses';

function ask(protocol: Protocol, question: string, tag: number): Promise<Response> {
  if (protocol === 'openai') return harness!.chat({ model: 'fake-model', user: `pair-${tag}`, messages: [{ role: 'user', content: question }] });
  if (protocol === 'anthropic') return harness!.messages({ model: 'fake-model', max_tokens: 50, metadata: { user_id: `pair-${tag}` }, messages: [{ role: 'user', content: question }] });
  return fetch(`${harness!.url}/v1/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'fake-model', user: `pair-${tag}`, instructions: 'Answer briefly.', input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: question }] }] }),
  });
}

async function layerOf(response: Response): Promise<string | null> {
  await response.arrayBuffer();
  return response.headers.get('x-isartor-layer');
}

describe('the third adversarial set through a running gateway', () => {
  for (const protocol of ['openai', 'anthropic', 'responses'] as const) {
    it(`gives no wrong answer and serves the rewordings (${protocol})`, async () => {
      harness = await startHarness({ nearDuplicateCache: {} });
      const wrongHits: string[] = [];
      const missed: string[] = [];
      let same = 0;
      let tag = 0;
      for (const { family, verdict, pairs } of round3Pairs) {
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
      expect(same - missed.length, missed.join('\n')).toBeGreaterThanOrEqual(Math.ceil(same * 0.7));
    }, 120_000);
  }
});
