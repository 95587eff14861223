import { ResponseEventWriter, type ResponseEcho } from './responses-event-writer.js';
import type { ResponseObject, ResponsesOutputItem } from './responses.js';

/**
 * Whether a stored response can be replayed as a stream with the events OpenAI would have sent for it.
 * Messages (text without annotations or logprobs, refusals), reasoning summaries, function calls and custom
 * (freeform) tool calls can; annotations and logprobs arrive at places in the text no stored answer records,
 * and other item types (web searches, reasoning text...) have events of their own that a replay would not
 * give back. Such an answer is replayed only as JSON; a streaming caller gets a fresh answer.
 */
export function isStreamReplayable(response: ResponseObject): boolean {
  return response.output.every(isReplayableItem);
}

function isReplayableItem(item: ResponsesOutputItem): boolean {
  const fields = item as Record<string, unknown>;
  if (item.type === 'function_call') return true;
  if (item.type === 'custom_tool_call') return typeof fields.input === 'string';
  if (item.type === 'reasoning') return isEmpty(fields.content);
  if (item.type !== 'message' || !Array.isArray(fields.content)) return false;
  return (fields.content as Array<Record<string, unknown>>).every(
    (part) => part.type === 'refusal' || (part.type === 'output_text' && isEmpty(part.annotations) && isEmpty(part.logprobs)),
  );
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
}

/**
 * Replays a stored response as the event stream OpenAI would have sent for it; undefined when it
 * cannot be replayed faithfully as a stream (see isStreamReplayable).
 */
export function encodeResponseAsSse(response: ResponseObject): string | undefined {
  if (!isStreamReplayable(response)) return undefined;
  const { id, created_at: createdAt, model, output, usage, status, incomplete_details: incomplete, ...echo } = response;
  const writer = new ResponseEventWriter({ id, model, createdAt, echo: { ...{}, ...echo, error: null } as ResponseEcho });
  writer.start();
  for (const item of output) writer.replayItem(item);
  writer.complete(usage, status === 'incomplete' ? (incomplete?.reason ?? 'max_output_tokens') : undefined);
  return writer.flush();
}
