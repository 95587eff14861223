import type { WinkMethods } from 'wink-nlp';
import { isBlank, joinLines, splitLines, type Line } from './lines.js';
import { countRule, type RuleCounts } from './rules.js';

/**
 * Rule 1: an instruction paragraph or sentence that already appeared earlier in the request is removed
 * from the later place; the first occurrence stays, so every distinct sentence is still there once.
 *
 * Units are paragraphs (runs of non-blank lines) and sentences (wink-nlp's sentence boundaries, cut at
 * line ends so that removing one never joins two lines). Only units long enough to be an instruction
 * count (`qualifies`): "Yes.", headings such as "## Related" and short list bullets are never touched.
 * Fenced code and Markdown table rows are opaque: they are never removed and never remembered.
 */

let nlp: WinkMethods | undefined;

/** Loads wink-nlp's English model with sentence boundary detection only (~70 ms, once). */
export async function loadSentenceSplitter(): Promise<void> {
  if (nlp) return;
  const [{ default: winkNLP }, { default: model }] = await Promise.all([import('wink-nlp'), import('wink-eng-lite-web-model')]);
  nlp ??= winkNLP(model, ['sbd']);
}

export function sentenceSplitterLoaded(): boolean {
  return nlp !== undefined;
}

/** Sentence spans [start, end) of one line, located in the line itself (wink trims the whitespace around them). */
export function sentenceSpans(line: string): Array<[number, number]> {
  if (!nlp) throw new Error('The sentence splitter is not loaded: await prepareTrimmer() first.');
  const spans: Array<[number, number]> = [];
  let cursor = 0;
  for (const sentence of nlp.readDoc(line).sentences().out()) {
    if (sentence.trim() === '') continue;
    const at = line.indexOf(sentence, cursor);
    // wink normally returns exact substrings; if it ever does not, the rest of the line is left alone.
    if (at < 0) break;
    spans.push([at, at + sentence.length]);
    cursor = at + sentence.length;
  }
  return spans;
}

const listMarker = /^(?:[-*+•>]|\d{1,3}[.)]|#{1,6})\s+/u;
const lineMarker = /^\s*(?:[-*+•>]|\d{1,3}[.)])\s+/u;
const markerOnly = /^\s*(?:[-*+•>]|\d{1,3}[.)])?\s*$/u;

/** The form two occurrences are compared in: whitespace collapsed, a leading list marker or `#` dropped. */
export function normalizeUnit(text: string): string {
  return text.replace(/\s+/gu, ' ').trim().replace(listMarker, '');
}

const minimumChars = 40;
const minimumWords = 6;
/** Prose words: letters (with inner apostrophes or hyphens) once surrounding punctuation is stripped. Paths, ids, flags and numbers are not. */
const proseWord = /^[\p{L}][\p{L}'’-]*$/u;
const wordCount = (text: string): number =>
  text.split(' ').filter((token) => proseWord.test(token.replace(/^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu, ''))).length;

/**
 * Long enough to be an instruction: ≥ 6 prose words, or ≥ 40 characters with ≥ 4 prose words. A line such
 * as `[MISSING] Expected at: /home/user/project` (a status repeated under several headings) is not one.
 */
export function qualifies(normalized: string): boolean {
  const words = wordCount(normalized);
  return words >= minimumWords || (normalized.length >= minimumChars && words >= 4);
}

/** A line too short to hold a qualifying sentence: no need to split it. */
const tooShort = (line: string): boolean => line.length < minimumChars && line.split(/\s+/u).filter(Boolean).length < minimumWords;

const fence = /^\s*(?:```|~~~)/u;
const tableRow = /^\s*\|/u;

/** Lines inside (and of) fenced code blocks, and table rows. */
function opaqueLines(lines: readonly Line[]): boolean[] {
  let inFence = false;
  return lines.map((line) => {
    if (fence.test(line.text)) {
      inFence = !inFence;
      return true;
    }
    return inFence || tableRow.test(line.text);
  });
}

/** Removes the spans and the whitespace after each (or before it, at the line's end). */
function removeSpans(text: string, spans: ReadonlyArray<[number, number]>): string {
  let out = '';
  let cursor = 0;
  for (const [start, end] of spans) {
    let cutStart = start;
    let cutEnd = end;
    while (cutEnd < text.length && /\s/u.test(text[cutEnd]!)) cutEnd += 1;
    if (cutEnd === text.length) {
      while (cutStart > cursor && /\s/u.test(text[cutStart - 1]!)) cutStart -= 1;
    }
    out += text.slice(cursor, cutStart);
    cursor = cutEnd;
  }
  return out + text.slice(cursor);
}

export const paragraphKey = (normalized: string): string => `p\u0000${normalized}`;
export const sentenceKey = (normalized: string): string => `s\u0000${normalized}`;

interface Block {
  paragraph: boolean;
  lines: number[];
}

/**
 * Removes from `text` the qualifying paragraphs and sentences already in `seen`, and adds the new ones to
 * `seen` (and to `added`, in order, so a caller can replay them). If nothing would be left, the text stays
 * as it is: a message or system prompt is never emptied.
 */
/** What removeRepeats needs of the sentences seen so far: a Set, or a layered equivalent. */
export interface SeenSentences {
  has(key: string): boolean;
  add(key: string): unknown;
}

export function removeRepeats(text: string, seen: SeenSentences, added: string[], counts: RuleCounts): string {
  const remember = (key: string): void => {
    if (!seen.has(key)) {
      seen.add(key);
      added.push(key);
    }
  };
  const { lines, endsWithEol } = splitLines(text);
  const opaque = opaqueLines(lines);
  const blocks: Block[] = [];
  lines.forEach((line, i) => {
    const paragraph = !isBlank(line.text);
    const last = blocks.at(-1);
    if (last && last.paragraph === paragraph) last.lines.push(i);
    else blocks.push({ paragraph, lines: [i] });
  });

  const rewritten = lines.map((line) => line.text as string | undefined); // undefined: line removed
  const local: RuleCounts = {};
  for (const block of blocks) {
    if (!block.paragraph) continue;
    const plain = block.lines.every((i) => !opaque[i]);
    if (plain) {
      const normalized = normalizeUnit(block.lines.map((i) => lines[i]!.text).join(' '));
      if (qualifies(normalized)) {
        const key = paragraphKey(normalized);
        if (seen.has(key)) {
          for (const i of block.lines) rewritten[i] = undefined;
          countRule(local, 'repeated-paragraph');
          continue;
        }
        remember(key);
      }
    }
    for (const i of block.lines) {
      const line = lines[i]!.text;
      if (opaque[i] || tooShort(line)) continue;
      const repeats: Array<[number, number]> = [];
      for (const [start, end] of sentenceSpans(line)) {
        const normalized = normalizeUnit(line.slice(start, end));
        if (!qualifies(normalized)) continue;
        const key = sentenceKey(normalized);
        if (seen.has(key)) repeats.push([start, end]);
        else remember(key);
      }
      if (repeats.length === 0) continue;
      // A sentence that starts the line may include its list marker; the marker stays with the line.
      const markerEnd = lineMarker.exec(line)?.[0].length ?? 0;
      for (const span of repeats) if (span[0] < markerEnd && span[1] > markerEnd) span[0] = markerEnd;
      countRule(local, 'repeated-sentence', repeats.length);
      const left = removeSpans(line, repeats);
      rewritten[i] = markerOnly.test(left) ? undefined : left;
    }
  }
  if (Object.keys(local).length === 0) return text;

  // A paragraph that is gone takes one blank separator with it: the one after it, or before it when
  // no kept paragraph follows.
  const gone = (block: Block): boolean => block.paragraph && block.lines.every((i) => rewritten[i] === undefined);
  const keptParagraphAfter: boolean[] = [];
  for (let k = blocks.length - 1, seenKept = false; k >= 0; k--) {
    keptParagraphAfter[k] = seenKept;
    const block = blocks[k]!;
    if (block.paragraph && !gone(block)) seenKept = true;
  }
  const droppedBlock = new Set<number>();
  blocks.forEach((block, k) => {
    if (!gone(block)) return;
    droppedBlock.add(k);
    const after = blocks[k + 1];
    const before = blocks[k - 1];
    if (after && !after.paragraph && keptParagraphAfter[k + 1]) droppedBlock.add(k + 1);
    else if (before && !before.paragraph && !droppedBlock.has(k - 1)) droppedBlock.add(k - 1);
  });

  const kept: Line[] = [];
  blocks.forEach((block, k) => {
    if (droppedBlock.has(k)) return;
    for (const i of block.lines) {
      const textOfLine = rewritten[i];
      if (textOfLine !== undefined) kept.push({ text: textOfLine, eol: lines[i]!.eol });
    }
  });
  if (kept.every((line) => isBlank(line.text))) return text;
  for (const [rule, times] of Object.entries(local)) countRule(counts, rule as keyof RuleCounts, times);
  return joinLines(kept, endsWithEol);
}
