/** Word lists for the English canonical form (english-form.ts): every one is a closed list. */

import { words } from './word-set.js';

/**
 * Closed-class words: a capital at a sentence start is only the sentence's. Elsewhere a capital is kept
 * (as a possible name: "in May", "the Who"), and all capitals always are ("US", "IT", "WHO").
 */
export const functionWords = words(`
  a an the this that these those some any each every no all both either neither
  i me my mine myself we us our ours you your yours yourself he him his she her hers it its they them their
  what which who whom whose why how when where whether if
  is are was were be been being am do does did have has had can could may might must shall should will would
  of in on at to for from by with about into onto over under between through during before after above below
  and or but nor so yet not also just very too than then there here please
  let lets many much more most few
  hi hello hey hiya greetings thanks thank thx kindly pls plz
`);

/** Greetings that open a question and say nothing about it. */
export const greetings = words(`hi hello hey hiya greetings`);

/** Politeness words: removed only where they cannot be what is asked about (see english-form.ts). */
export const pleaseWords = words(`please pls plz kindly`);

/** Before these, "please" is the thing mentioned, not politeness: "how do you say please". */
export const mentionVerbs = words(`say says said saying spell spelled spelt pronounce mean means meaning word translate translated write type is`);

/** Words that make a following "please" a verb: "to please", "will please", "does not please". */
export const verbBeforePlease = words(`to will would can could may might should must shall do does did not`);

/** Verbs of saying, or of closing a message: after one, a closing "thanks" may be what is said ("reply saying no, thanks", "end my email with regards, thanks"). */
export const speechVerbs = words(`say says said saying reply replies replied replying respond responds responded responding answer answering tell telling write writing
  translate translates translated translating translation print prints printed echo echoes repeat repeats type typed spell spelled
  end ends ending ended close closes closing closed sign signs signing finish finishes finishing conclude concludes concluding`);

/** Thanks at the end (or start) of a question, longest first. */
export const thanksPhrases: readonly (readonly string[])[] = [
  ['thank', 'you', 'in', 'advance'], ['thank', 'you', 'very', 'much'], ['thanks', 'in', 'advance'], ['thanks', 'a', 'lot'],
  ['many', 'thanks'], ['thank', 'you'], ['thanks'], ['thx'], ['ty'],
];

/**
 * Verbs of a request: "can you X ..." asks the same as "X ..." for these, when an object follows
 * ("can you write me a poem" = "write me a poem"; "can you write in Chinese" asks about ability and
 * keeps its "can you").
 */
export const requestVerbs = words(`
  explain tell write give list describe summarize summarise show translate define compare generate create suggest
  find calculate compute convert draft rewrite rephrase correct fix check help name outline provide solve simplify
  proofread
`);
export const requestModals = words(`can could would will`);
/**
 * Requests whatever their object: "can you explain X" is never a question about ability. Other request
 * verbs drop "can you" only with "me"/"us" after them ("can you give me ...", not "can you give birth at 50").
 */
export const pureRequestVerbs = words(`explain summarise summarize describe define outline rephrase rewrite proofread draft list translate paraphrase simplify elaborate`);

/**
 * Verbs an imperative opens with that never name anything: the only content words whose capital at a
 * sentence start is folded ("Explain recursion" = "explain recursion"). Any other capitalised first word
 * may be a name ("Jaguar speed?", "Apple shares?") and stays one. The last line holds what a coding agent
 * is told to do ("Run the tests" = "run the tests").
 */
export const imperativeVerbs = words(`
  explain tell write give list describe summarize summarise show translate define compare generate create suggest
  find calculate compute convert draft rewrite rephrase correct fix check help name outline provide solve simplify
  proofread sort implement debug refactor optimise optimize draw design build recommend estimate analyse analyze
  classify count predict paraphrase review edit format parse evaluate rank shorten expand continue complete improve
  imagine pretend read say spell make let teach recite answer choose pick identify
  run add remove delete install update rename move print replace search open commit
`);

/** Openings that embed a question: "tell me what X is" asks "what is X". */
export const embeddingPrefixes: readonly (readonly string[])[] = [
  ['i', 'would', 'like', 'to', 'know'], ['i', 'want', 'to', 'know'], ['do', 'you', 'know'], ['i', 'wonder'], ['tell', 'me'],
];
export const questionWords = words(`what who where when why how which whose`);
export const beForms = words(`is are was were`);
export const auxiliaries = words(`is are was were am be do does did have has had can could may might must shall should will would`);

/** The closed list of "how do I" phrasings: each asks for the way to do something. */
export const howToPhrasings: readonly (readonly string[])[] = [
  ['what', 'is', 'the', 'way', 'to'], ['what', 'is', 'a', 'way', 'to'], ['how', 'does', 'one'], ['how', 'can', 'one'],
  ['how', 'do', 'i'], ['how', 'can', 'i'], ['how', 'to'],
];

/** "what does X mean" = "what is the meaning of X" = "what is meant by X". */
export const meaningPhrasings: readonly (readonly string[])[] = [['what', 'is', 'the', 'meaning', 'of'], ['what', 'is', 'meant', 'by']];

/** Spoken contractions written without an apostrophe, where no other word has the same spelling. */
export const apostropheless: ReadonlyMap<string, readonly string[]> = new Map([
  ['whats', ['what', 'is']], ['dont', ['do', 'not']], ['doesnt', ['does', 'not']], ['didnt', ['did', 'not']],
  ['isnt', ['is', 'not']], ['arent', ['are', 'not']], ['wasnt', ['was', 'not']], ['werent', ['were', 'not']],
  ['couldnt', ['could', 'not']], ['shouldnt', ['should', 'not']], ['wouldnt', ['would', 'not']], ['havent', ['have', 'not']],
  ['hasnt', ['has', 'not']], ['hadnt', ['had', 'not']], ['youre', ['you', 'are']], ['theyre', ['they', 'are']],
  ['whos', ['who', 'is']], ['hows', ['how', 'is']], ['wheres', ['where', 'is']],
]);

/** After "'d", these make it "would" ("I'd like"); anything else leaves "'d" as written ("I'd gone" is "had"). */
export const wouldVerbs = words(`like love prefer rather want be say recommend suggest need`);

/**
 * Words that make a question one about words themselves: how one is written, said, spelled or used. In
 * such a question "a" and "an", or "two" and "2", are what is asked about ("Should I use a before hour?",
 * "What rhymes with four?", "Should I spell out two in an essay?"), or what the answer works on, word by
 * word ("the plural of two", "translate two apples", "the vowels in seven"), so neither rewrite applies.
 * So do a part of speech ("Is ten a noun?" asks about the word) and a length ("Which is longer, three or
 * seven?" compares the words: both have five letters).
 */
export const aboutWordsCues = words(`
  say says said saying write writes wrote written writing spell spells spelled spelt spelling spell-out
  pronounce pronounces pronounced pronouncing pronunciation rhyme rhymes rhyming rhymed use used using usage
  correct incorrect proper properly grammar grammatical grammatically ungrammatical article articles
  word words letter letters numeral numerals digit digits syllable syllables character characters
  capitalise capitalize capitalised capitalized abbreviate abbreviation hyphenate hyphenated
  plural plurals singular anagram anagrams palindrome palindromes homophone homophones synonym synonyms antonym
  antonyms vowel vowels consonant consonants alphabet alphabetical alphabetically alphabetise alphabetize
  uppercase lowercase translate translates translated translating translation
  noun nouns adjective adjectives verb verbs adverb adverbs pronoun pronouns preposition prepositions conjunction
  conjunctions determiner determiners longer shorter longest shortest length
`);

/**
 * Words of a question about how words are written or said, in which "I'm" is one word and "I am" two: such a
 * question keeps its contractions as written ("How many words are in I'm tired?", "Is you're a word?").
 * Narrower than aboutWordsCues: "they're saying ..." or "let's write ..." is not about words.
 */
export const wordFormCues = words(`
  word words letter letters character characters syllable syllables spell spells spelled spelt spelling pronounce
  pronounces pronounced pronouncing pronunciation grammar grammatical grammatically ungrammatical contraction
  contractions apostrophe apostrophes vowel vowels consonant consonants informal formal
`);

/**
 * Contractions and the words written like them: a question holding both asks which to write ("Is it you're
 * welcome or your welcome?"), so its contractions stay as written.
 */
export const contractionHomophones: ReadonlyMap<string, readonly string[]> = new Map([
  ["you're", ['your', 'yore']], ['youre', ['your', 'yore']], ["it's", ['its']], ["they're", ['their', 'there']], ['theyre', ['their', 'there']],
  ["who's", ['whose']], ['whos', ['whose']], ["we're", ['were']], ["let's", ['lets']], ["won't", ['wont']], ["can't", ['cant']],
  ["i'll", ['ill', 'isle', 'aisle']], ["she'll", ['shell']], ["he'll", ['hell', 'heel']], ["we'll", ['well', 'wheel']], ["i'd", ['id']],
  ["we'd", ['wed']], ["she'd", ['shed']], ["you'll", ['yule']], ["aren't", ['aunt']], ["there's", ['theirs']], ["who'd", ['wood']],
]);

/**
 * Words that read a number in a base or notation: "10 in binary" may be the binary numeral 10 (two) where
 * "ten in binary" is 1010, "11 in hex" the hex numeral. Number words stay words in such a question.
 */
export const numeralSystemCues = words(`
  binary hex hexadecimal octal decimal duodecimal base radix bit bits nibble byte bytes roman bcd ternary
`);

/**
 * Words of operations on a string rather than on a number: a hash, an encoding, a cipher, a reversal, a
 * string's length or score. "The md5 of ten", "eleven backwards", "seven in Morse code" work on the
 * letters of the word, "the md5 of 10" on the digits: number words stay words in such a question.
 */
const textOperationWords = words(`
  hash hashes hashed hashing md5 sha sha1 sha256 sha512 crc crc32 checksum base64 base32 encode encodes encoded encoding
  encrypt encrypts encrypted encryption decrypt cipher ciphers caesar rot13 morse braille semaphore leetspeak leet
  backwards backward reverse reversed reversing string strings length scrabble pig nato phonetic uuencode urlencode
  escape escaped slug slugify dictionary lexicographic lexicographically
`);
/** Whether a written chunk names such an operation: a word of the list, or a hash or encoding named with digits ("SHA-1", "base64"). */
export const textOperation = (chunk: string): boolean => {
  const lower = chunk.toLowerCase();
  return textOperationWords.has(lower) || /^(?:md\d|sha-?\d+|base\d+|rot-?\d+|crc-?\d+)$/.test(lower);
};

/** List conjunctions: items on either side may swap when nothing else changes. */
export const listConjunctions = words(`and or vs versus`);
