import {
  calendarNames, capitalisedCalendarNames, comparisonWords, direction, howQualifiers, meaningfulSymbols,
  modals, multipliers, negators, notComparative, numberWords, optionalDirections, ordinalWords, polarity,
  prepositionalDirection, quantifiers, questionWords, speakerWords, thirdPerson, units,
} from './lexicon.js';
import { cleanWord, type RawItems, type Token } from './normalise.js';

/**
 * What the guards compare, computed once per question. Every field is a short list of strings so
 * that a cache entry can store it as JSON. Lists keep the order of the question unless said otherwise.
 */
export interface GuardFeatures {
  /** Quantities with their unit: "5 km", "1000", "5 usd", "50 pct", "#3" (an ordinal), raw tokens with digits ("iphone7"). */
  numbers: string[];
  /** Text between quotes, as written. */
  quoted: string[];
  /** Code identifiers, as written: "getElementById", "os.path.join", "foo()", "snake_case", "c++". */
  identifiers: string[];
  /** File paths and file names, as written. */
  paths: string[];
  /** URLs with scheme and host lowercased. */
  urls: string[];
  /** Email addresses, lowercased. */
  emails: string[];
  /** Proper nouns and calendar names (normal form, not lemma), in order of appearance. */
  entities: string[];
  /** Each negator with the content term it applies to: "not:safe", "without:sugar". Sorted. */
  negation: string[];
  /** `class:pole` of each judgement word: "good:+", "pros:-". */
  polarity: string[];
  /** `class:pole` of each direction word: "order:+" (ascending), "fromto:+" (to), "crypt:-" (decrypt). */
  direction: string[];
  /** Comparatives and superlatives: "more", "big:er", "good:est", "than". Sorted. */
  comparison: string[];
  /**
   * What is asked: what/why/how/how-many/when/where/who/whose/whether, or yesno/none without a
   * question word; sorted; then "questions:N" when more than one question is asked.
   */
  questionType: string[];
  /** Modal verbs: can, could, may, might, must, shall, should, will, would. Sorted. */
  modality: string[];
  /** ["progressive"] for be + verb-ing ("what is causing X"), else []. */
  aspect: string[];
  /** ["one"] or ["several"] from the first is/are (was/were), else []. */
  number: string[];
  /** ["passive"] for be/get + past participle, else []. */
  voice: string[];
  /**
   * Third-person pronouns by referent (he/she/they) in order; then, sorted, first and second person as
   * "speaker:1" (I, we), "owner:1" (my), "self:1" (myself) and the same with 2 for you, and
   * "impersonal" when the question is asked without a subject ("how to...", "best way to...").
   */
  person: string[];
  /** Quantifiers and frequency words: all (every, each), only, both, either, same, always, sometimes... Sorted. */
  quantifiers: string[];
  /** Operators between terms ("+", "-", "*", "/", "=", "<", ">"...) and emoji, in order. */
  symbols: string[];
  /** Pointing words, which mean whatever the context shows: "near" (this, these), "far" (that, those). Sorted. */
  deixis: string[];
  /** Content terms in a canonical reading order: "list in Python" and "Python list" both read "python list". */
  order: string[];
}

export type GuardName =
  | 'numbers' | 'quoted' | 'identifiers' | 'paths' | 'urls' | 'emails' | 'entities' | 'negation' | 'polarity'
  | 'direction' | 'comparison' | 'question-type' | 'modality' | 'aspect' | 'voice' | 'number' | 'person'
  | 'quantifiers' | 'symbols' | 'deixis' | 'order';

/** A modal verb, as opposed to the noun ("free will", "my Will power", "a can of beans"). */
export function isModalVerb(tokens: readonly Token[], i: number): boolean {
  const token = tokens[i]!;
  if (!modals.has(token.normal) || token.pos === 'NOUN' || token.pos === 'PROPN') return false;
  const previous = tokens[i - 1];
  return previous === undefined || !nounDeterminers.has(previous.normal);
}
const nounDeterminers = new Set(['a', 'an', 'the', 'my', 'your', 'his', 'her', 'our', 'their', 'its', 'free', 'own', 'good', 'strong']);

/** Words that only serve the guards, so similarity does not count them twice. */
export function isGuardWord(tokens: readonly Token[], i: number): boolean {
  const token = tokens[i]!;
  const n = token.normal;
  if (token.pos === 'PROPN' && !modals.has(n)) return false;
  return (
    questionWords.has(n) || negators.has(n) || thirdPerson.has(n) || speakerWords.has(n) ||
    quantifiers.has(n) || comparisonWords.has(n) || prepositionalDirection.has(n) || isModalVerb(tokens, i)
  );
}

const hasDigit = /\p{N}/u;
const plainNumber = /^[+-]?(?:\d+(?:\.\d+)?|\.\d+)$/;

/** "1,000" -> "1000", "1.50" -> "1.5", "007" -> "7"; ranges and fractions stay as written. */
export function canonicalNumber(text: string): string {
  const compact = text.replace(/(\d),(?=\d{3}(?!\d))/g, '$1');
  if (!plainNumber.test(compact)) return compact;
  // Keep an explicit plus: "1+1" is read as "1" "+1" and must not equal "1 1".
  return (compact.startsWith('+') ? '+' : '') + String(Number(compact));
}

function numericValue(token: Token): number | string | undefined {
  if (token.type === 'number' || (token.pos === 'NUM' && hasDigit.test(token.value))) return canonicalNumber(token.normal);
  if (token.pos === 'NUM' && numberWords.has(token.normal)) return numberWords.get(token.normal);
  return undefined;
}

function extractNumbers(tokens: readonly Token[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    let value = numericValue(token);
    if (value === undefined) {
      if (token.type === 'ordinal') out.push(`#${token.normal.replace(/\D+/g, '')}`);
      else if (ordinalWords.has(token.normal) && (token.pos === 'ADJ' || token.pos === 'NUM')) out.push(`#${ordinalWords.get(token.normal)}`);
      else if (token.type !== 'punctuation' && token.type !== 'url' && token.type !== 'email' && hasDigit.test(token.value)) {
        // "18-year-old" = "18 year old", "5-km" = "5 km"; other tokens with digits stay as written ("iphone7", "mp3").
        const hyphenated = /^(\d+(?:\.\d+)?)-([a-z]+)/.exec(token.normal);
        const unit = hyphenated ? units.get(hyphenated[2]!) : undefined;
        out.push(hyphenated && unit !== undefined ? `${canonicalNumber(hyphenated[1]!)} ${unit}` : token.normal);
      }
      continue;
    }
    // A unit before (currency: "$5") or after ("5 km", "5km", "5%", "5 million dollars").
    let unit: string | undefined;
    const before = tokens[i - 1];
    if (before && before.type === 'currency') unit = units.get(before.value) ?? before.value;
    let next = tokens[i + 1];
    const multiplier = next ? multipliers.get(next.normal) : undefined;
    if (multiplier !== undefined && typeof value === 'number') {
      value *= multiplier;
      i++;
      next = tokens[i + 1];
    } else if (multiplier !== undefined && typeof value === 'string' && plainNumber.test(value)) {
      value = Number(value) * multiplier;
      i++;
      next = tokens[i + 1];
    }
    if (unit === undefined && next && next.type !== 'punctuation') {
      const after = units.get(next.normal) ?? units.get(next.value);
      if (after !== undefined) {
        unit = after;
        i++;
      }
    }
    out.push(unit === undefined ? String(value) : `${value} ${unit}`);
  }
  return out;
}

function isEntity(token: Token): boolean {
  if (token.type !== 'word' || !/\p{L}/u.test(token.normal)) return false;
  if (calendarNames.has(token.normal)) return true;
  if (capitalisedCalendarNames.has(token.normal)) return /^\p{Lu}/u.test(token.value) && !token.sentenceStart;
  return token.pos === 'PROPN';
}

/** The content term a negator applies to: the next content term, or "" at the end. */
function negationScope(tokens: readonly Token[], from: number, termAt: ReadonlyMap<number, string>): string {
  for (let j = from + 1; j < tokens.length; j++) {
    const term = termAt.get(j);
    if (term !== undefined) return term;
    if (tokens[j]!.type === 'punctuation' && /[.!?;]/.test(tokens[j]!.value)) break;
  }
  return '';
}

function opposite(token: Token, table: ReadonlyMap<string, string>, next?: Token): string | undefined {
  const n = token.normal;
  if (n === 'in' && table === direction) {
    const particle = next === undefined || next.type === 'punctuation' || next.pos === 'ADP' || next.pos === 'CCONJ';
    return particle ? 'inout:+' : undefined;
  }
  // The word as written first ("left" is a side, not "leave"), then its lemma ("learned", "safes").
  const entry = table.get(n) ?? (token.lemma.length <= n.length ? table.get(token.lemma) : undefined);
  if (entry === undefined) return undefined;
  // "how to", "want to": the infinitive marker is not a direction; only the preposition is.
  if (prepositionalDirection.has(n)) return token.pos === 'ADP' ? entry : undefined;
  // "on"/"off" only as particles ("turn on"), not "on Quora".
  if (n === 'on') return token.pos === 'ADP' ? undefined : entry;
  return entry;
}

function comparisonOf(token: Token): string | undefined {
  const n = token.normal;
  const known = comparisonWords.get(n);
  if (known !== undefined) return known;
  if ((token.pos === 'ADJ' || token.pos === 'ADV') && n.length > 4 && !notComparative.has(n) && token.lemma !== n) {
    if (n.endsWith('est')) return `${token.lemma}:est`;
    if (n.endsWith('er')) return `${token.lemma}:er`;
  }
  return undefined;
}

function questionTypeOf(tokens: readonly Token[]): string[] {
  const kinds = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const kind = questionWords.get(token.normal);
    if (kind === undefined || token.pos === 'PROPN') continue;
    const next = tokens[i + 1]?.normal;
    if (kind === 'how' && next === 'come') kinds.add('why');
    else if (kind === 'how' && next !== undefined && howQualifiers.has(next)) kinds.add(`how-${next}`);
    else kinds.add(kind);
  }
  // "Is there a God?", "Are there alternatives to X?", "there is": asks whether something exists.
  for (let i = 0; i + 1 < tokens.length; i++) {
    const [x, y] = [tokens[i]!, tokens[i + 1]!];
    if ((x.normal === 'there' && y.lemma === 'be') || (x.lemma === 'be' && x.pos === 'AUX' && y.normal === 'there')) {
      kinds.add('exists');
      break;
    }
  }
  if (kinds.size === 0 || (kinds.size === 1 && kinds.has('exists'))) {
    const first = tokens.find((token) => token.type !== 'punctuation');
    kinds.add(first && (first.pos === 'AUX' || modals.has(first.normal)) ? 'yesno' : 'none');
  }
  const count = questionCount(tokens);
  return [...[...kinds].sort(), ...(count > 1 ? [`questions:${count}`] : [])];
}

function modalityOf(tokens: readonly Token[]): string[] {
  const kinds = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const next = tokens[i + 1];
    const modal = modals.get(token.normal);
    if (modal !== undefined && isModalVerb(tokens, i)) kinds.add(modal);
    // "have to", "has to", "had to" -> must; "able to" -> can.
    else if (token.lemma === 'have' && next?.normal === 'to' && next.pos === 'PART') kinds.add('must');
    else if (token.normal === 'able' && next?.normal === 'to') kinds.add('can');
  }
  return [...kinds].sort();
}

/**
 * Aspect: "progressive" for be + verb-ing ("what is causing X", "why should I be studying").
 * Tense is not compared: "who is Martin Luther" asks what "who was Martin Luther" asks, and the
 * questions whose answer changes with time are time-sensitive and never served.
 */
function aspectOf(tokens: readonly Token[]): string[] {
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.pos !== 'AUX' || token.lemma !== 'be') continue;
    const next = tokens[i + 1];
    // "Is eating late bad?", "Is having an ego good?": a question opening with be + verb-ing has a
    // gerund for its subject, which is not the progressive.
    if (token.sentenceStart && next?.normal.endsWith('ing')) continue;
    // Allow one adverb, pronoun or "not" between ("are you still working", "is not raining").
    const verb = next && (next.pos === 'ADV' || next.pos === 'PRON' || next.pos === 'PART') ? tokens[i + 2] : next;
    if (verb && verb.pos === 'VERB' && verb.normal.endsWith('ing')) return ['progressive'];
  }
  return [];
}

/**
 * Voice: "passive" for be/get + past participle ("being kissed", "is it used", "got fired").
 * "what is it like being kissed" != "what is it like to kiss".
 */
function voiceOf(tokens: readonly Token[]): string[] {
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.lemma !== 'be' && token.lemma !== 'get' && token.normal !== 'being' && token.normal !== 'been') continue;
    const next = tokens[i + 1];
    const verb = next && (next.pos === 'ADV' || next.pos === 'PRON' || next.pos === 'PART') ? tokens[i + 2] : next;
    if (verb && verb.pos === 'VERB' && verb.normal !== verb.lemma && !verb.normal.endsWith('ing') && !verb.normal.endsWith('s')) return ['passive'];
  }
  return [];
}

/**
 * Whether one thing or several are asked about, read from the first form of "be" (is/was: one;
 * are/were: several): "who is your favourite model" != "who are your favourite models", "what is a
 * logical fallacy" != "what are some logical fallacies".
 */
function grammaticalNumberOf(tokens: readonly Token[]): string[] {
  for (const token of tokens) {
    if (token.lemma !== 'be' || token.pos === 'NOUN') continue;
    if (token.normal === 'is' || token.normal === 'was') return ['one'];
    if (token.normal === 'are' || token.normal === 'were') return ['several'];
  }
  return [];
}

/**
 * How many questions are asked: sentences that hold a question word or open with an auxiliary or
 * modal ("Do children lie?"). Punctuation alone does not make a question ("Given that it is cheap?"),
 * so "What is X? What are some examples?" asks two and "What are some examples of X?" one.
 */
function questionCount(tokens: readonly Token[]): number {
  let count = 0;
  let asks = false;
  for (const token of tokens) {
    if (token.sentenceStart) {
      if (asks) count++;
      asks = token.pos === 'AUX' || modals.has(token.normal);
    }
    if (questionWords.has(token.normal) && token.pos !== 'PROPN') asks = true;
  }
  if (asks) count++;
  return count;
}

function personOf(tokens: readonly Token[]): string[] {
  const third: string[] = [];
  const speakers = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.pos === 'PROPN') continue;
    const referent = thirdPerson.get(token.normal);
    if (referent !== undefined) third.push(referent);
    else if (speakerWords.has(token.normal)) speakers.add(speakerWords.get(token.normal)!);
    else if (token.normal === 'to' && token.pos === 'PART') {
      const before = tokens[i - 1]?.normal ?? '';
      // "How to reset a password?", "best way to learn X"; not "should I learn how to code".
      const opening = tokens[i - 1]?.sentenceStart === true && questionWords.has(before);
      if (opening || before === 'way' || before === 'ways') speakers.add('impersonal');
    }
  }
  return [...third, ...[...speakers].sort()];
}

function deixisOf(tokens: readonly Token[]): string[] {
  const kinds = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.normal === 'this' || token.normal === 'these') kinds.add('near');
    else if (token.normal === 'that' || token.normal === 'those') {
      const next = tokens[i + 1];
      const previous = tokens[i - 1];
      // "is that a bug", "that book", "what is that?"; not "I think that...", "the book that I read".
      if (token.pos === 'DET' || next === undefined || next.type === 'punctuation' || previous?.lemma === 'be') kinds.add('far');
    }
  }
  return [...kinds].sort();
}

/** Prepositions after which the noun phrase reads first: "list in Python" = "Python list", "capital of France" = "France capital". */
const invertingPrepositions = new Set(['of', 'in', 'for', 'on', 'at']);
const determiners = new Set(['a', 'an', 'the', 'my', 'your', 'our', 'their', 'his', 'her', 'its', 'this', 'that', 'these', 'those', 'some', 'any']);
const nominalTags = new Set(['NOUN', 'PROPN', 'ADJ', 'NUM', 'X']);
/** Coordinators whose two sides can swap: "X and Y", "X or Y", "X vs Y". */
const coordinators = new Set(['and', 'or', 'vs', 'versus', '&']);

/**
 * Content terms in a canonical reading order, for the order guard. Runs of adjacent content terms
 * are phrases; in "A of/in/for/on/at B" the noun phrase ending A (its trailing nouns and adjectives)
 * reads after B, and "B's A" reads "B A". So "reverse a list in Python" and "reverse a Python list"
 * both read reverse, python, list; "recover deleted messages in Facebook" and "recover deleted
 * Facebook messages" both read recover, delete, facebook, message. The two phrases joined by
 * and/or/vs come in sorted order: "difference between jam and marmalade" = "... marmalade and jam".
 * (Names keep their written order all the same: the entities guard compares that.)
 */
function canonicalOrder(tokens: readonly Token[], termAt: ReadonlyMap<number, string>): string[] {
  type Term = { term: string; nominal: boolean };
  type Item = { run: Term[] } | { sep: 'inv' | 'and' | 'det' | 'break' };
  const items: Item[] = [];
  let run: Term[] = [];
  const close = (): void => {
    if (run.length > 0) items.push({ run });
    run = [];
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const term = token.type === 'currency' ? undefined : termAt.get(i); // "$5" reads as "5 dollars" does
    if (term !== undefined && !coordinators.has(token.normal)) {
      run.push({ term, nominal: nominalTags.has(token.pos) });
      continue;
    }
    if (token.normal === "'s" && token.pos === 'PART') continue; // "France's capital": one run, already in order.
    close();
    if (coordinators.has(token.normal)) items.push({ sep: 'and' });
    else if (invertingPrepositions.has(token.normal) && token.pos === 'ADP') items.push({ sep: 'inv' });
    else if (determiners.has(token.normal) || token.type === 'currency') items.push({ sep: 'det' });
    else items.push({ sep: 'break' });
  }
  close();

  const out: Term[][] = [];
  let previousWasRun = false;
  for (let k = 0; k < items.length; k++) {
    const item = items[k]!;
    if ('run' in item) {
      out.push(item.run);
      previousWasRun = true;
      continue;
    }
    if ((item.sep === 'inv' || item.sep === 'and') && previousWasRun) {
      let j = k + 1;
      while (j < items.length && 'sep' in items[j]! && (items[j] as { sep: string }).sep === 'det') j++;
      const following = items[j];
      if (following && 'run' in following && item.sep === 'and') {
        // "between X and Y" = "between Y and X": coordinated phrases in a fixed (sorted) order.
        // Only the noun phrase ending the first side is coordinated ("difference between [shame] and [guilt]").
        const head = out.pop()!;
        let cut = head.length;
        while (cut > 0 && head[cut - 1]!.nominal) cut--;
        if (cut === head.length) cut = head.length - 1;
        const key = (phrase: Term[]): string => phrase.map(({ term }) => term).join(' ');
        const sides = [head.slice(cut), following.run].sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
        out.push(head.slice(0, cut), ...sides);
        k = j;
        previousWasRun = true;
        continue;
      }
      if (following && 'run' in following) {
        const head = out.pop()!;
        let cut = head.length;
        while (cut > 0 && head[cut - 1]!.nominal) cut--;
        if (cut === head.length) cut = 0; // no noun at its end: move the whole phrase
        out.push(head.slice(0, cut), following.run, head.slice(cut));
        k = j;
        previousWasRun = true;
        continue;
      }
    }
    previousWasRun = false;
  }
  return out.flat().map(({ term }) => term);
}

export function extractGuards(tokens: readonly Token[], raw: RawItems, termAt: ReadonlyMap<number, string>): GuardFeatures {
  const entities: string[] = [];
  const negation: string[] = [];
  const polarityPoles: string[] = [];
  const directionPoles: string[] = [];
  const comparison: string[] = [];
  const quantifierKinds = new Set<string>();
  const symbols: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (isEntity(token)) {
      const name = cleanWord(token.normal);
      if (name.length > 0 && !entities.includes(name)) entities.push(name);
    }
    const negator = negators.get(token.normal);
    if (negator !== undefined && token.pos !== 'PROPN') negation.push(`${negator}:${negationScope(tokens, i, termAt)}`);
    const judged = opposite(token, polarity);
    if (judged !== undefined) polarityPoles.push(judged);
    const directed = opposite(token, direction, tokens[i + 1]);
    if (directed !== undefined) directionPoles.push(directed);
    const compared = comparisonOf(token);
    if (compared !== undefined) comparison.push(compared);
    const quantifier = quantifiers.get(token.normal);
    if (quantifier !== undefined && token.pos !== 'PROPN') quantifierKinds.add(quantifier);
    if (token.type === 'emoji') symbols.push(token.value);
    else if ((token.type === 'symbol' || token.pos === 'SYM') && meaningfulSymbols.has(token.value)) symbols.push(token.value);
  }
  return {
    numbers: extractNumbers(tokens),
    quoted: raw.quoted,
    identifiers: raw.identifiers,
    paths: raw.paths,
    urls: raw.urls,
    emails: raw.emails,
    entities,
    negation: negation.sort(),
    polarity: polarityPoles,
    direction: directionPoles,
    comparison: comparison.sort(),
    questionType: questionTypeOf(tokens),
    modality: modalityOf(tokens),
    aspect: aspectOf(tokens),
    number: grammaticalNumberOf(tokens),
    voice: voiceOf(tokens),
    person: personOf(tokens),
    quantifiers: [...quantifierKinds].sort(),
    symbols,
    deixis: deixisOf(tokens),
    order: canonicalOrder(tokens, termAt),
  };
}

// ---------------------------------------------------------------------------------------------
// Comparison. Each guard says whether two questions disagree on what it watches.

/** What a guard sees of a question: its guard features, its text as written and its index words. */
export interface GuardView {
  text: string;
  /** The index words in order ("what is the capital of france"). */
  words: readonly string[];
  guards: GuardFeatures;
}

const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((item, i) => item === b[i]);

/** Per class, the poles in order: "order:+" twice and "fromto:-" once -> {order: "++", fromto: "-"}. */
function polesByClass(entries: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const entry of entries) {
    const cut = entry.lastIndexOf(':');
    const name = entry.slice(0, cut);
    map.set(name, (map.get(name) ?? '') + entry.slice(cut + 1));
  }
  return map;
}
/**
 * Every class either question uses has the same poles in the same order in both. A class in
 * `optional` only counts when both use it: "add photos to Quora" = "add photos on Quora", but
 * "send money to India" != "send money from India".
 */
function samePoles(a: readonly string[], b: readonly string[], optional: ReadonlySet<string> = new Set()): boolean {
  const left = polesByClass(a);
  const right = polesByClass(b);
  for (const name of new Set([...left.keys(), ...right.keys()])) {
    const l = left.get(name);
    const r = right.get(name);
    if (l === r) continue;
    if (optional.has(name) && (l === undefined || r === undefined)) continue;
    return false;
  }
  return true;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
function verbatimIndex(text: string, item: string): number {
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}_])${escapeRegExp(item)}(?![\\p{L}\\p{N}_])`, 'u');
  return pattern.exec(text)?.index ?? -1;
}
/**
 * Verbatim items (quotes, identifiers) agree when every item either question marks is written,
 * exactly, in both, and they come in the same order. Marking may differ: `foo` = foo, "rm -rf" = rm -rf.
 */
function sameVerbatim(a: GuardView, b: GuardView, pick: (guards: GuardFeatures) => readonly string[]): boolean {
  const itemsA = pick(a.guards);
  const itemsB = pick(b.guards);
  if (sameList(itemsA, itemsB)) return true;
  const all = [...new Set([...itemsA, ...itemsB])];
  const positionsA: Array<[number, string]> = [];
  const positionsB: Array<[number, string]> = [];
  for (const item of all) {
    const inA = verbatimIndex(a.text, item);
    const inB = verbatimIndex(b.text, item);
    if (inA < 0 || inB < 0) return false;
    positionsA.push([inA, item]);
    positionsB.push([inB, item]);
  }
  const orderOf = (positions: Array<[number, string]>): string[] => positions.sort((x, y) => x[0] - y[0]).map(([, item]) => item);
  return sameList(orderOf(positionsA), orderOf(positionsB));
}

/**
 * Every name either question uses appears in both (as a word, whether tagged a name there or not),
 * and the names occur in the same sequence: "Paris to London" != "London to Paris", and "a war between
 * Muggles and Wizards: what can the Wizards do" != "... what can the Muggles do". Names joined by
 * and/or/vs are a set, not a sequence: "Turkish and Turkic" = "Turkic and Turkish".
 */
function sameEntities(a: GuardView, b: GuardView): boolean {
  if (a.guards.entities.length === 0 && b.guards.entities.length === 0) return true;
  const all = new Set([...a.guards.entities, ...b.guards.entities]);
  const left = entitySequence(a.words, all);
  const right = entitySequence(b.words, all);
  for (const name of all) if (!left.includes(name) || !right.includes(name)) return false;
  return sameList(left, right);
}

const coordinating = new Set(['and', 'or', 'vs', 'versus', '&']);
const ordering = new Set(['to', 'from', 'into', 'than', 'then', 'before', 'after', 'over', 'against']);

/** The names in the order they occur, each run of names joined by and/or/vs sorted. */
function entitySequence(words: readonly string[], names: ReadonlySet<string>): string[] {
  const out: string[] = [];
  let group: string[] = [];
  let joined = false;
  let broken = false;
  const flush = (): void => {
    out.push(...group.sort());
    group = [];
  };
  for (const word of words) {
    if (names.has(word)) {
      if (group.length > 0 && (!joined || broken)) flush();
      group.push(word);
      joined = false;
      broken = false;
    } else if (coordinating.has(word)) joined = true;
    else if (ordering.has(word)) broken = true;
  }
  flush();
  return out;
}

/** Terms both questions share come in the same canonical order, or one moved from the end to the front ("python list sort" = "sort python list"). */
function sameOrder(a: GuardView, b: GuardView): boolean {
  const inB = new Set(b.guards.order);
  const inA = new Set(a.guards.order);
  // Repeats count: "war between cats and dogs: what can the dogs do" != "... what can the cats do",
  // and "science and philosophy of science" != "science and philosophy".
  const left = a.guards.order.filter((term) => inB.has(term));
  const right = b.guards.order.filter((term) => inA.has(term));
  if (sameList(left, right)) return true;
  if (left.length < 3) return false;
  const rotatedForward = [...left.slice(1), left[0]!];
  const rotatedBack = [left.at(-1)!, ...left.slice(0, -1)];
  return sameList(rotatedForward, right) || sameList(rotatedBack, right);
}

function samePerson(a: GuardFeatures, b: GuardFeatures): boolean {
  const third = (g: GuardFeatures): string[] => g.person.filter((p) => !p.includes(':') && p !== 'impersonal');
  const speakers = (g: GuardFeatures): string[] => g.person.filter((p) => p.includes(':'));
  if (!sameList(third(a), third(b))) return false;
  const left = speakers(a);
  const right = speakers(b);
  if (sameList(left, right)) return true;
  // "how do I reset my password" = "how to reset password": a question asked without a subject is
  // the asker's. Anything else ("remove my questions" vs "remove questions", "your IQ" vs "IQ") differs.
  return (left.length === 0 && a.person.includes('impersonal')) || (right.length === 0 && b.person.includes('impersonal'));
}

export interface Guard {
  name: GuardName;
  /** True when the two questions agree on what this guard watches. */
  agree(a: GuardView, b: GuardView): boolean;
}

/**
 * The guards, in the order they are asked (the first that disagrees is the verdict's reason). Every
 * guard must agree for a near-duplicate to be served. Each states its rule, a pair it rejects and a
 * pair it lets through; tests/caching/near-duplicate/question.test.ts has both for every guard.
 */
export const guards: readonly Guard[] = [
  /**
   * Quantities, with the unit before or after them, in order. "5 km" != "5 miles" != "50 km";
   * "1,000" = "1000", "five km" = "5 km", "$5" = "5 dollars", "5 kilometres" = "5 km".
   */
  { name: 'numbers', agree: (a, b) => sameList(a.guards.numbers, b.guards.numbers) },
  /**
   * Quoted text, verbatim and in order; the other question may write it without quotes.
   * 'what does "foo" mean' != 'what does "bar" mean'; 'what does "carpe diem" mean' = 'what does carpe diem mean'.
   */
  { name: 'quoted', agree: (a, b) => sameVerbatim(a, b, (g) => g.quoted) },
  /**
   * Code identifiers (camelCase, snake_case, dotted.names, foo(), `backticked`, --flags, C++/C#),
   * verbatim with their case and in order. getElementById != getElementsById, foo() != foo;
   * `getElementById` = getElementById.
   */
  { name: 'identifiers', agree: (a, b) => sameVerbatim(a, b, (g) => g.identifiers) },
  /** File paths and file names, as written. "/etc/hosts" != "/etc/host", "app.py" != "main.py"; "/etc/hosts" = "/etc/hosts". */
  { name: 'paths', agree: (a, b) => sameList(a.guards.paths, b.guards.paths) },
  /** URLs, scheme and host case-folded. "https://a.com/x" != "https://a.com/y"; "HTTPS://A.com/x" = "https://a.com/x". */
  { name: 'urls', agree: (a, b) => sameList(a.guards.urls, b.guards.urls) },
  /** Email addresses, case-folded. "alice@example.com" != "bob@example.com"; "Alice@Example.com" = "alice@example.com". */
  { name: 'emails', agree: (a, b) => sameList(a.guards.emails, b.guards.emails) },
  /**
   * Names (proper nouns, months, weekdays) by their written form, not lemma: each in both questions,
   * in the same sequence, except that names joined by and/or/vs may swap. "capital of France" !=
   * "capital of Germany", "Paris to London" != "London to Paris"; "France" = "france".
   */
  { name: 'entities', agree: sameEntities },
  /**
   * Negators (not, n't, never, no/none/nothing..., without) with the term each applies to.
   * "is X safe" != "is X not safe", "coffee with sugar" != "coffee without sugar"; "can't" = "cannot" = "can not".
   */
  { name: 'negation', agree: (a, b) => sameList(a.guards.negation, b.guards.negation) },
  /**
   * Judgement words by class and pole; a class one question uses, the other must use the same way.
   * "pros of X" != "cons of X", "is X safe" != "is X unsafe", "best" != "worst"; "benefits of yoga" = "yoga benefits".
   */
  { name: 'polarity', agree: (a, b) => samePoles(a.guards.polarity, b.guards.polarity) },
  /**
   * Direction words by class and pole (ascending/descending, increase/decrease, encrypt/decrypt,
   * import/export, before/after, above/below, up/down, in/out, to/from, with/without...). to/from
   * and with/without count only when both questions use them. "sort ascending" != "sort descending",
   * "send money to India" != "send money from India"; "where can I learn English" = "from where can I learn English".
   */
  { name: 'direction', agree: (a, b) => samePoles(a.guards.direction, b.guards.direction, optionalDirections) },
  /** Comparatives and superlatives. "earn more" != "earn less", "bigger" != "biggest" != "big"; "faster than" = "faster than". */
  { name: 'comparison', agree: (a, b) => sameList(a.guards.comparison, b.guards.comparison) },
  /**
   * The question words, "is there" (existence) and how many questions are asked. "why X" != "how X",
   * "how many" != "how much", "is X popular" != "why is X popular"; "which laptop" = "what laptop".
   */
  { name: 'question-type', agree: (a, b) => sameList(a.guards.questionType, b.guards.questionType) },
  /** Modal verbs ("have to" = must). "can I" != "should I" != "I", "will" != "would"; "my will power" has none. */
  { name: 'modality', agree: (a, b) => sameList(a.guards.modality, b.guards.modality) },
  /** Progressive or not. "what is causing X" != "what causes X"; tense is not compared: "who was X" = "who is X". */
  { name: 'aspect', agree: (a, b) => sameList(a.guards.aspect, b.guards.aspect) },
  /** Passive or not. "what is it like being kissed" != "what is it like to kiss". */
  { name: 'voice', agree: (a, b) => sameList(a.guards.voice, b.guards.voice) },
  /**
   * One or several, from is/are; counts only when both questions use one. "who is your favourite
   * singer" != "who are your favourite singers"; "how does a robot work" = "how do robots work".
   */
  {
    name: 'number',
    agree: (a, b) => a.guards.number.length === 0 || b.guards.number.length === 0 || sameList(a.guards.number, b.guards.number),
  },
  /**
   * Who is meant: he/she/they in order, and I/my/myself against you/your/yourself. A subjectless
   * question is the asker's. "tell him" != "tell her", "your name" != "my name", "remove my questions"
   * != "remove questions"; "how do I reset my password" = "how to reset password".
   */
  { name: 'person', agree: (a, b) => samePerson(a.guards, b.guards) },
  /** Quantifiers that change the claim. "do all cats have tails" != "do cats have tails", "only women" != "women"; "some" is not one. */
  { name: 'quantifiers', agree: (a, b) => sameList(a.guards.quantifiers, b.guards.quantifiers) },
  /** Operators and emoji, in order. "x += y" != "x -= y", "what does ➰ mean" != "what does it mean"; "&" = "and". */
  { name: 'symbols', agree: (a, b) => sameList(a.guards.symbols, b.guards.symbols) },
  /** Pointing words: this/these, that/those. "what insect is this" != "what insect is that" != "what is an insect"; "what is this insect" = "what insect is this". */
  { name: 'deixis', agree: (a, b) => sameList(a.guards.deixis, b.guards.deixis) },
  /**
   * The shared content terms in the same canonical order (see canonicalOrder), or one term moved
   * from the end to the front. "dogs hate cats" != "cats hate dogs", "convert km to miles" !=
   * "convert miles to km"; "python list sort" = "sort python list", "list in Python" = "Python list".
   */
  { name: 'order', agree: sameOrder },
];
