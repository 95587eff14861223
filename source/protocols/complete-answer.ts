import { isCompleteAnthropicMessage } from './anthropic.js';
import type { CallerProtocol } from './caller-protocol.js';
import { isCompleteCompletion } from './openai.js';
import { isCompleteResponse } from './responses.js';

/**
 * A finished answer in the caller's protocol, with every field replay and translation read (the schemas in
 * provider-answer-schemas.ts): the only kind of answer that may be cached, counted from, or replayed.
 */
export function isCompleteAnswer(protocol: CallerProtocol, answer: unknown): boolean {
  if (protocol === 'anthropic') return isCompleteAnthropicMessage(answer);
  if (protocol === 'responses') return isCompleteResponse(answer);
  return isCompleteCompletion(answer);
}
