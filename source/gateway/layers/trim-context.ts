import type { Layer } from '../context.js';
import { trimRequestBody } from '../../trimming/trim-request.js';
import { trimResponsesToolOutputs } from '../../trimming/trim-responses.js';

/**
 * L2.5: before the provider is called, drops what it does not need (repeated instructions, duplicate
 * tool results, terminal noise) and reports the tokens saved. The caches above keyed and kept the
 * request as the client sent it; only the upstream sees the trimmed form.
 */
export function trimContextLayer(settings: { enabled: boolean; minSavedTokensPerMessage: number }): Layer {
  return async (ctx, next) => {
    const chat = ctx.chat;
    if (settings.enabled && chat) {
      const options = { minSavedTokens: settings.minSavedTokensPerMessage };
      const result = chat.protocol === 'responses' ? trimResponsesToolOutputs(chat.body, options) : trimRequestBody(chat.body, chat.protocol, options);
      ctx.trimmedTokens = result.tokensBefore - result.tokensAfter;
      if (result.changed) {
        chat.body = result.body;
        chat.raw = Buffer.from(JSON.stringify(result.body));
      }
    }
    await next();
  };
}
