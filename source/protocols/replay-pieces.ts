/**
 * How a stored answer's text is cut into stream deltas when it is replayed. Linear in the text's
 * length whatever it contains: the search for a word break looks back at most one piece, never to the
 * start of the text (a 512 KB answer without spaces took seconds when it did).
 */
const replayPieceChars = 64;
/** Past this many pieces a replay uses longer ones: a 50 MB answer becomes ~64 K deltas, not ~800 K. */
const maxPiecesPerText = 65_536;

/** Splits text into pieces of about 64 characters (longer for huge texts), breaking after a space where one is near. */
export function splitForReplay(text: string): string[] {
  const size = Math.max(replayPieceChars, Math.ceil(text.length / maxPiecesPerText));
  const pieces: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + size, text.length);
    if (end < text.length) {
      const lastSpace = lastSpaceBetween(text, start, end);
      if (lastSpace > start) end = lastSpace + 1;
      // Never split a surrogate pair: a lone half is not valid text for every client.
      else if (isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
    }
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}

/** The last space in text[from..to], or -1: bounded, unlike lastIndexOf, which scans back to the start. */
function lastSpaceBetween(text: string, from: number, to: number): number {
  for (let i = to; i > from; i--) if (text.charCodeAt(i) === 32) return i;
  return -1;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
