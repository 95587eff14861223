import { encodableSgr, isSgr, sgrAfter, sgrTransition } from './sgr.js';

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
    if (!encodableSgr(sequence)) return text;
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
