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
  time clock o'clock hour hours minute minutes second seconds now tonight morning afternoon evening night midnight
  noon midday dawn dusk sunrise sunset daylight dark timezone am pm currently moment
`);
/** The date: the answer changes from day to day or year to year. */
const dateWords = words(`
  today tomorrow yesterday date dates day days weekday weekend week weeks month months year calendar
  monday tuesday wednesday thursday friday saturday sunday mondays tuesdays wednesdays thursdays fridays saturdays sundays
  january february march april may june july august september october november december
  christmas easter thanksgiving halloween ramadan diwali hanukkah eid holiday holidays season
  age old ago until till since anniversary birthday countdown deadline
  nowadays recent recently latest newest upcoming ongoing current present presently anymore yet still
  alive dead living
`);
/** Live values and states: prices, scores, weather, status, news. */
const liveWords = words(`
  price prices priced pricing cost costs costing worth valuation exchange rate rates stock stocks share shares
  market trading traded bitcoin btc ethereum eth crypto cryptocurrency dogecoin gold silver oil
  usd eur gbp jpy chf cny inr dollar dollars euro euros pound pounds yen
  score scores scored scoring winning won win wins leading leads standings leaderboard ranking rankings
  match game games fixture fixtures playoff playoffs tournament election elections poll polls
  weather forecast temperature temperatures rain raining rainy snow snowing snowy sunny cloudy windy humid
  humidity storm storms hurricane typhoon tornado fog foggy umbrella outside
  opening hours queue queues traffic status outage availability stock sold delayed delay delays cancelled canceled
  streaming happening news headlines headline trending breaking
  population president ceo chancellor minister mayor governor king queen pope champion champions leader
  chairman chairwoman coach owner holder record
`);
/**
 * States that hold now and may not later ("is the Louvre open", "is Gmail down", "when does it close"):
 * only at the end of the question or before a word of time or place in time ("open on Sundays",
 * "down for everyone"), so that "how do I open a file" and "working directory" stay timeless.
 */
const statusWords = words(`open opens opened close closes closed working running down up online offline available busy crowded live wait`);
const afterStatus = words(`now today tonight right currently still yet again on at until till for this tomorrow`);

/** Words whose timeless sense is a different part of speech. */
const onlyAs: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['second', words('NOUN')],
  ['may', words('PROPN NOUN')],
  ['march', words('PROPN NOUN')],
  ['present', words('ADJ NOUN ADV')],
  ['still', words('ADV')],
  ['record', words('NOUN')],
  ['leading', words('VERB')],
  ['leads', words('VERB')],
]);
/** Uses that are never about now, even though a word above appears ("open source", "time complexity"). */
const timelessCompounds: readonly (readonly string[])[] = [
  ['open', 'source'], ['open-source'], ['time', 'complexity'], ['space', 'complexity'], ['time', 'series'],
  ['running', 'time'], ['big', 'o'],
];

const clockTime = /\b(?:\d{1,2}:\d{2}|\d{1,2}\s?(?:am|pm|a\.m\.|p\.m\.))\b/i;

/** German and French words of the same kinds, lowercased (these languages get a word list only). */
const otherLanguageWords: Record<'de' | 'fr', ReadonlySet<string>> = {
  de: words(`
    uhr uhrzeit zeit spät jetzt heute morgen gestern übermorgen vorgestern abend nacht mittag mitternacht
    datum tag tage woche wochenende monat jahr jahre alt aktuell aktuelle aktuellen derzeit gerade zurzeit momentan
    neueste neuesten letzte letzten nächste nächsten noch schon seit bis
    montag dienstag mittwoch donnerstag freitag samstag sonntag
    preis preise kosten kostet kurs kurse wert aktie aktien börse bitcoin euro dollar
    wetter vorhersage temperatur regen regnet schnee schneit sonnig
    offen geöffnet geschlossen öffnungszeiten öffnet schließt
    stand spielstand ergebnis ergebnisse gewonnen gewinnt tabelle wahl nachrichten status verfügbar präsident kanzler
  `),
  fr: words(`
    heure heures temps maintenant aujourd'hui demain hier soir nuit midi minuit matin
    date jour jours semaine week-end mois an ans année âge actuel actuelle actuellement récent récente dernier dernière
    prochain prochaine encore déjà depuis jusqu'à
    lundi mardi mercredi jeudi vendredi samedi dimanche
    prix coût coûte cours valeur action actions bourse bitcoin euro euros dollar dollars
    météo prévisions température pluie pleut neige neige ensoleillé
    ouvert ouverte ouverts fermé fermée fermés horaires ouvre ferme
    score résultat résultats gagné gagne classement élection élections nouvelles actualités statut disponible président
  `),
};

/** How a question depends on the time it is asked, or undefined when it does not (as far as can be told). */
export function timeDependence(tokens: readonly TimeToken[], text: string): TimeDependence | undefined {
  if (clockTime.test(text)) return 'clock';
  let found: TimeDependence | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const { lower, pos } = tokens[i]!;
    const compound = timelessCompounds.find((parts) => parts.every((part, k) => tokens[i + k]?.lower === part));
    if (compound) {
      i += compound.length - 1;
      continue;
    }
    if (statusWords.has(lower)) {
      const next = tokens[i + 1]?.lower;
      if (next === undefined || afterStatus.has(next) || clockWords.has(next) || dateWords.has(next)) found ??= 'live';
      continue;
    }
    const allowed = onlyAs.get(lower);
    if (allowed && !allowed.has(pos)) continue;
    if (clockWords.has(lower)) return 'clock';
    if (dateWords.has(lower)) found = 'date';
    else if (liveWords.has(lower)) found ??= 'live';
  }
  // A year named in the question fixes a live value in time: "who won the 1966 World Cup".
  if (found === 'live' && tokens.some((token) => /^(1[0-9]|20)\d\d$/.test(token.lower))) found = undefined;
  if (found) return found;
  // "How much is a Tesla", "how much do eggs cost": a price.
  for (let i = 0; i + 2 < tokens.length; i++) {
    if (tokens[i]!.lower === 'how' && tokens[i + 1]!.lower === 'much' && ['is', 'are', 'does', 'do', "'s"].includes(tokens[i + 2]!.lower)) return 'live';
  }
  // "Is it raining", "who is winning", "what is happening": a present progressive describes now.
  for (let i = 0; i + 1 < tokens.length; i++) {
    const be = tokens[i]!.lower;
    if (!['is', 'are', 'am', "'s", "'re"].includes(be)) continue;
    for (let k = i + 1; k <= i + 3 && k < tokens.length; k++) {
      const token = tokens[k]!;
      if (token.pos === 'VERB' && token.lower.endsWith('ing') && !['DET', 'ADJ'].includes(tokens[k - 1]!.pos)) return 'live';
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
