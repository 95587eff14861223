/**
 * SGR sequences (`ESC[...m`): colours and text attributes. The renderer keeps, for each cell, the look in
 * force when it was written, as one canonical SGR sequence (`ESC[0;1;31m`, or '' for the default look),
 * so a redrawn row can be re-encoded with the same look, and a long output that never resets its colour
 * does not grow an ever longer style.
 */

const sgrAt = /\u001b\[[0-9;:]*m/y;

/** The length of the SGR sequence starting at `index`, or 0. */
export function isSgr(text: string, index: number): number {
  sgrAt.lastIndex = index;
  return sgrAt.test(text) ? sgrAt.lastIndex - index : 0;
}

/** One look: attribute codes that are on, and the colours (as their SGR parameters). */
interface Look {
  flags: Set<number>;
  fg: string;
  bg: string;
  underlineColour: string;
  /** Parameters this model does not know (fonts, framing): kept as they came. */
  other: string[];
}

/** Which flag each "off" code clears. */
const offCodes: Record<number, number[]> = { 22: [1, 2], 23: [3], 24: [4, 21], 25: [5, 6], 27: [7], 28: [8], 29: [9], 55: [53] };
const flagCodes = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 21, 53]);

const decoded = new Map<string, Look>();

function decode(style: string): Look {
  const look: Look = { flags: new Set(), fg: '', bg: '', underlineColour: '', other: [] };
  if (style !== '') apply(look, style.slice(2, -1));
  return look;
}

/** Applies one SGR's parameters to a look. */
function apply(look: Look, params: string): void {
  const parts = params === '' ? ['0'] : params.split(';');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part.includes(':')) {
      // Sub-parameters: `4:3` (curly underline), `38:2::r:g:b` (colour).
      const [head] = part.split(':');
      const n = Number(head);
      if (n === 38) look.fg = part;
      else if (n === 48) look.bg = part;
      else if (n === 58) look.underlineColour = part;
      else if (n === 4) {
        if (part === '4:0') look.flags.delete(4);
        else look.flags.add(4);
      } else look.other.push(part);
      continue;
    }
    const n = part === '' ? 0 : Number(part);
    if (n === 0) {
      look.flags.clear();
      look.fg = look.bg = look.underlineColour = '';
      look.other = [];
    } else if (flagCodes.has(n)) look.flags.add(n);
    else if (offCodes[n]) for (const flag of offCodes[n]) look.flags.delete(flag);
    else if ((n >= 30 && n <= 37) || (n >= 90 && n <= 97)) look.fg = part;
    else if (n === 39) look.fg = '';
    else if ((n >= 40 && n <= 47) || (n >= 100 && n <= 107)) look.bg = part;
    else if (n === 49) look.bg = '';
    else if (n === 59) look.underlineColour = '';
    else if (n === 38 || n === 48 || n === 58) {
      const mode = parts[i + 1];
      const take = mode === '5' ? 2 : mode === '2' ? 4 : 1;
      const colour = parts.slice(i, i + 1 + take).join(';');
      i += take;
      if (n === 38) look.fg = colour;
      else if (n === 48) look.bg = colour;
      else look.underlineColour = colour;
    } else if (look.other.length < 8) look.other.push(part);
  }
}

function encode(look: Look): string {
  const params = [...[...look.flags].sort((a, b) => a - b).map(String), look.fg, look.bg, look.underlineColour, ...look.other].filter((p) => p !== '');
  return params.length === 0 ? '' : `\u001b[${params.join(';')}m`;
}

const after = new Map<string, string>();

/** The look (canonical SGR, '' for the default) in force after `sequence` (one SGR) is applied to `style`. */
export function sgrAfter(style: string, sequence: string): string {
  // Outputs repeat the same few colour changes line after line: remember them.
  const key = `${style}\u0000${sequence}`;
  const known = after.get(key);
  if (known !== undefined) return known;
  const result = computeSgrAfter(style, sequence);
  if (after.size > 4096) after.clear();
  after.set(key, result);
  return result;
}

function computeSgrAfter(style: string, sequence: string): string {
  let look = decoded.get(style);
  if (!look) {
    look = decode(style);
    if (decoded.size > 512) decoded.clear();
    decoded.set(style, look);
  }
  const next: Look = { flags: new Set(look.flags), fg: look.fg, bg: look.bg, underlineColour: look.underlineColour, other: [...look.other] };
  apply(next, sequence.slice(2, -1));
  return encode(next);
}

/** The bytes that take a terminal from look `from` to look `to` (both canonical). */
export function sgrTransition(from: string, to: string): string {
  if (from === to) return '';
  if (to === '') return '\u001b[0m';
  return from === '' ? to : `\u001b[0;${to.slice(2)}`;
}

const anySgr = /\u001b\[[0-9;:]*m|\u009b[0-9;:]*m/gu;

/** Text without its SGR sequences (colours and attributes): the eval's plain final screen, a bound L2.5 does not aim at. */
export function stripSgr(text: string): string {
  return text.replace(anySgr, '');
}

const simpleCodes = new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 21, 22, 23, 24, 25, 27, 28, 29, 39, 49, 53, 55, 59]);

/**
 * Whether every parameter of one SGR sequence is one this model decodes and encodes again without loss.
 * Another (a curly underline `4:3`, fonts, framing, super- and subscript) would come back as something
 * else, or stay on after the code that ends it: text holding one is not rewritten (colour-encoding.ts) or
 * redrawn (terminal-screen.ts).
 */
export function encodableSgr(sequence: string): boolean {
  const params = sequence.slice(2, -1);
  if (params === '') return true;
  const parts = params.split(';');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part.includes(':')) {
      if (!/^(?:4:[01]|[345]8:(?:5:\d{1,3}|2:\d*:\d{1,3}:\d{1,3}:\d{1,3}))$/u.test(part)) return false;
      continue;
    }
    if (!/^\d{0,3}$/u.test(part)) return false;
    const n = part === '' ? 0 : Number(part);
    if (simpleCodes.has(n) || (n >= 30 && n <= 37) || (n >= 40 && n <= 47) || (n >= 90 && n <= 97) || (n >= 100 && n <= 107)) continue;
    if (n !== 38 && n !== 48 && n !== 58) return false;
    const mode = parts[i + 1];
    const take = mode === '5' ? 2 : mode === '2' ? 4 : 0;
    if (take === 0 || i + take >= parts.length) return false;
    if (!parts.slice(i + 2, i + 1 + take).every((value) => /^\d{1,3}$/u.test(value))) return false;
    i += take;
  }
  return true;
}
