/**
 * Live facts about places and going there (round 8, beside named-states.ts): a condition somewhere ("Is
 * there a tube strike?"), who may travel, climb or marry where ("Can Americans travel to Cuba?", "Do I need
 * a COVID test to fly?"), the weather of a named place and what to wear there ("How hot is Dubai?",
 * "Should I bring a jacket to Paris?"), how far a moving body is ("How far is Mars from Earth?"), and a
 * process under way ("Is the housing market crashing?"). Each returns the cue it found, or undefined.
 */
import type { TimeToken } from './time-dependence.js';
import { isName } from './named-subject.js';
import { words } from './word-set.js';

/** Cures and vaccines that research may find: "Is there a cure for HIV?". */
const remedies = words(`cure cures vaccine vaccines treatment treatments`);

/** Moving to, entering or buying in a place, asked with "can": a permission that a government changes. */
export const travelVerbs = words(`travel go fly visit enter move live work study buy own drive immigrate emigrate relocate cross vote stay
  climb swim hike camp marry adopt`);

/** Using a named service in a named place: "Can I use Revolut in Brazil?" (a service's reach changes). */
const serviceVerbs = words(`use get order watch stream download subscribe pay`);

/** Bodies and craft that move, so that how far they are changes: "How far is Mars from Earth?". */
export const movingBodies = words(`mercury venus mars jupiter saturn uranus neptune pluto moon sun comet asteroid voyager probe rover
  spacecraft satellite`);

/** What fixes a moving distance: "on average", "at its closest". */
const fixingWords = words(`average mean closest nearest farthest furthest minimum maximum perihelion aphelion`);

/** Clothes and gear chosen for the weather somewhere: "Should I bring a jacket to Paris?". */
const weatherGear = words(`jacket jackets coat coats raincoat shorts sunscreen sunblock sunglasses boots gloves scarf hat sweater
  jumper layers umbrella parka fleece sandals`);

/**
 * "Is the housing market crashing?", "Are the trains running?": a present progressive of something in the
 * world describes now (time-dependence.ts reads one after "it" or a wh-word; this one after a noun phrase).
 */
export function progressiveOfThe(tokens: readonly TimeToken[]): string | undefined {
  if (!['is', 'are'].includes(tokens[0]?.lower ?? '') || !['the', 'a', 'an'].includes(tokens[1]?.lower ?? '')) return undefined;
  for (let k = 2; k < tokens.length && k <= 5; k++) {
    const token = tokens[k]!;
    if (token.pos === 'VERB' && token.lower.endsWith('ing')) return k > 2 ? `is the ... ${token.lower}` : undefined;
    if (token.pos !== 'NOUN' && token.pos !== 'ADJ' && !isName(token)) return undefined;
  }
  return undefined;
}

/** "Do I need a COVID test to fly?", "Do I need a passport to enter Mexico?": the rules for going somewhere. */
export function needToTravel(tokens: readonly TimeToken[]): string | undefined {
  const need = tokens.findIndex((token, k) => k <= 3 && (token.lower === 'need' || token.lower === 'needed' || token.lower === 'required'));
  if (need === -1) return undefined;
  const to = tokens.findIndex((token, k) => k > need && token.lower === 'to' && travelVerbs.has(tokens[k + 1]?.lower ?? ''));
  return to === -1 ? undefined : `need ... to ${tokens[to + 1]!.lower}`;
}

/** Weather words asked of a named place: "How hot is Dubai?", "Is it monsoon season in India?". */
const weatherAdjectives = words(`hot cold warm cool humid dry wet rainy sunny windy snowy`);

export function weatherOf(tokens: readonly TimeToken[]): string | undefined {
  if (tokens[0]?.lower === 'how' && weatherAdjectives.has(tokens[1]?.lower ?? '') && ['is', 'are'].includes(tokens[2]?.lower ?? '') && (isName(tokens[3]) || (tokens[3]?.lower === 'the' && isName(tokens[4])))) return `how ${tokens[1]!.lower} is NAME`;
  if (tokens[0]?.lower === 'is' && tokens[1]?.lower === 'it' && tokens.slice(2, 5).some((token) => token.lower === 'season')) return 'is it ... season';
  // "What should I wear?": the weather where the asker is.
  if (tokens.at(-1)?.lower === 'wear' && tokens.some((token) => token.lower === 'should')) return 'what should I wear';
  return undefined;
}

/** "Is there a tube strike?", "Are there wildfires in California?": a condition somewhere, now. */
export function thereIs(tokens: readonly TimeToken[]): string | undefined {
  if (tokens[1]?.lower !== 'there') return undefined;
  let k = 2;
  if (['a', 'an', 'any', 'some'].includes(tokens[k]?.lower ?? '')) k++;
  const start = k;
  // A short noun phrase: "a tube strike", "wildfires", "snow".
  while (k < tokens.length && k < start + 3 && !tokens[k]!.sentenceStart && (tokens[k]!.pos === 'NOUN' || tokens[k]!.pos === 'ADJ' || isName(tokens[k]))) k++;
  if (k === start) return undefined;
  if (tokens.slice(start, k).some((token) => remedies.has(token.lower))) return 'is there a cure';
  const after = tokens[k];
  if (after === undefined || after.sentenceStart) return 'is there ...';
  if (['in', 'at', 'on', 'near', 'around', 'for'].includes(after.lower) && (isName(tokens[k + 1]) || (tokens[k + 1]?.lower === 'the' && isName(tokens[k + 2])))) return `is there ... ${after.lower} NAME`;
  return undefined;
}

/** "Can Americans travel to Cuba?", "Can foreigners buy property in Thailand?". */
export function travelTo(tokens: readonly TimeToken[]): string | undefined {
  const service = tokens.findIndex((token, k) => k >= 2 && k <= 4 && serviceVerbs.has(token.lower));
  if (service !== -1 && tokens.some((token, k) => k > service && isName(token)) && tokens.some((token, k) => k > service && ['in', 'from'].includes(token.lower) && isName(tokens[k + 1]))) return `can ... ${tokens[service]!.lower} NAME in NAME`;
  const verb = tokens.findIndex((token, k) => k >= 2 && k <= 4 && travelVerbs.has(token.lower));
  if (verb === -1) return undefined;
  return tokens.slice(verb + 1).some((token) => isName(token)) || isName(tokens[1]) ? `can ... ${tokens[verb]!.lower}` : undefined;
}

/**
 * "Should I bring a jacket to Paris?", "Do I need a coat in London?", "What should I wear in Rome?": gear or
 * clothes for the weather in a named place.
 */
export function gearFor(tokens: readonly TimeToken[]): string | undefined {
  const gear = tokens.findIndex((token) => weatherGear.has(token.lower) || token.lower === 'wear');
  if (gear === -1) return undefined;
  // The place after "in", "to", "for" or "at": "How do I wear a Panama?" names a hat, not a place.
  const place = tokens.findIndex((token, k) => k > gear && ['in', 'to', 'for', 'at'].includes(token.lower) && (isName(tokens[k + 1]) || (tokens[k + 1]?.lower === 'the' && isName(tokens[k + 2]))));
  return place === -1 ? undefined : `gear ${tokens[gear]!.lower}`;
}

/** How far a moving body is: "How far is Mars from Earth?", "How close is Venus?", "the distance to Jupiter" (not "on average", "at its closest"). */
const distanceWords = words(`far close distance distant away near`);

export function distanceTo(tokens: readonly TimeToken[]): string | undefined {
  if (!tokens.some((token) => distanceWords.has(token.lower)) || tokens.some((token) => fixingWords.has(token.lower))) return undefined;
  const body = tokens.find((token) => movingBodies.has(token.lower));
  return body ? `how far ... ${body.lower}` : undefined;
}
