/**
 * One token of a question's canonical form. Two questions are the same question when their canonical
 * forms are equal (see question.ts); the kind is part of the comparison, so a name never meets a common
 * word ("Turkey"/"turkey"), an acronym never meets a word ("US"/"us"), code never meets prose.
 */
export type FormKind =
  | 'word' // prose whose case says nothing: lowercase, or a closed-class word capitalised at a sentence start
  | 'name' // a word that may name something: capitalised in mid-sentence, or a lowercase word the lexicon knows only as a name
  | 'acronym' // all capitals, kept as written
  | 'number' // digits, kept as written (007 is not 7)
  | 'verbatim' // code, formulas, versions, URLs, quoted text: character for character
  | 'mark' // punctuation that may mean something where it stands
  | 'rewrite'; // the marker a documented rewrite left ("how do I" / "how can I" / "how to" -> how-to)

export interface FormToken {
  kind: FormKind;
  /** What is compared: lowercase for word and name, as written otherwise. */
  text: string;
  /** Universal POS tag from the tagger (English only; '' elsewhere). */
  pos: string;
  sentenceStart: boolean;
  commaAfter: boolean;
}

const prefix: Record<FormKind, string> = { word: 'w', name: 'n', acronym: 'a', number: 'd', verbatim: 'v', mark: 'm', rewrite: 'x' };

/**
 * Tokens hold no whitespace, so joining on spaces is unambiguous. A comma stays: it can change what is
 * asked ("Let's eat, grandma" / "Let's eat grandma"); the rewrites that drop a greeting, "please" or
 * thanks drop the comma that went with it, and a true list's commas go with its order. Where a sentence
 * ends inside the question counts too ("I'm sorry. I love you." is not "I'm sorry I love you."): `m:|`.
 */
export function renderForm(tokens: readonly FormToken[]): string {
  return tokens.map((token, i) => `${i > 0 && token.sentenceStart ? 'm:| ' : ''}${token.commaAfter ? `${renderToken(token)} m:,` : renderToken(token)}`).join(' ');
}

export function renderToken(token: FormToken): string {
  return `${prefix[token.kind]}:${token.text}`;
}

export function isWord(token: FormToken | undefined, ...texts: string[]): boolean {
  return token !== undefined && token.kind === 'word' && (texts.length === 0 || texts.includes(token.text));
}
