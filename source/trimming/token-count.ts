import { countTextTokensSync } from '../stats/count-tokens.js';
import type { Pacer } from './pacer.js';

/**
 * o200k token counts for the saving L2.5 reports, bounded in time. BPE is quadratic in the length of a
 * pre-token, and terminal noise is made of long runs without a space (`⠙ESC[1GESC[0K⠹ESC[1G...`, a bar of
 * `█`): one such run of a few KB costs milliseconds, growing with the square of its length. So text is
 * counted in pieces of up to `pieceChars`, cut at whitespace, and a run without whitespace is cut every `runChars`; a long text is counted in slices with pacing between
 * them. The sum is within a token or two per cut of a whole-text count, and the same text always gets the
 * same count.
 */
const pieceChars = 512;
const runChars = 192;
const sliceChars = 2048;

const isSpace = (code: number): boolean => code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d;

/** Counts `text[start, end)` in pieces. */
function countRange(text: string, start: number, end: number): number {
  let total = 0;
  for (let a = start; a < end; ) {
    const limit = Math.min(end, a + pieceChars);
    let b = a;
    let run = 0;
    let lastSpace = -1;
    while (b < limit) {
      if (isSpace(text.charCodeAt(b))) {
        run = 0;
        lastSpace = b;
      } else if (++run >= runChars) {
        b += 1;
        break;
      }
      b += 1;
    }
    if (b < end && run < runChars && lastSpace > a) b = lastSpace;
    // Never between the halves of a surrogate pair.
    const before = text.charCodeAt(b - 1);
    if (b < end && b > a + 1 && before >= 0xd800 && before <= 0xdbff) b -= 1;
    total += countTextTokensSync(text.slice(a, b));
    a = b;
  }
  return total;
}

/** Counts a text of any length; paces between slices. */
export async function countTokensPaced(text: string, pacer: Pacer): Promise<number> {
  let total = 0;
  for (let start = 0; start < text.length; start += sliceChars) {
    total += countRange(text, start, Math.min(text.length, start + sliceChars));
    await pacer.pace();
  }
  return total;
}
