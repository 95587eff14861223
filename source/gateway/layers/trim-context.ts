import type { TrimmingSettings } from '../../store/config.js';
import type { Layer } from '../context.js';
import { trimRequestBody } from '../../trimming/trim-request.js';
import { trimResponsesToolOutputs } from '../../trimming/trim-responses.js';
import { fullTurn } from '../../trimming/pacer.js';

/**
 * A body this large has already cost the loop a few milliseconds (reading, parsing, hashing, L1b) in the
 * turn that reached this layer, and its re-serialisation costs as much again: each starts a turn later,
 * so none of them adds to a trimming slice (measured on a 1.1 MB agent request: ~2-3 ms before it, ~3.3 ms to serialise).
 */
const ownTurnAboveBytes = 256 * 1024;

/**
 * L2.5: before the provider is called, drops what carries no information (terminal redraws, decoration
 * colour, verbatim repeats as references) and reports the tokens saved. The caches above keyed and kept
 * the request as the client sent it; only the upstream sees the trimmed form. A request beyond the size
 * limits goes through untrimmed and says so (`x-isartor-skipped: l2.5:size`); the work itself yields to
 * the event loop every few milliseconds, so one big request never holds up the others.
 */
export function trimContextLayer(settings: TrimmingSettings): Layer {
  return async (ctx, next) => {
    const chat = ctx.chat;
    if (settings.enabled && chat) {
      const messages = chat.protocol === 'responses' ? chat.body.input : chat.body.messages;
      if (chat.raw.length > settings.maxRequestBytes || (Array.isArray(messages) && messages.length > settings.maxMessages)) {
        ctx.skipped.push('l2.5:size');
      } else {
        const options = {
          minSavedTokens: settings.minSavedTokensPerMessage,
          colour: settings.colour,
          lossy: settings.lossy,
          maxMessageChars: settings.maxMessageBytes,
        };
        if (chat.raw.length >= ownTurnAboveBytes) await fullTurn();
        const result = chat.protocol === 'responses' ? await trimResponsesToolOutputs(chat.body, options) : await trimRequestBody(chat.body, chat.protocol, options);
        ctx.trimmedTokens = result.tokensBefore - result.tokensAfter;
        if (result.skippedForSize > 0) ctx.skipped.push('l2.5:size');
        if (result.changed) {
          if (chat.raw.length >= ownTurnAboveBytes) await fullTurn();
          chat.body = result.body;
          chat.raw = Buffer.from(JSON.stringify(result.body));
        }
      }
    }
    await next();
  };
}
