import { holdsLiveResults } from '../../caching/live-results.js';
import { isFaithful } from '../../protocols/answer-fidelity.js';
import type { RequestContext } from '../context.js';

/**
 * The answer a cache layer (L1a, L1b) may keep once the provider answered; undefined when none may be kept:
 * no whole answer came, the client said no-store, the question depends on the time it was asked (right only
 * now: "hours until midnight?"), the answer lacks something the provider sent (a replay would not be
 * faithful), or it holds what the provider looked up or ran for it (a web search, a page read:
 * caching/live-results.ts).
 */
export function keepableAnswer(ctx: RequestContext): object | undefined {
  const answer = ctx.completion;
  if (!answer || ctx.chat?.skipStore || ctx.timeDependent || !isFaithful(answer) || holdsLiveResults(answer)) return undefined;
  return answer;
}
