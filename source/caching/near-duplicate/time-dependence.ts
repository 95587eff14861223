/**
 * Questions whose answer depends on when they are asked: the clock, the date, the part of the day,
 * opening hours, live prices, scores, weather, or the current state of something. L1b never serves
 * them, in any wording: a cached answer to "what time is it in Tokyo" is wrong a minute later.
 *
 * Detection errs towards "time-dependent": a question flagged by mistake only costs a cache hit.
 * Words are read with their part of speech where a word has a timeless sense too ("open" the adjective
 * but not "open source"; "live" the adjective but not the verb; "close" the verb but not "how close").
 */
import { namedStateCue } from './named-states.js';
import { words } from './word-set.js';

export type TimeDependence = 'clock' | 'date' | 'live';

export interface TimeToken {
  lower: string;
  pos: string;
  /** First word of a sentence (a discourse "Now, ..." opens one). */
  sentenceStart?: boolean;
  /** Written as a name or an acronym (a tagger's PROPN may miss one: "Zoom", "Disney Plus"). */
  name?: boolean;
  /** Written as an acronym ("NATO", "EU"). */
  acronym?: boolean;
}


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
  alive retrograde
`);
/** Live values and states: prices, scores, weather, status, news, who holds an office. */
const liveWords = words(`
  price prices priced pricing cost costs costing valuation exchange rate rates stock stocks
  bitcoin btc ethereum eth crypto cryptocurrency dogecoin
  usd eur gbp jpy chf cny inr dollar dollars euro euros pound pounds yen rupee rupees
  score scores scored scoring win wins winner winning won lose loses standings leaderboard ranking rankings fixture fixtures playoff playoffs
  election elections poll polls
  weather forecast temperature temperatures raining rainy snowing snowy sunny cloudy windy humid
  humidity storm storms hurricane typhoon tornado fog foggy umbrella outside icy flooded flooding heatwave drought wildfire wildfires
  opening queue queues outage availability delayed delay delays cancelled canceled
  happening news headlines headline trending breaking
  population president ceo chancellor minister mayor governor king queen pope champion champions leader
  chairman chairwoman coach lts status wage wages salary salaries eol
  gdp dow nasdaq nikkei ftse dax odds
  cheaper pricier scorer scorers earnings roadworks
  richest wealthiest poorest bestselling best-selling highest-paid highest-grossing top-selling top-rated most-popular
  iss
`);
/** Phrases of the same kinds whose words alone are timeless ("the time", "how old", "this year", "net worth"). */
const phrases: ReadonlyArray<{ kind: TimeDependence; words: readonly string[] }> = [
  ...[['what', 'time'], ['the', 'time'], ['time', 'is', 'it'], ['time', 'now'], ['local', 'time'], ['current', 'time'], ['time', 'left'],
    ['time', 'until'], ['time', 'difference'], ['at', 'the', 'moment'], ['right', 'now'], ['last', 'night'], ['hours', 'until'],
    ['minutes', 'until'], ['the', 'hour'], ['what', 'hour'], ['it', 'night'], ['it', 'day'], ['it', 'dark'], ['it', 'light'],
    ['on', 'time'], ['half', 'past'], ['quarter', 'past'], ['quarter', 'to'], ['good', 'morning'], ['good', 'evening'], ['good', 'night'], ['good', 'afternoon']].map((w) => ({ kind: 'clock' as const, words: w })),
  ...[['what', 'day'], ['which', 'day'], ['what', 'year'], ['which', 'year'], ['what', 'month'], ['how', 'old'], ['days', 'until'],
    ['days', 'left'], ['this', 'week'], ['this', 'month'], ['this', 'year'], ['this', 'season'], ['next', 'week'], ['next', 'month'],
    ['next', 'year'], ['last', 'week'], ['last', 'month'], ['last', 'year'], ['these', 'days'], ['so', 'far'], ['as', 'of'],
    ['up', 'to', 'date'], ['day', 'of', 'the', 'week'], ['leap', 'year'], ['what', 'season'], ['it', 'summer'], ['it', 'winter'],
    ['it', 'spring'], ['it', 'autumn'], ['it', 'fall'], ['full', 'moon'], ['new', 'moon'], ['moon', 'phase'], ['phase', 'of', 'the', 'moon'],
    ['when', 'is', 'the', 'next'], ['when', 'does', 'the', 'next'], ['when', "'s", 'the', 'next'], ['who', 'will', 'win'], ['who', 'wins'], ['will', 'win'],
    ['when', 'will'], ['come', 'out'], ['coming', 'out'], ['release', 'date'], ['from', 'now'],
    // What is left of the year or month, the moon's phase tonight, the oldest person still living.
    ['left', 'in', 'the'], ['left', 'this'], ['are', 'left', 'in'], ['phase', 'is', 'the', 'moon'], ['oldest', 'living'],
    ['oldest', 'person'], ['oldest', 'man'], ['oldest', 'woman'], ['oldest', 'people'],
    // Where the calendar stands: "which month are we in", "what week of the year is it", "what decade is this".
    ['which', 'month'], ['what', 'week'], ['which', 'week'], ['are', 'we', 'in'], ['we', 'are', 'in'], ['quarter', 'is', 'it'],
    ['decade', 'is', 'it'], ['decade', 'is', 'this'], ['century', 'is', 'it'], ['century', 'is', 'this'], ['semester', 'is', 'it'],
    ['term', 'is', 'it'], ['it', 'too', 'late'], ['it', 'too', 'early']].map((w) => ({ kind: 'date' as const, words: w })),
  ...[['net', 'worth'], ['worth', 'now'], ['in', 'stock'], ['sold', 'out'], ['how', 'much', 'is'], ['how', 'much', 'are'], ['how', 'much', 'does'],
    ['how', 'much', 'do'], ['how', 'much', "'s"], ['market', 'cap'], ['it', 'rain'], ['it', 'snow'], ['to', 'rain'], ['to', 'snow'],
    ['it', 'hot'], ['it', 'cold'], ['it', 'warm'], ['it', 'freezing'], ['top', 'of', 'the'], ['how', 'many', 'people'],
    ['world', 'record'], ['record', 'holder'], ['wait', 'time'], ['wait', 'times'], ['the', 'wait'],
    // Rankings whose holder changes: "the most popular language", "has the most followers", "has won the most titles".
    ['most', 'popular'], ['most', 'followed'], ['most', 'subscribed'], ['most', 'viewed'], ['most', 'watched'], ['most', 'streamed'],
    ['most', 'downloaded'], ['most', 'valuable'], ['most', 'expensive'], ['most', 'used'], ['most', 'populous'], ['most', 'visited'],
    ['highest', 'paid'], ['highest', 'grossing'], ['best', 'selling'], ['top', 'selling'], ['fastest', 'growing'],
    ['has', 'the', 'most'], ['have', 'the', 'most'], ['has', 'won'], ['have', 'won'], ['has', 'scored'], ['have', 'scored'],
    ['what', 'is', 'new'], ['number', 'of', 'users'], ['the', 'age', 'of'], ['record', 'for'], ['head', 'of', 'state'],
    ['head', 'of', 'government'], ['safe', 'to', 'travel'], ['on', 'tv'], ['should', 'i', 'buy'], ['end', 'of', 'life'], ['support', 'end'],
    ['support', 'ends'], ['box', 'office'], ['still', 'maintained'], ['stable', 'version'], ['stable', 'release'],
    // Where something that moves is: a space station, a flight, a parcel ("where is my order").
    ['where', 'is', 'my'], ['where', "'s", 'my'], ['where', 'is', 'flight'], ['space', 'station'],
    // "The last version" is the latest one: "what is the last version of Ubuntu".
    ['last', 'version'], ['last', 'release'], ['last', 'update'], ['last', 'episode'], ['last', 'season'], ['last', 'patch'],
    // Who leads or is in charge now, the economy's state, today's readings of the air, and what is known so far.
    ['in', 'the', 'lead'], ['in', 'charge'], ['number', 'one'], ['world', 'number'], ['in', 'a', 'recession'], ['in', 'recession'],
    ['in', 'a', 'bear'], ['in', 'a', 'bull'], ['uv', 'index'], ['pollen', 'count'], ['air', 'quality'], ['are', 'known'], ['is', 'known', 'about'],
    ['largest', 'known'], ['biggest', 'known'], ['highest', 'known'], ['oldest', 'known'],
    // Standings, valuations, rules that are changed by law, support that ends.
    ['league', 'table'], ['market', 'value'], ['yield', 'on'], ['need', 'a', 'visa'], ['retirement', 'age'], ['speed', 'limit'],
    // Round 8: shares of a market, ages set by law, what a currency or an investment is now, what is about to happen.
    ['market', 'share'], ['share', 'of'], ['drinking', 'age'], ['voting', 'age'], ['legal', 'age'], ['smoking', 'age'], ['age', 'of', 'consent'],
    ['what', 'currency'], ['which', 'currency'], ['good', 'investment'], ['worth', 'buying'], ['worth', 'investing'], ['about', 'to'],
    ['browser', 'support'], ['browsers', 'support'], ['travel', 'warning'], ['travel', 'advisory'], ['baggage', 'allowance'],
    ['security', 'updates'], ['get', 'updates'],
    // What is showing, on sale or on a cover now; strikes and roadworks; a season under way; the national debt.
    ['on', 'sale'], ['in', 'cinemas'], ['in', 'theaters'], ['in', 'theatres'], ['what', 'is', 'on'], ['what', "'s", 'on'],
    ['on', 'the', 'cover'], ['on', 'strike'], ['there', 'a', 'strike'], ['season', 'going'], ['play', 'next'], ['plays', 'next'],
    ['playing', 'next'], ['national', 'debt'], ['majority', 'in', 'the'], ['when', 'are', 'the']].map((w) => ({ kind: 'live' as const, words: w })),
];

/**
 * States that hold now and may not later ("is the Louvre open", "is Gmail down", "when does it close"):
 * only at the end of the question or before a word of time or place in time ("open on Sundays",
 * "down for everyone"), so that "how do I open a file" and "working directory" stay timeless.
 */
const statusWords = words(`open opens opened close closes closed working running down up online offline available busy crowded live traffic hours
  over out on jammed congested gridlocked`);
/** A status word speaks of now only in a present question: "is it open", "when does it close" (not "how can I earn money online"). */
const presentAuxiliaries = words(`is are 's 're`);
const openingVerbs = words(`open opens close closes`);
const afterStatus = words(`now today tonight right currently still yet again on at until till for this tomorrow to in`);

/**
 * States of people, laws and products that change: "is Taylor Swift married", "is TikTok banned in the US",
 * "is Windows 10 supported", "has it shipped". Asked with a present "is"/"are" before them, wherever they stand.
 */
const changingStates = words(`married divorced engaged pregnant retired banned legal illegal allowed supported deprecated discontinued delivered shipped released
  available profitable unprofitable bankrupt insolvent injured maintained raised lowered approved
  rising falling growing shrinking increasing decreasing declining improving recovering spreading worsening
  finished rebuilt reopened renovated restored endangered extinct recognized recognised`);

/** Words whose timeless sense is a different part of speech. */
const onlyAs: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['present', words('ADJ NOUN ADV')],
  ['still', words('ADV')],
]);
/** Uses that are never about now, even though a word above appears ("open source", "time complexity"). */
const timelessCompounds: readonly (readonly string[])[] = [
  ['open', 'source'], ['open-source'], ['time', 'complexity'], ['space', 'complexity'], ['time', 'series'],
  ['running', 'time'], ['big', 'o'], ['status', 'code'], ['status', 'codes'], ['status', 'bar'], ['status', 'line'],
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

/**
 * A sentence opening with "now" (alone or after "and", "ok", "so"...) uses it as a discourse marker: "Now run
 * them", "Now, what is X?", "OK now explain the second step". So does "now that" ("now that I have X, how do I Y").
 * Any "now" elsewhere speaks of the time asked ("who is the president now", "3 days from now").
 */
const discourseOpeners = words(`and but so ok okay alright then well right`);
function isDiscourseNow(tokens: readonly TimeToken[], i: number): boolean {
  if (tokens[i + 1]?.lower === 'that') return true;
  if (i + 1 >= tokens.length || tokens[i + 1]!.sentenceStart) return false;
  for (let k = i; k >= 0; k--) {
    if (k < i && !discourseOpeners.has(tokens[k]!.lower)) return false;
    if (k === 0 || tokens[k]!.sentenceStart) return true;
  }
  return false;
}

/**
 * "Current" the noun (of electricity, of water): "the current in a circuit", "alternating current", "an
 * induced current". The tagger reads every "current" as an adjective, so the noun is told by its place:
 * right after an article or an adjective, with no noun, adjective, number or pronoun after it. The time
 * sense is before what it qualifies ("the current CEO", "the current best model") or a predicate ("is this
 * current?", "is that current?", "is the data current?": a pronoun or a noun before it, never an article).
 */
const articles = words(`the a an`);
const afterCurrentNoun = words(`ADP VERB AUX CCONJ SCONJ PART PUNCT`);
function isElectricCurrent(tokens: readonly TimeToken[], i: number): boolean {
  const before = tokens[i - 1];
  const after = tokens[i + 1];
  const modified = before !== undefined && (articles.has(before.lower) || before.pos === 'ADJ' || (before.pos === 'VERB' && before.lower.endsWith('ing')));
  return modified && (after === undefined || after.sentenceStart === true || afterCurrentNoun.has(after.pos));
}

/**
 * A ranking over a world that changes: "the tallest building in the world", "the fastest car ever", "the
 * richest man of all time". Whether the ranked thing can change is not known, so every such ranking is
 * taken as live (a missed hit on "the largest ocean on Earth" is the price).
 */
const rankingScopes: readonly (readonly string[])[] = [['in', 'the', 'world'], ['on', 'earth'], ['on', 'the', 'planet'], ['ever'], ['of', 'all', 'time'], ['in', 'history'], ['so', 'far']];
const personal = words(`i you we they he she`);
const superlativeWords = words(`best worst biggest largest smallest highest lowest fastest slowest tallest longest shortest oldest youngest strongest richest top`);
// "The most spoken language" ranks by a participle; "the longest-running show" by a superlative inside a compound.
const isSuperlative = (token: TimeToken, before: TimeToken | undefined): boolean =>
  superlativeWords.has(token.lower) || (token.lower.endsWith('est') && token.pos === 'ADJ') || superlativeCompound(token.lower) ||
  (['most', 'least'].includes(before?.lower ?? '') && (token.pos === 'ADJ' || (token.pos === 'VERB' && /(?:ed|en)$/.test(token.lower))));
const superlativeCompound = (lower: string): boolean => {
  const hyphen = lower.indexOf('-');
  return hyphen > 3 && lower.slice(0, hyphen).endsWith('est');
};
const holdsRank = words(`has have holds hold`);
/**
 * What people build, hold or make, ranked: the holder changes without the question saying "in the world"
 * ("What is the tallest building?", "the fastest supercomputer", "the best phone").
 */
const changingRankables = words(`
  building buildings skyscraper skyscrapers tower towers bridge bridges stadium stadiums airport airports ship ships
  company companies brand brands bank banks person people man men woman women athlete athletes player players team teams club clubs
  app apps website websites game games movie movies film films song songs album albums show shows series phone phones
  smartphone smartphones laptop laptops computer computers supercomputer supercomputers car cars chip chips gpu gpus cpu cpus model models
  llm llms chatbot chatbots browser browsers framework frameworks vpn vpns camera cameras tv tvs headphones console consoles
  tablet tablets smartwatch smartwatches editor editors ide ides
  city cities economy economies army armies language languages network networks story stories
`);
/**
 * Natural things ranked over the Earth, which do not change in a lifetime: "the largest ocean in the
 * world" (a ranking scope alone does not make these live).
 */
const fixedRankables = words(`
  ocean oceans continent continents sea seas desert deserts mountain mountains volcano volcanoes river rivers lake lakes
  island islands peninsula peninsulas canyon canyons waterfall waterfalls bone bones organ organs muscle muscles gland glands
  planet planets element elements metal metals gas gases animal animals mammal mammals bird birds reptile reptiles insect insects
`);
/**
 * The kind a "which"/"what" question ranks when it names it before the superlative: "Which planet has the
 * highest gravity?", "Which ocean is the deepest on Earth?".
 */
function askedKind(tokens: readonly TimeToken[]): TimeToken | undefined {
  // Among the first words: "Please, which planet ...", "So what animal ...".
  const at = tokens.findIndex((token, k) => k < 3 && (token.lower === 'which' || token.lower === 'what'));
  if (at === -1) return undefined;
  // One name, adjective or noun may stand before the kind: "which GPT model", "what social network".
  const first = tokens[at + 1];
  const second = tokens[at + 2];
  if (first?.pos === 'NOUN') return second?.pos === 'NOUN' ? second : first;
  return (first?.pos === 'PROPN' || first?.pos === 'ADJ') && second?.pos === 'NOUN' ? second : undefined;
}
const earthScopes = new Set(['in', 'on']);
function rankingCue(tokens: readonly TimeToken[]): string | undefined {
  for (let i = 0; i < tokens.length; i++) {
    if (!isSuperlative(tokens[i]!, tokens[i - 1])) continue;
    // The ranked noun: right after the superlative, or after one more word ("the largest salt lake").
    const asked = askedKind(tokens);
    const ranked = [tokens[i + 1], tokens[i + 2], asked].find((token) => token !== undefined && (changingRankables.has(token.lower) || fixedRankables.has(token.lower)));
    if (ranked && changingRankables.has(ranked.lower)) return `${tokens[i]!.lower} ${ranked.lower}`;
    // "Who has the fastest time", "which club holds the highest score"; "the top songs", "the top 10 films".
    // Not a kind of nature ranked by a property of its own: "which planet has the highest gravity" holds for good.
    const natural = ranked !== undefined && ranked === asked && fixedRankables.has(ranked.lower);
    if (tokens[i - 1]?.lower === 'the' && holdsRank.has(tokens[i - 2]?.lower ?? '') && !natural) return `${tokens[i - 2]!.lower} the ${tokens[i]!.lower}`;
    const next = tokens[i + 1];
    if (tokens[i]!.lower === 'top' && next && (/^\d+$/.test(next.lower) || (next.pos === 'NOUN' && next.lower.endsWith('s')))) return `top ${next.lower}`;
    for (let k = i + 1; k < tokens.length && k <= i + 6; k++) {
      const scope = rankingScopes.find((phrase) => phrase.every((part, n) => tokens[k + n]?.lower === part));
      // "The best idea you have ever had" ranks someone's own past, which does not change: not a live ranking.
      if (scope?.[0] === 'ever' && ['have', 'has', 'had'].includes(tokens[k - 1]?.lower ?? '') && personal.has(tokens[k - 2]?.lower ?? '')) continue;
      // "The largest ocean in the world", "the highest mountain on Earth": nature's rankings hold (not "ever", "so far").
      if (scope && ranked && earthScopes.has(scope[0]!)) continue;
      if (scope) return `${tokens[i]!.lower} ... ${scope.join(' ')}`;
    }
  }
  return undefined;
}

/** Counts that grow or shrink: "how many followers does X have", "how many users does Slack have". */
const growingCounts = words(`
  followers subscribers users customers employees staff members downloads installs views likes stars visitors viewers
  listeners players cases deaths infections residents inhabitants citizens speakers stores branches locations
  countries nations satellites exoplanets species languages refugees justices
`);
/** A name's count of anything, in the present: "how many albums does Taylor Swift have", not "how many legs does a spider have". */
function countCue(tokens: readonly TimeToken[]): string | undefined {
  for (let i = 0; i + 2 < tokens.length; i++) {
    const opener = tokens[i]!.lower === 'how' && tokens[i + 1]!.lower === 'many' ? 2 : tokens[i]!.lower === 'number' && tokens[i + 1]!.lower === 'of' ? 2 : 0;
    if (opener === 0) continue;
    const rest = tokens.slice(i + opener, i + opener + 8);
    const counted = rest.find((token) => growingCounts.has(token.lower));
    if (counted) return `how many ${counted.lower}`;
    const auxiliary = rest.findIndex((token) => token.lower === 'does' || token.lower === 'do');
    if (auxiliary >= 0 && rest[auxiliary + 1]?.pos === 'PROPN' && rest.slice(auxiliary + 2).some((token) => token.lower === 'have')) return 'how many ... does X have';
    // A count so far: "how many Ukrainians have fled", "how many people have walked on the Moon".
    // And with the subject between: "how many albums has Taylor Swift released".
    const perfect = rest.findIndex((token) => token.lower === 'have' || token.lower === 'has');
    if (perfect >= 0 && rest.slice(perfect + 1, perfect + 5).some((token) => token.pos === 'VERB')) return 'how many ... have -ed';
  }
  return undefined;
}

/** Who holds something now: "who owns Twitter", "which club does he play for", "who runs OpenAI". */
const holdingVerbs = words(`owns own runs leads lead heads holds manages manage coaches coach controls governs rules chairs sponsors employs hosts plays play dating married
  presents voices sits serves`);
const whWords = words(`who which what whom whose where`);
function holderCue(tokens: readonly TimeToken[]): string | undefined {
  // "Does Google own YouTube?", "does Musk run Tesla?": whether one holds it now.
  // The tagger may read the verb after a name as an adjective ("Google own/ADJ YouTube"): after a name it is the verb.
  if ((tokens[0]?.lower === 'does' || tokens[0]?.lower === 'do') && tokens.some((token, i) => i > 1 && holdingVerbs.has(token.lower) && (token.pos === 'VERB' || tokens[i - 1]!.pos === 'PROPN'))) return `does ... hold`;
  if (!tokens.slice(0, 3).some((token) => whWords.has(token.lower))) return undefined;
  // The verb of the wh-word ("who owns", "which company runs") or of a do-question ("which club does he play for"), not "what is lead".
  const asked = tokens.some((token) => token.lower === 'does' || token.lower === 'do');
  // Right after "who" or "which party" it is the verb whatever the tagger says ("who chairs the Fed": "chairs" read as a noun).
  const holding = tokens.find((token, i) => i > 0 && holdingVerbs.has(token.lower) && (token.pos === 'VERB' || token.pos === '' || tokens[i - 1]!.lower === 'who' || (i > 1 && whWords.has(tokens[i - 2]!.lower) && tokens[i - 1]!.pos === 'NOUN')) &&
    (whWords.has(tokens[i - 1]!.lower) || (i > 1 && whWords.has(tokens[i - 2]!.lower) && tokens[i - 1]!.pos === 'NOUN') || asked));
  return holding && `who ${holding.lower}`;
}

/**
 * Who holds a post now, asked in the present: "who is the speaker of the House", "who is the Fed chair",
 * "who is the current manager of United" (not "who is the author of Hamlet": an author is one for good).
 */
const posts = words(`
  chair chairperson speaker secretary secretary-general manager director commissioner ambassador captain editor
  editor-in-chief dean principal rector archbishop head boss chief cto cfo coo cio spokesperson spokesman spokeswoman
  owner owners premier senator senators representative treasurer commander superintendent sheriff prosecutor
  host hosts presenter presenters anchor voice
`);
function postCue(tokens: readonly TimeToken[]): string | undefined {
  const who = tokens.findIndex((token, k) => k < 3 && token.lower === 'who');
  if (who === -1 || !presentAuxiliaries.has(tokens[who + 1]?.lower ?? '')) return undefined;
  // The post: within the noun phrase that follows ("the Fed chair", "the new UN secretary-general").
  for (let k = who + 2; k < tokens.length && k <= who + 6; k++) {
    if (posts.has(tokens[k]!.lower)) return `who is ... ${tokens[k]!.lower}`;
    if (['of', 'for', 'at', 'in'].includes(tokens[k]!.lower)) break;
  }
  return undefined;
}

/**
 * Winning and losing are a result (live) in "did the Lakers win", a skill in "how do I win at chess" and
 * "how to lose weight": not a time cue in a question about how to do something.
 */
const outcomes = words(`win wins winning won lose loses losing`);
const isHowTo = (tokens: readonly TimeToken[]): boolean =>
  tokens[0]?.lower === 'how-to' || (tokens[0]?.lower === 'how' && (tokens[1]?.lower === 'to' || (['do', 'can', 'does', 'should', 'could'].includes(tokens[1]?.lower ?? '') && ['i', 'one', 'you', 'we'].includes(tokens[2]?.lower ?? ''))));

/** The words of `phrase` stand at `at` (its first word already matched: the lists are indexed by it). */
function startsAt(tokens: readonly TimeToken[], at: number, phrase: readonly string[]): boolean {
  for (let k = 1; k < phrase.length; k++) if (tokens[at + k]?.lower !== phrase[k]) return false;
  return true;
}

/** Words without which rankingCue, countCue and holderCue find nothing (with any word ending in "-est"). */
const structuralWords = new Set([...superlativeWords, 'most', 'least', 'many', 'number', ...holdingVerbs]);

/** Everything timeCue needs to know of one word, from every list above, found with one lookup. */
interface WordInfo {
  phrases?: Array<{ kind: TimeDependence; words: readonly string[] }>;
  compounds?: Array<readonly string[]>;
  changing?: boolean;
  status?: boolean;
  onlyAs?: ReadonlySet<string>;
  outcome?: boolean;
  structural?: boolean;
  word?: TimeDependence;
}
const wordInfo: ReadonlyMap<string, WordInfo> = (() => {
  const map = new Map<string, WordInfo>();
  const at = (word: string): WordInfo => {
    let info = map.get(word);
    if (!info) map.set(word, (info = {}));
    return info;
  };
  for (const [word, list] of phrasesByFirstWord) at(word).phrases = list;
  for (const [word, list] of compoundsByFirstWord) at(word).compounds = list;
  for (const word of changingStates) at(word).changing = true;
  for (const word of statusWords) at(word).status = true;
  for (const [word, tags] of onlyAs) at(word).onlyAs = tags;
  for (const word of outcomes) at(word).outcome = true;
  for (const word of structuralWords) at(word).structural = true;
  for (const word of liveWords) at(word).word = 'live';
  for (const word of dateWords) at(word).word = 'date';
  for (const word of clockWords) at(word).word = 'clock';
  // "now" is read by isDiscourseNow before its list: it needs an entry (it has one, as a clock word).
  return map;
})();

const ordinal = /^(?:\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|(?:thir|four|fif|six|seven|eigh|nine)teenth|twentieth|thirtieth|fortieth)$/;

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
    kanzlerin minister trainer trainiert meister führt tabellenführer regierung regiert bürgermeister besitzer gehört spielt
    inflation arbeitslosenquote arbeitslosigkeit leitzins zinsen streik störung ausfall down
    kostenlos gratis werbefrei werbung abo abonnement streikt streiken reisen einreisen einreise visum
    jacke mantel regenschirm sonnencreme mars venus jupiter saturn merkur
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
    ministre maire gouvernement entraîne entraîneur champion championne dirige possède joue inflation chômage taux
    panne grève grèves
    gratuit gratuite gratuits payant payante publicité publicités abonnement voyager visa
    veste manteau parapluie vénus jupiter saturne mercure
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
  const askedHowTo = isHowTo(tokens);
  // The structural cues below are read only when one of their words is there (most questions have none).
  let structural = false;
  for (let i = 0; i < tokens.length; i++) {
    const { lower, pos } = tokens[i]!;
    if (!structural && ((pos === 'ADJ' && lower.endsWith('est')) || superlativeCompound(lower))) structural = true;
    // One lookup per word: most words are in no list at all.
    const info = wordInfo.get(lower);
    if (info === undefined) continue;
    if (info.structural) structural = true;
    for (const phrase of info.phrases ?? []) {
      if (startsAt(tokens, i, phrase.words)) {
        if (timelessAfter.has(tokens[i + phrase.words.length]?.lower ?? '')) continue;
        if (phrase.kind === 'clock') return { kind: 'clock', cue: phrase.words.join(' ') };
        if (phrase.kind === 'date' || !found) found = { kind: phrase.kind, cue: phrase.words.join(' ') };
      }
    }
    const compound = info.compounds?.find((parts) => startsAt(tokens, i, parts));
    if (compound) {
      i += compound.length - 1;
      continue;
    }
    if (info.changing && tokens.slice(0, i).some((token) => presentAuxiliaries.has(token.lower))) {
      found ??= { kind: 'live', cue: lower };
      continue;
    }
    if (info.status) {
      const next = tokens[i + 1]?.lower;
      const present = tokens.slice(0, i).some((token) => presentAuxiliaries.has(token.lower) || (openingVerbs.has(lower) && ['does', 'do'].includes(token.lower)));
      if (present && (next === undefined || afterStatus.has(next) || clockWords.has(next) || dateWords.has(next))) found ??= { kind: 'live', cue: lower };
      continue;
    }
    if (info.onlyAs && !info.onlyAs.has(pos)) continue;
    if (lower === 'current' && isElectricCurrent(tokens, i)) continue;
    if (lower === 'now' && isDiscourseNow(tokens, i)) continue;
    if (askedHowTo && info.outcome) continue;
    if (info.word === 'clock') return { kind: 'clock', cue: lower };
    if (info.word === 'date') found = { kind: 'date', cue: lower };
    // "Who was the third president", "who was the 16th pope": a past holder counted by place is one for good
    // ("who is the 48th president" may not be known yet: only with "was"/"were").
    else if (info.word === 'live' && !(ordinal.test(tokens[i - 1]?.lower ?? '') && tokens.some((token) => token.lower === 'was' || token.lower === 'were'))) found ??= { kind: 'live', cue: lower };
  }
  if (!found && structural) {
    const cue = rankingCue(tokens) ?? countCue(tokens) ?? holderCue(tokens);
    if (cue) found = { kind: 'live', cue };
  }
  if (!found) {
    const cue = postCue(tokens) ?? namedStateCue(tokens, posts);
    if (cue) found = { kind: 'live', cue };
  }
  // A past year named in the question fixes a live value in time: "who won the 1966 World Cup". Not this
  // year or a later one: "the price of bitcoin in 2026" moves all through 2026.
  if (found?.kind === 'live' && namesOnlyPastYears(tokens)) found = undefined;
  if (found) return found;
  // "Is it raining", "who is winning", "what is happening": a present progressive describes now.
  // "Has the parcel arrived?", "has the film started?": a state that changes.
  // The tagger may read the participle as an adjective after a name ("Has Messi retired?").
  if (['has', 'have'].includes(tokens[0]?.lower ?? '') && tokens.slice(1, 5).some((token) => (token.pos === 'VERB' || token.pos === 'ADJ') && /(?:ed|en)$/.test(token.lower))) {
    return { kind: 'live', cue: 'has ... -ed' };
  }
  // Only of the world, not of the asker: "is it raining", "who is winning", "are they playing" but not "I am learning".
  for (let i = 0; i + 1 < tokens.length; i++) {
    const be = tokens[i]!.lower;
    if (!['is', 'are', "'s", "'re"].includes(be)) continue;
    const subjectBefore = tokens[i - 1]?.lower;
    // "What films are playing": a wh-word and its noun are the subject too.
    const whNoun = i > 1 && ['what', 'which'].includes(tokens[i - 2]!.lower) && tokens[i - 1]!.pos === 'NOUN';
    if (i > 0 && !whNoun && !['it', 'what', 'who', 'which', 'where', 'how', 'why'].includes(subjectBefore ?? '')) continue;
    for (let k = i + 1; k <= i + 3 && k < tokens.length; k++) {
      const token = tokens[k]!;
      if (token.pos === 'VERB' && token.lower.endsWith('ing') && !['DET', 'ADJ'].includes(tokens[k - 1]!.pos)) return { kind: 'live', cue: `${be} ${token.lower}` };
    }
  }
  return undefined;
}

/** The question names a year, and every year it names is over (read against the clock when asked). */
function namesOnlyPastYears(tokens: readonly TimeToken[]): boolean {
  const years = tokens.filter((token) => /^(1[0-9]|20)\d\d$/.test(token.lower)).map((token) => Number(token.lower));
  const thisYear = new Date().getUTCFullYear();
  return years.length > 0 && years.every((year) => year < thisYear);
}

/** The same, for a German or French question: its word list only. */
export function timeDependenceOf(language: 'de' | 'fr', lowerWords: readonly string[], text: string): TimeDependence | undefined {
  if (clockTime.test(text) || /\b\d{1,2}\s?h\s?\d{0,2}\b/i.test(text)) return 'clock';
  const list = otherLanguageWords[language];
  const elided = elidedEntries[language];
  return lowerWords.some((word) => list.has(word) || elided.some((entry) => word.endsWith(entry)) || (language === 'de' && compoundHead(word, list))) ? 'live' : undefined;
}

/** The entries with an apostrophe ("aujourd'hui"), found at the end of a word that elides into them ("d'aujourd'hui"). */
const elidedEntries: Record<'de' | 'fr', readonly string[]> = {
  de: [...otherLanguageWords.de].filter((entry) => entry.includes("'")),
  fr: [...otherLanguageWords.fr].filter((entry) => entry.includes("'")),
};

/**
 * German writes compounds as one word: "Bundeskanzler", "Bahnstreik", "Weltmeister" end in a listed word.
 * Heads of five letters or more only ("Nobelpreis" is flagged too: a missed hit is the price).
 */
function compoundHead(word: string, list: ReadonlySet<string>): boolean {
  for (let at = 1; at + 5 <= word.length; at++) if (list.has(word.slice(at))) return true;
  return false;
}

/**
 * Questions in a language this code cannot read are compared as written, so a byte-for-byte repeat of
 * "¿Qué hora es?" or "现在几点？" an hour later would be served. Words of time, dates and live values in the
 * languages clients send most (Spanish, Italian, Portuguese, Dutch, Russian: whole words; Chinese, Japanese,
 * Korean: substrings, as these scripts do not separate words) mark them time-dependent. Errs the same way:
 * a word listed by mistake only costs a hit.
 */
const otherWords = words(`
  âge hora horas ahora hoy mañana ayer tarde noche fecha día semana mes año años edad actual actualmente último última
  últimos últimas reciente recientemente próximo próxima todavía aún precio precios cuesta cuestan costo valor cotización
  bolsa acciones clima tiempo temperatura lluvia llueve nieve nieva abierto abierta cerrado cerrada horario resultado
  marcador ganó gana ganador elecciones noticias presidente
  ora ore adesso oggi domani ieri sera notte data giorno settimana mese anno anni attuale attualmente ultimo ultima
  recente prossimo prossima ancora prezzo prezzi costa valore borsa meteo tempo pioggia piove neve aperto aperta chiuso
  chiusa orari risultato vinto elezioni notizie
  agora hoje amanhã ontem noite dia mês ano atual atualmente recente ainda preço preços custa ações chuva chove
  fechado fechada horário ganhou eleições notícias
  tijd uur nu vandaag morgen gisteren avond nacht datum dag week maand jaar jaren huidige actueel laatste recent volgende
  nog prijs prijzen kost koers waarde aandelen weer temperatuur regen regent sneeuw geopend gesloten openingstijden
  uitslag gewonnen verkiezingen nieuws
  presidente premier ministro minister entrenador allenatore treinador trainer campeón campeona campione campeão kampioen
  inflación inflazione inflação inflatie desempleo disoccupazione desemprego werkloosheid huelga sciopero staking
  gratis gratuito gratuita grátis anuncios publicidad pubblicità anúncios advertenties suscripción abbonamento assinatura
  abonnement viajar viaggiare reizen visado visto chaqueta abrigo paraguas giacca cappotto ombrello casaco jas paraplu
  marte venus júpiter saturno mercurio mercúrio
  сейчас сегодня завтра вчера время час часа часов дата день неделя месяц год году лет текущий текущая текущую
  последний последняя последнюю недавно следующий ещё еще цена цены стоит стоимость курс акции погода температура
  дождь снег открыт открыта открыто закрыт закрыта закрыто счёт счет выиграл выиграла выборы новости президент
`);
const otherScriptTime = /现在|今天|明天|昨天|今年|去年|明年|本周|这周|上周|下周|几点|时间|時間|日期|星期|周末|目前|当前|最新|最近|近期|价格|股价|汇率|多少钱|比特币|天气|天氣|气温|下雨|下雪|比分|选举|新闻|总统|首相|总理|主席|营业|还在|人口|几岁|多大了|年龄|排名|今日|明日|昨日|来年|今週|先週|来週|何時|時刻|日付|曜日|週末|現在|価格|値段|株価|為替|いくら|天気|気温|試合|スコア|選挙|ニュース|大統領|社長|営業|開いて|閉まって|まだ|何歳|年齢|ランキング|今|지금|오늘|내일|어제|올해|작년|내년|이번 주|몇 시|시간|날짜|요일|주말|최신|최근|현재|가격|주가|환율|얼마|날씨|기온|경기|점수|선거|뉴스|대통령|총리|영업|아직|인구|몇 살|나이|순위/u;

/** The same, for a question in any other language: clock times, the words above, nothing else. */
export function otherLanguageTimeCue(text: string): { kind: TimeDependence; cue: string } | undefined {
  const clock = clockTime.exec(text);
  if (clock) return { kind: 'clock', cue: clock[0] };
  const script = otherScriptTime.exec(text);
  if (script) return { kind: 'live', cue: script[0] };
  // A German or French question too short to be told apart ("Dürfen Amerikaner nach Kuba reisen?") is read
  // with those lists as well: a word listed there only costs a hit.
  const word = text.toLowerCase().split(/[^\p{L}\p{M}]+/u).find((part) => otherWords.has(part) || otherLanguageWords.de.has(part) || otherLanguageWords.fr.has(part));
  return word === undefined ? undefined : { kind: 'live', cue: word };
}
