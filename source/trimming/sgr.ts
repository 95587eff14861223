/**
 * SGR sequences (`ESC[...m`): colours and text attributes. The renderer keeps, for each cell, the SGR
 * sequences in force since the last full reset, so a redrawn row can be re-encoded with the same look.
 */

const sgrAt = /\u001b\[[0-9;:]*m/y;

/** The length of the SGR sequence starting at `index`, or 0. */
export function isSgr(text: string, index: number): number {
  sgrAt.lastIndex = index;
  return sgrAt.test(text) ? sgrAt.lastIndex - index : 0;
}

/** Whether an SGR's parameters reset every attribute (`0`, empty), skipping colour arguments such as `38;5;0`. */
function resetsAll(params: string): boolean {
  if (params === '') return true;
  const parts = params.split(';');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part.includes(':')) continue;
    const n = part === '' ? 0 : Number(part);
    if (n === 0) return true;
    if (n === 38 || n === 48 || n === 58) {
      const mode = Number(parts[i + 1]);
      i += mode === 5 ? 2 : mode === 2 ? 4 : 1;
    }
  }
  return false;
}

const pureReset = /^\u001b\[0*m$/u;

/** The style in force after `sequence` (one SGR) is applied to `style`. */
export function sgrAfter(style: string, sequence: string): string {
  if (pureReset.test(sequence)) return '';
  const params = sequence.slice(2, -1);
  return resetsAll(params) ? sequence : style + sequence;
}

const anySgr = /\u001b\[[0-9;:]*m|\u009b[0-9;:]*m/gu;

/** Text without its SGR sequences (colours and attributes). */
export function stripSgr(text: string): string {
  return text.replace(anySgr, '');
}

export function hasSgr(text: string): boolean {
  anySgr.lastIndex = 0;
  return anySgr.test(text);
}
