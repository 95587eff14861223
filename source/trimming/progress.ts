import { rewriteEachLine, type Line } from './lines.js';

/**
 * Progress output a terminal would have overwritten. Three shapes:
 * - a line rewritten in place with `\r` (npm, curl, docker): only its final state is kept;
 * - consecutive progress-bar lines (`[=====>    ] 45%`, ` 45%|████▌  | 45/100`, pip's `━━━━ 1.2/3.4 MB`)
 *   that differ only in their numbers and bar: only the last (final) one is kept;
 * - spinner frames (`⠋ Installing`, `⠙ Installing`): only the last frame of a run is kept, and a line that
 *   is nothing but a frame is dropped.
 * A single progress line is never dropped: it is the final state.
 */

const bracketBar = /\[[=#>.*·\s█▉▊▋▌▍▎▏▓▒░■□-]{3,}\]/g;
const blockBar = /[█▉▊▋▌▍▎▏▓▒░■□━╸╺]{3,}/g;
const pipeBar = /\|[=#>\s█▉▊▋▌▍▎▏▓▒░■□-]{3,}\|/g;
const barMarkers = /[=#>█▉▊▋▌▍▎▏▓▒░■━╸╺]/;
const percent = /\d{1,3}(?:\.\d+)?\s?%/;
/** Numbers, counters, sizes, speeds, times: what changes from one progress frame to the next. */
const numbers = /\d+(?:[.,:]\d+)*/g;
const spinnerStart = /^\s*[\u2800-\u28ff◐◓◑◒◴◷◶◵◰◳◲◱]/u;
const spinnerOnly = /^\s*[\u2800-\u28ff◐◓◑◒◴◷◶◵◰◳◲◱]{1,2}\s*$/u;

function hasBar(text: string): boolean {
  for (const pattern of [bracketBar, blockBar, pipeBar]) {
    pattern.lastIndex = 0;
    for (const match of text.matchAll(pattern)) if (barMarkers.test(match[0])) return true;
  }
  return false;
}

/** The line without its bar, numbers and bar frame characters: equal for two frames of one progress line. */
const frameKey = (text: string): string =>
  text
    .replace(bracketBar, ' ')
    .replace(pipeBar, ' ')
    .replace(blockBar, ' ')
    .replace(numbers, '#')
    .replace(/[|[\]]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** What stays the same across frames of one progress line, or undefined when the line is not progress output. */
export function progressKey(text: string): string | undefined {
  if (spinnerStart.test(text)) {
    const rest = text.replace(spinnerStart, '').replace(numbers, '#').replace(/\s+/g, ' ').trim();
    return `spinner:${rest}`;
  }
  const bar = hasBar(text);
  if (!bar && !percent.test(text)) return undefined;
  const key = frameKey(text);
  if (bar) return `bar:${key}`;
  // Without a bar, only a line that is nothing but numbers (`45%`, `45% (45/100) eta 0:03`) counts.
  const words = key.replace(/#|%|\b(?:eta|ETA|[kKMGT]?i?B|it|s)\b/g, '').replace(/[^\p{L}]/gu, '');
  return words === '' ? `bar:${key}` : undefined;
}

/** Keeps the final state of `\r`-overwritten lines. Returns how many lines were rewritten. */
export function keepFinalCarriageReturnState(lines: Line[]): number {
  return rewriteEachLine(lines, (text) => (text.includes('\r') ? (text.split('\r').filter((state) => state.trim() !== '').at(-1) ?? '') : text));
}

/** Drops superseded progress frames (see above); returns the kept lines and how many were dropped. */
export function dropProgressFrames(lines: readonly Line[]): { lines: Line[]; dropped: number } {
  const kept: Line[] = [];
  let dropped = 0;
  let previousKey: string | undefined;
  for (const line of lines) {
    if (spinnerOnly.test(line.text)) {
      dropped += 1;
      continue;
    }
    const key = progressKey(line.text);
    if (key !== undefined && key === previousKey) {
      // Same progress line again: the earlier frame is superseded. Keep the later line's ending.
      kept.pop();
      dropped += 1;
    }
    kept.push(line);
    previousKey = key;
  }
  return { lines: kept, dropped };
}
