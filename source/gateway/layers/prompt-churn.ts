import type { Layer } from '../context.js';

/**
 * Notes which prompt the request's system prompt and tools are compared as, against the same tool's
 * previous request, for stats. Never answers, and does not compare here: comparing 50 KB prompts is stats
 * work, done when the request is recorded (after the answer is sent, PromptChurnTracker), on the body as
 * the client sent it (L2.5 replaces, never edits, it).
 */
export function promptChurnLayer(): Layer {
  return async (ctx, next) => {
    const chat = ctx.chat;
    if (chat) {
      const body = chat.chatView ?? chat.body;
      const tool = `${ctx.callerId}\u0000${ctx.client}`;
      ctx.promptToCompare = { tool, body };
    }
    await next();
  };
}
