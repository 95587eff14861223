import { describe, expect, it } from 'vitest';
import { stripAnsi } from '../../source/trimming/ansi.js';
import { cleanTerminalText } from '../../source/trimming/clean-output.js';

const esc = '\u001b';

describe('ANSI escape codes (rule 3)', () => {
  it('removes colour and style CSI sequences', () => {
    expect(stripAnsi(`${esc}[1m${esc}[31mFAIL${esc}[39m${esc}[22m tests/a.test.ts`)).toEqual({ text: 'FAIL tests/a.test.ts', removed: 4 });
  });

  it('removes cursor moves, erase-line, private modes and 256/true-colour sequences', () => {
    expect(stripAnsi(`${esc}[?25l${esc}[2K${esc}[1A${esc}[38;5;208morange${esc}[38;2;1;2;3m rgb${esc}[0m${esc}[?25h`).text).toBe('orange rgb');
  });

  it('removes OSC sequences (window title, hyperlinks) ended by BEL or ST', () => {
    expect(stripAnsi(`${esc}]0;npm install\u0007done`).text).toBe('done');
    expect(stripAnsi(`see ${esc}]8;;https://example.com${esc}\\the docs${esc}]8;;${esc}\\ now`).text).toBe('see the docs now');
  });

  it('removes an unterminated OSC only to the end of its line', () => {
    expect(stripAnsi(`${esc}]0;title\nnext line`).text).toBe('\nnext line');
  });

  it('removes two-character escapes and charset selection', () => {
    expect(stripAnsi(`${esc}(Bplain${esc}7saved${esc}8`).text).toBe('plainsaved');
  });

  it('keeps escape-like text that is not an escape: code, JSON, caret notation', () => {
    const code = 'const red = "\\x1b[31m"; // or \\u001b[31m, or \\033[0m\nprintf("^[[1m bold")\n[31m is not an escape without ESC';
    expect(stripAnsi(code)).toEqual({ text: code, removed: 0 });
  });

  it('counts into the ansi rule through the tool-output cleaner', () => {
    const counts = {};
    expect(cleanTerminalText(`${esc}[32m✓${esc}[39m ok`, counts)).toBe('✓ ok');
    expect(counts).toEqual({ ansi: 2 });
  });
});
