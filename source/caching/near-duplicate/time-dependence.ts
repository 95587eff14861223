/**
 * Questions whose answer depends on when they are asked: the clock, the date, the part of the day,
 * opening hours, live prices, scores, weather, or the current state of something. L1b never serves
 * them, in any wording: a cached answer to "what time is it in Tokyo" is wrong a minute later.
 *
 * Detection errs towards "time-dependent": a question flagged by mistake only costs a cache hit.
 * Words are read with their part of speech where a word has a timeless sense too ("open" the adjective
 * but not "open source"; "live" the adjective but not the verb; "close" the verb but not "how close").
 */
export type TimeDependence = 'clock' | 'date' | 'live';

export interface TimeToken {
  lower: string;
  pos: string;
}

const words = (list: string): ReadonlySet<string> => new Set(list.trim().split(/\s+/));

/** The clock and the part of the day: the answer changes within a day. */
const clockWords = words(`
  now tonight morning afternoon evening midnight noon midday dawn dusk sunrise sunset daylight o'clock clock
  currently timezone daytime nighttime
`);
/** The date: the answer changes from day to day or year to year. */
const dateWords = words(`
  today tomorrow yesterday weekday weekend date
  monday tuesday wednesday thursday friday saturday sunday mondays tuesdays wednesdays thursdays fridays saturdays sundays
  christmas easter thanksgiving halloween ramadan diwali hanukkah eid holiday holidays
  ago until till since anniversary countdown deadline
  nowadays recent recently latest newest upcoming ongoing current present presently anymore yet still
  alive
`);
/** Live values and states: prices, scores, weather, status, news, who holds an office. */
const liveWords = words(`
  price prices priced pricing cost costs costing valuation exchange rate rates stock stocks
  bitcoin btc ethereum eth crypto cryptocurrency dogecoin
  usd eur gbp jpy chf cny inr dollar dollars euro euros pound pounds yen rupee rupees
  score scores scored scoring win wins winner winning won lose loses standings leaderboard ranking rankings fixture fixtures playoff playoffs
  election elections poll polls
  weather forecast temperature temperatures raining rainy snowing snowy sunny cloudy windy humid
  humidity storm storms hurricane typhoon tornado fog foggy umbrella outside
  opening queue queues outage availability delayed delay delays cancelled canceled
  happening news headlines headline trending breaking
  population president ceo chancellor minister mayor governor king queen pope champion champions leader
  chairman chairwoman coach
`);
/** Phrases of the same kinds whose words alone are timeless ("the time", "how old", "this year", "net worth"). */
const phrases: ReadonlyArray<{ kind: TimeDependence; words: readonly string[] }> = [
  ...[['what', 'time'], ['the', 'time'], ['time', 'is', 'it'], ['time', 'now'], ['local', 'time'], ['current', 'time'], ['time', 'left'],
    ['time', 'until'], ['time', 'difference'], ['at', 'the', 'moment'], ['right', 'now'], ['last', 'night'], ['hours', 'until'],
    ['minutes', 'until'], ['the', 'hour'], ['what', 'hour'], ['it', 'night'], ['it', 'day'], ['it', 'dark'], ['it', 'light'],
    ['on', 'time'], ['good', 'morning'], ['good', 'evening'], ['good', 'night'], ['good', 'afternoon']].map((w) => ({ kind: 'clock' as const, words: w })),
  ...[['what', 'day'], ['which', 'day'], ['what', 'year'], ['which', 'year'], ['what', 'month'], ['how', 'old'], ['days', 'until'],
    ['days', 'left'], ['this', 'week'], ['this', 'month'], ['this', 'year'], ['this', 'season'], ['next', 'week'], ['next', 'month'],
    ['next', 'year'], ['last', 'week'], ['last', 'month'], ['last', 'year'], ['these', 'days'], ['so', 'far'], ['as', 'of'],
    ['up', 'to', 'date'], ['day', 'of', 'the', 'week'], ['leap', 'year'], ['what', 'season'], ['it', 'summer'], ['it', 'winter'],
    ['it', 'spring'], ['it', 'autumn'], ['it', 'fall'], ['full', 'moon'], ['new', 'moon'], ['moon', 'phase'], ['phase', 'of', 'the', 'moon'],
    ['when', 'is', 'the', 'next'], ['when', 'does', 'the', 'next'], ['when', "'s", 'the', 'next'], ['who', 'will', 'win'], ['who', 'wins'], ['will', 'win']].map((w) => ({ kind: 'date' as const, words: w })),
  ...[['net', 'worth'], ['worth', 'now'], ['in', 'stock'], ['sold', 'out'], ['how', 'much', 'is'], ['how', 'much', 'are'], ['how', 'much', 'does'],
    ['how', 'much', 'do'], ['how', 'much', "'s"], ['market', 'cap'], ['it', 'rain'], ['it', 'snow'], ['to', 'rain'], ['to', 'snow'],
    ['it', 'hot'], ['it', 'cold'], ['it', 'warm'], ['it', 'freezing'], ['top', 'of', 'the'], ['how', 'many', 'people'],
    ['world', 'record'], ['record', 'holder'], ['wait', 'time'], ['wait', 'times'], ['the', 'wait']].map((w) => ({ kind: 'live' as const, words: w })),
];

/**
 * States that hold now and may not later ("is the Louvre open", "is Gmail down", "when does it close"):
 * only at the end of the question or before a word of time or place in time ("open on Sundays",
 * "down for everyone"), so that "how do I open a file" and "working directory" stay timeless.
 */
const statusWords = words(`open opens opened close closes closed working running down up online offline available busy crowded live traffic hours`);
/** A status word speaks of now only in a present question: "is it open", "when does it close" (not "how can I earn money online"). */
const presentAuxiliaries = words(`is are 's 're`);
const openingVerbs = words(`open opens close closes`);
const afterStatus = words(`now today tonight right currently still yet again on at until till for this tomorrow`);

/** Words whose timeless sense is a different part of speech. */
const onlyAs: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['present', words('ADJ NOUN ADV')],
  ['still', words('ADV')],
]);
/** Uses that are never about now, even though a word above appears ("open source", "time complexity"). */
const timelessCompounds: readonly (readonly string[])[] = [
  ['open', 'source'], ['open-source'], ['time', 'complexity'], ['space', 'complexity'], ['time', 'series'],
  ['running', 'time'], ['big', 'o'],
];

const byFirstWord = <T>(items: readonly T[], first: (item: T) => string): ReadonlyMap<string, T[]> => {
  const map = new Map<string, T[]>();
  for (const item of items) map.set(first(item), [...(map.get(first(item)) ?? []), item]);
  return map;
};
const phrasesByFirstWord = byFirstWord(phrases, (phrase) => phrase.words[0]!);
const compoundsByFirstWord = byFirstWord(timelessCompounds, (parts) => parts[0]!);

/** What turns a time phrase into a timeless term: "the time complexity", "what time series". */
const timelessAfter = words(`complexity series travel traveller machine machines signature frame frames management stamp stamps zone zones`);

const clockTime = /\b(?:\d{1,2}:\d{2}|\d{1,2}\s?(?:am|pm|a\.m\.|p\.m\.))\b/i;

/** German and French words of the same kinds, lowercased (these languages get a word list only). */
const otherLanguageWords: Record<'de' | 'fr', ReadonlySet<string>> = {
  de: words(`
    uhr uhrzeit zeit spät jetzt heute morgen gestern übermorgen vorgestern abend nacht mittag mitternacht
    datum tag tage woche wochenende monat jahr jahre alt aktuell aktuelle aktuellen derzeit gerade zurzeit momentan
    neueste neuesten letzte letzten nächste nächsten noch schon seit bis
    montag dienstag mittwoch donnerstag freitag samstag sonntag
    preis preise kosten kostet kurs kurse wert aktie aktien börse bitcoin euro dollar
    wetter vorhersage temperatur regen regnet schnee schneit sonnig kalt heiß warm
    offen geöffnet geschlossen öffnungszeiten öffnet schließt
    stand spielstand ergebnis ergebnisse gewonnen gewinnt tabelle wahl nachrichten status verfügbar präsident kanzler
  `),
  fr: words(`
    heure heures temps maintenant aujourd'hui demain hier soir nuit midi minuit matin
    date jour jours semaine week-end mois an ans année âge actuel actuelle actuellement récent récente dernier dernière
    prochain prochaine encore déjà depuis jusqu'à
    lundi mardi mercredi jeudi vendredi samedi dimanche
    prix coût coûte cours valeur action actions bourse bitcoin euro euros dollar dollars
    météo prévisions température pluie pleut neige ensoleillé beau chaud froid
    ouvert ouverte ouverts fermé fermée fermés horaires ouvre ferme
    score résultat résultats gagné gagne classement élection élections nouvelles actualités statut disponible président
  `),
};

/**
 * How a question depends on the time it is asked, with the word or pattern that says so ("open",
 * "how much is", "7 pm"); undefined when it does not, as far as can be told.
 */
export function timeCue(tokens: readonly TimeToken[], text: string): { kind: TimeDependence; cue: string } | undefined {
  const clock = clockTime.exec(text);
  if (clock) return { kind: 'clock', cue: clock[0] };
  let found: { kind: TimeDependence; cue: string } | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const { lower, pos } = tokens[i]!;
    for (const phrase of phrasesByFirstWord.get(lower) ?? []) {
      if (phrase.words.every((part, k) => tokens[i + k]?.lower === part)) {
        if (timelessAfter.has(tokens[i + phrase.words.length]?.lower ?? '')) continue;
        if (phrase.kind === 'clock') return { kind: 'clock', cue: phrase.words.join(' ') };
        if (phrase.kind === 'date' || !found) found = { kind: phrase.kind, cue: phrase.words.join(' ') };
      }
    }
    const compound = compoundsByFirstWord.get(lower)?.find((parts) => parts.every((part, k) => tokens[i + k]?.lower === part));
    if (compound) {
      i += compound.length - 1;
      continue;
    }
    if (statusWords.has(lower)) {
      const next = tokens[i + 1]?.lower;
      const present = tokens.slice(0, i).some((token) => presentAuxiliaries.has(token.lower) || (openingVerbs.has(lower) && ['does', 'do'].includes(token.lower)));
      if (present && (next === undefined || afterStatus.has(next) || clockWords.has(next) || dateWords.has(next))) found ??= { kind: 'live', cue: lower };
      continue;
    }
    const allowed = onlyAs.get(lower);
    if (allowed && !allowed.has(pos)) continue;
    if (clockWords.has(lower)) return { kind: 'clock', cue: lower };
    if (dateWords.has(lower)) found = { kind: 'date', cue: lower };
    else if (liveWords.has(lower)) found ??= { kind: 'live', cue: lower };
  }
  // A year named in the question fixes a live value in time: "who won the 1966 World Cup".
  if (found?.kind === 'live' && tokens.some((token) => /^(1[0-9]|20)\d\d$/.test(token.lower))) found = undefined;
  if (found) return found;
  // "Is it raining", "who is winning", "what is happening": a present progressive describes now.
  // "Has the parcel arrived?", "has the film started?": a state that changes.
  if (['has', 'have'].includes(tokens[0]?.lower ?? '') && tokens.slice(1, 5).some((token) => token.pos === 'VERB' && /(?:ed|en)$/.test(token.lower))) {
    return { kind: 'live', cue: 'has ... -ed' };
  }
  // Only of the world, not of the asker: "is it raining", "who is winning", "are they playing" but not "I am learning".
  for (let i = 0; i + 1 < tokens.length; i++) {
    const be = tokens[i]!.lower;
    if (!['is', 'are', "'s", "'re"].includes(be)) continue;
    const subjectBefore = tokens[i - 1]?.lower;
    if (i > 0 && !['it', 'what', 'who', 'which', 'where', 'how', 'why'].includes(subjectBefore ?? '')) continue;
    for (let k = i + 1; k <= i + 3 && k < tokens.length; k++) {
      const token = tokens[k]!;
      if (token.pos === 'VERB' && token.lower.endsWith('ing') && !['DET', 'ADJ'].includes(tokens[k - 1]!.pos)) return { kind: 'live', cue: `${be} ${token.lower}` };
    }
  }
  return undefined;
}

/** The same, for a German or French question: its word list only. */
export function timeDependenceOf(language: 'de' | 'fr', lowerWords: readonly string[], text: string): TimeDependence | undefined {
  if (clockTime.test(text) || /\b\d{1,2}\s?h\s?\d{0,2}\b/i.test(text)) return 'clock';
  const list = otherLanguageWords[language];
  return lowerWords.some((word) => list.has(word) || [...list].some((entry) => entry.includes("'") && word.endsWith(entry))) ? 'live' : undefined;
}
