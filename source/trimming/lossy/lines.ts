/** A line and the line ending that followed it, so `\r\n` text stays `\r\n`. */
export interface Line {
  text: string;
  eol: '\r\n' | '\n' | '';
}

export interface SplitText {
  lines: Line[];
  /** Whether the text ended with a line ending (then every line has one). */
  endsWithEol: boolean;
}

export function splitLines(text: string): SplitText {
  const pieces = text.split('\n');
  const lines: Line[] = [];
  pieces.forEach((piece, i) => {
    if (i < pieces.length - 1) lines.push(piece.endsWith('\r') ? { text: piece.slice(0, -1), eol: '\r\n' } : { text: piece, eol: '\n' });
    else if (piece !== '') lines.push({ text: piece, eol: '' });
  });
  return { lines, endsWithEol: text.endsWith('\n') };
}

/** Joins lines back; after lines were dropped the text still ends the way the original did. */
export function joinLines(lines: readonly Line[], endsWithEol: boolean): string {
  let out = '';
  lines.forEach((line, i) => {
    const last = i === lines.length - 1;
    out += line.text + (last && !endsWithEol ? '' : line.eol || (last ? '' : '\n'));
  });
  return out;
}

export const isBlank = (text: string): boolean => text.trim() === '';

/** Rewrites each line's text in place; returns how many lines changed. */
export function rewriteEachLine(lines: Line[], rewrite: (text: string) => string): number {
  let changed = 0;
  for (const line of lines) {
    const next = rewrite(line.text);
    if (next !== line.text) {
      line.text = next;
      changed += 1;
    }
  }
  return changed;
}
