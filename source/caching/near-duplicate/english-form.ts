/**
 * The canonical form of an English question: its chunks (chunks.ts) read by wink-nlp (tokens, parts of
 * speech, lemmas) and brought into one form by the documented meaning-preserving rewrites only:
 * - case, where it cannot name something: lowercase words, and closed-class words or imperative verbs
 *   capitalised only because a sentence starts with them; anything else capitalised is a possible name
 *   (and in a question written without capitals, a word the lexicon knows only as a name is that name);
 *   a name with a capital inside it keeps its case ("userId" is not "userID", "MyClass" not "myClass");
 * - contractions ("what's" = "what is", "can't" = "can not"; "'s" before a participle and "'d" stay as written);
 * - politeness where it cannot be the thing asked about (greetings, "please", "thanks");
 * - a closed list of phrasings (english-phrasings.ts); "an" = "a".
 * - small numbers written as words = their digits ("two" = "2"; not "one", which is also a pronoun), except in
 *   a question about words themselves ("What rhymes with four?": english-lexicon.ts, aboutWordsCues) or one
 *   that reads numbers in a base ("What is ten in binary?": numeralSystemCues).
 * Nothing else changes: tense, person, number, prepositions, numbers and symbols all stay as written, and
 * after a colon or a line break nothing is rewritten at all: what follows may be material (a text to count,
 * correct, translate or echo), compared word for word.
 */
import winkNLP, { type ItsFunction } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import { lineBreak, type Chunk } from './chunks.js';
import { aboutWordsCues, apostropheless, contractionHomophones, functionWords, imperativeVerbs, numeralSystemCues, textOperation, wordFormCues, wouldVerbs } from './english-lexicon.js';
import { applyPhrasings } from './english-phrasings.js';
import type { FormToken } from './form-token.js';

interface Tagged {
  value: string;
  lemma: string;
  pos: string;
  start: number;
}

type Nlp = ReturnType<typeof winkNLP>;
let nlp: Nlp | undefined;

/** Loads the model now rather than on the first question (a gateway with L1b on calls this at start). */
export function loadQuestionReader(): void {
  reader();
}

function reader(): Nlp {
  nlp ??= winkNLP(model, ['sbd', 'pos']);
  return nlp;
}

/** wink's tokens with their offsets; undefined if they do not lay out the text exactly (then nothing is rewritten). */
function tag(text: string): Tagged[] | undefined {
  const engine = reader();
  const its = engine.its;
  const tokens = engine.readDoc(text).tokens();
  const values = tokens.out(its.value) as string[];
  const spaces = tokens.out(its.precedingSpaces) as string[];
  const lemmas = tokens.out(its.lemma as unknown as ItsFunction<string>) as string[];
  const tags = tokens.out(its.pos) as string[];
  const out: Tagged[] = [];
  let offset = 0;
  for (let i = 0; i < values.length; i++) {
    offset += (spaces[i] ?? '').length;
    const value = values[i] ?? '';
    if (!text.startsWith(value, offset)) return undefined;
    out.push({ value, lemma: lemmas[i] ?? value, pos: tags[i] ?? 'X', start: offset });
    offset += value.length;
  }
  return offset === text.length ? out : undefined;
}

const allCapitals = /^\p{Lu}[\p{Lu}\p{N}'-]+$/u;
const titleCase = /^\p{Lu}[^\p{Lu}]*$/u;
const innerCapital = /^.\P{Lu}*\p{Lu}/u;

/** How a written word is compared (see the rules at the top of this file): its kind; its text is `textOf`. */
function kindOf(value: string, lower: string, lemma: string, pos: string, sentenceStart: boolean, caseless: boolean): FormToken['kind'] {
  if (value === lower) {
    // A lowercase word the lexicon knows only as a name ("france" -> "France") names the same thing, in a
    // question written without capitals. Where the writer uses capitals, a lowercase word was written so
    // on purpose: "What is chile?" asks about the pepper, "What is chad?" not about the country.
    const knownName = caseless && pos === 'PROPN' && lemma !== value && /^\p{Lu}/u.test(lemma) && !functionWords.has(lower);
    return knownName ? 'name' : 'word';
  }
  if (value === 'I') return 'word';
  if (allCapitals.test(value)) return 'acronym';
  // A capital that only starts a sentence: folded for closed-class words and imperative verbs; any other
  // first word may be a name ("Jaguar speed?"), so it stays one.
  if (sentenceStart && (functionWords.has(lower) || imperativeVerbs.has(lower)) && titleCase.test(value)) return 'word';
  return 'name';
}

/**
 * Small numbers written as words are the digits ("two examples" = "2 examples"); "one" is also a pronoun
 * ("which one") and stays a word. Only a lowercase word or one capitalised by its sentence: "Tea for Two" names.
 */
const numberWords: ReadonlyMap<string, string> = new Map(
  'zero two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen'
    .split(' ').map((word, i) => [word, String(i === 0 ? 0 : i + 1)] as const)
    .concat('twenty thirty forty fifty sixty seventy eighty ninety'.split(' ').map((word, i) => [word, String(20 + 10 * i)] as const)),
);

/** One written word as a token; `aboutWords`: the question asks about words (see aboutWordsCues), number words stay words. */
function wordToken(value: string, lemma: string, pos: string, sentenceStart: boolean, caseless: boolean, aboutWords = false): FormToken {
  const lower = value.toLowerCase();
  const digits = aboutWords ? undefined : numberWords.get(lower);
  if (digits !== undefined && (value === lower || (sentenceStart && titleCase.test(value)))) return { kind: 'number', text: digits, pos, sentenceStart, commaAfter: false };
  const kind = kindOf(value, lower, lemma, pos, sentenceStart, caseless);
  // A capital inside a word is part of the name: identifiers differ by it ("userId"/"userID", "MyClass"/"myClass").
  const asWritten = kind === 'acronym' || (kind === 'name' && innerCapital.test(value));
  return { kind, text: asWritten ? value : lower, pos, sentenceStart, commaAfter: false };
}

/**
 * The English form, or undefined when the tagger's tokens do not fit the text (the caller then compares
 * it exactly). `written` is the question before the phrasings: its words in their own order (contractions
 * spelled out), which is what time dependence is read from ("tell me what time it is" becomes "what is
 * time it", where "what time" is gone).
 */
export function englishForm(text: string, chunks: readonly Chunk[]): { written: FormToken[]; form: FormToken[] } | undefined {
  const tagged = tag(text);
  if (!tagged) return undefined;
  const caseless = writtenWithoutCapitals(chunks);
  // A question about how words are written or said keeps "two" apart from "2" and "an" apart from "a".
  const aboutWords = chunks.some((chunk) => chunk.kind === 'word' && aboutWordsCues.has(chunk.text.toLowerCase()));
  // A question that reads numbers in a base keeps "ten" apart from "10" too ("What is 10 in binary?"), and
  // so does one that works on a string (hashes, encodes, enciphers, reverses it): "the md5 of ten" is not "of 10".
  // And so does one that names a letter ("How many e's are in seventeen?", "Is there a w in two?"): it asks
  // about how the number is written, and "17" has no e.
  const numerals = aboutWords || chunks.some((chunk) => (chunk.kind === 'word' && (numeralSystemCues.has(chunk.text.toLowerCase()) || namesALetter(chunk))) || textOperation(chunk.text));
  const written = new Set(chunks.filter((chunk) => chunk.kind === 'word').map((chunk) => chunk.text.toLowerCase()));
  const wordForms = [...written].some((word) => wordFormCues.has(word) || (contractionHomophones.get(word) ?? []).some((twin) => written.has(twin)));
  const out: FormToken[] = [];
  let cursor = 0;
  // After a colon or a line break the words may be material, counted, corrected, echoed or worked on as
  // written: "Count the words: I'm tired" is not "... I am tired", "Sort: two, ten" not "Sort: 2, 10". No
  // rewrite touches them.
  let material = false;
  for (const chunk of chunks) {
    const end = chunk.start + chunk.text.length;
    while (cursor < tagged.length && tagged[cursor]!.start < chunk.start) cursor++;
    const pieces: Tagged[] = [];
    while (cursor < tagged.length && tagged[cursor]!.start < end) pieces.push(tagged[cursor++]!);
    const base = { sentenceStart: chunk.sentenceStart, commaAfter: false };
    const pos = pieces[0]?.pos ?? '';
    if (chunk.kind !== 'word') {
      out.push({ ...{}, ...base, kind: chunk.kind, text: chunk.text, pos });
      // A colon, or a line break: what follows may be pasted text ("Count the words\nI'm tired").
      if (chunk.kind === 'mark' && (chunk.text === ':' || chunk.text === lineBreak)) material = true;
    } else if (pieces.length === 0 || pieces.map((p) => p.value).join('') !== chunk.text) {
      return undefined;
    } else if (material) {
      out.push({ ...{}, ...base, kind: 'verbatim', text: chunk.text, pos });
    } else {
      out.push(...wordTokens(chunk, pieces, tagged[cursor], tagged[cursor + 1], caseless, numerals, wordForms));
    }
    out[out.length - 1]!.commaAfter = chunk.commaAfter;
  }
  // "Should I sign off with cheers, thanks?": a question mark after the thanks puts it inside the question.
  const askedLast = (chunks[chunks.length - 1]?.closing ?? '').includes('?');
  return { written: out.map((token) => ({ ...token })), form: applyPhrasings(out, aboutWords, askedLast) };
}

/**
 * A word that can only be a letter named: one letter on its own ("a w in two") or with a plural "'s" ("how
 * many e's"), but the article "a" and the pronoun "I" (and "A" opening a sentence, the article again).
 */
const letterNamed = /^\p{L}(?:'s)?$/u;
function namesALetter(chunk: Chunk): boolean {
  const text = chunk.text;
  if (text.length > 3 || !letterNamed.test(text)) return false;
  return !(text === 'a' || text === 'i' || text === 'I' || (text === 'A' && chunk.sentenceStart));
}

/**
 * The writer does not use case: no word starts with a capital but the pronoun "I" (and "I'm", "I'd"...),
 * or the pronoun itself is written "i" ("How can i get freebies in india?").
 */
function writtenWithoutCapitals(chunks: readonly Chunk[]): boolean {
  if (chunks.some((chunk) => /^i(?:'\p{L}+)?$/u.test(chunk.text))) return true;
  return !chunks.some((chunk) => /^\P{L}*\p{Lu}/u.test(chunk.text) && !/^I(?:'\p{L}+)?$/u.test(chunk.text));
}

/**
 * One prose chunk as tokens: contractions split and spelled out, hyphenated words kept whole. `keepContractions`:
 * the question is about how words are written or said (wordFormCues), where "I'm" is one word and "I am" two ("How many words are
 * in I'm tired?", "Is you're a word?"), or sets a contraction against the word written like it ("you're or your?"):
 * contractions stay as written, with or without their apostrophe.
 */
function wordTokens(chunk: Chunk, pieces: readonly Tagged[], following: Tagged | undefined, nextAfter: Tagged | undefined, caseless: boolean, aboutWords: boolean, keepContractions = false): FormToken[] {
  const base = { sentenceStart: chunk.sentenceStart, commaAfter: false };
  if (chunk.text.includes('-')) return [wordToken(chunk.text, chunk.text, pieces[0]!.pos, chunk.sentenceStart, caseless, aboutWords)];
  const lower = chunk.text.toLowerCase();
  if (keepContractions && (chunk.text.includes("'") || apostropheless.has(lower))) {
    return [{ ...{}, ...base, kind: chunk.text === lower || titleCase.test(chunk.text) ? 'word' : 'verbatim', text: chunk.text === lower || titleCase.test(chunk.text) ? lower : chunk.text, pos: pieces[0]!.pos }];
  }
  const spelled = apostropheless.get(lower);
  if (spelled && (chunk.text === lower || titleCase.test(chunk.text))) {
    return spelled.map((text, k) => ({ ...{}, ...base, sentenceStart: base.sentenceStart && k === 0, kind: 'word' as const, text, pos: k === 0 ? pieces[0]!.pos : 'AUX' }));
  }
  const out: FormToken[] = [];
  (chunk.text.includes("'") ? splitContractions(pieces) : pieces).forEach((piece, k, all) => {
    const pieces = all;
    const sentenceStart = chunk.sentenceStart && k === 0;
    const next = pieces[k + 1] ?? following;
    const contraction = piece.value.includes("'") || k + 1 < pieces.length ? spellContraction(piece, pieces[k - 1], next, pieces[k + 2] ?? (pieces[k + 1] ? following : nextAfter)) : undefined;
    if (contraction !== undefined) {
      out.push({ kind: 'word', text: contraction, pos: piece.pos, sentenceStart, commaAfter: false });
      return;
    }
    out.push(wordToken(piece.value, piece.lemma, piece.pos, sentenceStart, caseless, aboutWords));
  });
  return out;
}

/** wink leaves some contractions whole ("I'm"): split them as it splits the others ("I'd" -> "I" + "'d"). */
function splitContractions(pieces: readonly Tagged[]): Tagged[] {
  return pieces.flatMap((piece) => {
    if (!piece.value.includes("'")) return [piece];
    const match = /^(\p{L}+)('m|'re|'ve|'ll|'d|'s|n't)$/iu.exec(piece.value);
    if (!match) return [piece];
    const head = match[1]!;
    return [
      { value: head, lemma: head, pos: piece.pos === 'AUX' ? 'PRON' : piece.pos, start: piece.start },
      { value: match[2]!, lemma: match[2]!, pos: 'AUX', start: piece.start + head.length },
    ];
  });
}

/** Participles read as auxiliaries after which "'s" is "has": "who's been to the Moon" is not "who is been". */
const perfectParticiples = new Set(['been', 'had', 'got', 'gotten']);

/** The spelled-out word for a contraction piece, or undefined when the piece is not one. */
function spellContraction(piece: Tagged, previous: Tagged | undefined, next: Tagged | undefined, after: Tagged | undefined): string | undefined {
  const value = piece.value.toLowerCase();
  // First halves: "ca|n't", "wo|n't", "sha|n't".
  if (next?.value.toLowerCase() === "n't") {
    const first = ({ ca: 'can', wo: 'will', sha: 'shall' } as Record<string, string>)[value];
    if (first) return first;
  }
  switch (value) {
    case "n't":
      return 'not';
    case "'m":
      return 'am';
    case "'re":
      return 'are';
    case "'ve":
      return 'have';
    case "'ll":
      return 'will';
    case "'d":
      return next && wouldVerbs.has(next.value.toLowerCase()) ? 'would' : "'d";
    case "'s": {
      if (previous?.value.toLowerCase() === 'let') return 'us';
      if (piece.pos !== 'AUX') return "'s"; // possessive
      // "who's been", "what's had": "has" before a participle the tagger reads as an auxiliary.
      if (next !== undefined && perfectParticiples.has(next.value.toLowerCase())) return "'s";
      // "what's going on" is "is"; "what's happened" and "what's he got" may be "has": left as written.
      const verbs = [next, after].filter((token): token is Tagged => token !== undefined && token.pos === 'VERB');
      return verbs.some((verb) => !verb.value.toLowerCase().endsWith('ing')) ? "'s" : 'is';
    }
    default:
      return undefined;
  }
}
