/**
 * Responses streams: the event writer (translated answers and replays), the replay of a stored response,
 * and the accumulator that watches a passed-through stream. One import for the translators and gateway.
 */
import type { ResponseEcho } from './responses-event-writer.js';

export { ResponseEventWriter, type ResponseEcho } from './responses-event-writer.js';
export { encodeResponseAsSse, isStreamReplayable } from './responses-replay.js';
export { ResponsesStreamAccumulator } from './responses-stream-accumulator.js';

/** The request fields a response repeats, with the defaults OpenAI reports when they were not set. */
export function echoOf(body: Record<string, unknown>, model: string): ResponseEcho {
  const pick = <T>(field: string, fallback: T): unknown => (body[field] === undefined ? fallback : body[field]);
  return {
    instructions: pick('instructions', null),
    max_output_tokens: pick('max_output_tokens', null),
    model,
    parallel_tool_calls: pick('parallel_tool_calls', true),
    previous_response_id: null,
    reasoning: pick('reasoning', null),
    // isartor keeps no response for later reference, whatever the request asked (see responses-to-chat.ts).
    store: false,
    temperature: pick('temperature', null),
    text: pick('text', { format: { type: 'text' } }),
    tool_choice: pick('tool_choice', 'auto'),
    tools: pick('tools', []),
    top_p: pick('top_p', null),
    truncation: pick('truncation', 'disabled'),
    metadata: pick('metadata', {}),
    ...(typeof body.user === 'string' ? { user: body.user } : {}),
  } as ResponseEcho;
}
