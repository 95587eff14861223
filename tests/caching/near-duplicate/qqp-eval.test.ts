import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { evaluateQqp, formatReport } from '../../../bench/eval/near-duplicate-qqp.js';
import { defaultThreshold } from '../../../source/caching/near-duplicate/question.js';

describe('the QQP evaluation', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qqp-eval-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('counts false hits and paraphrase hits per threshold, and why pairs were not served', async () => {
    const path = join(dir, 'pairs.jsonl');
    const lines = [
      { a: "What's the capital of France?", b: 'what is the capital of france', paraphrase: true },
      { a: 'How do I reverse a list in Python?', b: 'how to reverse a python list', paraphrase: true },
      { a: 'How do I learn to swim?', b: 'What is the fastest way to learn swimming as an adult?', paraphrase: true },
      { a: 'What is the capital of France?', b: 'What is the capital of Germany?', paraphrase: false },
      { a: 'Is it safe to eat raw eggs?', b: 'Is it not safe to eat raw eggs?', paraphrase: false },
      // A labelling mistake the matcher cannot see: it counts as a false hit.
      { a: 'What is the purpose of life ?', b: 'What is the purpose of life?', paraphrase: false },
    ];
    await writeFile(path, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);

    const evaluation = await evaluateQqp(path, [0.5, defaultThreshold]);
    expect(evaluation.rows).toHaveLength(2);
    const atDefault = evaluation.rows[1]!;
    expect(atDefault).toMatchObject({ threshold: defaultThreshold, falseHits: 1, nonParaphrases: 3, paraphraseHits: 2, paraphrases: 3 });
    expect(atDefault.falseHitRate).toBeCloseTo(1 / 3);
    expect(atDefault.paraphraseHitRate).toBeCloseTo(2 / 3);
    expect(evaluation.guardRejections).toEqual({ threshold: 2, negation: 1 });
    expect(evaluation.falseHitPairs.map((pair) => pair.b)).toEqual(['What is the purpose of life?']);
    expect(evaluation.microsecondsPerPair).toBeGreaterThan(0);

    const report = formatReport(evaluation);
    expect(report).toContain('| threshold | false hits |');
    expect(report).toContain('(default)');
    expect(report).toContain('What is the purpose of life?');
  });
});
