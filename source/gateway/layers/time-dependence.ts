import type { Layer } from '../context.js';
import { askedIsTimeDependent } from '../../caching/near-duplicate/asked-time.js';

/**
 * L1a never keeps the answer to a question whose answer depends on when it is asked ("What time is it in
 * Tokyo?" byte for byte an hour later must reach the provider again). L1b reads that as it reads every
 * question; with L1b turned off this layer reads it for L1a alone, in the same place of the pipeline,
 * including where L1b would not compare (an image beside the text, a question too long to compare).
 */
export function timeDependenceLayer(): Layer {
  return async (ctx, next) => {
    const chat = ctx.chat;
    if (chat && askedIsTimeDependent(chat.chatView ?? chat.body)) ctx.timeDependent = true;
    return next();
  };
}
