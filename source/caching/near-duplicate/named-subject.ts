/**
 * A named subject in a question's tokens (named-states.ts, place-states.ts): a name as the tagger or the
 * writer marks it, and the run of names right after an opening auxiliary.
 */
import type { TimeToken } from './time-dependence.js';

export const isName = (token: TimeToken | undefined): boolean => token?.pos === 'PROPN' || token?.name === true;
const isVersion = (token: TimeToken | undefined): boolean => token !== undefined && /^v?\d+(?:\.\d+)*[a-z]?$/.test(token.lower);

/** The run of names that is the subject right after the opening auxiliary (an article before it at most). */
export function namedSubject(tokens: readonly TimeToken[], from: number): { end: number } | undefined {
  let at = from;
  if (tokens[at]?.lower === 'the') at++;
  if (!isName(tokens[at])) return undefined;
  while (isName(tokens[at]) && !tokens[at]!.sentenceStart) at++;
  // A version after the name fixes what is asked about: "Does Node 18 support fetch?".
  if (isVersion(tokens[at])) return undefined;
  return { end: at };
}
