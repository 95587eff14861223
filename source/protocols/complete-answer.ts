import { isCompleteAnthropicMessage } from './anthropic.js';
import type { CallerProtocol } from './caller-protocol.js';
import { isCompleteCompletion } from './openai.js';

/**
 * A finished answer in the caller's protocol, with every field replay and translation read (the schemas in
 * provider-answer-schemas.ts): the only kind of answer that may be cached, counted from, or replayed.
 */
export function isCompleteAnswer(protocol: CallerProtocol, answer: unknown): boolean {
  return protocol === 'anthropic' ? isCompleteAnthropicMessage(answer) : isCompleteCompletion(answer);
}
