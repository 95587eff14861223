import { describe, expect, it } from 'vitest';
import { cleanTerminalText } from '../../source/trimming/clean-output.js';
import type { RuleCounts } from '../../source/trimming/rules.js';

const clean = (text: string): { text: string; counts: RuleCounts } => {
  const counts: RuleCounts = {};
  return { text: cleanTerminalText(text, counts), counts };
};

describe('runs of blank lines (rule 6)', () => {
  it('collapses a run of blank (or whitespace-only) lines to one', () => {
    const { text, counts } = clean('first\n\n\n  \n\t\nsecond\n\n\n\nthird');
    expect(text).toBe('first\n\nsecond\n\nthird');
    expect(counts['blank-lines']).toBe(2);
  });

  it('keeps a single blank line', () => {
    expect(clean('first\n\nsecond\n')).toEqual({ text: 'first\n\nsecond\n', counts: {} });
  });

  it('handles \\r\\n text and keeps its line endings', () => {
    expect(clean('first\r\n\r\n\r\n\r\nsecond\r\n').text).toBe('first\r\n\r\nsecond\r\n');
  });

  it('collapses a trailing run, keeping the final line ending', () => {
    expect(clean('done\n\n\n\n').text).toBe('done\n\n');
  });
});

describe('trailing whitespace (rule 7)', () => {
  it('strips spaces and tabs at line ends', () => {
    const { text, counts } = clean('total 12   \nfile.txt\t\nlast  ');
    expect(text).toBe('total 12\nfile.txt\nlast');
    expect(counts['trailing-whitespace']).toBe(3);
  });

  it('keeps leading indentation and inner spacing', () => {
    const input = '    indented  code  here\n\tand tabs\tinside';
    expect(clean(input)).toEqual({ text: input, counts: {} });
  });

  it('strips before \\r\\n without touching the line ending', () => {
    expect(clean('a  \r\nb \r\n').text).toBe('a\r\nb\r\n');
  });

  it('leaves a clean text exactly as it was', () => {
    for (const text of ['', '\n', 'one line', 'a\nb\n', 'a\r\nb', 'x\n\ny']) expect(clean(text)).toEqual({ text, counts: {} });
  });
});
