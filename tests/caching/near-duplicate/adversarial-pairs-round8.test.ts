import { describe, expect, it } from 'vitest';
import { analyseQuestion, judgeNearDuplicate } from '../../../source/caching/near-duplicate/question.js';
import { round8Pairs } from './adversarial-pairs-round8.js';

// The eighth set through the L1b judgement, both ways round: zero wrong hits, and the share of the
// `same` pairs served is listed (and held at or above 70 %).
const verdictOf = (a: string, b: string): boolean => judgeNearDuplicate(analyseQuestion(a), analyseQuestion(b)).match;

describe('L1b on the eighth adversarial set', () => {
  for (const { family, pairs } of round8Pairs.filter((f) => f.verdict === 'different')) {
    it(`never serves one answer for the other: ${family}`, () => {
      expect(pairs.filter(([a, b]) => verdictOf(a, b) || verdictOf(b, a))).toEqual([]);
    });
  }

  it('serves the paraphrases it can vouch for, and lists the ones it does not', () => {
    const same = round8Pairs.filter((f) => f.verdict === 'same').flatMap((f) => f.pairs);
    const missed = same.filter(([a, b]) => !(verdictOf(a, b) && verdictOf(b, a))).map(([a, b]) => `${a} | ${b}`);
    expect((same.length - missed.length) / same.length, missed.join('\n')).toBeGreaterThanOrEqual(0.7);
  });

  it('holds at least 300 must-miss pairs in at least 25 families', () => {
    const different = round8Pairs.filter((f) => f.verdict === 'different');
    expect(different.reduce((sum, f) => sum + f.pairs.length, 0)).toBeGreaterThanOrEqual(300);
    expect(different.length).toBeGreaterThanOrEqual(25);
  });
});
