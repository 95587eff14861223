import { eastAsianWidth, eastAsianWidthType } from 'get-east-asian-width';

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

/**
 * How wide the characters terminals disagree on are taken to be. East Asian "ambiguous" characters (block
 * and box drawing like tqdm's `█`, `□`, `·`, `…`, Greek and Cyrillic letters) take two cells in a CJK
 * locale and one elsewhere; pictographs take two cells in a terminal that knows them as emoji and one in
 * one with an older width table. `usual` is the common case (ambiguous narrow, emoji as Unicode says);
 * `narrow` and `wide` are the two extremes.
 */
export type Widths = 'usual' | 'narrow' | 'wide';

/** What a row's writes met that another width assumption would place elsewhere. */
export interface WidthUse {
  /** An ambiguous character, or a pictograph Unicode calls narrow: wider under `wide`. */
  widerElsewhere: boolean;
  /** A pictograph Unicode calls wide: narrower under `narrow`. */
  narrowerElsewhere: boolean;
}

const pictograph = /^\p{Extended_Pictographic}$/u;

function charWidth(char: string, widths: Widths = 'usual', use?: WidthUse): number {
  const code = char.codePointAt(0)!;
  if (code < 0x300 && code !== 0xad && (code < 0xa1 || eastAsianWidthType(code) !== 'ambiguous')) return 1;
  if (formatCharacter.test(char)) throw new Unrenderable();
  if (zeroWidth.test(char)) return 0;
  const usual = eastAsianWidth(code);
  const disputed = eastAsianWidthType(code) === 'ambiguous' || pictograph.test(char);
  if (!disputed) return usual;
  if (use) {
    if (usual === 1) use.widerElsewhere = true;
    else use.narrowerElsewhere = true;
  }
  return widths === 'usual' ? usual : widths === 'wide' ? 2 : 1;
}

export const isWide = (cell: string | undefined, widths: Widths = 'usual'): boolean => cell !== undefined && cell !== '' && cell !== ' ' && charWidth(cell[0] === undefined ? ' ' : String.fromCodePoint(cell.codePointAt(0)!), widths) === 2;

export function setCell(row: Row, col: number, char: string, style: string, widths: Widths = 'usual'): void {
  while (row.cells.length < col) {
    row.cells.push(' ');
    row.styles.push('');
  }
  // Overwriting half of a wide character blanks its other half.
  if (row.cells[col] === '' && col > 0) row.cells[col - 1] = ' ';
  else if (isWide(row.cells[col], widths) && row.cells[col + 1] === '') row.cells[col + 1] = ' ';
  row.cells[col] = char;
  row.styles[col] = style;
}

/** Writes one character at `col`; returns the column after it. `use` learns of the disputed widths it met. */
export function writeChar(row: Row, col: number, char: string, style: string, widths: Widths = 'usual', use?: WidthUse): number {
  if (col > maxColumn) throw new Unrenderable();
  if (char === '\t') throw new Unrenderable();
  const width = charWidth(char, widths, use);
  if (width === 0) {
    const previous = row.cells[col - 1] === '' ? col - 2 : col - 1;
    if (previous >= 0 && row.cells[previous] !== undefined) {
      row.cells[previous] += char;
      return col;
    }
    setCell(row, col, char, style, widths);
    return col + 1;
  }
  setCell(row, col, char, style, widths);
  if (width === 2) {
    // The right half: whatever stood there goes (and the other half of a wide character it was part of).
    if (isWide(row.cells[col + 1], widths) && row.cells[col + 2] === '') row.cells[col + 2] = ' ';
    row.cells[col + 1] = '';
    row.styles[col + 1] = style;
  }
  return col + width;
}

