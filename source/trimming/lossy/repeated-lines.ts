import type { Line } from './lines.js';

/** Shorter runs stay: two equal lines in a row are as likely code (`print("=" * 40)` twice) as log spam. */
export const minimumRun = 3;

/** Lines worth collapsing carry a word or number; `}` or `----` repeated are structure, not spam. */
const hasContent = /[\p{L}\p{N}]/u;

/**
 * Collapses runs of identical consecutive lines (`minimumRun` or more) into the first one followed
 * by ` (×N)`. Non-consecutive repeats and blank lines are left alone. Returns the kept lines and how
 * many runs were collapsed.
 */
export function collapseRepeatedLines(lines: readonly Line[]): { lines: Line[]; collapsed: number } {
  const kept: Line[] = [];
  let collapsed = 0;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    let end = i + 1;
    while (end < lines.length && lines[end]!.text === line.text) end += 1;
    const run = end - i;
    if (run >= minimumRun && hasContent.test(line.text)) {
      // The run's last line ending, so a run at the end of the text keeps the text's own ending.
      kept.push({ text: `${line.text} (×${run})`, eol: lines[end - 1]!.eol });
      collapsed += 1;
    } else {
      for (let j = i; j < end; j++) kept.push(lines[j]!);
    }
    i = end;
  }
  return { lines: kept, collapsed };
}
