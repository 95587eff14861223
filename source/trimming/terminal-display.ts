import { stepChars, type Pacer } from './pacer.js';
/**
 * Whether a program output's control characters are a terminal display's, so that rendering it (applying
 * `\r`, backspace and the invisible bytes as a terminal would) shows what the program meant, or bytes of
 * data the output carries, which the model must read as they are: a CRLF file's `\r` cut loose by `awk`,
 * `paste` or `echo "$var done"` (the classic "variable ends in \r" bug, visible only in the raw bytes),
 * a CR-only file through `grep`, `find -print0` or `git status -z` (NUL separates the names), a man page's
 * overstrike (`N\bN`), Latin-1 text decoded with C1 characters.
 *
 * The rule, from what real tools write (tests/fixtures/terminal, and tqdm, curl -#, wget, git, rsync,
 * ffmpeg, docker, npm, pip, cargo): a terminal's program either says it is drawing (cursor movement and
 * erase sequences, handled by the renderer; an erase of the line right after or before the `\r`, or a
 * frame of spaces wide enough to cover the one before, as apt writes), or it redraws
 * one progress line with bare `\r`: then every frame it overwrites carries a progress mark (a percentage,
 * a count like 19/300, a bar, a spinner glyph, a rate, an ETA) and is rewritten in the same shape (words
 * equal, numbers, bars and spinner glyphs aside). A backspace is a terminal's when it erases a spinner
 * glyph (`-\b`) or a cell (`\b \b`), as pip draws. Any other `\r`, backspace, NUL or control character
 * is data, and the whole output is forwarded unchanged. A row that did not begin with a `\r` asks more of
 * its frames (progressFrame): a file with CR line ends looks like frames of one shape too.
 */
export function drawnForTerminal(text: string): boolean {
  if (dataControl.test(text)) return false;
  const rows = text.split('\n');
  return rows.every((row, i) => rowOfScreenDrawn(rows, i));
}

/** drawnForTerminal, pacing every `stepChars` characters of rows read (a 450 KB test log took ~30 ms at once). */
export async function drawnForTerminalPaced(text: string, pacer: Pacer): Promise<boolean> {
  if (dataControl.test(text)) return false;
  const rows = text.split('\n');
  return everyRowPaced(rows, pacer, (_row, i) => rowOfScreenDrawn(rows, i));
}

/** Whether `visit` holds for every row (stopping at the first that fails), pacing every `stepChars` characters of rows read. */
async function everyRowPaced(rows: readonly string[], pacer: Pacer, visit: (row: string, index: number) => boolean): Promise<boolean> {
  let read = 0;
  for (let i = 0; i < rows.length; i++) {
    if (!visit(rows[i]!, i)) return false;
    read += rows[i]!.length + 1;
    if (read >= stepChars) {
      read = 0;
      await pacer.pace();
    }
  }
  return true;
}

/** Row `i` of a text split at `\n`: every row but the last ended in `\n`, so a `\r` before it is a CRLF line ending. */
function rowOfScreenDrawn(rows: readonly string[], i: number): boolean {
  const row = rows[i]!;
  return rowDrawnForTerminal(i < rows.length - 1 && row.endsWith('\r') ? row.slice(0, -1) : row);
}

/**
 * Control characters never part of a terminal display: C0 controls but tab, line feed, `\r`, backspace,
 * escape and a bell that ends an OSC sequence (`ESC ] 0;title BEL`); DEL; C1 controls (a UTF-8 terminal
 * program writes 7-bit escapes, so a U+0080-U+009F character is text decoded as Latin-1).
 */
const dataControl = /[\u0000-\u0006\u000b\u000c\u000e-\u001a\u001c-\u001f\u007f-\u009f]|(?<!\u001b\][^\u0007\u001b\n]*)\u0007/u;

/** Escape sequences: CSI (with its final byte), OSC and other strings (to BEL or ST), and two-byte escapes. */
const escapeSequence = /\u001b(?:\[[0-?]*[ -/]*[@-~]|[\]PX^_][^\u0007\u001b]*(?:\u0007|\u001b\\)|[()*+].|[^[\]PX^_()*+])/gu;
/**
 * An erase of the line, right after the `\r`: `ESC[K`, `ESC[0K`, `ESC[2K` (SGR may come before `ESC[2K`).
 * Not `ESC[K` right after a colour: grep, gcc and git write `ESC[mESC[K` after every coloured match, and
 * in a CRLF file a match that runs to the end of its line puts that right after the line's `\r`, where a
 * terminal would blank the whole line the program printed.
 */
const eraseAfterReturn = /^(?:\u001b\[0?K|(?:\u001b\[[0-9;:]*m)*\u001b\[2K)/u;
/**
 * An erase right before the `\r`: of the whole line (`ESC[2K`), or of the rest of the line after the frame
 * was drawn (`ESC[K`, as npm's gauge does). Not `ESC[K` right after a colour: grep and gcc write
 * `ESC[mESC[K` around every coloured match, whatever follows it.
 */
const eraseBeforeReturn = /(?:\u001b\[2K|(?<!\u001b\[[0-9;:]*m)\u001b\[0?K)(?:\u001b\[[0-9;:]*m)*$/u;

function rowDrawnForTerminal(row: string): boolean {
  if (row.includes('\b') && !backspacesErase(row)) return false;
  if (!row.includes('\r')) return true;
  const frames = row.split('\r');
  const visible = frames.map((frame) => frame.replace(escapeSequence, '').replaceAll('\b', '').trim());
  const shapes = visible.map(shape);
  // The nearest frame with something in it, before and after each frame.
  const neighbour = (from: number, step: number): number => {
    for (let j = from + step; j >= 0 && j < frames.length; j += step) if (visible[j] !== '') return j;
    return -1;
  };
  let drawn = false;
  let blankReturns = 0;
  // tqdm, curl, wget and pv return to the line's start before their first frame; a file's CR line ends never do.
  const startsWithReturn = visible[0] === '';
  // Every line of a file with CR line ends ends in `\r`, its last one too: a row that did not begin with a
  // return and ends in one, with nothing drawn after it, is such a file's lines.
  if (!startsWithReturn && frames.length > 1 && frames.at(-1) === '' && frames.at(-2) !== '') return false;
  // The last frame with anything in it: every `\r` after it writes nothing more (found once: a row of
  // thousands of `\r ESC[K` asked for the rest of the row at each of them, quadratic: 128 KB took 1.9 s).
  let lastWritten = frames.length - 1;
  while (lastWritten >= 0 && frames[lastWritten] === '') lastWritten -= 1;
  if (alarmWord.test(row) && warnsOnlyWhileDrawn(visible, lastWritten)) return false;
  for (let i = 0; i < frames.length - 1; i++) {
    // The `\r` after frame i overwrites frame i: unless nothing is written after it (apt ends its last
    // frame with `\r\r\n`), which leaves frame i on the screen as it is; like a `\r` before nothing,
    // that is a terminal's only on a row redrawn anyway (a CRLF file's doubled `\r` is data).
    if (i >= lastWritten) {
      blankReturns += 1;
      break;
    }
    if (eraseAfterReturn.test(frames[i + 1]!) || eraseBeforeReturn.test(frames[i]!) || blanksOut(frames[i + 1]!, frames[i]!)) {
      drawn = true;
      continue;
    }
    if (visible[i] === '') {
      blankReturns += 1;
      continue;
    }
    if (!progressFrame(visible[i]!, shapes[i]!, startsWithReturn)) return false;
    const alike = [neighbour(i, -1), neighbour(i, 1)].some((j) => j !== -1 && sameShape(shapes[i]!, shapes[j]!));
    if (!alike) return false;
    drawn = true;
  }
  // A `\r` that overwrites nothing is a terminal's only on a row that is redrawn anyway (tqdm starts each frame with one).
  return blankReturns === 0 || drawn;
}

/**
 * Words (and the crosses test runners mark a failure with) that say something went wrong. A progress frame
 * (a percentage, a count, a spinner glyph) the program drew over that says one the row's last frame does not (`Downloading 45% (retry 1/3: connection
 * reset)`, `⠙ Installing 4/40 warning: peer dependency missing`) used the status line to report an event
 * the final screen no longer shows: the output goes as it came. A frame without a progress mark that the
 * program erased (jest's provisional `Tests: 3 failed`, rewritten as the real summary) is its own redraw.
 */
const alarmWord = /\b(?:errors?|fail(?:s|ed|ing|ure)?|warn(?:s|ed|ing|ings)?|fatal|panic(?:ked)?|exception|denied|refused|reset|timed out|timeout|abort(?:s|ed)?|retry(?:ing)?|retrie[sd]|cannot|can't|unable|invalid|missing|not found|killed|crash(?:ed|es)?|mismatch)\b|[✖✗✘❌⛔]/i;
const alarmWords = new RegExp(alarmWord.source, 'gi');

function warnsOnlyWhileDrawn(visible: readonly string[], lastWritten: number): boolean {
  const kept = new Set(Array.from((visible[lastWritten] ?? '').matchAll(alarmWords), (match) => match[0].toLowerCase()));
  for (let i = 0; i < lastWritten; i++) {
    if (!alarmWord.test(visible[i]!) || !progressMark.test(visible[i]!)) continue;
    for (const [word] of visible[i]!.matchAll(alarmWords)) if (!kept.has(word.toLowerCase())) return true;
  }
  return false;
}

/**
 * The same across rows: whether a progress frame that says something went wrong (alarmWord, progressMark)
 * is nowhere on the final screen, drawn over by a cursor moved up (a multi-row progress display: docker,
 * pnpm, cargo) or by a `\r`. Each piece of the output between line ends, returns and cursor or erase
 * sequences is one frame; a permanent line is found among the screen's lines at once, and at most
 * `maxLooseFrames` others are searched for in the whole screen (more: in doubt, true). A frame the screen
 * shows a later state of, in the same words (shape), said nothing the screen does not.
 */
export async function warningsDrawnAway(text: string, screen: string, pacer: Pacer): Promise<boolean> {
  if (!alarmWord.test(text)) return false;
  await pacer.pace();
  const shown = screen.replace(escapeSequence, '');
  const lines = new Set(shown.split('\n').map((line) => line.trim()));
  let shapes: Set<string> | undefined;
  let loose = 0;
  let read = 0;
  for (const piece of text.split(framePieces)) {
    read += piece.length + 1;
    if (read >= stepChars) {
      read = 0;
      await pacer.pace();
    }
    if (!alarmWord.test(piece)) continue;
    const visible = piece.replace(escapeSequence, '').replaceAll('\b', '').trim();
    if (visible === '' || !progressMark.test(visible) || lines.has(visible)) continue;
    if (++loose > maxLooseFrames) return true;
    // A search of the whole screen: at most maxLooseFrames of them, one per turn of the pacer.
    await pacer.pace();
    if (shown.includes(visible)) continue;
    // An earlier frame of a row the screen shows in the same words (`linting 10% (3 warnings)` under `linting 100% (3 warnings)`).
    shapes ??= new Set([...lines].map(shape));
    if (!shapes.has(shape(visible))) return true;
  }
  return false;
}

/** What ends a frame: a line end, a return, a cursor move or an erase. */
const framePieces = /\r|\n|\u001b\[[0-9;]*[ABEFGHJKf]/u;
const maxLooseFrames = 64;

/**
 * Whether `next` erases `frame` with spaces: nothing but spaces, at least as many as the cells `frame`
 * covers (apt writes `\r0% [Working]\r            \r` before each line it keeps). Cells are counted
 * as two per character outside printable ASCII, more than any of them can cover.
 */
function blanksOut(next: string, frame: string): boolean {
  if (next === '' || !/^ +$/u.test(next)) return false;
  const visible = frame.replace(escapeSequence, '');
  const cells = /^[\x20-\x7e]*$/u.test(visible) ? visible.length : 2 * visible.length;
  return next.length >= cells;
}

/**
 * Cursor movement across rows (up, down, next or previous line, index, save and restore, erase below):
 * where it lands depends on the rows the program wrote before, so it can only be placed in the program's
 * whole output, not in lines a filter kept or reordered.
 */
export function movesAcrossRows(text: string): boolean {
  return acrossRows.test(text);
}

const acrossRows = /\u001b(?:\[[0-9;]*[ABEFJsu]|[78MDE])|\u009b[0-9;]*[ABEFJsu]/u;

/**
 * Whether the tool cut lines out of the output and says so where they were (Codex: `…120 tokens
 * truncated…`, `[... omitted 200 of 400 lines ...]`; Claude Code: `... [120 lines truncated] ...`; `... 40
 * more lines`; without a count: `[output truncated]`, `(truncated)`, `… truncated`): a cursor move across
 * rows after the cut lands on a row that is no longer there.
 */
export function cutByTool(text: string): boolean {
  return cutMarker.test(text);
}

/**
 * The filler between the opening mark and the count is bounded: unbounded, every `...` inside a long run of
 * dots and spaces (a dot reporter, wget's dot progress) scanned the rest of the run, quadratic time (20 KB
 * of dots held the event loop for a second).
 */
const cutMarker =
  /(?:…|\.\.\.|\[)[\s.…]{0,8}(?:omitted\s+\d|\d[\d,]*\s+(?:more\s+)?(?:lines?|chars?|characters|tokens|bytes)\b(?:\s+(?:truncated|omitted|elided|hidden|not shown))?)|[[(<]\s{0,3}(?:output\s+)?(?:truncated|clipped|elided)(?:\s+output)?\s{0,3}[\])>]|(?:…|\.\.\.)\s{0,3}\(?(?:output\s+)?(?:truncated|clipped|elided)\b/iu;
const cutMarkers = new RegExp(cutMarker.source, 'giu');

/** How many of the tool's cut notices (cutByTool) the text holds: a drawing must not erase one (the model would take a cut output for whole). */
export function cutNotices(text: string): number {
  if (!cutMarker.test(text)) return 0;
  let count = 0;
  cutMarkers.lastIndex = 0;
  while (cutMarkers.exec(text) !== null) count += 1;
  return count;
}

/** Every backspace erases a spinner glyph or is half of `\b \b` (erase a cell). */
function backspacesErase(row: string): boolean {
  for (let i = row.indexOf('\b'); i !== -1; i = row.indexOf('\b', i + 1)) {
    const before = row[i - 1];
    const eraseCell = (row[i + 1] === ' ' && row[i + 2] === '\b') || (before === ' ' && row[i - 2] === '\b');
    if (!eraseCell && !(before !== undefined && spinnerGlyph.test(before))) return false;
  }
  return true;
}

const spinnerGlyph = /^[|/\\\-\u2800-\u28ff◐◓◑◒◴◷◶◵◰◳◲◱⠁-⣿✶✸✹✺✷·•●○◉◎]$/u;
const barGlyphs = '█▉▊▋▌▍▎▏▐░▒▓━╸╺─═■□▰▱#=>';

/** What a progress frame shows: a percentage, a count n/m, a bar, a spinner glyph, a rate, an ETA. */
const progressMark = new RegExp(
  [
    String.raw`\d\s?%`,
    String.raw`\b\d+\s?/\s?\d+\b`,
    `[${barGlyphs}]{3,}`,
    String.raw`(?:^|\s)[|/\\\-\u2800-\u28ff◐◓◑◒◴◷◶◵](?:\s|$)`,
    String.raw`\d\s?(?:[kKMGT]i?)?(?:B|b|bits?|it|items|ops|req|frames?)/s\b`,
    String.raw`\bs/it\b`,
    String.raw`\b(?:eta|ETA|Eta)\b`,
    String.raw`\d+:\d\d(?::\d\d)?|--:--|--\.-`,
  ].join('|'),
  'u',
);

const barOrSpinnerRun = new RegExp(`[${barGlyphs}\\u2800-\\u28ff◐◓◑◒◴◷◶◵ ]+`, 'gu');

/**
 * Whether a frame a bare `\r` overwrites is a progress frame. In a row that began with `\r` (the program
 * returned to the line's start before drawing), any progress mark will do. Otherwise the row could as well
 * be a file with CR line ends (a classic Mac OS or old Excel export printed by `python`, `iconv`, `curl`,
 * a fetch tool): its records carry clock times, dates and percentages and share one layout, so the frame
 * must carry a bar or a spinner glyph, or a mark data rarely does (a percentage, a count n/m that is no
 * date, a rate, an ETA; not a clock time or a date) next to a word the frames repeat (`Receiving objects`,
 * `it/s`): a row of bare numbers (`09:30,101.50`, `2026-11-02,45%`, `1/100`) is data.
 */
function progressFrame(visible: string, frameShape: string, startsWithReturn: boolean): boolean {
  if (startsWithReturn) return progressMark.test(visible);
  if (drawnMark.test(visible)) return true;
  return /\p{L}/u.test(frameShape) && progressMark.test(visible.replace(clockOrDate, ' '));
}

/** A bar, or a spinner glyph that opens or closes the frame: drawn, not written as data. */
const spinnerGlyphs = String.raw`[|/\\\-\u2800-\u28ff◐◓◑◒◴◷◶◵]`;
const drawnMark = new RegExp(`[${barGlyphs}]{3,}|^${spinnerGlyphs}(?:\\s|$)|\\s${spinnerGlyphs}$`, 'u');

/** Clock times (`09:30`, `0:00:02`) and dates (`11/26/2026`, `2026-11-26`): marks a data record carries as often as a progress frame. */
const clockOrDate = /\d+:\d\d(?::\d\d)?(?:\.\d+)?|\d+\/\d+\/\d+|\d{4}-\d\d-\d\d/gu;

/** A frame's shape: its words, with numbers, bars, spinner glyphs and runs of spaces each reduced to one mark. */
function shape(visible: string): string {
  return visible
    // A number, or the dashes a tool prints before it knows one (curl's `--:--:--`, wget's `--.-KB/s`).
    .replace(/(?:[0-9?]|-+[.:]-+)[0-9.,:?-]*[kKMGTP]?/gu, '9')
    .replace(barOrSpinnerRun, ' ')
    .replace(/(^|\s)[|/\\-](?=\s|$)/gu, '$1~')
    .trim();
}

/** Two frames of one redrawn line: the same shape, or one extends the other (git's final `, done.`). */
function sameShape(a: string, b: string): boolean {
  if (a === b) return true;
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  return short.length >= 3 && long.startsWith(short);
}

/**
 * Output whose lines carry a label a multiplexer put before each of them, as `docker compose` (`web-1  | `),
 * foreman/honcho (`12:00:01 web.1  | `), concurrently (`[api] `, `[0] `), turbo and pnpm (`web:build: `) write the
 * output of several programs: a `\r` or an erase one of the programs wrote in its line returns over the
 * label too, and the drawn row would no longer say which program it came from. So a row that would be
 * redrawn and starts with a label another row starts with makes the output one that is not drawn; so does
 * a row whose label no other row repeats (one `migrate-1 | ` among `api-1 | ` and `worker-1 | `) when its
 * last frame does not begin with the label again (the program drew it, as `[INFO] 10%\r[INFO] 100%` does).
 * A bar (`[#####     ]`) or a step count (yarn's `[1/4]`) is no label.
 */
export async function labelsRedrawnRows(text: string, pacer: Pacer): Promise<boolean> {
  const labels = new Map<string, number>();
  const redrawn: string[] = [];
  let labelDrawnOver = false;
  await everyRowPaced(text.split('\n'), pacer, (row) => {
    const label = rowLabel.exec(row)?.[1];
    if (label === undefined) return true;
    labels.set(label, (labels.get(label) ?? 0) + 1);
    const line = row.endsWith('\r') ? row.slice(0, -1) : row;
    if (redraws.test(line)) {
      redrawn.push(label);
      if (nameLabel.test(label) && !lastFrameOf(line).startsWith(label)) labelDrawnOver = true;
    }
    return true;
  });
  return labelDrawnOver || redrawn.some((label) => labels.get(label)! >= 2);
}

/** A label that names a program (`web-1  |`, `[api]`, `[0]`, `db:seed:`): no bar glyph, slash, percent sign or space inside brackets. */
const nameLabel = /^(?:[\w.@-]{1,64} {0,64}\||\[[\w.@:-]{1,64}\]|[\w.@-]{1,64}:[\w.:-]{1,64}:)$/u;

/** What a redrawn row shows last: the text after its last `\r` with anything in it, without escape sequences. */
function lastFrameOf(line: string): string {
  const frames = line.split('\r').map((frame) => frame.replace(escapeSequence, '').replaceAll('\b', ''));
  for (let i = frames.length - 1; i >= 0; i--) if (frames[i]!.trim() !== '') return frames[i]!.trimStart();
  return '';
}

/** A multiplexer's label at a row's start (after any colour and a clock time): `name  | `, `[name] `, `pkg:task: `. */
const rowLabel = /^(?:\u001b\[[0-9;]*m)*(?:\d\d:\d\d:\d\d )?([\w.@/-]{1,64} {0,64}\||\[[^\]\r\n\u001b]{1,64}\]|[\w.@/-]{1,64}:[\w.:-]{1,64}:)(?:\u001b\[[0-9;]*m)* /u;
/** What redraws a row: a `\r` that is no line ending, an erase of the line, a backspace. */
const redraws = /\r|\u001b\[[0-2]?K|\u0008/u;
