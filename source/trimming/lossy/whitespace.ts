import { isBlank, rewriteEachLine, type Line } from './lines.js';

/** Strips spaces and tabs (and other whitespace) at line ends; returns how many lines changed. */
export function stripTrailingWhitespace(lines: Line[]): number {
  return rewriteEachLine(lines, (text) => text.replace(/\s+$/u, ''));
}

/** Collapses each run of two or more blank lines into one empty line; a single blank line stays. */
export function collapseBlankLines(lines: readonly Line[]): { lines: Line[]; collapsed: number } {
  const kept: Line[] = [];
  let collapsed = 0;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (!isBlank(line.text)) {
      kept.push(line);
      i += 1;
      continue;
    }
    let end = i + 1;
    while (end < lines.length && isBlank(lines[end]!.text)) end += 1;
    if (end - i >= 2) {
      kept.push({ text: '', eol: lines[end - 1]!.eol });
      collapsed += 1;
    } else {
      kept.push(line);
    }
    i = end;
  }
  return { lines: kept, collapsed };
}
