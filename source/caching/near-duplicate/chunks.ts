/**
 * The first reading of a question: whitespace-separated chunks, each either prose (a word, with its
 * apostrophes and inner hyphens), a number as written, or verbatim (anything holding another symbol:
 * code, formulas, URLs, paths, versions, quoted text). Only prose is ever rewritten; a verbatim chunk is
 * compared character for character, so `a[1:]`/`a[:1]`, `//`/`/`, `3.10`/`3.1` and `1,234`/`1234` differ.
 *
 * Sentence punctuation after a chunk is dropped where it can only be punctuation: at the end of the
 * question and before the next sentence (a capital follows). A comma after prose is kept as a flag on
 * its chunk (form-token.ts renders it). Elsewhere punctuation stays as its own token, so `println!`
 * never meets `println?`.
 */

export type ChunkKind = 'word' | 'number' | 'verbatim' | 'mark';

export interface Chunk {
  /** The chunk as written, without the punctuation that was dropped. */
  text: string;
  kind: ChunkKind;
  /** Offset of `text` in the normalised question. */
  start: number;
  /** First chunk of a sentence: its capital letter says nothing about it being a name. */
  sentenceStart: boolean;
  /** A comma followed it (dropped): list items are separated by these. */
  commaAfter: boolean;
}

/**
 * One way to write each character that has several: composed accents, quotes, apostrophes, spaces,
 * full-width ASCII. Not NFKC: it would make "x²" "x2" and "½" "1⁄2".
 */
export function normaliseCharacters(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\u2018\u2019\u02bc\u2032]/g, "'")
    .replace(/[\u201c\u201d\u00ab\u00bb\u201e]/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
}

const prose = /^[\p{L}\p{M}]+(?:['-][\p{L}\p{M}]+)*$/u;
const digits = /^\p{N}+$/u;
const sentencePunctuation = /[.,;:!?…]+$/u;
const onlySentencePunctuation = /^[.,;:!?…]+$/u;
const endsSentence = /[.!?…]/u;

/** Where the next sentence starts: a capital letter, a digit, or an opening quote/bracket. */
function startsSentence(next: string | undefined): boolean {
  return next === undefined || /^["'(\[]?[\p{Lu}\p{N}]/u.test(next);
}

export function chunkQuestion(normalised: string): Chunk[] {
  const raw = normalised.length === 0 ? [] : normalised.split(' ');
  const chunks: Chunk[] = [];
  let offset = 0;
  let sentenceStart = true;
  raw.forEach((written, i) => {
    const start = normalised.indexOf(written, offset);
    offset = start + written.length;
    const last = i === raw.length - 1;
    const next = raw[i + 1];
    const boundary = last || startsSentence(next);
    if (onlySentencePunctuation.test(written)) {
      // A mark standing alone: French spacing (`quoi ?`), or an operator (`a ?? b`, `a ? b : c`).
      const single = written.length === 1 || /^([.!?…])\1*$/u.test(written) || (last && /^[.!?…]+$/u.test(written));
      if (single && boundary && written !== ',' && written !== ':' && written !== ';') {
        sentenceStart = true;
        return;
      }
      if (written === ',' && chunks.length > 0) {
        chunks[chunks.length - 1]!.commaAfter = true;
        return;
      }
      chunks.push({ text: written, kind: 'mark', start, sentenceStart, commaAfter: false });
      sentenceStart = false;
      return;
    }
    const trail = sentencePunctuation.exec(written)?.[0] ?? '';
    const core = written.slice(0, written.length - trail.length);
    const kind: ChunkKind = prose.test(core) ? 'word' : digits.test(core) ? 'number' : 'verbatim';
    const chunk: Chunk = { text: core, kind, start, sentenceStart, commaAfter: false };
    sentenceStart = false;
    if (trail.length === 0) {
      chunks.push(chunk);
      return;
    }
    if (last) {
      chunks.push(chunk);
      sentenceStart = true;
      return;
    }
    if (kind === 'verbatim') {
      // Code keeps what follows it unless a new sentence plainly starts after it.
      if (endsSentence.test(trail) && boundary && /^[.!?…]+$/u.test(trail)) {
        chunks.push(chunk);
        sentenceStart = true;
      } else {
        chunks.push({ ...chunk, text: written });
      }
      return;
    }
    if (trail === ',') {
      chunks.push({ ...chunk, commaAfter: true });
      return;
    }
    chunks.push(chunk);
    if (endsSentence.test(trail) && boundary && /^[.!?…]+$/u.test(trail)) {
      sentenceStart = true;
      return;
    }
    // `;`, `:` or a `?` in mid-sentence: kept, as a mark of its own.
    chunks.push({ text: trail, kind: 'mark', start: start + core.length, sentenceStart: false, commaAfter: false });
  });
  return chunks;
}
