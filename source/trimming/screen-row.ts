import { eastAsianWidth } from 'get-east-asian-width';

/** One row of the terminal renderer's screen, and writing characters into it cell by cell. */

/** The model cannot render this text faithfully: the caller forwards it unchanged. */
export class Unrenderable extends Error {}

/** Beyond this column a terminal would have wrapped long ago: not modelled. */
export const maxColumn = 4096;

export interface Row {
  /** Clean: written once, left to right, with only printable characters and SGR: emitted as its source bytes. */
  clean: boolean;
  start: number;
  /** Where the row's text ends in the source (its line ending starts); -1 while it is still being written. */
  end: number;
  eol: string;
  startStyle: string;
  endStyle: string;
  /** Dirty rows only: one entry per column ('' is the right half of a wide character), and the style of each. */
  cells: string[];
  styles: string[];
}

export function newRow(start: number, style: string): Row {
  return { clean: true, start, end: -1, eol: '', startStyle: style, endStyle: style, cells: [], styles: [] };
}

const zeroWidth = /^[\p{Mn}\p{Me}\u200b\u200c\u2060]$/u;

/**
 * Other invisible format characters (a BOM, direction marks, a soft hyphen, ...), and what makes an emoji
 * sequence (the emoji variation selector in `✔️`, the joiner of `👩‍💻`, skin tones): terminals disagree on
 * their width, so where one lands in a redrawn row, the cells after it cannot be placed.
 */
const formatCharacter = /^[\p{Cf}\ufe0f\u{1f3fb}-\u{1f3ff}]$/u;

function charWidth(char: string): number {
  const code = char.codePointAt(0)!;
  if (code < 0x300 && code !== 0xad) return 1;
  if (formatCharacter.test(char)) throw new Unrenderable();
  if (zeroWidth.test(char)) return 0;
  return eastAsianWidth(code);
}

export const isWide = (cell: string | undefined): boolean => cell !== undefined && cell !== '' && cell !== ' ' && charWidth(cell[0] === undefined ? ' ' : String.fromCodePoint(cell.codePointAt(0)!)) === 2;

export function setCell(row: Row, col: number, char: string, style: string): void {
  while (row.cells.length < col) {
    row.cells.push(' ');
    row.styles.push('');
  }
  // Overwriting half of a wide character blanks its other half.
  if (row.cells[col] === '' && col > 0) row.cells[col - 1] = ' ';
  else if (isWide(row.cells[col]) && row.cells[col + 1] === '') row.cells[col + 1] = ' ';
  row.cells[col] = char;
  row.styles[col] = style;
}

/** Writes one character at `col`; returns the column after it. */
export function writeChar(row: Row, col: number, char: string, style: string): number {
  if (col > maxColumn) throw new Unrenderable();
  if (char === '\t') throw new Unrenderable();
  const width = charWidth(char);
  if (width === 0) {
    const previous = row.cells[col - 1] === '' ? col - 2 : col - 1;
    if (previous >= 0 && row.cells[previous] !== undefined) {
      row.cells[previous] += char;
      return col;
    }
    setCell(row, col, char, style);
    return col + 1;
  }
  setCell(row, col, char, style);
  if (width === 2) {
    // The right half: whatever stood there goes (and the other half of a wide character it was part of).
    if (isWide(row.cells[col + 1]) && row.cells[col + 2] === '') row.cells[col + 2] = ' ';
    row.cells[col + 1] = '';
    row.styles[col + 1] = style;
  }
  return col + width;
}

