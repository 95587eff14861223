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

describe('final screens are drawn once', () => {
  it('the newest result, trimmed while its message is the protected last one, is not drawn again a turn later (same bytes sent both times)', async () => {
    const { clearTrimMemo, prepareTrimmer, trimRequestBody } = await import('../../source/trimming/trim-request.js');
    const { renderCounter } = await import('../../source/trimming/tool-output.js');
    await prepareTrimmer();
    clearTrimMemo();
    const progress = `${Array.from({ length: 21 }, (_, i) => `\r${String(i * 5).padStart(3)}%|${'#'.repeat(i)}${' '.repeat(20 - i)}| ${i}/20`).join('')}\ninstalled 20 packages\n`;
    const turn = [
      { role: 'user', content: 'Install.' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'npm ci' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: progress }] },
    ];
    const before = renderCounter.drawn;
    const first = await trimRequestBody({ model: 'm', messages: turn }, 'anthropic');
    expect(renderCounter.drawn - before).toBe(1);
    const next = await trimRequestBody({ model: 'm', messages: [...turn, { role: 'assistant', content: 'Done.' }, { role: 'user', content: 'Now test.' }] }, 'anthropic');
    expect(renderCounter.drawn - before).toBe(1);
    expect((next.body.messages as unknown[])[2]).toEqual((first.body.messages as unknown[])[2]);
    expect(JSON.stringify((first.body.messages as unknown[])[2])).toContain('100%|####################| 20/20');
  });
});
