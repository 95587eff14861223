import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { evaluateQqp, formatReport } from '../../../bench/eval/near-duplicate-qqp.js';

describe('the QQP evaluation', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qqp-eval-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('counts false hits and paraphrase hits, by rule, and why pairs were not served', async () => {
    const path = join(dir, 'pairs.jsonl');
    const lines = [
      { a: "What's the capital of France?", b: 'what is the capital of France', paraphrase: true },
      { a: 'How do I reverse a list in Python?', b: 'how to reverse a list in Python', paraphrase: true },
      { a: 'How do I learn to swim?', b: 'What is the fastest way to learn swimming as an adult?', paraphrase: true },
      { a: 'What is the capital of France?', b: 'What is the capital of Germany?', paraphrase: false },
      { a: 'What time is it in Paris?', b: 'What time is it in Paris?', paraphrase: false },
      // A labelling mistake no reading can see: it counts as a false hit.
      { a: 'What is the purpose of life ?', b: 'What is the purpose of life?', paraphrase: false },
    ];
    await writeFile(path, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);

    const evaluation = await evaluateQqp(path);
    expect(evaluation).toMatchObject({ falseHits: 1, nonParaphrases: 3, paraphraseHits: 2, paraphrases: 3 });
    expect(evaluation.falseHitRate).toBeCloseTo(1 / 3);
    expect(evaluation.paraphraseHitRate).toBeCloseTo(2 / 3);
    expect(evaluation.hitsBy).toEqual({ 'same-form': 3 });
    expect(evaluation.rejections).toEqual({ different: 2, 'time-dependent': 1 });
    expect(evaluation.falseHitPairs.map((pair) => pair.b)).toEqual(['What is the purpose of life?']);
    expect(evaluation.microsecondsPerPair).toBeGreaterThan(0);

    const report = formatReport(evaluation);
    expect(report).toContain('| false hits | false-hit rate |');
    expect(report).toContain('What is the purpose of life?');
  });
});
