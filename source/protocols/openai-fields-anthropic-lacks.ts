/**
 * What an OpenAI chat completions request may ask for that Anthropic's Messages API has no place for, and
 * what isartor does with each, so that nothing changes without the caller hearing of it (the mirror of
 * anthropic-fields-chat-lacks.ts; the Responses translation refuses the same things):
 * - `response_format` json_schema/json_object, `n` > 1 and logprobs change what the answer is (JSON that
 *   follows a schema, several choices, token probabilities): Anthropic would give something else, so the
 *   request is refused with a 400 naming the field.
 * - `seed`, non-zero `frequency_penalty`/`presence_penalty`, `logit_bias` and `reasoning_effort` only tune
 *   how the answer is reached: dropped, and named in `x-isartor-dropped`.
 */
import type { ChatCompletionRequest } from './openai.js';
import { UntranslatableRequest } from './responses.js';

/** The request's optional fields this file reads, as a client may send them (any JSON). */
type Fields = { response_format?: unknown; n?: unknown; logprobs?: unknown; top_logprobs?: unknown; seed?: unknown; frequency_penalty?: unknown; presence_penalty?: unknown; logit_bias?: unknown; reasoning_effort?: unknown };

/** Throws UntranslatableRequest when the caller asked for an answer Anthropic cannot give. */
export function refuseOpenAIOnly(request: ChatCompletionRequest, provider: string): void {
  const body = request as Fields;
  const format = (body.response_format as { type?: unknown } | undefined)?.type;
  if (format === 'json_schema' || format === 'json_object') {
    throw new UntranslatableRequest(
      `\`response_format\` "${format}" cannot be enforced by ${provider} (Anthropic's API): it would answer in free text. Route this model to an OpenAI-compatible provider, or drop response_format and ask for JSON in the prompt`,
      'response_format',
    );
  }
  if (typeof body.n === 'number' && body.n > 1) {
    throw new UntranslatableRequest(`\`n\`: ${body.n} choices were asked for, and ${provider} (Anthropic's API) gives one. Send n: 1 (or none) and ask ${body.n} times`, 'n');
  }
  if (body.logprobs === true || (typeof body.top_logprobs === 'number' && body.top_logprobs > 0)) {
    throw new UntranslatableRequest(`\`logprobs\` cannot be given by ${provider} (Anthropic's API has no token probabilities). Leave logprobs and top_logprobs out, or route this model to an OpenAI-compatible provider`, 'logprobs');
  }
}

/** The fields a translation to Anthropic leaves out that change how the answer is made, for `x-isartor-dropped`. */
export function droppedForAnthropic(request: ChatCompletionRequest): string[] {
  const body = request as Fields;
  const dropped: string[] = [];
  if (body.seed !== undefined && body.seed !== null) dropped.push('seed');
  for (const field of ['frequency_penalty', 'presence_penalty'] as const) {
    const value = body[field];
    if (typeof value === 'number' && value !== 0) dropped.push(field);
  }
  if (typeof body.logit_bias === 'object' && body.logit_bias !== null && Object.keys(body.logit_bias).length > 0) dropped.push('logit_bias');
  if (body.reasoning_effort !== undefined && body.reasoning_effort !== null) dropped.push('reasoning_effort');
  return dropped;
}
