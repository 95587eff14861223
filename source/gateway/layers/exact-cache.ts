import type { ExactCacheState } from '../../state/exact-cache.js';
import { exactCacheKey } from '../../caching/exact/exact-cache-key.js';
import type { Layer } from '../context.js';
import { replayAnswer } from '../replay-answer.js';

/**
 * L1a: answers a request that is byte-for-byte the same as an earlier one from the same caller,
 * and keeps every complete answer a later layer produced, unless the client said no-store.
 */
export function exactCacheLayer(store: ExactCacheState | undefined): Layer {
  return async (ctx, next) => {
    const chat = ctx.chat;
    if (!store || !chat) return next();
    const key = exactCacheKey(chat, ctx.callerId);
    if (chat.skipLookup) {
      ctx.cache = 'bypass';
    } else {
      const hit = await store.get(key);
      if (hit !== undefined) {
        ctx.layer = 'l1a';
        ctx.cache = 'hit';
        replayAnswer(ctx, hit);
        return;
      }
      ctx.cache = 'miss';
    }
    await next();
    if (ctx.completion && !chat.skipStore) store.set(key, ctx.completion);
  };
}
