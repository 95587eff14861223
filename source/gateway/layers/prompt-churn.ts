import type { PromptChurnTracker } from '../../stats/prompt-churn.js';
import type { Layer } from '../context.js';

/**
 * Compares the request's system prompt and tools with the same tool's previous request, for stats.
 * Never answers, and does not compare here: comparing 50 KB prompts is stats work, done when the request
 * is recorded (after the answer is sent), on the body as the client sent it (L2.5 replaces, never edits, it).
 */
export function promptChurnLayer(tracker: PromptChurnTracker): Layer {
  return async (ctx, next) => {
    const chat = ctx.chat;
    if (chat) {
      const body = chat.chatView ?? chat.body;
      const tool = `${ctx.callerId}\u0000${ctx.client}`;
      ctx.observePromptChurn = () => {
        ctx.promptChurn = tracker.observe(tool, body);
      };
    }
    await next();
  };
}
