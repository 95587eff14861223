/**
 * "Is this the same question?": the core of the L1b near-duplicate cache.
 *
 * Two questions are the same only when one becomes the other through documented meaning-preserving
 * rewrites. Each question is read once (analyseQuestion) into its canonical form: the rewrites applied,
 * everything else kept as written (english-form.ts, english-phrasings.ts; German and French get only
 * case at a sentence start, punctuation and politeness; any other language is compared exactly, as written).
 * judgeNearDuplicate then asks for equal forms, or forms equal up to the order of a true list when the
 * words themselves are the same (true-lists.ts). Similarity of content terms only finds and ranks
 * candidates (store.ts); it never decides.
 *
 * A false hit is a wrong answer served to a user, a miss only costs an upstream call: so anything not
 * covered by a rewrite is a difference, and a question whose answer depends on when it is asked is never
 * served (time-dependence.ts). bench/eval/near-duplicate-qqp.ts and tests/caching/near-duplicate/
 * adversarial-pairs measure it.
 */
import { carriesLayout, chunkQuestion, lineBreak, normaliseCharacters, type Chunk } from './chunks.js';
import { englishForm } from './english-form.js';
import { functionWords as englishFunctionWords } from './english-lexicon.js';
import { renderForm, renderToken, type FormToken } from './form-token.js';
import { detectLanguage, functionWords, pleaseOnly, politeness, speechVerbs, type QuestionLanguage } from './languages.js';
import { otherLanguageTimeCue, timeCue, timeDependenceOf, type TimeDependence } from './time-dependence.js';
import { statementMarker } from './statements.js';
import { orderFreeForm } from './true-lists.js';

export { loadQuestionReader } from './english-form.js';
export type { TimeDependence } from './time-dependence.js';

export interface QuestionFeatures {
  /** The question as asked. */
  text: string;
  language: QuestionLanguage;
  /**
   * The canonical form; '' when the question is too long to compare. In a language this code cannot read
   * (`other`) it is the text as written (whitespace aside): compared exactly, its time dependence read
   * from a word list only (time-dependence.ts), so the layer keeps it in the scope of the minute it was asked.
   */
  form: string;
  /** The form with true lists' items sorted (equal to `form` when there is no list). */
  orderFree: string;
  /** The written words, lowercase and sorted: a list reordering may change nothing else. */
  words: string;
  /** Content terms for the candidate index (store.ts): the form's tokens but closed-class words. */
  terms: string[];
  /** How the answer depends on when it is asked; undefined when it does not. */
  time: TimeDependence | undefined;
  /** The word or pattern that made it time-dependent ("open", "how much", "7 pm"). */
  timeCue?: string;
}

export type Verdict =
  | { match: true; score: number; by: 'same-form' | 'list-order' }
  | { match: false; score: number; reason: 'time-dependent' | 'language' | 'too-long' | 'different' };

/**
 * Questions longer than this are not analysed: past it a question is pasted material, which the exact
 * cache (L1a) serves, and the tagger's cost grows with the text. The layer says `x-isartor-skipped: l1b:size`.
 */
export const maxQuestionLength = 2000;

export function analyseQuestion(text: string): QuestionFeatures {
  const empty = { text, form: '', orderFree: '', words: '', terms: [] as string[] };
  if (text.length > maxQuestionLength) return { ...{}, ...empty, language: 'other', time: undefined };
  const read = readQuestion(text);
  if (!carriesLayout(text)) return read;
  // Whitespace that may be syntax (code, YAML, a string literal): compared as written, time read as usual.
  const asWritten = `l:${text.normalize('NFC').trim()}`;
  return { ...{}, ...read, form: asWritten, orderFree: asWritten };
}

function readQuestion(text: string): QuestionFeatures {
  const normalised = normaliseCharacters(text);
  const language = detectLanguage(normalised);
  if (language === 'other') {
    const exact = `v:${normalised}`;
    const cue = otherLanguageTimeCue(normalised);
    return { text, language, form: exact, orderFree: exact, words: '', terms: [], time: cue?.kind, ...(cue ? { timeCue: cue.cue } : {}) };
  }
  const chunks = chunkQuestion(normalised);
  const words = chunks.filter((chunk) => chunk.kind !== 'mark').map((chunk) => chunk.text.toLowerCase()).sort().join(' ');
  // Time is read from the words alone: a line break between "what" and "time" still asks the time.
  // Material a text verb works on ("Translate to Spanish: good night") says nothing about when it is asked.
  const timeText = beforeWorkedText(chunks, normalised);
  const cueOf = (tokens: readonly FormToken[]) => timeCue(beforeColon(tokens, timeText !== normalised).filter((token) => !(token.kind === 'mark' && token.text === lineBreak)).map((token) => ({ lower: token.text.toLowerCase(), pos: token.pos, sentenceStart: token.sentenceStart, name: token.kind === 'name' || token.kind === 'acronym', acronym: token.kind === 'acronym' })), timeText);
  if (language === 'en') {
    const english = englishForm(normalised, chunks);
    if (!english) {
      // The tagger could not lay its tokens over the text: compared as written, time read from the words.
      const exact = exactTokens(chunks);
      return features(text, language, stating(exact, statementMarker(chunks, undefined, 'exact')), words, cueOf(exact), false);
    }
    // Read from the words as written, then as rewritten: a rewrite may move or drop the words that say so.
    const time = cueOf(english.written) ?? cueOf(english.form);
    return features(text, language, stating(english.form, statementMarker(chunks, english.written, 'en')), words, time, true);
  }
  const askedLast = (chunks[chunks.length - 1]?.closing ?? '').includes('?');
  const polite = dropPoliteness(language, otherLanguageTokens(language, chunks), askedLast);
  const tokens = language === 'fr' ? foldFrenchWhatIs(polite) : polite;
  const timeChunks = timeText === normalised ? chunks : chunks.slice(0, chunks.findIndex((chunk) => chunk.kind === 'mark' && chunk.text === ':'));
  const kind = timeDependenceOf(language, timeChunks.map((chunk) => chunk.text.toLowerCase()), timeText);
  return features(text, language, stating(tokens, statementMarker(chunks, undefined, language)), words, kind && { kind, cue: kind }, false);
}

/**
 * Verbs that work on a text given after a colon: translating, spelling, correcting it (not counting or
 * summarising, which may ask about the world: "Count: days until Christmas"). What
 * follows the colon is then the text worked on, not a question about now ("Translate to Spanish: good night",
 * "Übersetze: wie spät ist es?"): its time words do not make the question time-dependent. After any other
 * opening ("Which greeting fits: good morning or good evening?") the words after the colon are read as usual.
 */
const textWorkVerbs = new Set(`translate transliterate spell pronounce paraphrase rephrase rewrite proofread correct punctuate
  capitalise capitalize reverse romanise romanize transcribe encode decode
  übersetze übersetz korrigiere buchstabiere traduis corrige épelle`.split(/\s+/));

/** The text read for time: up to a colon after a text verb opening the question, else all of it. */
function beforeWorkedText(chunks: readonly Chunk[], normalised: string): string {
  const first = chunks[0];
  if (!first || first.kind !== 'word' || !textWorkVerbs.has(first.text.toLowerCase())) return normalised;
  const colon = chunks.find((chunk) => chunk.kind === 'mark' && chunk.text === ':');
  return colon ? normalised.slice(0, colon.start) : normalised;
}

/** Tokens before the first colon, when `cut`. */
function beforeColon(tokens: readonly FormToken[], cut: boolean): readonly FormToken[] {
  if (!cut) return tokens;
  const at = tokens.findIndex((token) => token.kind === 'mark' && token.text === ':');
  return at === -1 ? tokens : tokens.slice(0, at);
}

/** The form with the marker of its stated sentences at the end (statements.ts), when one states. */
function stating(tokens: FormToken[], marker: FormToken | undefined): FormToken[] {
  return marker ? [...tokens, marker] : tokens;
}

function features(text: string, language: QuestionLanguage, tokens: FormToken[], words: string, cue: { kind: TimeDependence; cue: string } | undefined, lists: boolean): QuestionFeatures {
  const time = cue?.kind;
  const form = renderForm(tokens);
  const terms = [...new Set(tokens.filter((token) => !(token.kind === 'word' && englishFunctionWords.has(token.text))).map(renderToken))].sort();
  return { text, language, form, orderFree: lists ? orderFreeForm(tokens, form) : form, words, terms, time, ...(cue ? { timeCue: cue.cue } : {}) };
}

function exactTokens(chunks: readonly Chunk[]): FormToken[] {
  return chunks.map((chunk) => ({ kind: chunk.kind === 'word' ? 'verbatim' : chunk.kind, text: chunk.text, pos: '', sentenceStart: chunk.sentenceStart, commaAfter: chunk.commaAfter }));
}

/** German and French words: lowercase ones and closed-class words opening a sentence compare lowercase; the rest as written. */
function otherLanguageTokens(language: 'de' | 'fr', chunks: readonly Chunk[]): FormToken[] {
  return chunks.map((chunk) => {
    const base = { pos: '', sentenceStart: chunk.sentenceStart, commaAfter: chunk.commaAfter };
    if (chunk.kind !== 'word') return { ...{}, ...base, kind: chunk.kind, text: chunk.text };
    const lower = chunk.text.toLowerCase();
    if (chunk.text === lower) return { ...{}, ...base, kind: 'word', text: lower };
    if (chunk.sentenceStart && functionWords[language].has(lower) && /^\p{Lu}[^\p{Lu}]*$/u.test(chunk.text)) return { ...{}, ...base, kind: 'word', text: lower };
    return { ...{}, ...base, kind: 'verbatim', text: chunk.text };
  });
}

/** Politeness at the edges (and German "bitte" after the first word): see languages.ts. */
function dropPoliteness(language: 'de' | 'fr', input: FormToken[], askedLast = false): FormToken[] {
  let tokens = input;
  const lower = (token: FormToken | undefined): string => (token && (token.kind === 'word' || token.kind === 'verbatim') ? token.text.toLowerCase() : '');
  const matches = (phrase: readonly string[], at: number): boolean => phrase.every((word, k) => lower(tokens[at + k]) === word);
  const { anywhereEdge, afterFirstWord } = politeness[language];
  // After a colon the words are material ("Übersetze: Hallo, danke" translates the thanks).
  const colonAt = tokens.findIndex((token) => token.kind === 'mark' && token.text === ':');
  for (let changed = true; changed && tokens.length > 1; ) {
    changed = false;
    for (const phrase of anywhereEdge) {
      const at = tokens.length - phrase.length;
      // After a comma, thanks or a greeting may be what is said (languages.ts, speechVerbs): kept there.
      const said = () => !pleaseOnly[language].has(phrase[0]!) && (askedLast || tokens.slice(0, at).some((token) => speechVerbs[language].has(lower(token))));
      if (at > 0 && (colonAt === -1 || colonAt > at) && matches(phrase, at) && (tokens[at]!.sentenceStart || (tokens[at - 1]!.commaAfter && !said()))) {
        tokens = tokens.slice(0, at).map((token, i) => (i === at - 1 ? { ...{}, ...token, commaAfter: false } : token));
        changed = true;
        break;
      }
      // Inside a sentence that more follows ("Hallo, wie geht's? Ist das zu locker?") it may be the words asked about.
      const inSentence = (): boolean => !tokens[phrase.length]!.sentenceStart && tokens.slice(phrase.length + 1).some((token) => token.sentenceStart || (token.kind === 'mark' && token.text === ':'));
      if (tokens.length > phrase.length && matches(phrase, 0) && (tokens[phrase.length - 1]!.commaAfter || tokens[phrase.length]!.sentenceStart || phrase[0] === 'bitte') && !inSentence()) {
        tokens = [{ ...{}, ...tokens[phrase.length]!, sentenceStart: true }, ...tokens.slice(phrase.length + 1)];
        changed = true;
        break;
      }
    }
  }
  for (const phrase of afterFirstWord) {
    if (tokens.length > phrase.length + 1 && matches(phrase, 1)) {
      tokens = [tokens[0]!, ...tokens.slice(1 + phrase.length)];
      break;
    }
  }
  return tokens;
}

const frenchDeterminers = new Set(['le', 'la', 'les', 'un', 'une', 'des', 'du']);

/**
 * French "c'est quoi X" = "qu'est-ce que X" = "qu'est-ce que c'est que X", where X is a noun phrase opening
 * with a determiner ("la photosynthèse", "une monade", "l'ADN"): one marker. "Qu'est-ce que tu fais ?" is
 * another question and stays as written.
 */
function foldFrenchWhatIs(tokens: FormToken[]): FormToken[] {
  const lower = (at: number): string => tokens[at]?.text.toLowerCase() ?? '';
  let rest: FormToken[] | undefined;
  if (lower(0) === "c'est" && lower(1) === 'quoi') rest = tokens.slice(2);
  else if (lower(0) === "qu'est-ce" && lower(1) === 'que') rest = lower(2) === "c'est" && lower(3) === 'que' ? tokens.slice(4) : tokens.slice(2);
  else if (lower(0) === "qu'est-ce" && /^qu'\p{L}/u.test(lower(1))) rest = [{ ...{}, ...tokens[1]!, text: tokens[1]!.text.slice(3) }, ...tokens.slice(2)];
  const first = rest?.[0];
  const determiner = first !== undefined && ((first.kind === 'word' && frenchDeterminers.has(first.text)) || ((first.kind === 'word' || first.kind === 'verbatim') && /^l'\p{L}/u.test(first.text)));
  if (!rest || !determiner) return tokens;
  if (rest.slice(1).some((token) => token.sentenceStart)) return tokens;
  return [{ kind: 'rewrite', text: 'fr-what-is', pos: '', sentenceStart: true, commaAfter: false }, ...rest];
}

/** 0..1: the share of content terms two questions have in common; ranks candidates, decides nothing. */
export function similarity(a: QuestionFeatures, b: QuestionFeatures): number {
  const left = new Set(a.terms);
  let shared = 0;
  for (const term of b.terms) if (left.has(term)) shared++;
  const union = left.size + b.terms.length - shared;
  return union === 0 ? 1 : shared / union;
}

/** Whether `incoming` may be answered with what was cached for `cached`. Pure and deterministic. */
export function judgeNearDuplicate(cached: QuestionFeatures, incoming: QuestionFeatures): Verdict {
  const score = similarity(cached, incoming);
  if (cached.text.length > maxQuestionLength || incoming.text.length > maxQuestionLength) return { match: false, score, reason: 'too-long' };
  if (cached.time || incoming.time) return { match: false, score, reason: 'time-dependent' };
  if (cached.form === '' || incoming.form === '' || cached.language !== incoming.language) return { match: false, score, reason: 'language' };
  if (cached.form === incoming.form) return { match: true, score, by: 'same-form' };
  if (cached.orderFree === incoming.orderFree && cached.words === incoming.words) return { match: true, score, by: 'list-order' };
  return { match: false, score, reason: 'different' };
}
