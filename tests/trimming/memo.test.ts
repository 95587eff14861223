import { describe, expect, it } from 'vitest';
import { LruMemo } from '../../source/trimming/memo.js';
import { countTextTokens, countTextTokensSync, loadTokenizer } from '../../source/stats/count-tokens.js';

describe('LruMemo', () => {
  it('evicts the least recently used entry beyond its entry limit', () => {
    const memo = new LruMemo<number>(2, 100);
    memo.set('a', 1, 1);
    memo.set('b', 2, 1);
    expect(memo.get('a')).toBe(1); // a is now the most recent
    memo.set('c', 3, 1);
    expect(memo.get('b')).toBeUndefined();
    expect(memo.get('a')).toBe(1);
    expect(memo.get('c')).toBe(3);
  });

  it('evicts by weight and never stores an entry heavier than the budget', () => {
    const memo = new LruMemo<string>(10, 10);
    memo.set('a', 'x', 6);
    memo.set('b', 'y', 6);
    expect(memo.get('a')).toBeUndefined();
    expect(memo.weight).toBe(6);
    memo.set('huge', 'z', 11);
    expect(memo.get('huge')).toBeUndefined();
    expect(memo.size).toBe(1);
  });

  it('replaces an entry under the same key', () => {
    const memo = new LruMemo<string>(10, 10);
    memo.set('a', 'x', 4);
    memo.set('a', 'y', 5);
    expect(memo.get('a')).toBe('y');
    expect(memo.weight).toBe(5);
  });
});

describe('countTextTokensSync', () => {
  it('counts like the async counter once the tokenizer is loaded, and accepts special-token text', async () => {
    await loadTokenizer();
    const text = 'The quick brown fox jumps over the lazy dog. 🦊';
    expect(countTextTokensSync(text)).toBe(await countTextTokens(text));
    expect(countTextTokensSync('before <|endoftext|> after')).toBeGreaterThan(3);
  });
});
