import type { Layer, RequestContext } from '../context.js';
import { textIsTimeDependent } from '../../caching/near-duplicate/asked-time.js';
import { analyseQuestion, maxQuestionLength } from '../../caching/near-duplicate/question.js';
import { responsesContext } from '../../caching/near-duplicate/responses-context.js';
import { askedText, locateQuestion, scopeOf } from '../../caching/near-duplicate/scope.js';
import { namesRemoteMedia } from '../../caching/remote-media.js';
import type { NearDuplicateCache } from '../../caching/near-duplicate/shared-cache.js';
import { keepableAnswer } from './keepable-answer.js';
import { replayAnswer } from '../replay-answer.js';

/**
 * Past this many bytes of request L1b does not even hash the context: such a request is rarely a plain
 * question, and reading it would cost every other client time. The exact cache (L1a) still serves it.
 */
export const maxNearDuplicateRequestBytes = 8 * 1024 * 1024;

function skip(ctx: RequestContext, reason: 'size' | 'time' | 'media'): void {
  ctx.skipped.push(`l1b:${reason}`);
}

/**
 * L1b: after an exact miss, answers a question that is the same question (up to documented
 * meaning-preserving rewrites, question.ts) as one asked before in the same context: same caller,
 * model, forwarded headers and query, system prompt, tools, history and parameters. Keeps complete
 * answers to plain questions for later ones. Says in `x-isartor-skipped` when it stayed out:
 * `l1b:size` (request or question too large to analyse), `l1b:time` (the answer depends on when it is
 * asked), `l1b:media` (an image or file named by address, whose content may change).
 */
export function nearDuplicateCacheLayer(store: NearDuplicateCache | undefined): Layer {
  return async (ctx, next) => {
    const chat = ctx.chat;
    if (!store || !chat) return next();
    if (chat.raw.length > maxNearDuplicateRequestBytes) {
      skip(ctx, 'size');
      return next();
    }
    // An earlier turn's image or file by address may show other content now (caching/remote-media.ts).
    if (namesRemoteMedia(chat)) {
      skip(ctx, 'media');
      return next();
    }
    // A Responses request is read through its chat view, and scoped by the request as it came too.
    const located = chat.chatView
      ? locateQuestion({ ...{}, ...chat, body: chat.chatView }, ctx.callerId, () => responsesContext(chat.body))
      : locateQuestion(chat, ctx.callerId);
    // Not a plain question, or too long to compare: L1b stays out, but L1a still must not keep a
    // time-dependent answer (an image beside "what is the weather here now?").
    if (!located) {
      const beside = askedText(chat.chatView ?? chat.body);
      if (beside !== undefined && textIsTimeDependent(beside)) ctx.timeDependent = true;
      return next();
    }
    if (located.question.length > maxQuestionLength) {
      skip(ctx, 'size');
      if (textIsTimeDependent(located.question)) ctx.timeDependent = true;
      return next();
    }
    const features = analyseQuestion(located.question);
    if (features.time) {
      skip(ctx, 'time');
      ctx.timeDependent = true;
      return next();
    }
    // A question known to need the minute or the day it was asked never gets here: it is time-dependent.
    // One in a language this code cannot read might: it is compared exactly, within the minute it was asked.
    const scope = scopeOf(located, features.language === 'other' ? 'minute' : 'day');
    if (!chat.skipLookup) {
      const hit = store.find(scope, features);
      if (hit) {
        const before = { layer: ctx.layer, cache: ctx.cache };
        ctx.layer = 'l1b';
        ctx.cache = 'hit';
        ctx.similarity = hit.score;
        if (replayAnswer(ctx, hit.json)) return;
        Object.assign(ctx, before);
        ctx.similarity = undefined;
      }
    }
    await next();
    const answer = keepableAnswer(ctx);
    if (answer) store.add(scope, features, answer);
  };
}
