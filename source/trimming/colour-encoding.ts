import { isSgr, sgrAfter, sgrTransition } from './sgr.js';

/**
 * A program output's colour, written with fewer escape bytes: every character keeps exactly the look
 * (colours and attributes) it had, only the SGR sequences between characters change, and only where
 * several stand together. A run of sequences with no character between them that leaves the look as it
 * was goes (a test runner's `ESC[32m.ESC[0mESC[32m.ESC[0m...` becomes one green run of dots); one that
 * changes it becomes the shorter of itself and one canonical sequence (`ESC[1;92m` for `ESC[1mESC[92m`).
 * A lone sequence that changes the look is kept byte for byte.
 *
 * Text with an SGR parameter this model does not know (fonts, framing, a malformed colour) comes back
 * unchanged: it could not be written again exactly.
 */
export function shortenColour(text: string): string {
  if (!text.includes('\u001b[')) return text;
  const parts: string[] = [];
  // The look the source has set so far, and the one the output has when the next character comes.
  let look = '';
  let written = '';
  let run: string[] = [];
  let plainFrom = 0;
  const flush = (): void => {
    if (look !== written) {
      const canonical = sgrTransition(written, look);
      const original = run.join('');
      parts.push(run.length > 1 && canonical.length < original.length ? canonical : original);
    }
    written = look;
    run = [];
  };
  for (let at = text.indexOf('\u001b['); at !== -1; at = text.indexOf('\u001b[', at + 1)) {
    const length = isSgr(text, at);
    if (length === 0) continue; // another escape sequence: characters like any other
    const sequence = text.slice(at, at + length);
    if (!understood(sequence)) return text;
    if (at > plainFrom) {
      flush();
      parts.push(text.slice(plainFrom, at));
    }
    run.push(sequence);
    look = sgrAfter(look, sequence);
    plainFrom = at + length;
    at = plainFrom - 1;
  }
  // Characters after the last sequence, or the text ends with a run: it ends in the look it ended in.
  flush();
  if (plainFrom < text.length) parts.push(text.slice(plainFrom));
  const shorter = parts.join('');
  return shorter.length < text.length ? shorter : text;
}

const simpleCodes = new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 21, 22, 23, 24, 25, 27, 28, 29, 39, 49, 53, 55, 59]);

/** Whether every parameter of one SGR sequence is one sgr.ts decodes and encodes again without loss. */
function understood(sequence: string): boolean {
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
