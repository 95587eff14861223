/**
 * Live facts about a named service, person or place asked with no word of time (round 8): the general rule
 * is that a present-tense question about the state of a named thing (what it has or offers, what it costs,
 * where it is or who it is with, who may go there, what it is like there) has an answer that can change.
 * "Is Wordle free?", "Does Netflix have ads?", "Is Sam Altman at OpenAI?", "Can Americans travel to Cuba?",
 * "How far is Mars from Earth?", "Should I bring a jacket to Paris?", "Is there a tube strike?".
 *
 * A version named right after the name fixes the thing ("Does Java 17 have records?" holds for good), as a
 * past year does for the other live cues. A definition or a kind stays timeless ("Is Haskell a functional
 * language?", "Is Go statically typed?", "Is Paris in France?"); what a product has or does is read as live
 * ("Does Rust have a garbage collector?": products change with their releases). Errs towards live: a
 * question read as live only costs a hit. Called by timeCue (time-dependence.ts) when no other cue is found;
 * places, travel, weather and distances are read in place-states.ts.
 */
import type { TimeToken } from './time-dependence.js';
import { isName, namedSubject } from './named-subject.js';
import { words } from './word-set.js';
import { distanceTo, gearFor, movingBodies, needToTravel, progressiveOfThe, thereIs, travelTo, travelVerbs, weatherOf } from './place-states.js';

/**
 * Prepositions that tie a named thing to another: "at OpenAI", "with Microsoft", "on the board of Meta". Not "in":
 * "Is Paris in France?" is geography, and which names are people cannot be told here.
 */
const placing = words(`at with on for under`);

/**
 * States of access and price, which a provider or a law changes: "Is Wordle free?", "Is ESTA required for
 * Australians?", "Is the Suez Canal blocked?".
 */
const accessStates = words(`free paid free-to-play ad-free paywalled subscription-only premium required mandatory compulsory
  permitted prohibited restricted sanctioned blocked censored accessible reachable`);

/** What access to a service asks for: "behind a paywall", "a waitlist", "a subscription". */
const accessNouns = words(`paywall paywalls waitlist waitlists subscription subscriptions ads adverts advertisements commercials`);

/**
 * Qualities of a named place, service or product that its market or its politics change: "Is Japan
 * expensive?", "Is Mexico safe for tourists?", "Is Fortnite dead?" (asked of a name right after it, and in
 * "is it safe to visit Egypt?").
 */
const changingQualities = words(`free paid safe unsafe dangerous expensive cheap affordable popular dead crowded overrated worth`);
/** Where a named person may be held or stand: "Is Greta Thunberg in jail?", "Is Putin in power?". */
const personStates = words(`jail prison custody hospital power office government opposition exile hiding rehab court`);
/** Blocs, leagues and areas whose members change: "Is Romania in Schengen?", "Which teams are in the Premier League?". */
const blocWords = words(`schengen eurozone commonwealth brics union league alliance`);
const isBloc = (tokens: readonly TimeToken[], at: number): boolean => {
  const k = tokens[at]?.lower === 'the' ? at + 1 : at;
  if (tokens[k]?.acronym === true) return true;
  for (let n = k; n < tokens.length && n <= k + 3 && (isName(tokens[n]) || blocWords.has(tokens[n]!.lower)); n++) if (blocWords.has(tokens[n]!.lower)) return true;
  return false;
};
/**
 * What can be a member of a bloc: "Which countries are in the EU?". Teams and clubs move between leagues every
 * season, so any named competition counts for them ("Which clubs are in the Bundesliga?"); countries only in a bloc.
 */
const members = words(`countries nations states members companies teams clubs players`);
const seasonalMembers = words(`teams clubs players`);
/** Superlatives: "the biggest", "the most valuable". */
const isRanking = (token: TimeToken | undefined): boolean => token !== undefined && (/^(?:best|worst|most|least)$/.test(token.lower) || (token.lower.endsWith('est') && token.pos === 'ADJ'));
/** Kinds of nature whose ranks hold: "Is Everest the highest mountain?", "Is the Nile the longest river?". */
const fixedKinds = words(`mountain mountains river rivers ocean oceans sea seas lake lakes desert deserts continent continents island islands
  planet planets star stars moon moons volcano volcanoes waterfall waterfalls canyon canyons animal animals bird birds mammal mammals
  fish element elements metal metals bone bones organ organs`);
/** Statuses that treaties, votes and wars change: "Is Taiwan a country?". */
const politicalStatuses = words(`country nation state province territory colony republic monarchy democracy dictatorship`);

/**
 * What a named subject does that is business or presence, not design: "Does Tesla accept Bitcoin?",
 * "Does Uber operate in Munich?", "Does Jeff Bezos work at Amazon?". With "have", "include", "offer" or
 * "support" any named subject counts: what a product has changes with its releases ("Does Python have a
 * switch statement?" was no until 3.10), unless a version is named.
 */
const definitionVerbs = words(`mean means stand stands refer refers rhyme rhymes sound sounds spell spells derive derives`);

/**
 * Parts of code: "Does UserService have a logout method?" asks about the code in the conversation, which the
 * cache scope already holds; the name is a class, not a product that changes under the question.
 */
const codeParts = words(`method methods function functions property properties field fields attribute attributes column columns
  member members constructor constructors parameter parameters argument arguments prop props hook hooks route routes endpoint
  endpoints test tests type types interface interfaces variable variables import imports export exports dependency dependencies
  decorator decorators annotation annotations getter getters setter setters key keys index indexes`);

/** Verbs of a named person's whereabouts: "Where does Taylor Swift live?". */
const whereaboutsVerbs = words(`live lives reside resides stay stays work works study studies train trains teach teaches`);

/** The cue when the question asks the present state of a named thing, else undefined. */
export function namedStateCue(tokens: readonly TimeToken[], posts: ReadonlySet<string>): string | undefined {
  const first = tokens[0]?.lower ?? '';
  const asked =
    first === 'is' || first === 'are' ? stateOfNamed(tokens, posts) ?? thereIs(tokens)
    : first === 'which' || first === 'what' ? membersOf(tokens) ?? affiliationOf(tokens)
    : first === 'who' ? bestOf(tokens)
    : first === 'does' || first === 'do' ? doingOfNamed(tokens)
    : first === 'can' || first === 'may' || first === 'could' ? travelTo(tokens) ?? doingOfNamed(tokens)
    : first === 'how' && tokens[1]?.lower === 'many' ? countCan(tokens)
    : first === 'where' ? whereabouts(tokens)
    : undefined;
  return asked ?? distanceTo(tokens) ?? gearFor(tokens) ?? progressiveOfThe(tokens) ?? needToTravel(tokens) ?? weatherOf(tokens);
}

/** "Is Sam Altman at OpenAI?", "Is Wordle free?", "Is Tim Cook the boss of Apple?" (`posts`: time-dependence.ts's list of posts). */
function stateOfNamed(tokens: readonly TimeToken[], posts: ReadonlySet<string>): string | undefined {
  const subject = namedSubject(tokens, 1);
  if (subject) {
    const next = tokens[subject.end];
    if (next && (accessStates.has(next.lower) || changingQualities.has(next.lower))) return `is NAME ${next.lower}`;
    // "Is Gemini better than ChatGPT?": a judgement of products that both change.
    if (next && ['better', 'worse'].includes(next.lower) && tokens[subject.end + 1]?.lower === 'than') return `is NAME ${next.lower} than`;
    // "Is Tesla the biggest carmaker?": a named thing's rank (not nature's: "Is Everest the highest mountain?").
    const ranked = tokens[subject.end + 2];
    if (next?.lower === 'the' && isRanking(tokens[subject.end + 1]) && ranked && !fixedKinds.has(ranked.lower)) return `is NAME the ${tokens[subject.end + 1]!.lower}`;
    // "Is Taiwan a country?", "Is Puerto Rico a state?": a political status.
    if (['a', 'an'].includes(next?.lower ?? '') && politicalStatuses.has(tokens[subject.end + 1]?.lower ?? '') && tokens[subject.end + 2] === undefined) return `is NAME a ${tokens[subject.end + 1]!.lower}`;
    // "Is Twitter called X?": names change.
    if (next && ['called', 'named', 'renamed'].includes(next.lower)) return `is NAME ${next.lower}`;
    if (next?.lower === 'in' && (personStates.has(tokens[subject.end + 1]?.lower ?? '') || isBloc(tokens, subject.end + 1))) return `is NAME in ...`;
    // "Is Sam Altman working at OpenAI?": what a named one is doing now.
    if (next && next.pos === 'VERB' && next.lower.endsWith('ing')) return `is NAME ${next.lower}`;
    // "Is Crimea part of Ukraine?", "Is Sweden a member of NATO?": a membership that treaties and wars change.
    const member = ['a', 'an'].includes(next?.lower ?? '') ? subject.end + 1 : subject.end;
    if (['part', 'member'].includes(tokens[member]?.lower ?? '') && tokens[member + 1]?.lower === 'of') return `is NAME ${tokens[member]!.lower} of`;
    // "Is Tim Cook the boss of Apple?": a role held in a named thing.
    const role = tokens[subject.end + 1];
    if (next?.lower === 'the' && role && posts.has(role.lower) && tokens[subject.end + 2]?.lower === 'of') return `is NAME the ${role.lower} of`;
    if (next && placing.has(next.lower)) {
      for (let k = subject.end + 1; k < tokens.length && k <= subject.end + 4 && !tokens[k]!.sentenceStart; k++) if (isName(tokens[k])) return `is NAME ${next.lower} NAME`;
    }
  }
  // "Is the New York Times behind a paywall?": what a named service asks for access.
  if (tokens.some((token, k) => k > 0 && isName(token)) && tokens.some((token) => accessNouns.has(token.lower))) return 'is NAME ... paywall';
  // "Is it safe to visit Egypt?": a quality of going to a named place.
  // Going there only: "Is it safe to delete Docker images?" asks about a tool.
  if (tokens[1]?.lower === 'it' && changingQualities.has(tokens[2]?.lower ?? '') && tokens[3]?.lower === 'to' && travelVerbs.has(tokens[4]?.lower ?? '') && tokens.slice(5).some((token) => isName(token))) return `is it ${tokens[2]!.lower} to ${tokens[4]!.lower} NAME`;
  // "Is ESTA required for Australians?" with any subject: a requirement or a ban set by a rule.
  const state = tokens.findIndex((token, k) => k > 1 && accessStates.has(token.lower) && !['free'].includes(token.lower));
  if (state > 0 && tokens.some((token, k) => k > 0 && isName(token))) return `is ... ${tokens[state]!.lower}`;
  return undefined;
}

/** "Which club is Haaland at?", "What team is Kane with?": where a named one is now. */
function affiliationOf(tokens: readonly TimeToken[]): string | undefined {
  if (tokens[1]?.pos !== 'NOUN' || !['is', 'are'].includes(tokens[2]?.lower ?? '')) return undefined;
  const subject = namedSubject(tokens, 3);
  const after = subject && tokens[subject.end];
  return after && ['at', 'with', 'in', 'on', 'for'].includes(after.lower) && (subject.end + 1 === tokens.length || tokens[subject.end + 1]!.sentenceStart) ? `which ${tokens[1]!.lower} is NAME ${after.lower}` : undefined;
}

/** "Who is the best footballer?", "Who are the best players?": a person ranked now (not "who was"). */
function bestOf(tokens: readonly TimeToken[]): string | undefined {
  return ['is', 'are', "'s"].includes(tokens[1]?.lower ?? '') && tokens[2]?.lower === 'the' && isRanking(tokens[3]) ? `who is the ${tokens[3]!.lower}` : undefined;
}

/** "Which countries are in the EU?", "What teams are in the Premier League?": the members of a bloc now. */
function membersOf(tokens: readonly TimeToken[]): string | undefined {
  if (!members.has(tokens[1]?.lower ?? '') || !['are', 'is'].includes(tokens[2]?.lower ?? '') || tokens[3]?.lower !== 'in') return undefined;
  // Not a continent or a region by name: "Which countries are in South America?" holds.
  const named = isName(tokens[4]) || (tokens[4]?.lower === 'the' && isName(tokens[5]));
  return isBloc(tokens, 4) || (named && seasonalMembers.has(tokens[1]!.lower)) ? `which ${tokens[1]!.lower} are in` : undefined;
}

/** "Does Netflix have ads?", "Does Tesla accept Bitcoin?", "Does Uber operate in Munich?", "Can ChatGPT browse the web?". */
function doingOfNamed(tokens: readonly TimeToken[]): string | undefined {
  const subject = namedSubject(tokens, 1);
  if (!subject) return undefined;
  const verb = tokens[subject.end];
  if (!verb || verb.sentenceStart || definitionVerbs.has(verb.lower)) return undefined;
  if (tokens.slice(subject.end + 1).some((token) => codeParts.has(token.lower))) return undefined;
  if (verb.pos === 'VERB' || verb.pos === 'AUX' || verb.pos === 'NOUN') return `does NAME ${verb.lower}`;
  return undefined;
}

/** "How many tokens can Claude handle?", "How many users can Slack hold?": what a named product can take now. */
function countCan(tokens: readonly TimeToken[]): string | undefined {
  const can = tokens.findIndex((token, k) => k > 1 && k <= 5 && token.lower === 'can');
  return can !== -1 && namedSubject(tokens, can + 1) ? 'how many ... can NAME' : undefined;
}

/** "Where does Taylor Swift live?", "Where is Jupiter in the sky?". */
function whereabouts(tokens: readonly TimeToken[]): string | undefined {
  if (tokens[1]?.lower === 'does' || tokens[1]?.lower === 'do') {
    const subject = namedSubject(tokens, 2);
    const verb = subject && tokens[subject.end];
    return verb && whereaboutsVerbs.has(verb.lower) ? `where does NAME ${verb.lower}` : undefined;
  }
  if (tokens[1]?.lower === 'is' || tokens[1]?.lower === 'are') {
    const body = tokens.slice(2, 5).find((token) => movingBodies.has(token.lower));
    return body ? `where is ${body.lower}` : undefined;
  }
  return undefined;
}
