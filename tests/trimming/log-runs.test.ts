import { describe, expect, it } from 'vitest';
import { cleanTerminalText } from '../../source/trimming/clean-output.js';
import type { RuleCounts } from '../../source/trimming/rules.js';

const clean = (text: string): { text: string; counts: RuleCounts } => {
  const counts: RuleCounts = {};
  return { text: cleanTerminalText(text, counts), counts };
};

describe('runs of identical log lines (rule 5)', () => {
  it('collapses a run into one line with its count', () => {
    const input = ['start', ...Array<string>(20).fill('[db] connecting to postgres://localhost:5432/app'), 'connected'].join('\n');
    const { text, counts } = clean(input);
    expect(text).toBe('start\n[db] connecting to postgres://localhost:5432/app (×20)\nconnected');
    expect(counts['repeated-lines']).toBe(1);
  });

  it('collapses lines that differ only in colour codes or trailing spaces', () => {
    const input = Array.from({ length: 4 }, (_, i) => `\u001b[33mWarning\u001b[39m: retrying${' '.repeat(i)}`).join('\n');
    expect(clean(input).text).toBe('Warning: retrying (×4)');
  });

  it('keeps a run at the end of a text with the text ending it had', () => {
    expect(clean('a line that repeats\na line that repeats\na line that repeats\n').text).toBe('a line that repeats (×3)\n');
    expect(clean('x\r\nretry failed\r\nretry failed\r\nretry failed\r\ny').text).toBe('x\r\nretry failed (×3)\r\ny');
  });

  it('keeps a line repeated non-consecutively', () => {
    const input = 'retry failed\nwaiting\nretry failed\nwaiting\nretry failed';
    expect(clean(input)).toEqual({ text: input, counts: {} });
  });

  it('keeps two identical lines in a row (could be code)', () => {
    const input = 'print("=" * 40)\nprint("=" * 40)\nprint(title)';
    expect(clean(input)).toEqual({ text: input, counts: {} });
  });

  it('keeps runs of structural lines without words (braces, rules)', () => {
    const input = '      }\n      }\n      }\n----\n----\n----';
    expect(clean(input)).toEqual({ text: input, counts: {} });
  });
});
