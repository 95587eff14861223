import { encodableSgr, isSgr, sgrAfter, sgrTransition as transition } from './sgr.js';
import { isWide, maxColumn, newRow, setCell, Unrenderable, writeChar, type Row, type WidthUse, type Widths } from './screen-row.js';

/**
 * Renders terminal output the way a terminal would show it once the program finished: `\r`, backspace,
 * cursor movement (`ESC[nA/B/C/D/E/F/G`), erase (`ESC[K`, `ESC[J`, `ESC[X/P/@`), save/restore cursor,
 * and invisible sequences (titles, modes, bells) are applied instead of passed on. What stays visible
 * stays: a row the program wrote once, from left to right, comes out byte for byte (colours included);
 * a row it redrew comes out as its final cells, with colours re-encoded as SGR sequences.
 *
 * Assumptions, each on the safe side: the terminal is infinitely wide (no wrapping), `\n` also returns to
 * column 0 (as a tty's output processing does), and a cleared screen (`ESC[2J`, `ESC c`) keeps what it
 * showed before as history. Anything this model cannot place with certainty (absolute positioning,
 * scroll regions, the alternate screen, hyperlinks, tabs in a redrawn row, an unterminated sequence, an
 * SGR it cannot write again, a row whose final screen mixes two frames) makes the whole text come back
 * unchanged.
 */

/** Control bytes that make a terminal show something else than the bytes in order (`\r\n` is a line end). */
const screenControl = /[\u001b\u009b\b]|\r(?!\n)/u;

/** Whether rendering could change the text; text without any such control is never touched. */
export function needsRendering(text: string): boolean {
  return screenControl.test(text);
}

/**
 * OSCs that show nothing: a title set to nothing (`OSC 0;`, `1;`, `2;` then the end), the working directory
 * (`OSC 7`), shell-integration marks (`OSC 133`, VS Code's `OSC 633`), a taskbar progress state (`OSC 9;4`).
 */
const invisibleOsc = /^(?:[012];(?:\u0007|\u001b)|7;|133;|633;|9;4;)/u;

/** `ESC[4h` among a mode set's parameters: insert mode. */
const insertMode = /(?:^|;)0*4(?:;|$)/u;

/** Step by step, so a caller can yield to the event loop between slices of a long text. */
export class TerminalRender {
  private pos = 0;
  private readonly rows: Row[] = [];
  private row = 0;
  private col = 0;
  private style = '';
  private top = 0;
  private saved: { row: number; col: number } | undefined;
  /** The screen was cleared: its top is the terminal's top, where upward movement stops. */
  private cleared = false;
  private failed = false;
  /**
   * The row a bare `\r` last returned over, how far the text written on it since then reaches, and whether
   * the row already showed two frames mixed when it returned (mixedNow).
   */
  private returned: { row: number; reach: number; wrote: boolean; mixed: boolean } | undefined;
  /** The disputed widths (screen-row.ts) met in redrawn rows: where they stand, another terminal may show another screen. */
  readonly widthUse: WidthUse = { widerElsewhere: false, narrowerElsewhere: false };

  /** `widths`: how wide the characters terminals disagree on are taken to be. */
  constructor(
    private readonly text: string,
    private readonly widths: Widths = 'usual',
  ) {
    this.rows.push(newRow(0, ''));
  }

  get done(): boolean {
    return this.failed || this.pos >= this.text.length;
  }

  /** Processes about `budget` more characters (never splitting an escape sequence). */
  step(budget: number): void {
    if (this.done) return;
    try {
      const limit = Math.min(this.text.length, this.pos + budget);
      while (this.pos < limit) this.next();
      if (this.pos >= this.text.length) this.leaveReturnedRow();
    } catch (error) {
      if (!(error instanceof Unrenderable)) throw error;
      this.failed = true;
    }
  }

  /** The rendered text, or the original when it could not be rendered faithfully. */
  result(): string {
    while (!this.done) this.step(1 << 16);
    while (!this.emitted) this.emit(1 << 16);
    return this.output!;
  }

  /**
   * The screen written so far: `out` holds this call's pieces (a cell each in a redrawn row), `written`
   * each earlier call's pieces joined, so no call joins more than its own budget's worth (one join of the
   * whole screen's pieces at the end took ~13 ms for a 450 KB test log, in one turn of the event loop).
   */
  private emitState: { out: string[]; written: string[]; current: string; index: number } | undefined;
  private output: string | undefined;

  /** Whether the rendered text is complete (call `emit` until it is, once `done`). */
  get emitted(): boolean {
    return this.output !== undefined;
  }

  /** Writes out about `budget` more cells of the final screen (after `done`). */
  emit(budget: number): void {
    if (this.output !== undefined) return;
    if (this.failed) {
      this.output = this.text;
      return;
    }
    if (!this.emitState) {
      const frontier = this.rows.at(-1)!;
      if (frontier.clean) {
        frontier.end = this.text.length;
        frontier.endStyle = this.style;
      }
      this.emitState = { out: [], written: [], current: '', index: 0 };
    }
    const state = this.emitState;
    const out = state.out;
    const lastIndex = this.rows.length - 1;
    let spent = 0;
    while (state.index <= lastIndex && spent < budget) {
      const index = state.index;
      const row = this.rows[index]!;
      if (row.clean) {
        if (state.current !== row.startStyle) out.push(transition(state.current, row.startStyle));
        out.push(this.text.slice(row.start, row.end));
        state.current = row.endStyle;
        spent += 1;
      } else {
        for (let i = 0; i < row.cells.length; i++) {
          const cell = row.cells[i] ?? ' ';
          if (cell === '') continue;
          const style = row.styles[i] ?? '';
          if (style !== state.current) {
            out.push(transition(state.current, style));
            state.current = style;
          }
          out.push(cell);
        }
        spent += row.cells.length + 1;
        // Before its line ending, a redrawn row goes to the state the next source row starts in (as the source
        // did, normally with a reset there).
        const next = this.rows[index + 1];
        const target = next === undefined ? this.style : next.clean ? next.startStyle : state.current;
        if (state.current !== target) {
          out.push(transition(state.current, target));
          state.current = target;
        }
      }
      // The text ends in the colour state it ended in originally (normally reset).
      if (index === lastIndex && state.current !== this.style) out.push(transition(state.current, this.style));
      out.push(row.eol);
      state.index += 1;
    }
    state.written.push(out.join(''));
    out.length = 0;
    if (state.index > lastIndex) {
      this.output = state.written.join('');
      this.emitState = undefined;
    }
  }

  private next(): void {
    const text = this.text;
    const code = text.charCodeAt(this.pos);
    if (code >= 0x20 && code !== 0x7f && code !== 0x9b && code !== 0x9c) {
      this.printable();
      return;
    }
    switch (code) {
      case 0x0a:
        this.lineFeed(this.pos, '\n');
        this.pos += 1;
        return;
      case 0x0d:
        if (text.charCodeAt(this.pos + 1) === 0x0a) {
          this.lineFeed(this.pos, '\r\n');
          this.pos += 2;
          return;
        }
        this.dirty();
        this.returnTo(this.row);
        this.col = 0;
        this.pos += 1;
        return;
      case 0x08:
        this.dirty();
        this.col = Math.max(0, this.col - 1);
        this.pos += 1;
        return;
      case 0x09:
        this.printable();
        return;
      case 0x1b:
        this.escape();
        return;
      case 0x9b:
        this.csi(this.pos + 1);
        return;
      case 0x0b:
      case 0x0c:
        throw new Unrenderable();
      default:
        // NUL, BEL, SO/SI, DEL and the other C0 controls: a terminal shows nothing for them.
        this.dirty();
        this.pos += 1;
    }
  }

  /** A run of printable characters (and tabs) up to the next control. */
  private printable(): void {
    const text = this.text;
    let end = this.pos;
    while (end < text.length) {
      const code = text.charCodeAt(end);
      if ((code < 0x20 && code !== 0x09) || code === 0x7f || code === 0x9b || code === 0x9c) break;
      end += 1;
    }
    const frontier = this.rows.length - 1;
    if (this.row === frontier && this.rows[frontier]!.clean) {
      // Appending to a row written left to right: nothing to model, its bytes are kept as they are.
      this.pos = end;
      return;
    }
    const row = this.materialise(this.row);
    for (const char of text.slice(this.pos, end)) this.col = writeChar(row, this.col, char, this.style, this.widths, this.widthUse);
    this.pos = end;
    const returned = this.returned;
    if (returned?.row === this.row) {
      returned.wrote = true;
      returned.reach = Math.max(returned.reach, this.col);
    }
  }

  /**
   * Whether the row the cursor returned over shows two frames mixed: text was written over it since the
   * `\r`, and what the frame before left beyond its end is not blank ("saved 42 rows" over "fetching 100%
   * 10/10" shows "saved 42 rows 10/10"). No program means that line: it happens when the bytes are not a
   * redraw at all (a file with CR line ends whose records differ in length) or when a frame fails to cover
   * the one before, and either way the model reads the parts better as they came.
   */
  private mixedNow(): boolean {
    const returned = this.returned;
    if (returned === undefined) return false;
    if (!returned.wrote) return returned.mixed;
    const cells = this.rows[returned.row]?.cells ?? [];
    for (let c = returned.reach; c < cells.length; c++) if (cells[c] !== ' ' && cells[c] !== '' && cells[c] !== undefined) return true;
    return false;
  }

  /** A bare `\r` on `row`: the frame drawn so far may be covered by the next one. */
  private returnTo(row: number): void {
    const mixed = this.returned?.row === row ? this.mixedNow() : (this.leaveReturnedRow(), false);
    this.returned = { row, reach: 0, wrote: false, mixed };
  }

  /** The cursor leaves the row it returned over (or the text ends): the row's final screen is settled. */
  private leaveReturnedRow(): void {
    if (this.returned === undefined) return;
    if (this.mixedNow()) throw new Unrenderable();
    this.returned = undefined;
  }

  private lineFeed(at: number, eol: string): void {
    this.leaveReturnedRow();
    const current = this.rows[this.row]!;
    if (this.row === this.rows.length - 1) {
      if (current.clean) {
        current.end = at;
        current.endStyle = this.style;
      }
      current.eol = eol;
      this.rows.push(newRow(at + eol.length, this.style));
    } else {
      // Moving down over rows that already exist: the source's later bytes no longer follow any row's own.
      this.dirty();
    }
    this.row += 1;
    this.col = 0;
  }

  /** The frontier row's bytes now hold a control: from here on it is modelled cell by cell. */
  private dirty(): void {
    this.materialise(this.rows.length - 1);
  }

  /** Turns a clean row into cells (from its source bytes so far) so it can be redrawn. */
  private materialise(index: number): Row {
    // A row above the output (up): not this text's to draw.
    if (index < 0) throw new Unrenderable();
    const row = this.rows[index]!;
    if (!row.clean) return row;
    if (index === this.rows.length - 1) {
      row.end = this.pos;
      row.endStyle = this.style;
    }
    row.clean = false;
    let style = row.startStyle;
    let col = 0;
    const source = this.text.slice(row.start, row.end);
    for (let i = 0; i < source.length; ) {
      const sgr = source.charCodeAt(i) === 0x1b ? isSgr(source, i) : 0;
      if (sgr > 0) {
        style = sgrAfter(style, source.slice(i, i + sgr));
        i += sgr;
        continue;
      }
      const char = String.fromCodePoint(source.codePointAt(i)!);
      if (char === '\t') throw new Unrenderable();
      col = writeChar(row, col, char, style, this.widths, this.widthUse);
      i += char.length;
    }
    if (index === this.row && index === this.rows.length - 1) this.col = col;
    return row;
  }

  private escape(): void {
    const text = this.text;
    const at = this.pos;
    const kind = text[at + 1];
    if (kind === undefined) throw new Unrenderable();
    if (kind === '[') {
      this.csi(at + 2);
      return;
    }
    if (kind === ']' || kind === 'P' || kind === 'X' || kind === '^' || kind === '_') {
      this.stringSequence(at, kind);
      return;
    }
    this.dirty();
    this.pos = at + 2;
    switch (kind) {
      case '7':
        this.saved = { row: this.row, col: this.col };
        return;
      case '8':
        this.restore();
        return;
      case 'M':
        this.up(1);
        return;
      case 'D':
        this.down(1);
        return;
      case 'E':
        this.down(1);
        this.col = 0;
        return;
      case 'c':
        this.clearScreen();
        return;
      case '=':
      case '>':
        return;
      case '(':
      case ')':
      case '*':
      case '+':
        // Character set designation: one more byte. Only US ASCII (`ESC(B`, as `tput sgr0` writes) leaves
        // the characters as they are; in the DEC line-drawing set (`ESC(0`) `lqqk` is the top of a box, and
        // dropping the switch would turn a dialog's frame into letters.
        if (text[at + 2] !== 'B') throw new Unrenderable();
        this.pos = at + 3;
        return;
      default:
        throw new Unrenderable();
    }
  }

  /**
   * OSC, DCS, SOS, PM, APC, ended by BEL (OSC only) or ST. Only the OSCs known to show nothing are dropped
   * (invisibleOsc): the others show something a model reading the final screen would miss, a hyperlink's
   * URL, a window title, an inline image (iTerm2's `OSC 1337;File=`, kitty's APC graphics, sixel in a
   * DCS), a desktop notification (`OSC 9`, `OSC 777`): not modelled.
   */
  private stringSequence(at: number, kind: string): void {
    const text = this.text;
    if (kind !== ']' || !invisibleOsc.test(text.slice(at + 2, at + 8))) throw new Unrenderable();
    let i = at + 2;
    while (i < text.length) {
      const code = text.charCodeAt(i);
      if (code === 0x07 && kind === ']') break;
      if (code === 0x9c) break;
      if (code === 0x1b && text[i + 1] === '\\') {
        i += 1;
        break;
      }
      if (code === 0x0a) throw new Unrenderable();
      i += 1;
    }
    if (i >= text.length) throw new Unrenderable();
    this.dirty();
    this.pos = i + 1;
  }

  private csi(paramsAt: number): void {
    const text = this.text;
    let i = paramsAt;
    while (i < text.length && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x3f) i += 1;
    const paramsEnd = i;
    while (i < text.length && text.charCodeAt(i) >= 0x20 && text.charCodeAt(i) <= 0x2f) i += 1;
    const final = text[i];
    if (final === undefined || final.charCodeAt(0) < 0x40 || final.charCodeAt(0) > 0x7e) throw new Unrenderable();
    const params = text.slice(paramsAt, paramsEnd);
    const intermediates = i > paramsEnd;
    if (final === 'm' && !intermediates && !/^[<=>?]/u.test(params)) {
      if (!encodableSgr(text.slice(this.pos, i + 1))) throw new Unrenderable();
      this.style = sgrAfter(this.style, text.slice(this.pos, i + 1));
      this.pos = i + 1;
      return;
    }
    // Before moving on: the frontier row's own bytes end where this sequence starts.
    this.dirty();
    this.pos = i + 1;
    if (intermediates) return; // cursor style (`ESC[2 q`) and the like: invisible
    const privateMode = /^[<=>?]/u.test(params);
    // Insert mode (IRM, `ESC[4h`): characters written from then on push the row's rest to the right instead
    // of overwriting it. Not modelled.
    if (!privateMode && final === 'h' && insertMode.test(params)) throw new Unrenderable();
    if (privateMode) {
      // The alternate screen and scroll regions change what "the screen" is: not modelled.
      if ((final === 'h' || final === 'l') && /\b(?:47|1047|1049)\b/u.test(params)) throw new Unrenderable();
      if (final === 'h' || final === 'l' || final === 'm' || final === 'n' || final === 'c' || final === 'u' || final === 'p') return;
      throw new Unrenderable();
    }
    const numbers = params.split(';').map((part) => (part === '' ? 0 : Number(part)));
    if (numbers.some((n) => !Number.isFinite(n))) throw new Unrenderable();
    const n = Math.max(1, numbers[0] ?? 0);
    const mode = numbers[0] ?? 0;
    switch (final) {
      case 'A':
        this.up(n);
        return;
      case 'B':
        this.down(n);
        return;
      case 'C':
        this.moveTo(this.col + n);
        return;
      case 'D':
        this.col = Math.max(0, this.col - n);
        return;
      case 'E':
        this.down(n);
        this.col = 0;
        return;
      case 'F':
        this.up(n);
        this.col = 0;
        return;
      case 'G':
      case '`':
        this.moveTo(n - 1);
        return;
      case 'K':
        this.eraseInLine(mode);
        return;
      case 'J':
        this.eraseInDisplay(mode);
        return;
      case 'X': {
        const row = this.materialise(this.row);
        for (let c = this.col; c < Math.min(row.cells.length, this.col + n); c++) setCell(row, c, ' ', '', this.widths);
        return;
      }
      case 'P': {
        const row = this.materialise(this.row);
        row.cells.splice(this.col, n);
        row.styles.splice(this.col, n);
        return;
      }
      case '@': {
        const row = this.materialise(this.row);
        if (this.col < row.cells.length) {
          row.cells.splice(this.col, 0, ...Array<string>(Math.min(n, maxColumn)).fill(' '));
          row.styles.splice(this.col, 0, ...Array<string>(Math.min(n, maxColumn)).fill(''));
        }
        return;
      }
      case 's':
        this.saved = { row: this.row, col: this.col };
        return;
      case 'u':
        this.restore();
        return;
      case 'n':
      case 'c':
      case 't':
      case 'h':
      case 'l':
      case 'q':
        return; // reports, window operations, modes: invisible
      default:
        // Absolute positioning (H, f, d), scrolling (S, T), scroll regions (r): not modelled.
        throw new Unrenderable();
    }
  }

  /**
   * Up `n` rows. Above the output's first row are rows this text does not hold (the prompt, earlier
   * output): the cursor may pass through them (row < 0), but writing or erasing there is not modelled
   * (materialise), since what stays visible cannot be known. After a cleared screen the cursor stops at
   * the top, as on a terminal.
   */
  private up(n: number): void {
    this.leaveReturnedRow();
    this.row = this.cleared ? Math.max(this.top, this.row - n) : this.row - n;
  }

  /**
   * Down `n` rows, within the rows the output wrote. Below its last row a terminal has blank rows or
   * none (the cursor stops, or the screen scrolls): where the next text lands depends on the screen, so
   * the text is not rendered.
   */
  private down(n: number): void {
    this.leaveReturnedRow();
    if (this.row + n > this.rows.length - 1) throw new Unrenderable();
    this.row += n;
  }

  private moveTo(col: number): void {
    if (col > maxColumn) throw new Unrenderable();
    this.col = col;
  }

  private restore(): void {
    this.leaveReturnedRow();
    if (!this.saved) return;
    this.row = Math.min(this.rows.length - 1, this.saved.row < 0 ? this.saved.row : Math.max(this.top, this.saved.row));
    this.col = this.saved.col;
  }

  private eraseInLine(mode: number): void {
    const row = this.materialise(this.row);
    // What the erase leaves beyond the reach of the text written since the return is all that can mix.
    if (this.returned?.row === this.row) this.returned.wrote = true;
    if (mode === 0) {
      if (this.col < row.cells.length) {
        row.cells.length = this.col;
        row.styles.length = this.col;
        // A wide character cut in half leaves a blank, as on a terminal.
        if (isWide(row.cells[this.col - 1], this.widths)) row.cells[this.col - 1] = ' ';
      }
    } else if (mode === 1) {
      for (let c = 0; c <= Math.min(this.col, row.cells.length - 1); c++) setCell(row, c, ' ', '', this.widths);
    } else if (mode === 2) {
      row.cells.length = 0;
      row.styles.length = 0;
    } else throw new Unrenderable();
  }

  private eraseInDisplay(mode: number): void {
    if (mode === 0) {
      this.eraseInLine(0);
      this.rows.length = this.row + 1;
      return;
    }
    if (mode === 2 || mode === 3) {
      this.clearScreen();
      return;
    }
    throw new Unrenderable();
  }

  /** What the screen showed stays as history; drawing starts again on a new row below it. */
  private clearScreen(): void {
    this.leaveReturnedRow();
    const last = this.materialise(this.rows.length - 1);
    if (last.cells.length > 0) {
      last.eol ||= '\n';
      this.rows.push({ ...{}, ...newRow(this.pos, this.style), clean: false });
    }
    this.top = this.rows.length - 1;
    this.cleared = true;
    this.row = this.top;
    this.col = 0;
  }
}
