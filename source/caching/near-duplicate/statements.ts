/**
 * A statement and a question in the same words: "You are a bot." states, "You are a bot?" asks; "The
 * test passed. Why?" is not "The test passed? Why?". Where a sentence's word order already says what it
 * is (a question word or an inverted auxiliary opens it, or an imperative), its closing mark adds nothing
 * and is ignored ("Where is Everest." = "Where is Everest?", "Explain recursion!" = "Explain recursion").
 * Elsewhere a sentence closed by ".", "!" or "…" is a statement, and the form says which sentences are:
 * a question mark, or none, leaves it a question. Even a phrase without a verb counts ("Best way to learn
 * Python." / "...?"): the tagger reads "The function returns null" with "returns" as a noun, so a verb is
 * not required, and such a pair is a miss, never a wrong answer.
 */
import type { Chunk } from './chunks.js';
import { auxiliaries, embeddingPrefixes, greetings, imperativeVerbs, pleaseWords, questionWords, thanksPhrases } from './english-lexicon.js';
import { isWord, type FormToken } from './form-token.js';
import { politeness } from './languages.js';

/** Words that may open a sentence before its subject without making it a question ("So you can read minds."). */
const openers = new Set([...greetings, ...pleaseWords, 'so', 'and', 'but', 'oh', 'well', 'ok', 'okay', 'yes', 'no', 'thanks', 'then', 'now']);

/**
 * Words of greetings, thanks and "please", in which a sentence made of them only is politeness ("Hi there!",
 * "Thanks in advance!", "Danke!", "Merci !"): it states nothing, and the rewrites drop it.
 */
const politeWords = new Set([
  ...greetings, ...pleaseWords, 'there', ...thanksPhrases.flat(),
  ...[...politeness.de.anywhereEdge, ...politeness.fr.anywhereEdge].flat(),
]);
const onlyPoliteness = (words: readonly string[]): boolean => words.every((word) => politeWords.has(word.toLowerCase()));

/** A closing of ".", "!" or "…" only: "?!" and "!?" still ask; so does a closing with any other mark in it. */
const statementClosing = /^[.!…]+$/u;

/**
 * German and French sentences that open with these are questions or requests whatever closes them: the
 * question words, the imperatives languages.ts knows, and German finite verbs (a German statement puts
 * its verb second, so one opening the sentence asks or tells to do).
 */
const otherOpeners: Record<'de' | 'fr', ReadonlySet<string>> = {
  de: new Set(`wie was wer wo woher wohin warum wann welche welcher welches welchen wieso weshalb wieviel
    erkläre erklär schreibe schreib übersetze nenne gib zeig zeige beschreibe fasse bitte
    ist sind war waren kann kannst können könnte hat hast haben gibt wird werden muss musst soll sollte darf
    bin bist hatte gab weißt wisst kennst`.split(/\s+/)),
  fr: new Set(`qu'est-ce quel quelle quels quelles comment pourquoi où quand qui combien est-ce c'est que quoi
    explique écris traduis donne décris résume cite`.split(/\s+/)),
};

/** The sentences of a token list, split where a sentence starts. */
function sentencesOf<T extends { sentenceStart: boolean }>(tokens: readonly T[]): T[][] {
  const out: T[][] = [];
  for (const token of tokens) {
    if (token.sentenceStart || out.length === 0) out.push([token]);
    else out[out.length - 1]!.push(token);
  }
  return out;
}

/** An English sentence in statement order with a finite verb (`written`: its tokens before any rewrite). */
function canStateEnglish(sentence: readonly FormToken[]): boolean {
  if (onlyPoliteness(sentence.filter((token) => token.kind !== 'mark').map((token) => token.text))) return false;
  let k = 0;
  while (k < sentence.length && (sentence[k]!.kind === 'mark' || (isWord(sentence[k]) && openers.has(sentence[k]!.text)))) k++;
  const first = sentence[k];
  if (!first) return false;
  const rest = sentence.slice(k);
  // "I want you to explain X" asks as "Explain X" does, whatever closes it.
  if (requestPrefixes.some((prefix) => prefix.every((word, n) => isWord(rest[n], word)))) return false;
  // "In Python, how do I read a file": a clause after a comma that opens as a question asks.
  if (sentence.some((token, i) => i > k && sentence[i - 1]!.commaAfter && isWord(token) && (questionWords.has(token.text) || auxiliaries.has(token.text)) && asksInOrder(sentence.slice(i)))) return false;
  // A wh-word opens an exclamation too ("What a pity!", "How strange!", "How kind of you!") and a reply
  // without a verb ("Why not."): there the closing mark says whether it asks.
  if (isWord(first) && questionWords.has(first.text)) return exclaims(rest) || !rest.some((token) => token.pos === 'VERB' || token.pos === 'AUX');
  if (isWord(first) && (auxiliaries.has(first.text) || imperativeVerbs.has(first.text))) return false;
  if (first.pos === 'VERB') return false;
  return !embeddingPrefixes.some((prefix) => prefix.every((word, n) => isWord(rest[n], word)));
}

/** Openings that ask the one addressed to do something (english-phrasings.ts drops them before a request verb). */
const requestPrefixes = [['i', 'would', 'like', 'you', 'to'], ['i', 'want', 'you', 'to'], ['i', 'need', 'you', 'to']];

/** A clause opened by a wh-word or an auxiliary that reads as a question: not an exclamation, and with a verb. */
const asksInOrder = (clause: readonly FormToken[]): boolean =>
  !(isWord(clause[0]) && questionWords.has(clause[0]!.text) && (exclaims(clause) || !clause.some((token) => token.pos === 'VERB' || token.pos === 'AUX')));

/** Degree words after "how" that open questions of amount, not exclamations ("how many people live here"). */
const amountWords = new Set(['much', 'many', 'far', 'long', 'often', 'old', 'soon', 'come', 'late', 'early']);

/**
 * "What a/an/such ..." or "how" + an adjective or adverb not followed by a verb ("How strange", "How beautiful
 * you are", where "how beautiful are you" asks): an exclamation in its word order, which its mark may make a question.
 */
function exclaims(rest: readonly FormToken[]): boolean {
  const [wh, next, after] = rest;
  if (isWord(wh, 'what')) return isWord(next, 'a', 'an', 'such');
  if (!isWord(wh, 'how') || !isWord(next) || amountWords.has(next!.text) || !(next!.pos === 'ADJ' || next!.pos === 'ADV')) return false;
  return !after || !(after.pos === 'AUX' || after.pos === 'VERB');
}

function canStateOther(language: 'de' | 'fr', sentence: readonly Chunk[]): boolean {
  const words = sentence.filter((chunk) => chunk.kind !== 'mark').map((chunk) => chunk.text);
  return words.length > 0 && !onlyPoliteness(words) && !otherOpeners[language].has(words[0]!.toLowerCase());
}

/**
 * The marker of the sentences that state ("stated(0,2)": the first and third of those that could), or
 * undefined when none does. `written` are the English tokens before any rewrite, one sentence for each
 * sentence of `chunks`; without them (another language, or text the tagger could not read) `language`
 * says how to read a sentence's opening, and 'exact' counts every sentence closed by "." or "!".
 */
export function statementMarker(chunks: readonly Chunk[], written: readonly FormToken[] | undefined, language: 'en' | 'de' | 'fr' | 'exact'): FormToken | undefined {
  const chunkSentences = sentencesOf(chunks);
  // Tokens that do not split as the chunks do cannot be paired with them: then every closed sentence counts.
  const split = written ? sentencesOf(written) : undefined;
  const tokenSentences = split && split.length === chunkSentences.length ? split : undefined;
  if (written && !tokenSentences) language = 'exact';
  const stated: number[] = [];
  let candidates = 0;
  chunkSentences.forEach((sentence, n) => {
    const can = tokenSentences ? canStateEnglish(tokenSentences[n]!) : language === 'de' || language === 'fr' ? canStateOther(language, sentence) : !onlyPoliteness(sentence.filter((chunk) => chunk.kind !== 'mark').map((chunk) => chunk.text));
    if (!can) return;
    // Without a closing mark a sentence in statement order states as much as with a full stop ("You are a
    // bot" is not "You are a bot?"): only a question mark makes it ask.
    const closing = sentence.findLast((chunk) => chunk.closing !== undefined)?.closing ?? '';
    if (closing === '' || statementClosing.test(closing)) stated.push(candidates);
    candidates += 1;
  });
  return stated.length === 0 ? undefined : { kind: 'rewrite', text: `stated(${stated.join(',')})`, pos: '', sentenceStart: false, commaAfter: false };
}
