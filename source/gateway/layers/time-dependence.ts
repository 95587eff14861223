import type { Layer } from '../context.js';
import { analyseQuestion, maxQuestionLength } from '../../caching/near-duplicate/question.js';
import { questionOf } from '../../caching/near-duplicate/scope.js';

/**
 * L1a never keeps the answer to a question whose answer depends on when it is asked ("What time is it in
 * Tokyo?" byte for byte an hour later must reach the provider again). L1b reads that as it reads every
 * question; with L1b turned off this layer reads it for L1a alone, in the same place of the pipeline.
 */
export function timeDependenceLayer(): Layer {
  return async (ctx, next) => {
    const chat = ctx.chat;
    if (chat) {
      const question = questionOf(chat.chatView ?? chat.body);
      if (question !== undefined && question.length <= maxQuestionLength && analyseQuestion(question).time) ctx.timeDependent = true;
    }
    return next();
  };
}
