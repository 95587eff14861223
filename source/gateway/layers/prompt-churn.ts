import type { PromptChurnTracker } from '../../stats/prompt-churn.js';
import type { Layer } from '../context.js';

/** Compares the request's system prompt and tools with the same tool's previous request, for stats. Never answers. */
export function promptChurnLayer(tracker: PromptChurnTracker): Layer {
  return async (ctx, next) => {
    if (ctx.chat) ctx.promptChurn = tracker.observe(`${ctx.callerId}\u0000${ctx.client}`, ctx.chat.chatView ?? ctx.chat.body);
    await next();
  };
}
