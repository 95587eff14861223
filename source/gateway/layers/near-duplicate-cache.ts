import type { Layer } from '../context.js';
import { analyseQuestion } from '../../caching/near-duplicate/question.js';
import { locateQuestion } from '../../caching/near-duplicate/scope.js';
import type { NearDuplicateCache } from '../../caching/near-duplicate/shared-cache.js';
import { replayAnswer } from '../replay-answer.js';

/**
 * L1b: after an exact miss, answers a question that is a near-duplicate of one asked before in the
 * same context (same caller, model, system prompt, tools, history and parameters), and only when
 * every guard agrees. Keeps complete answers to plain questions for later near-duplicates.
 */
export function nearDuplicateCacheLayer(store: NearDuplicateCache | undefined): Layer {
  return async (ctx, next) => {
    const chat = ctx.chat;
    // A Responses request is read through its chat view; its protocol keeps its scope apart.
    const located = store && chat ? locateQuestion(chat.chatView ? { ...chat, body: chat.chatView } : chat, ctx.callerId) : undefined;
    if (!store || !chat || !located) return next();
    const features = analyseQuestion(located.question);
    if (!chat.skipLookup) {
      const hit = store.find(located.scope, features);
      if (hit) {
        ctx.layer = 'l1b';
        ctx.cache = 'hit';
        ctx.similarity = hit.score;
        replayAnswer(ctx, hit.json);
        return;
      }
    }
    await next();
    if (ctx.completion && !chat.skipStore) store.add(located.scope, features, ctx.completion);
  };
}
