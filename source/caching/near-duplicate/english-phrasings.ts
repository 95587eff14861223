/**
 * The closed list of English rewrites beyond case and contractions. Each one maps phrasings that ask the
 * same thing onto one form, and only where it cannot touch what is asked:
 * - greetings that open the question, before a word ("Hi, what ...", "Hello there! Explain ..."; not "Hello, World");
 * - thanks at its end or start ("..., thanks", "Thank you! ..."; not "..., thanks?", where it is asked about);
 * - "please"/"kindly" at a sentence start or after "can you"; "please" also at the end (not after "say", "to", "will"...);
 * - "can/could/would/will you" + a request verb with an object = the request itself ("Can you explain X" = "Explain X"),
 *   unless an "as" (a judgement) or another "you" follows;
 * - "tell me / do you know / I want to know" + an embedded question = the question ("tell me what X is" = "what is X");
 * - "how do I" = "how can I" = "how to" = "how does one" = "what is the way to", before a verb;
 * - "what does X mean" = "what is the meaning of X" = "what is meant by X";
 * - "explain/describe X to me" = "explain/describe X" (not after "from", "to", "route"...); "an" = "a" before a
 *   common noun or its adjective starting with a vowel, unless the question is about words ("should I use a
 *   or an before hour?").
 */
import {
  auxiliaries, beForms, embeddingPrefixes, greetings, howToPhrasings, meaningPhrasings, mentionVerbs, pleaseWords,
  pureRequestVerbs, questionWords, requestModals, requestVerbs, speechVerbs, thanksPhrases, verbBeforePlease, imperativeVerbs,
} from './english-lexicon.js';
import { isWord, type FormToken } from './form-token.js';

/** Words that open a clause, whose verb the tagger may read as a noun ("how the landlord talks"). */
const clauseOpeners = ['what', 'how', 'why', 'who', 'whom', 'where', 'when', 'which', 'that', 'whatever', 'whoever'];

/** The asker and the one asked, as pronouns and possessives. */
const firstAndSecondPerson = ['i', 'me', 'my', 'mine', 'myself', 'we', 'us', 'our', 'ours', 'you', 'your', 'yours', 'yourself', 'yourselves'];

/** Persons after a verb, which leave "how can I help you?" an offer, and "how do I know you?" a question about us. */
const personalObjects = ['you', 'him', 'her', 'them', 'it', 'me', 'us', 'myself', 'yourself', 'anyone', 'someone', 'everyone', 'people', 'thee', 'ye'];

/**
 * Verbs of how someone comes across or stands against others: "how do I look?", "how do I rank among
 * applicants?", "how do I measure up?" ask for a judgement of the asker, not for a way to do something.
 */
const judgementVerbs = new Set(['look', 'sound', 'seem', 'appear', 'smell', 'taste', 'feel', 'come', 'rank', 'rate', 'score', 'compare', 'fare', 'stack', 'measure', 'fit', 'stand']);
/** What may follow such a verb in a judgement: nothing, a comparison or a place ("to", "among", "against", "up"...). */
const judgementFollowers = ['to', 'in', 'on', 'with', 'today', 'now', 'among', 'against', 'up', 'as', 'here', 'there', 'compared', 'relative', 'like'];

/**
 * Another sentence, or a colon, follows from token `from`: politeness opening the sentence before it may be
 * part of the words the rest asks about ("Please find attached my CV. Is this too formal?"), and stays.
 */
const moreFollows = (tokens: readonly FormToken[], from: number): boolean => {
  for (let i = from; i < tokens.length; i++) if (tokens[i]!.sentenceStart || (tokens[i]!.kind === 'mark' && tokens[i]!.text === ':')) return true;
  return false;
};

const startsWith = (tokens: readonly FormToken[], phrase: readonly string[], at = 0): boolean =>
  phrase.every((word, k) => isWord(tokens[at + k], word));

/** A sentence or clause boundary follows token i (a comma, or the next token starts a sentence, or nothing follows). */
const boundaryAfter = (tokens: readonly FormToken[], i: number): boolean =>
  tokens[i]!.commaAfter || i + 1 >= tokens.length || tokens[i + 1]!.sentenceStart;

export function applyPhrasings(input: FormToken[], aboutWords = false, askedLast = false): FormToken[] {
  // Thanks first: a closing "Thanks" is no sentence a greeting's words could be asked about in.
  let tokens = dropThanks(input, askedLast);
  tokens = dropGreetings(tokens);
  tokens = dropPlease(tokens);
  tokens = dropRequestModal(tokens);
  tokens = unembedQuestion(tokens);
  tokens = foldHowTo(tokens);
  tokens = foldMeaning(tokens);
  // Not where "to me" may be where to go: "describe the route from the airport to me".
  const motion = tokens.slice(1, -2).some((token) => isWord(token, 'from', 'to', 'toward', 'towards', 'into', 'route', 'way', 'directions', 'distance', 'path', 'trip', 'journey'));
  // Nor where a verb between them may own it: "explain what happened to me" is not "explain what happened".
  const innerVerb = tokens.slice(1, -2).some((token) => (isWord(token) && (token.pos === 'VERB' || token.pos === 'AUX')) || isWord(token, ...clauseOpeners));
  if (isWord(tokens[0], 'explain', 'describe') && tokens.length > 3 && startsWith(tokens, ['to', 'me'], tokens.length - 2) && !motion && !innerVerb) {
    tokens = tokens.slice(0, -2);
  }
  // "an" = "a" only as an article before a common word, in a question that is not about words: "Should I use
  // a before hour?", "is it a MBA or an MBA?" ask which one is right.
  if (aboutWords) return tokens;
  return tokens.map((token, i) => (isWord(token, 'an') && articleBeforeVowel(tokens[i + 1]) ? { ...{}, ...token, text: 'a' } : token));
}

/**
 * "an" read as the article "a": before a common noun or its adjective or adverb that starts with a vowel
 * letter, where "a" is the slip ("a example"). Before anything else ("an go", "an right", "an hour") the
 * choice of article may be what is asked about, and it stays as written.
 */
const articleTakers = new Set(['NOUN', 'ADJ', 'ADV']);
const articleBeforeVowel = (next: FormToken | undefined): boolean => isWord(next) && articleTakers.has(next!.pos) && /^[aeiou]/.test(next!.text);

function dropGreetings(tokens: FormToken[]): FormToken[] {
  if (!isWord(tokens[0]) || !greetings.has(tokens[0]!.text)) return tokens;
  const length = isWord(tokens[1], 'there') ? 2 : 1;
  const next = tokens[length];
  // Only before a word: a name, number or code after it may be what the greeting belongs to ("Hello, World
  // program", "Hey, Jude chords", "Hi, Mom is a song by whom?").
  if (!next || next.kind !== 'word') return tokens;
  const opensQuestion = boundaryAfter(tokens, length - 1) || questionWords.has(next.text) || auxiliaries.has(next.text) || pleaseWords.has(next.text);
  // A greeting inside a sentence that more follows ("Hi, how are you? Is this a good opening?") may be
  // part of the words a later sentence asks about: only a greeting standing alone ("Hi!") always goes.
  if (!next.sentenceStart && moreFollows(tokens, length + 1)) return tokens;
  return opensQuestion ? [{ ...{}, ...next, sentenceStart: true }, ...tokens.slice(length + 1)] : tokens;
}

/**
 * `askedLast`: the question's last sentence closes with "?". A thanks after a comma and before that mark
 * is inside the question ("Should I sign off with cheers, thanks?", "is ending with ok, thanks rude?").
 */
function dropThanks(tokens: FormToken[], askedLast = false): FormToken[] {
  for (const phrase of thanksPhrases) {
    const at = tokens.length - phrase.length;
    if (at > 0 && startsWith(tokens, phrase, at) && (tokens[at]!.sentenceStart || (tokens[at - 1]!.commaAfter && !askedLast && !quotesSpeech(tokens, at)))) {
      return dropThanks(tokens.slice(0, at).map((token, i) => (i === at - 1 ? { ...{}, ...token, commaAfter: false } : token)));
    }
    // At the start only before a word, as a greeting: "Thanks, Dad!" thanks someone.
    // Not inside a sentence that more follows ("Thanks, see you tomorrow. How do I translate this?").
    if (tokens.length > phrase.length && startsWith(tokens, phrase) && boundaryAfter(tokens, phrase.length - 1) && tokens[phrase.length]!.kind === 'word' && !(!tokens[phrase.length]!.sentenceStart && moreFollows(tokens, phrase.length + 1))) {
      return dropThanks([{ ...{}, ...tokens[phrase.length]!, sentenceStart: true }, ...tokens.slice(phrase.length + 1)]);
    }
  }
  return tokens;
}

/**
 * Thanks or "please" after a comma in a sentence about saying something may be what is said: "a message
 * saying no, thanks", "translate into German: hello, thanks" (after a colon the words are material).
 */
function quotesSpeech(tokens: readonly FormToken[], at: number): boolean {
  for (let i = at - 1; i >= 0; i--) {
    // A verb opening the sentence may be read as a name by its capital ("Reply to my boss with ..."): its letters count.
    if ((isWord(tokens[i]) || tokens[i]!.kind === 'name') && speechVerbs.has(tokens[i]!.text)) return true;
    if (tokens[i]!.kind === 'mark' && tokens[i]!.text === ':') return true;
    if (tokens[i]!.sentenceStart) return false;
  }
  return false;
}

/** Verbs whose object is words to be said: a closing "please" may be one of them ("should I say thank you, please?"). */
const sayingVerbs = new Set(['say', 'says', 'said', 'saying', 'reply', 'replies', 'replying', 'respond', 'responds', 'translate', 'translates', 'translating', 'print', 'echo', 'repeat', 'type', 'spell']);
function saysWords(tokens: readonly FormToken[], at: number): boolean {
  for (let i = at - 1; i >= 0; i--) {
    if (isWord(tokens[i]) && sayingVerbs.has(tokens[i]!.text)) return true;
    if (tokens[i]!.sentenceStart) return false;
  }
  return false;
}

/** A colon earlier in the sentence: what follows it is material ("translate: hello, please"), its last word too. */
function afterColon(tokens: readonly FormToken[], at: number): boolean {
  for (let i = at - 1; i >= 0; i--) {
    if (tokens[i]!.kind === 'mark' && tokens[i]!.text === ':') return true;
    if (tokens[i]!.sentenceStart) return false;
  }
  return false;
}

function dropPlease(tokens: FormToken[]): FormToken[] {
  const out: FormToken[] = [];
  tokens.forEach((token, i) => {
    if (!isWord(token) || !pleaseWords.has(token.text) || tokens.length === 1) {
      out.push(token);
      return;
    }
    const previous = out[out.length - 1];
    const atStart = token.sentenceStart || previous === undefined;
    const afterYou = isWord(previous, 'you') && requestModals.has(out[out.length - 2]?.text ?? '');
    const atEnd = i === tokens.length - 1 || tokens[i + 1]!.sentenceStart;
    const verbBefore = isWord(previous) && verbBeforePlease.has(previous!.text) && !afterYou;
    const mentioned = isWord(previous) && mentionVerbs.has(previous!.text) && !previous!.commaAfter;
    // At the end only after a comma, or closing an imperative: "why do kids forget please" may ask about the word.
    const closesRequest = previous?.commaAfter === true || (isWord(out[0]) && imperativeVerbs.has(out[0]!.text));
    // "kindly" closing a sentence says how to do it ("treat others kindly"); only "please" closes a request politely.
    const closingPlease = token.text !== 'kindly';
    // "Please" opening a sentence that more follows may be in the words asked about ("Please advise. Is this rude?").
    const opensMaterial = atStart && !afterYou && moreFollows(tokens, i + 1);
    const polite = !verbBefore && !opensMaterial && (atStart || afterYou || (atEnd && closingPlease && !mentioned && closesRequest && !afterColon(tokens, i) && !saysWords(tokens, i)));
    if (!polite) {
      out.push(token);
      return;
    }
    if (atStart && tokens[i + 1]) tokens[i + 1] = { ...{}, ...tokens[i + 1]!, sentenceStart: true };
    if (previous && atEnd) out[out.length - 1] = { ...{}, ...previous, commaAfter: false };
  });
  return out;
}

/** "can you" + request verb + object -> the request; "I want you to" / "I would like you to" + request verb likewise. */
function dropRequestModal(tokens: FormToken[]): FormToken[] {
  const prefixes = [['i', 'would', 'like', 'you', 'to'], ['i', 'want', 'you', 'to'], ['i', 'need', 'you', 'to']];
  let length = 0;
  if (isWord(tokens[0]) && requestModals.has(tokens[0]!.text) && isWord(tokens[1], 'you')) length = 2;
  else length = prefixes.find((prefix) => startsWith(tokens, prefix))?.length ?? 0;
  const verb = tokens[length];
  const object = tokens[length + 1];
  if (length === 0 || !isWord(verb) || !requestVerbs.has(verb!.text) || !object || object.pos === 'ADP' || object.kind === 'mark') return tokens;
  // "can/could/would you" may ask about ability or possibility ("can you give birth at 50?", "can you tell if ..."):
  // only pure request verbs, or a request to "me"/"us", are requests. "I want you to ..." always is one.
  const modal = isWord(tokens[0]) && requestModals.has(tokens[0]!.text);
  if (modal && !pureRequestVerbs.has(verb!.text) && !isWord(object, 'me', 'us')) return tokens;
  // "Can you find me?", "can you tell us apart?", "could you give me away?": the person is the object and
  // nothing is asked for (or a particle makes it another verb): a question about ability, the modal stays.
  const afterPerson = tokens[length + 2];
  if (modal && !pureRequestVerbs.has(verb!.text) && (!afterPerson || afterPerson.sentenceStart || isWord(afterPerson, ...phrasalParticles))) return tokens;
  // "Would you describe yourself as shy?", "could you list Pluto as a planet?" ask for a judgement; "can you
  // summarise a book you have not read?" asks about the one addressed: the modal stays.
  if (modal && tokens.slice(length + 1).some((token) => isWord(token, 'as', 'you'))) return tokens;
  // A verb that works on a text asks about ability when its object is no text but a kind of one: "can you
  // translate Klingon?", "can you summarise PDFs?" ("yes, I can") is not "translate Klingon".
  if (modal && materialVerbs.has(verb!.text) && !namesAText(object)) return tokens;
  // "Can you define a class inside a function in Python?", "can you translate a PDF with Google Translate?":
  // with a means or a setting named, "can" asks what a tool or a language allows. Only the verbs whose doing
  // is the answer itself ("can you explain X with an example") stay requests.
  if (isWord(tokens[0], 'can', 'could') && !answeringVerbs.has(verb!.text) && namesMeans(tokens, length + 1)) return tokens;
  return [{ ...{}, ...verb!, sentenceStart: true }, ...tokens.slice(length + 1)];
}

/** Request verbs whose doing is the answer itself: "can you explain X with an example" asks for it. */
const answeringVerbs = new Set(['explain', 'summarise', 'summarize', 'elaborate', 'paraphrase', 'rephrase']);
/** Prepositions that name a means or a condition of doing: "with pip", "using a browser extension", "without extracting". */
const meansWords = ['with', 'using', 'inside', 'within', 'without', 'via', 'after', 'before'];

/**
 * A means, a condition or a named platform after the object at `from`, in its sentence. Not after "me"/"us": "can you help me
 * with my resume" asks the one addressed ("in JSON", "in Python" are left alone too: a format or a topic).
 */
function namesMeans(tokens: readonly FormToken[], from: number): boolean {
  if (isWord(tokens[from], 'me', 'us')) return false;
  for (let i = from + 1; i < tokens.length && !tokens[i]!.sentenceStart; i++) {
    if (tokens[i]!.kind === 'mark' && tokens[i]!.text === ':') return false;
    if (isWord(tokens[i], ...meansWords)) return true;
    // A named device or platform is a setting too: "can you draft an email in Outlook on the iPad?" asks what
    // the app allows there ("on Android", "on the iPhone"); "in Python", "in JSON" stay a topic or a format.
    if (isWord(tokens[i], 'on') && (tokens[i + 1]?.kind === 'name' || (isWord(tokens[i + 1], 'the') && tokens[i + 2]?.kind === 'name'))) return true;
  }
  return false;
}

/** Particles that make "tell me", "give us", "find me" another verb: "tell us apart", "give me away", "find me out". */
const phrasalParticles = ['apart', 'away', 'off', 'out', 'up', 'down', 'back', 'over', 'in'];

/** Request verbs whose object is a text to work on (not a topic, as "explain X" has). */
const materialVerbs = new Set(['translate', 'summarise', 'summarize', 'rewrite', 'rephrase', 'proofread', 'draft', 'paraphrase', 'simplify', 'list']);
/** A particular text: "this", "the paragraph", "my essay", "a letter", a quoted or pasted one, a number of items. */
const particular = new Set(['this', 'that', 'these', 'those', 'it', 'the', 'my', 'our', 'your', 'his', 'her', 'their', 'a', 'an', 'following', 'me', 'us', 'all', 'some', 'each', 'every']);
const namesAText = (object: FormToken): boolean =>
  object.kind === 'verbatim' || object.kind === 'number' || object.kind === 'mark' || (isWord(object) && particular.has(object.text));

/** "tell me what the capital of France is" -> "what is the capital of France". */
function unembedQuestion(tokens: FormToken[]): FormToken[] {
  const prefix = embeddingPrefixes.find((phrase) => startsWith(tokens, phrase));
  if (!prefix) return tokens;
  const at = prefix.length;
  const wh = tokens[at];
  if (!isWord(wh) || !questionWords.has(wh!.text) || tokens.length < at + 2) return tokens;
  // "Do you know where you are?", "I wonder what my name is": whether the one asked knows something about
  // the asker or itself is the question (a test of orientation, of memory), not "where are you?".
  if (!isWord(tokens[0], 'tell') && tokens.slice(at + 1).some((token) => isWord(token, ...firstAndSecondPerson))) return tokens;
  // Only one sentence: "tell me what X is. Also ..." is left alone.
  if (tokens.slice(at + 1).some((token) => token.sentenceStart)) return tokens;
  const rest = tokens.slice(at + 1);
  if (isWord(rest[0]) && auxiliaries.has(rest[0]!.text)) return tokens.slice(at);
  // The wh-word is the subject and its verb follows: the embedded order is the question's ("tell me who wrote X" = "who wrote X").
  if (isWord(wh, 'who', 'what', 'which') && isWord(rest[0]) && rest[0]!.pos === 'VERB' && !rest[0]!.text.endsWith('ing')) return tokens.slice(at);
  const last = rest[rest.length - 1]!;
  if (rest.length >= 2 && isWord(last) && beForms.has(last.text)) return [wh!, last, ...rest.slice(0, -1)];
  return tokens;
}

function foldHowTo(tokens: FormToken[]): FormToken[] {
  const phrase = howToPhrasings.find((candidate) => startsWith(tokens, candidate));
  if (!phrase) return tokens;
  const next = tokens[phrase.length];
  // A verb follows ("how do I sort", tagged a noun at times: "how does one sort"), never "the station".
  // "What is the way to heaven?" asks for a direction: after "way to" only a verb is a way of doing.
  const wayTo = phrase.includes('way');
  if (!next || !(next.pos === 'VERB' || next.pos === 'AUX' || (next.pos === 'NOUN' && !wayTo) || isWord(next, 'not')) || next.kind !== 'word') return tokens;
  // "How do I look?", "how do I sound to you?", "how do I rank among them?" ask for a judgement of the asker.
  const after = tokens[phrase.length + 1];
  if (judgementVerbs.has(next.text) && (!after || isWord(after, ...judgementFollowers))) return tokens;
  // "How can I refuse?", "how can I help (you)?", "how can I not love you?" may ask whether, or offer, or
  // exclaim: "can" is read as the way to do something only when the verb has more than a person after it.
  const rest = tokens.slice(phrase.length + 1);
  if (phrase[1] === 'can' && (isWord(next, 'not') || rest.every((token) => isWord(token, ...personalObjects)))) return tokens;
  // "How do I know you?", "how does one know her?" may ask how the two are acquainted: a verb with nothing but
  // a person after it stays as written.
  if (rest.length > 0 && rest.every((token) => isWord(token, ...personalObjects))) return tokens;
  // A verb with nothing after it may ask something else in each phrasing: "what is the way to go?" asks for
  // the best choice, "how does one know?" about knowledge, "how do I know?" how the asker can tell.
  if (rest.length === 0 || rest[0]!.sentenceStart) return tokens;
  // "How can I be so stupid?", "how do I get such luck?": a degree after the verb exclaims, it asks no way.
  if (isWord(rest[0], 'so', 'such')) return tokens;
  return [{ kind: 'rewrite', text: 'how-to', pos: '', sentenceStart: true, commaAfter: false }, ...tokens.slice(phrase.length)];
}

/** Words that may name someone who means something. */
const speakers = ['i', 'me', 'you', 'he', 'she', 'we', 'they', 'him', 'her', 'us', 'them', 'everyone', 'everybody', 'someone', 'somebody', 'anyone', 'anybody', 'nobody', 'people', 'one'];
/** A noun phrase opened by one of these may be a person ("my boss", "the teacher"); "this" and "that" point at words. */
const determinersAndPossessives = ['the', 'a', 'an', 'my', 'your', 'his', 'her', 'our', 'their', 'its', 'some', 'every', 'each', 'no'];

/** Things that carry a meaning and are never the one who means it. */
const signNouns = new Set(`word words term terms phrase phrases expression expressions sentence idiom idioms saying proverb quote
  name names acronym abbreviation symbol symbols sign signs emoji emojis icon logo flag flags colour color number numbers
  dream dreams tattoo tattoos message error code gesture light lights card cards letter letters title lyric lyrics`.split(/\s+/));

function foldMeaning(tokens: FormToken[]): FormToken[] {
  const marker: FormToken = { kind: 'rewrite', text: 'meaning-of', pos: '', sentenceStart: true, commaAfter: false };
  const last = tokens.length - 1;
  // "What does my boss mean?", "what does he mean?" ask what a person meant, not the meaning of a word: only
  // a subject without a person or a determiner in it is a term to define ("what does idempotent mean").
  const subject = tokens.slice(2, last);
  // "The First Amendment", "the GDPR" name a text: a determiner before names only is no person.
  // Nor does one whose head is a thing that carries a meaning ("your name", "the word serendipity", "a red flag").
  const named = subject.slice(1).every((t) => t.kind === 'name' || t.kind === 'acronym' || t.kind === 'verbatim') || subject.some((t) => isWord(t) && signNouns.has(t.text));
  const aPerson = subject.some((t) => isWord(t, ...speakers)) || (isWord(subject[0], ...determinersAndPossessives) && !named);
  if (startsWith(tokens, ['what', 'does']) && last >= 3 && isWord(tokens[last], 'mean') && !subject.some((t) => t.sentenceStart) && !aPerson) {
    return [marker, ...tokens.slice(2, last)];
  }
  const phrase = meaningPhrasings.find((candidate) => startsWith(tokens, candidate));
  if (phrase && tokens.length > phrase.length) return [marker, ...tokens.slice(phrase.length)];
  return tokens;
}
