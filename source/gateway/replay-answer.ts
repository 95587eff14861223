import type { RequestContext } from './context.js';
import type { AnthropicMessage } from '../protocols/anthropic.js';
import { encodeAnthropicMessageAsSse } from '../protocols/anthropic-stream.js';
import type { ChatCompletion } from '../protocols/openai.js';
import { encodeCompletionAsSse } from '../protocols/openai-stream.js';
import type { ResponseObject } from '../protocols/responses.js';
import { encodeResponseAsSse } from '../protocols/responses-stream.js';
import { isartorHeaders, sendJson } from './respond.js';

/** Sends a stored answer (JSON text in the caller's protocol) as the caller's stream mode expects it. */
export function replayAnswer(ctx: RequestContext, json: string): void {
  const chat = ctx.chat;
  const answer = JSON.parse(json) as object;
  ctx.replayedAnswer = answer;
  if (!chat?.stream) {
    sendJson(ctx, 200, json);
    return;
  }
  const body =
    chat.protocol === 'anthropic'
      ? encodeAnthropicMessageAsSse(answer as AnthropicMessage)
      : chat.protocol === 'responses'
        ? encodeResponseAsSse(answer as ResponseObject)
        : encodeCompletionAsSse(answer as ChatCompletion, { includeUsage: chat.includeUsage });
  ctx.res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'content-length': Buffer.byteLength(body),
    ...isartorHeaders(ctx),
  });
  ctx.res.end(body);
}
