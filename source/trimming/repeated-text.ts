import { createHash } from 'node:crypto';

/**
 * Instruction trimming, in its lossless form: agents re-send the same instruction paragraph or injected
 * context block with every turn. A paragraph (a run of non-blank lines) or a whole text block that is
 * byte-identical to one in an EARLIER message is replaced by a short reference quoting its start; the
 * first occurrence always stays as it is, and repeats inside one message stay too (they may be data).
 *
 * Never touched: paragraphs with a numbered or bulleted list item (a runbook's step 3 may repeat step 1
 * on purpose), anything inside or next to a code fence, and paragraphs shorter than `minRepeatChars` (a
 * reference would not be much shorter). Splitting is at line endings only, so joining the pieces gives
 * the original bytes; no sentence splitter can cut inside `./migrate.sh`, `v1.2.3` or a URL.
 */

/** Below this a reference saves too little to be worth the indirection. */
export const minRepeatChars = 160;

/** What was said in earlier messages; a message adds its own keys only once it is done. */
export interface EarlierText {
  has(key: string): boolean;
}

const fence = /^\s*(?:```|~~~)/u;
const listItem = /^\s*(?:[-*+•‣◦]|\d{1,3}[.)]|[a-zA-Z][.)]|\(\d{1,3}\)|\[[ xX]\])\s/u;

const digest = (kind: string, text: string): string => `${kind}${createHash('sha256').update(text).digest('base64')}`;

function preview(text: string): string {
  const first = text.trimStart().split('\n', 1)[0]!.replace(/\s+/gu, ' ');
  return first.length > 60 ? `${first.slice(0, 60)}…` : `${first}…`;
}

export function repeatedParagraphReference(text: string): string {
  return `[paragraph repeated verbatim from an earlier message: "${preview(text)}"]`;
}

export function repeatedBlockReference(text: string): string {
  return `[text repeated verbatim from an earlier message: "${preview(text)}"]`;
}

/**
 * A whole text (a message's string content or one text block) seen in an earlier message: its reference,
 * or undefined (then its key is added to `added`). Like paragraphs, a text with a list item or a code
 * fence is never replaced.
 */
export function referenceRepeatedBlock(text: string, earlier: EarlierText, added: string[]): string | undefined {
  if (text.length < minRepeatChars || text.split('\n').some((line) => fence.test(line) || listItem.test(line))) return undefined;
  const key = digest('b', text);
  if (earlier.has(key)) return repeatedBlockReference(text);
  added.push(key);
  return undefined;
}

/**
 * Replaces the paragraphs of `text` already seen in earlier messages by references; adds the keys of the
 * others to `added`. Returns the text itself when nothing changed.
 */
export function referenceRepeatedParagraphs(text: string, earlier: EarlierText, added: string[]): { text: string; replaced: number } {
  if (text.length < minRepeatChars) return { text, replaced: 0 };
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
    if (opaque || list || body.length < minRepeatChars) {
      out.push(paragraph);
    } else {
      const key = digest('p', body);
      if (earlier.has(key)) {
        out.push(repeatedParagraphReference(body) + eol);
        replaced += 1;
      } else {
        added.push(key);
        out.push(paragraph);
      }
    }
    i = end;
  }
  return replaced === 0 ? { text, replaced } : { text: out.join(''), replaced };
}
