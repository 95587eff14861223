import type { ExactCacheStore } from '../cache/exact-cache-store.js';
import { exactCacheKey } from '../cache/exact-cache-key.js';
import type { Layer, RequestContext } from '../context.js';
import type { AnthropicMessage } from '../protocols/anthropic.js';
import { encodeAnthropicMessageAsSse } from '../protocols/anthropic-stream.js';
import type { ChatCompletion } from '../protocols/openai.js';
import { encodeCompletionAsSse } from '../protocols/openai-stream.js';
import { isartorHeaders, sendJson } from '../respond.js';

/**
 * L1a: answers a request that is byte-for-byte the same as an earlier one from the same caller,
 * and keeps every complete answer a later layer produced, unless the client said no-store.
 */
export function exactCacheLayer(store: ExactCacheStore | undefined): Layer {
  return async (ctx, next) => {
    const chat = ctx.chat;
    if (!store || !chat) return next();
    const key = exactCacheKey(chat, ctx.callerId);
    if (chat.skipLookup) {
      ctx.cache = 'bypass';
    } else {
      const hit = store.get(key);
      if (hit !== undefined) {
        ctx.layer = 'l1a';
        ctx.cache = 'hit';
        replay(ctx, hit);
        return;
      }
      ctx.cache = 'miss';
    }
    await next();
    if (ctx.completion && !chat.skipStore) store.set(key, ctx.completion);
  };
}

/** Sends a stored answer as the caller's protocol and stream mode expect it. */
function replay(ctx: RequestContext, json: string): void {
  const chat = ctx.chat;
  if (!chat?.stream) {
    sendJson(ctx, 200, json);
    return;
  }
  const body =
    chat.protocol === 'anthropic'
      ? encodeAnthropicMessageAsSse(JSON.parse(json) as AnthropicMessage)
      : encodeCompletionAsSse(JSON.parse(json) as ChatCompletion, { includeUsage: chat.includeUsage });
  ctx.res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'content-length': Buffer.byteLength(body),
    ...isartorHeaders(ctx),
  });
  ctx.res.end(body);
}
