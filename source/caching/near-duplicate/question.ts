/**
 * "Is this the same question?": the core of the L1b near-duplicate cache.
 *
 * A question is read once (analyseQuestion) into features a cache entry can store as JSON: the text
 * the full-text index searches, the content terms similarity compares, and what each guard compares.
 * judgeNearDuplicate then decides whether a cached answer may be served for an incoming question:
 * the content terms must be similar enough (at the default threshold: the same), and every guard
 * must agree. The bar is that a served answer is the right answer: a false hit is a wrong answer
 * served to a user, a miss only costs an upstream call. So every rule errs towards a miss.
 *
 * Files: normalise.ts reads text (wink-nlp tokens, URLs, paths, identifiers, quotes); lexicon.ts holds
 * the word lists; guards.ts the guards, each with its rule and examples; similarity.ts the score.
 * bench/eval/near-duplicate-qqp.ts measures all of it on 20,000 labelled Quora question pairs.
 */
import { canonicalNumber, extractGuards, guards, isGuardWord, type GuardFeatures, type GuardName, type GuardView } from './guards.js';
import { ignorable, modals, numberWords, spellings, timePhrases, timeWords, units } from './lexicon.js';
import { cleanWord, indexTextOf, normaliseUrl, rawItems, roughIndexText, tokenise, type RawItems, type Token } from './normalise.js';
import { jaccard, singular } from './similarity.js';

export type { GuardFeatures, GuardName } from './guards.js';

export interface QuestionFeatures {
  /** The question as asked. */
  text: string;
  /** The normalised form the full-text index stores and searches: lowercase words, contractions expanded, punctuation and whitespace folded. */
  indexText: string;
  /**
   * What similarity compares: the content terms as a sorted unique list. A term is a word's lemma
   * without a plural "s" (its normal form for names, and where the lemmatiser would lengthen it: "app"
   * stays "app"), a canonical number ("1,000" -> "1000"), a unit after a number in one spelling
   * ("kilometres" -> "km"), or a URL/email. Not terms: articles, be/do/have as auxiliaries, I/you/my,
   * attaching prepositions (of, in, on...), vague amounts (some, several) and fillers (really, just),
   * and the words the guards compare exactly (question words, modals, negators, pronouns...).
   */
  terms: string[];
  /** Whatever the guards compare, precomputed once per question. */
  guards: GuardFeatures;
  /** True when the answer depends on when it is asked ("today", "now", "latest", "what time"...): never served from L1b. */
  timeSensitive: boolean;
}

export type Verdict =
  | { match: true; score: number }
  | { match: false; score: number; reason: GuardName | 'threshold' | 'time-sensitive' | 'empty' | 'too-long' };

/**
 * Questions longer than this are never near-duplicates. A question is short: past this length it is
 * pasted material, which the exact cache (L1a) serves, where one changed word among hundreds is both
 * likely and invisible to content terms; and the tagger's cost grows faster than the text.
 */
export const maxQuestionLength = 2000;

/** Auxiliary lemmas that carry no meaning of their own ("is", "does", "has been"). */
const emptyAuxiliaries = new Set(['be', 'do', 'have', 'get']);
const hasLetter = /\p{L}/u;
const hasDigit = /\p{N}/u;

function termOf(tokens: readonly Token[], i: number): string | undefined {
  const token = tokens[i]!;
  const mainVerb = isMainDo(tokens, i);
  switch (token.type) {
    case 'currency':
      return units.get(token.value); // "$5" and "5 dollars" both hold the terms 5 and usd
    case 'punctuation': case 'symbol': case 'emoji': case 'emoticon':
      return undefined;
    case 'url':
      return normaliseUrl(token.value);
    case 'email':
      return token.normal;
  }
  const word = cleanWord(token.normal);
  if (word.length === 0) return undefined;
  if (token.type === 'number' || token.type === 'ordinal' || (hasDigit.test(word) && !hasLetter.test(word))) return canonicalNumber(word);
  if (token.pos === 'NUM' && numberWords.has(word)) return String(numberWords.get(word));
  if (!hasLetter.test(word) && !hasDigit.test(word)) return undefined;
  // A unit after a number, in one spelling: "5 kilometres" and "5 km" both hold the terms 5 and km.
  const previous = tokens[i - 1];
  const unit = units.get(word);
  if (unit !== undefined && previous && (previous.type === 'number' || previous.pos === 'NUM')) return unit;
  if (ignorable.has(word) && !mainVerb) return undefined;
  if (token.pos === 'AUX' && emptyAuxiliaries.has(token.lemma) && !mainVerb) return undefined;
  if (isGuardWord(tokens, i)) return undefined;
  let base = word;
  // Lemmas fold inflections ("lists" -> "list") but also rewrite words ("app" -> "application", "y" -> "you"):
  // take a lemma only when it is not longer than the word (plus one letter: "studies" -> "study").
  if (token.pos !== 'PROPN' && hasLetter.test(token.lemma) && token.lemma.length <= word.length + 1 && !hasDigit.test(word)) base = token.lemma;
  return spellings.get(base) ?? spellings.get(word) ?? singular(base);
}

/**
 * "do" as the verb itself, not an auxiliary: "what to do", "what can I do", "what do credit cards do?"
 * (the tagger calls all of these AUX).
 */
function isMainDo(tokens: readonly Token[], i: number): boolean {
  const token = tokens[i]!;
  if (token.lemma !== 'do') return false;
  const previous = tokens[i - 1];
  const next = tokens[i + 1];
  if (previous && previous.normal === 'to' && previous.pos === 'PART') return true;
  // After a modal or another "do", within two words: "what can I do", "how do I do it".
  for (const before of [tokens[i - 1], tokens[i - 2]]) {
    if (before && (modals.has(before.normal) || before.lemma === 'do')) return true;
  }
  // Last word of its clause: "what do credit cards do?" (a quote or bracket opens something instead).
  return next === undefined || (next.type === 'punctuation' && /^[.?!;,:…]+$/.test(next.value));
}

function isTimeSensitive(tokens: readonly Token[]): boolean {
  const normals = tokens.filter((token) => token.type !== 'punctuation').map((token) => token.normal);
  for (let i = 0; i < normals.length; i++) {
    const word = normals[i]!;
    if (timeWords.has(word) && !(word === 'current' && tokens.some((t) => t.normal === word && t.pos === 'NOUN'))) return true;
    for (const phrase of timePhrases) {
      if (phrase[0] === word && phrase.every((part, k) => normals[i + k] === part)) return true;
    }
  }
  return false;
}

const noRawItems: RawItems = { urls: [], emails: [], paths: [], identifiers: [], quoted: [] };

/** Reads a question once (~70 µs): its index text, terms, guard features and time sensitivity. */
export function analyseQuestion(text: string): QuestionFeatures {
  if (text.length > maxQuestionLength) {
    return { text, indexText: roughIndexText(text), terms: [], guards: extractGuards([], noRawItems, new Map()), timeSensitive: false };
  }
  const tokens = tokenise(text);
  const termAt = new Map<number, string>();
  tokens.forEach((token, i) => {
    const term = termOf(tokens, i);
    if (term !== undefined) termAt.set(i, term);
  });
  return {
    text,
    indexText: indexTextOf(tokens),
    terms: [...new Set(termAt.values())].sort(),
    guards: extractGuards(tokens, rawItems(text), termAt),
    timeSensitive: isTimeSensitive(tokens),
  };
}

/** 0..1: how much of their content two questions share (see `jaccard`). */
export function similarity(a: QuestionFeatures, b: QuestionFeatures): number {
  return jaccard(a.terms, b.terms);
}

export { defaultNearDuplicateThreshold as defaultThreshold } from '../../store/defaults.js';

const viewOf = (features: QuestionFeatures): GuardView => ({
  text: features.text,
  words: features.indexText.length === 0 ? [] : features.indexText.split(' '),
  guards: features.guards,
});

/**
 * Whether `incoming` may be answered with what was cached for `cached`. Similarity first (cheap
 * reject), then every guard; the first guard that disagrees is the reason. Pure and deterministic.
 */
export function judgeNearDuplicate(cached: QuestionFeatures, incoming: QuestionFeatures, threshold: number): Verdict {
  if (cached.text.length > maxQuestionLength || incoming.text.length > maxQuestionLength) return { match: false, score: 0, reason: 'too-long' };
  if (cached.terms.length === 0 || incoming.terms.length === 0) return { match: false, score: 0, reason: 'empty' };
  const score = similarity(cached, incoming);
  if (cached.timeSensitive || incoming.timeSensitive) return { match: false, score, reason: 'time-sensitive' };
  if (score < threshold) return { match: false, score, reason: 'threshold' };
  const a = viewOf(cached);
  const b = viewOf(incoming);
  for (const guard of guards) {
    if (!guard.agree(a, b)) return { match: false, score, reason: guard.name };
  }
  return { match: true, score };
}
