import type { ExactCacheState } from '../../state/exact-cache.js';
import { exactCacheKey } from '../../caching/exact/exact-cache-key.js';
import { namesRemoteMedia } from '../../caching/remote-media.js';
import type { Layer } from '../context.js';
import { keepableAnswer } from './keepable-answer.js';
import { replayAnswer } from '../replay-answer.js';

/**
 * L1a: answers a request that is byte-for-byte the same as an earlier one from the same caller (with
 * the same forwarded headers and query), and keeps every complete answer a later layer produced, unless
 * the client said no-store, L1b found the question time-dependent, or the answer lacks something the provider sent (it could not be replayed
 * faithfully). A request naming an image or file by address is left alone (`x-isartor-skipped: l1a:media`). A stored answer that cannot be rebuilt in the requested stream form is not served.
 */
export function exactCacheLayer(store: ExactCacheState | undefined): Layer {
  return async (ctx, next) => {
    const chat = ctx.chat;
    if (!store || !chat) return next();
    // An image or file by address may show other content by the next request (caching/remote-media.ts).
    if (namesRemoteMedia(chat)) {
      ctx.skipped.push('l1a:media');
      return next();
    }
    const key = exactCacheKey(chat, ctx.callerId);
    if (chat.skipLookup) {
      ctx.cache = 'bypass';
    } else {
      const hit = await store.get(key);
      ctx.cache = 'miss';
      if (hit !== undefined) {
        ctx.layer = 'l1a';
        ctx.cache = 'hit';
        if (replayAnswer(ctx, hit)) return;
        ctx.layer = 'gateway';
        ctx.cache = 'miss';
      }
    }
    await next();
    // A time-dependent answer is not kept: a byte-identical request an hour later must reach the provider again.
    const answer = keepableAnswer(ctx);
    if (answer) store.set(key, answer);
  };
}
