/**
 * Which language a question is written in, as far as L1b needs to know: English (every documented
 * rewrite), German or French (only the rewrites this code can vouch for in them), or another one (compared
 * exactly as written; its time dependence read from a word list only, so a stamped one only within its minute).
 */
import { words } from './word-set.js';

export type QuestionLanguage = 'en' | 'de' | 'fr' | 'other';

/** Function words frequent in one language and rare in the others: a vote, not a dictionary. */
const markers: Record<'en' | 'de' | 'fr' | 'es' | 'it' | 'pt' | 'nl', ReadonlySet<string>> = {
  en: words(`the a an is are was were be do does did what which who how why when where can could should would will
    of to in for on with and or not it this that you your my i me we there have has`),
  de: words(`der die das den dem des ein eine einen einem einer ist sind war waren wie was wer wo warum wann welche welcher
    welches und oder nicht ich du sie wir ihr mir mich dir dich kann kannst können ist es gibt mit von zu auf für
    im ins vom zum zur bitte auch noch schon erkläre erklär erklären schreibe schreib übersetze nenne gib zeig zeige
    beschreibe fasse`),
  fr: words(`le la les un une des du de est sont était qui que quoi quel quelle quels quelles comment pourquoi où quand
    et ou ne pas je tu il elle nous vous ce cette ces mon ma mes pour dans sur avec peux pouvez puis est-ce
    qu'est-ce au aux explique écris traduis donne décris résume cite a-t-il a-t-elle est-il est-elle va-t-il peut-on`),
  es: words(`el los las una unos unas es son está están qué cuál cuáles cómo por porque dónde cuándo quién y o no yo tú
    para con del al mi mis su sus hay puedo puedes cuánto cuánta cuántos cuántas`),
  it: words(`il lo gli una uno è sono che cosa come perché dove quando chi e o non io tu per con del della di mi mio
    posso puoi`),
  pt: words(`o os as um uma é são que como porque onde quando quem e ou não eu você para com do da dos das meu minha
    posso pode`),
  nl: words(`de het een is zijn wat wie hoe waarom wanneer waar en of niet ik jij je mijn voor met van op kan kun dit dat deze nu`),
};

const markerLanguages = Object.keys(markers) as Array<keyof typeof markers>;

/** Letters outside Latin script: a language this code cannot read. */
const nonLatinLetter = /[^\p{Script=Latin}\P{L}]/u;

/** Every letter is an ASCII letter (punctuation such as "…" may be anything). */
const asciiLetters = (text: string): boolean => !/(?![a-zA-Z])\p{L}/u.test(text);

export function detectLanguage(text: string): QuestionLanguage {
  if (nonLatinLetter.test(text)) return 'other';
  const scores: Record<string, number> = { en: 0, de: 0, fr: 0, es: 0, it: 0, pt: 0, nl: 0 };
  // An opening "¿" or "¡" is Spanish alone: "¿Cuánto cuesta un iPhone?" shares "un" with French.
  if (text.includes('¿') || text.includes('¡')) scores.es! += 2;
  for (const token of text.toLowerCase().split(/[^\p{L}'-]+/u)) {
    if (token === '') continue;
    for (const language of markerLanguages) if (markers[language].has(token)) scores[language]! += 1;
  }
  const ranked = Object.entries(scores).sort((a, b) => b[1] - a[1]);
  const [best, bestScore] = ranked[0]!;
  if (bestScore === 0) {
    // No function word at all ("python list sort"): English when it is plain ASCII, else unknown.
    return asciiLetters(text) ? 'en' : 'other';
  }
  // A tie says nothing, except that plain ASCII tied with English is read as English ("Is Turkey safe"
  // shares "is" with Dutch): English mode rewrites only English words, so another language loses nothing.
  if (ranked[1]![1] === bestScore) return scores.en === bestScore && asciiLetters(text) ? 'en' : 'other';
  return best === 'en' || best === 'de' || best === 'fr' ? best : 'other';
}

/**
 * Closed-class words of German and French, and the imperative verbs requests open with (none of them a
 * noun): their capital at a sentence start is only the sentence's.
 */
export const functionWords: Record<'de' | 'fr', ReadonlySet<string>> = {
  de: words(`der die das den dem des ein eine einen einem einer wie was wer wo woher wohin warum wann welche welcher
    welches welchen wieso weshalb wieviel wie viel ist sind war waren wird werden kann kannst können könnte
    könntest muss musst müssen soll sollte gibt es ich du er sie wir ihr mein meine dein deine hat habe hast
    haben bin bist gibt und oder aber in im an am auf für mit von zu bei nach
    erkläre erklär schreibe schreib übersetze nenne gib zeig zeige beschreibe fasse`),
  fr: words(`le la les l' un une des du de d' qu'est-ce que qu' quel quelle quels quelles comment pourquoi où quand
    qui combien est-ce est sont était peux pouvez puis-je peut-on je j' tu il elle on nous vous ils elles ce c'
    cette ces mon ma mes ton ta tes en dans pour avec sur par et ou mais y a
    explique écris traduis donne décris résume cite`),
};

/**
 * Politeness a German or French question may carry without changing what it asks: removed only where
 * it cannot be the thing asked about (start or end of the question, or after the first word).
 */
export const politeness: Record<'de' | 'fr', { anywhereEdge: readonly string[][]; afterFirstWord: readonly string[][] }> = {
  de: {
    anywhereEdge: [['bitte'], ['danke'], ['vielen', 'dank'], ['danke', 'schön'], ['danke', 'sehr'], ['hallo']],
    afterFirstWord: [['bitte'], ['mal', 'bitte'], ['bitte', 'mal']],
  },
  fr: {
    anywhereEdge: [["s'il", 'vous', 'plaît'], ["s'il", 'vous', 'plait'], ["s'il", 'te', 'plaît'], ["s'il", 'te', 'plait'], ['svp'], ['stp'], ['merci'], ['merci', 'beaucoup'], ['bonjour'], ['salut']],
    afterFirstWord: [],
  },
};

/**
 * What a thanks or a greeting after a comma at the end may be instead of politeness: the words asked about.
 * Politeness that is only "please" (bitte, s'il vous plaît, svp) is never the thing said this way; thanks and
 * greetings are, after a verb of saying ("Comment traduire oui, merci", "Was antworte ich auf nein, danke") or
 * inside a question that closes with "?" ("Est-ce poli de finir par à bientôt, merci ?"), as in English.
 */
export const pleaseOnly: Record<'de' | 'fr', ReadonlySet<string>> = {
  de: words(`bitte`),
  fr: words(`s'il svp stp`),
};
export const speechVerbs: Record<'de' | 'fr', ReadonlySet<string>> = {
  de: words(`sag sage sagen sagt sagst antworte antworten antwortet antwortest übersetze übersetzen übersetzt übersetzt
    schreibe schreiben schreibt schreib bedeutet bedeuten heißt heisst heißen ausspricht aussprechen buchstabiere
    buchstabieren erwidere erwidern beende beenden ende enden schließe schließen`),
  fr: words(`dire dis dit dites répondre réponds répond répondez traduire traduis traduit traduisez écrire écris écrit
    écrivez prononcer prononce épeler épelle signifie signifient veut finir finis termine terminer conclure`),
};
