/**
 * The first reading of a question: whitespace-separated chunks, each either prose (a word, with its
 * apostrophes and inner hyphens), a number as written, or verbatim (anything holding another symbol:
 * code, formulas, URLs, paths, versions, quoted text). Only prose is ever rewritten; a verbatim chunk is
 * compared character for character, so `a[1:]`/`a[:1]`, `//`/`/`, `3.10`/`3.1` and `1,234`/`1234` differ.
 *
 * Sentence punctuation after a chunk is dropped where it can only be punctuation: at the end of the
 * question and before the next sentence (a capital follows). What was dropped is kept on the sentence's
 * last chunk (`closing`): "You are a bot." states what "You are a bot?" asks (question.ts reads it). After
 * a colon the words are material ("Translate: I am hungry?"), and their punctuation stays as a token. A
 * comma after prose is kept as a flag on its chunk (form-token.ts renders it). Elsewhere punctuation stays
 * as its own token, so `println!` never meets `println?`. A line break is a token of its own (`¶`): "roses
 * are red / violets are blue" on two lines is two lines to count, rhyme or reverse.
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
  /** On a sentence's last chunk: the punctuation that closed the sentence and was dropped ('' for none). */
  closing?: string;
}

/** The token a line break inside the question becomes (whitespace never is one: forms are joined on spaces). */
export const lineBreak = '¶';

/**
 * One way to write each character that has several: composed accents, quotes, apostrophes, spaces,
 * full-width ASCII. Not NFKC: it would make "x²" "x2" and "½" "1⁄2".
 */
export function normaliseCharacters(text: string): string {
  const parts = text.normalize('NFC').trim().split(/(\s+)/);
  // Pieces at even places, the whitespace between them at odd ones: a run holding a line break stays one.
  return parts.map((part, i) => (i % 2 === 0 ? foldPiece(part) : part.includes('\n') || part.includes('\r') ? '\n' : ' ')).join('');
}

/** Symbols of code, formulas and paths: a piece holding one is compared as written. */
const codeSymbol = /[()[\]{}<>=+*/\\|&^%$#@~`;]/u;

/**
 * Quotes, apostrophes and full-width letters folded in prose only: in code they are other characters
 * (`print(‘hi’)` is a syntax error where `print('hi')` is not; `x＝1` is not `x=1`).
 */
function foldPiece(piece: string): string {
  const folded = piece
    .replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\u2018\u2019\u02bc\u2032]/g, "'")
    .replace(/[\u201c\u201d\u00ab\u00bb\u201e]/g, '"');
  return folded !== piece && codeSymbol.test(folded) ? piece : folded;
}

/**
 * Whether the question's whitespace may carry meaning: a code fence, a tab, an indented line, or a run of
 * whitespace other than one space next to a piece of code (`print("a  b")`, a newline between two
 * statements). Such a question is compared as written (question.ts): indentation is syntax in Python, YAML
 * and Makefiles, and spaces inside a string literal are part of it.
 */
export function carriesLayout(text: string): boolean {
  const trimmed = text.normalize('NFC').trim();
  if (trimmed.includes('```') || trimmed.includes('\t') || /\n[ \u00a0]/u.test(trimmed)) return true;
  const parts = trimmed.split(/(\s+)/u);
  for (let i = 1; i < parts.length; i += 2) {
    if (parts[i] === ' ') continue;
    if (codeSymbol.test(parts[i - 1] ?? '') || codeSymbol.test(parts[i + 1] ?? '')) return true;
  }
  return false;
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
  const parts = normalised.length === 0 ? [] : normalised.split(/([ \n])/);
  const raw = parts.filter((_, i) => i % 2 === 0);
  const chunks: Chunk[] = [];
  let offset = 0;
  let sentenceStart = true;
  // After a colon the rest is material: its sentence punctuation is kept as written.
  let material = false;
  /** A sentence ends after the last chunk: its dropped punctuation is noted, or kept as a token in material. */
  const close = (trail: string, at: number): void => {
    const previous = chunks[chunks.length - 1];
    if (material) chunks.push({ text: trail, kind: 'mark', start: at, sentenceStart: false, commaAfter: false });
    else if (previous) previous.closing = trail;
    sentenceStart = true;
  };
  raw.forEach((written, i) => {
    const start = normalised.indexOf(written, offset);
    offset = start + written.length;
    if (i > 0 && parts[2 * i - 1] === '\n') {
      chunks.push({ text: lineBreak, kind: 'mark', start: start - 1, sentenceStart: false, commaAfter: false });
      sentenceStart = true;
    }
    const last = i === raw.length - 1;
    const next = raw[i + 1];
    const boundary = last || parts[2 * i + 1] === '\n' || startsSentence(next);
    if (onlySentencePunctuation.test(written)) {
      // A mark standing alone: French spacing (`quoi ?`), or an operator (`a ?? b`, `a ? b : c`).
      const single = written.length === 1 || /^([.!?…])\1*$/u.test(written) || (last && /^[.!?…]+$/u.test(written));
      if (single && boundary && written !== ',' && written !== ':' && written !== ';') {
        close(written, start);
        return;
      }
      if (written === ',' && chunks.length > 0) {
        chunks[chunks.length - 1]!.commaAfter = true;
        return;
      }
      chunks.push({ text: written, kind: 'mark', start, sentenceStart, commaAfter: false });
      if (written === ':') material = true;
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
      if (isFactorialBang(kind, core, trail)) {
        const bangs = factorialBangs(trail);
        chunks.push({ text: bangs, kind: 'mark', start: start + core.length, sentenceStart: false, commaAfter: false });
        if (trail.length > bangs.length) close(trail.slice(bangs.length), start + core.length + bangs.length);
      } else {
        close(trail, start + core.length);
      }
      return;
    }
    if (kind === 'verbatim') {
      // Code keeps what follows it unless a new sentence plainly starts after it.
      if (endsSentence.test(trail) && boundary && /^[.!?…]+$/u.test(trail)) {
        chunks.push(chunk);
        close(trail, start + core.length);
      } else {
        chunks.push({ ...{}, ...chunk, text: written });
      }
      return;
    }
    if (trail === ',') {
      chunks.push({ ...{}, ...chunk, commaAfter: true });
      return;
    }
    chunks.push(chunk);
    if (endsSentence.test(trail) && boundary && /^[.!?…]+$/u.test(trail)) {
      if (isFactorialBang(kind, core, trail)) {
        const bangs = factorialBangs(trail);
        chunks.push({ text: bangs, kind: 'mark', start: start + core.length, sentenceStart: false, commaAfter: false });
        if (trail.length > bangs.length) close(trail.slice(bangs.length), start + core.length + bangs.length);
        else sentenceStart = true;
      } else {
        close(trail, start + core.length);
      }
      return;
    }
    // `;`, `:` or a `?` in mid-sentence: kept, as a mark of its own.
    chunks.push({ text: trail, kind: 'mark', start: start + core.length, sentenceStart: false, commaAfter: false });
    if (trail === ':') material = true;
  });
  return chunks;
}

/**
 * A "!" right after a number or a single letter is a factorial ("5!", "n!"), and after code a macro or an
 * unwrap: kept, even where it ends the question. After a word it is only emphasis ("Explain recursion!").
 */
function isFactorialBang(kind: ChunkKind, core: string, trail: string): boolean {
  return trail.startsWith('!') && (kind !== 'word' || [...core].length === 1);
}

/** The factorial's marks: every "!" of the run, since "5!!" is the double factorial, not an emphatic "5!". */
function factorialBangs(trail: string): string {
  let end = 0;
  while (trail[end] === '!') end++;
  return trail.slice(0, end);
}
