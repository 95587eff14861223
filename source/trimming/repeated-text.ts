import { createHash } from 'node:crypto';
import { exactBytes } from '../caching/text-digest.js';

/**
 * Instruction trimming, in its lossless form: agents re-send the same instruction paragraph or injected
 * context block with every turn. A paragraph (a run of non-blank lines) or a whole text block that is
 * byte-identical to one in an EARLIER message is replaced by a short reference quoting its start; the
 * first occurrence always stays as it is, and repeats inside one message stay too (they may be data).
 *
 * Never touched: paragraphs with a numbered or bulleted list item (a runbook's step 3 may repeat step 1
 * on purpose), anything inside or next to a code fence, a paragraph that points at its neighbours ("the
 * files listed above") unless its whole text repeats, and paragraphs shorter than `minRepeatChars` (a
 * reference would not be much shorter). Splitting is at line endings only, so joining the pieces gives
 * the original bytes; no sentence splitter can cut inside `./migrate.sh`, `v1.2.3` or a URL.
 *
 * A reference has to name one text: its quoted start is all the model can find it by. So every paragraph
 * and text block seen leaves its start behind, and a repeat is referenced only when no other earlier text
 * (a paragraph or block with other content, or a paragraph of a tool result) starts the same way: two
 * versions of `def compute(x):` pasted in turn, then the first again, are all sent as they are.
 */

/** Below this a reference saves too little to be worth the indirection. */
export const minRepeatChars = 160;

/** What was said in earlier messages. */
export interface EarlierText {
  has(key: string): boolean;
}

/** What earlier messages said, and what this message has said so far (it adds its keys to `added`). */
export interface Seen {
  earlier: EarlierText;
  added: Set<string>;
}

const seenHas = (seen: Seen, key: string): boolean => seen.added.has(key) || seen.earlier.has(key);

const fence = /^\s*(?:```|~~~)/u;
/**
 * Words by which a paragraph points at its neighbours ("delete the files listed above", "run the
 * following:"): repeated next to other neighbours, a reference would send the model to the earlier
 * message's. Such a paragraph goes whole; a whole text repeated (its neighbours with it) is still a reference.
 * A word that points forward points out of the paragraph only when the paragraph ends in a colon: "you can
 * use the following context: the project is..." (Claude Code's reminder) holds what it introduces.
 */
const pointsBack = /\b(?:above|preceding|aforementioned|the former|the latter)\b/iu;
const pointsForward = /\b(?:below|following|as follows|hereunder)\b/iu;
const pointsAtNeighbours = (paragraph: string): boolean => pointsBack.test(paragraph) || (/:\s*$/u.test(paragraph) && pointsForward.test(paragraph));
const listItem = /^\s*(?:[-*+•‣◦]|\d{1,3}[.)]|[a-zA-Z][.)]|\(\d{1,3}\)|\[[ xX]\])\s/u;

/** A text's key: short texts (never referenced, only remembered as places) stand as themselves, unhashed. */
const digest = (kind: string, text: string): string => (text.length < minRepeatChars ? `${kind}=${text}` : `${kind}${createHash('sha256').update(exactBytes(text)).digest('base64')}`);

const previewLength = 60;
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const simpleText = /^[\u0000-\u02ff]*$/u;

/**
 * The start a reference quotes: the text's first 60 characters, verbatim (line breaks included, so texts
 * that open with the same line, such as `<system-reminder>`, are still told apart), in whole graphemes:
 * an emoji or an accented letter is never cut in two (half a surrogate pair is not even valid UTF-8).
 */
export function preview(text: string): string {
  const start = text.trimStart();
  // Below U+0300 there are no surrogate pairs or combining marks: cut directly.
  if (simpleText.test(start.slice(0, previewLength + 1))) return start.slice(0, previewLength).trimEnd();
  let out = '';
  let count = 0;
  for (const { segment } of graphemes.segment(start)) {
    if (count === previewLength) break;
    out += segment;
    count += 1;
  }
  return out.trimEnd();
}

export function repeatedParagraphReference(text: string): string {
  return `[paragraph repeated verbatim from an earlier message: "${preview(text)}…"]`;
}

export function repeatedBlockReference(text: string): string {
  return `[text repeated verbatim from an earlier message: "${preview(text)}…"]`;
}

/**
 * Remembers one place a reference could be taken to point at: a paragraph (`p`) or a whole text (`b`),
 * by its start and its content. A second place with the same start and other content makes that start
 * ambiguous for references of its kind.
 */
/**
 * A quoted start as the model would look for it: line endings, runs of spaces and what a reader cannot see do not tell texts apart,
 * and neither does the last word, which the quote may cut (two rules that read "... you must alwa…" and
 * "... you must neve…" differ only in a fragment of a word: the model would match the words before it).
 */
const startKey = (start: string): string => asRead(start).replace(/\s+/gu, ' ').slice(0, keyChars).replace(/ \S*$/u, '');
/**
 * A start is compared by its first 40 characters as read: what the reading drops (`**`, `` ` ``, an invisible
 * character) shortens one of two 60-character quotes, and both must still be compared over the same words.
 */
const keyChars = 40;

/**
 * Cyrillic, Greek and Armenian letters (in lower case) that look like a Latin letter, some only in their capital
 * form (`В` like `B`, `Η` like `H`): "Аlways" in Cyrillic reads as "Always".
 */
const lookAlikes: Readonly<Record<string, string>> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', з: '3', і: 'i', ї: 'i', ј: 'j', к: 'k', м: 'm', н: 'h', о: 'o', п: 'n', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w', һ: 'h', ӏ: 'l',
  α: 'a', β: 'b', γ: 'y', ε: 'e', ζ: 'z', η: 'h', ι: 'i', κ: 'k', μ: 'm', ν: 'n', ο: 'o', ρ: 'p', τ: 't', υ: 'y', χ: 'x', ϲ: 'c', ϳ: 'j',
  ı: 'i', ɑ: 'a', ɡ: 'g', օ: 'o', ս: 'u', հ: 'h', ո: 'n', ց: 'g',
};
const lookAlikeLetter = new RegExp(`[${Object.keys(lookAlikes).join('')}]`, 'gu');

/**
 * A start as a reader sees it: composed and decomposed accents (NFC/NFD) and compatibility forms (NFKC) are
 * one, invisible format characters (zero-width spaces and joiners, a BOM, direction marks) are not there,
 * and neither case, a Cyrillic or Greek letter that looks like a Latin one, the shape of a quote mark
 * or dash, Markdown's emphasis and code marks, nor the script of a digit tells two starts apart. Two starts that differ only in those would both match the quote.
 */
const asRead = (text: string): string =>
  text
    .normalize('NFKC')
    .replace(/\p{Cf}/gu, '')
    .toLowerCase()
    .replace(lookAlikeLetter, (char) => lookAlikes[char]!)
    // Markdown's emphasis and code marks are not read as words (`**Never**`, `` `npm ci` ``), nor is an apostrophe's shape.
    .replace(/[*_~‘’‚‛′`´']/gu, '')
    .replace(/[“”„‟″«»]/gu, '"')
    .replace(/[‐‑‒–—―−]/gu, '-')
    .replace(otherDigit, asciiDigit);

/** A decimal digit of another script (`٣`, `३`): read as the number it is. */
const otherDigit = /(?![0-9])\p{Nd}/gu;
const digitValues = new Map<string, string>();
function asciiDigit(digit: string): string {
  let value = digitValues.get(digit);
  if (value === undefined) {
    // Unicode puts each script's ten digits in a run from its zero: count back to the run's start.
    const code = digit.codePointAt(0)!;
    let zero = code;
    while (code - zero < 9 && /\p{Nd}/u.test(String.fromCodePoint(zero - 1))) zero -= 1;
    value = String((code - zero) % 10);
    digitValues.set(digit, value);
  }
  return value;
}

function rememberPlace(kind: 'p' | 'b', quoted: string, contentKey: string, seen: Seen): void {
  const start = startKey(quoted);
  const anyKey = `v${kind}${start}`;
  const exactKey = `w${kind}${start}\u0000${contentKey}`;
  if (seenHas(seen, anyKey) && !seenHas(seen, exactKey)) seen.added.add(`a${kind}${start}`);
  seen.added.add(anyKey);
  seen.added.add(exactKey);
}

/** Whether a reference quoting `start` could be taken to point at another text than the one repeated (whose digest is `contentKey`). */
function ambiguous(kind: 'p' | 'b', quoted: string, contentKey: string, seen: Seen): boolean {
  const start = startKey(quoted);
  if (seen.earlier.has(unreadKey) || seenHas(seen, `at${start}`) || seenHas(seen, `ap${start}`)) return true;
  // A tool description's paragraph with this start says the same (then either is meant) or something else.
  if (seen.earlier.has(`dv${start}`) && !seen.earlier.has(`dw${start}\u0000${contentKey.slice(1)}`)) return true;
  return kind === 'b' && seenHas(seen, `ab${start}`);
}

/**
 * Remembers the paragraph starts of the request's tool descriptions (the model reads them before the
 * messages): `dv` for a start, `dw` for a start with its paragraph's content, so that a reference to a
 * repeated paragraph is ambiguous only when a description starts the same way and says something else.
 */
export function rememberDescriptionStarts(text: string, added: Set<string>): void {
  forEachParagraph(text, (paragraph) => {
    const start = startKey(preview(paragraph.slice(0, 8 * previewLength)));
    added.add(`dv${start}`);
    added.add(`dw${start}\u0000${digest('d', paragraph).slice(1)}`);
  });
}

/** Calls `visit` with each paragraph (a run of non-blank lines, without its last line ending) of `text`. */
function forEachParagraph(text: string, visit: (paragraph: string) => void): void {
  forEachParagraphSpan(text, (start, end) => visit(text.slice(start, end).replace(/\r?\n$/u, '')));
}

/** Calls `visit` with where each paragraph of `text` starts and ends (before the blank line that ends it, or with the text). */
function forEachParagraphSpan(text: string, visit: (start: number, end: number) => void): void {
  let at = 0;
  let start = -1;
  while (at <= text.length) {
    let eol = text.indexOf('\n', at);
    if (eol === -1) eol = text.length;
    const blank = text.slice(at, eol).trim() === '';
    if (!blank && start === -1) start = at;
    if ((blank || eol === text.length) && start !== -1) {
      visit(start, blank ? at : eol);
      start = -1;
    }
    at = eol + 1;
  }
}

/**
 * Set by a message too large to read: what it holds is unknown, so no later reference can be sure it
 * names one text.
 */
export const unreadKey = 'unread';

/**
 * Remembers the starts of a tool result's paragraphs: no later reference may quote a start the model
 * could also find in a tool result (a file read that shows another version of the same function).
 */
export function rememberResultStarts(text: string, added: Set<string>): void {
  // Each paragraph's start, as a reference would quote it (never more of a long paragraph than that).
  forEachParagraphSpan(text, (start, end) => added.add(`at${startKey(preview(text.slice(start, Math.min(end, start + 8 * previewLength))))}`));
}

/**
 * A whole text (a message's string content or one text block) seen in an earlier message: its reference,
 * or undefined (then it is remembered in `seen`). Like paragraphs, a text with a list item or a code fence
 * is never replaced.
 */
export function referenceRepeatedBlock(text: string, seen: Seen, mayReplace = true): string | undefined {
  const start = preview(text);
  const key = digest('b', text);
  const eligible = text.length >= minRepeatChars && !text.split('\n').some((line) => fence.test(line) || listItem.test(line));
  if (mayReplace && eligible && seen.earlier.has(key) && !ambiguous('b', start, key, seen)) return repeatedBlockReference(text);
  rememberPlace('b', start, key, seen);
  if (eligible) seen.added.add(key);
  return undefined;
}

/**
 * Replaces the paragraphs of `text` already seen in earlier messages by references; remembers the others
 * in `seen`. Returns the text itself when nothing changed.
 */
export function referenceRepeatedParagraphs(text: string, seen: Seen, mayReplace = true): { text: string; replaced: number } {
  // Lines with their endings, so pieces join back to the same bytes.
  const lines = text.match(/[^\n]*\n|[^\n]+$/gu) ?? [];
  const out: string[] = [];
  let replaced = 0;
  let inFence = false;
  let i = 0;
  while (i < lines.length) {
    if (lines[i]!.trim() === '' && !inFence) {
      out.push(lines[i]!);
      i += 1;
      continue;
    }
    // One paragraph: up to the next blank line outside a fence.
    let end = i;
    let opaque = false;
    let list = false;
    while (end < lines.length && (inFence || lines[end]!.trim() !== '')) {
      if (fence.test(lines[end]!)) {
        inFence = !inFence;
        opaque = true;
      }
      if (inFence) opaque = true;
      if (listItem.test(lines[end]!)) list = true;
      end += 1;
    }
    const paragraph = lines.slice(i, end).join('');
    const eol = /\r?\n$/u.exec(paragraph)?.[0] ?? '';
    const body = paragraph.slice(0, paragraph.length - eol.length);
    const start = preview(body);
    const key = digest('p', body);
    const eligible = !opaque && !list && body.length >= minRepeatChars && !pointsAtNeighbours(body);
    if (mayReplace && eligible && seen.earlier.has(key) && !ambiguous('p', start, key, seen)) {
      out.push(repeatedParagraphReference(body) + eol);
      replaced += 1;
    } else {
      // Every paragraph is a place a reference could be taken to point at, short ones and lists too.
      rememberPlace('p', start, key, seen);
      if (eligible) seen.added.add(key);
      out.push(paragraph);
    }
    i = end;
  }
  return replaced === 0 ? { text, replaced } : { text: out.join(''), replaced };
}
