/**
 * What a provider that speaks OpenAI's Responses API sends, checked before the accumulator, the replay or
 * a cache reads it (the chat and Anthropic schemas are in provider-answer-schemas.ts). As there, each
 * schema names the fields the code reads with the types it assumes; unknown fields pass. A value that
 * fails is not an answer isartor understands: it is passed on as it came (same protocol both sides), and
 * nothing is cached.
 */
import { z } from 'zod';

const index = z.number().int().nonnegative();

/** Usage is read for stats only, and judged there (answer-usage.ts): any object, or null. */
const usage = z.record(z.string(), z.unknown());

const knownItemTypes = ['message', 'function_call', 'reasoning'];
const knownPartTypes = ['output_text', 'refusal'];

const contentPart = z.union([
  z.object({ type: z.literal('output_text'), text: z.string(), annotations: z.array(z.unknown()).nullish(), logprobs: z.array(z.unknown()).nullish() }),
  z.object({ type: z.literal('refusal'), refusal: z.string() }),
  z.object({ type: z.string().refine((type) => !knownPartTypes.includes(type)) }),
]);

/** The item fields the replay reads; item types newer than this code pass with a `type` (and are replayed whole, or not at all). */
const outputItem = z.union([
  z.object({ type: z.literal('message'), id: z.string(), role: z.string().optional(), status: z.string().optional(), content: z.array(contentPart) }),
  z.object({
    type: z.literal('function_call'),
    id: z.string(),
    call_id: z.string(),
    name: z.string(),
    namespace: z.string().optional(),
    arguments: z.string(),
    status: z.string().optional(),
  }),
  z.object({
    type: z.literal('reasoning'),
    id: z.string(),
    summary: z.array(z.object({ type: z.literal('summary_text'), text: z.string() })),
    content: z.array(z.unknown()).nullish(),
    encrypted_content: z.string().nullish(),
  }),
  z.object({ type: z.string().refine((type) => !knownItemTypes.includes(type)) }),
]);

/** A finished Responses answer: the only kind that may be counted from, cached and replayed. */
export const completeResponseSchema = z.object({
  id: z.string(),
  object: z.literal('response'),
  created_at: z.number().finite(),
  // 'incomplete' (max_output_tokens, a filter) is a whole answer too: served and counted, never cached (upstream-relay.ts).
  status: z.enum(['completed', 'incomplete']),
  model: z.string(),
  error: z.null().optional(),
  output: z.array(outputItem),
  usage: usage.nullable(),
});

/** A response snapshot as lifecycle events carry it (created, in_progress, failed...): an object with an id. */
const snapshot = z.object({ id: z.string(), object: z.literal('response').optional(), status: z.string().optional() });

const itemRef = { item_id: z.string(), output_index: index };

/** The events whose fields are read, by type; other types pass with a `type` (the replay check then refuses to cache them). */
const eventSchemas: Record<string, z.ZodType> = {
  'response.created': z.object({ response: snapshot }),
  'response.in_progress': z.object({ response: snapshot }),
  'response.completed': z.object({ response: snapshot }),
  'response.incomplete': z.object({ response: snapshot }),
  'response.failed': z.object({ response: snapshot }),
  'response.output_item.added': z.object({ output_index: index, item: z.object({ type: z.string() }) }),
  'response.output_item.done': z.object({ output_index: index, item: z.object({ type: z.string() }) }),
  'response.content_part.added': z.object({ ...{}, ...itemRef, content_index: index, part: z.object({ type: z.string() }) }),
  'response.content_part.done': z.object({ ...{}, ...itemRef, content_index: index, part: z.object({ type: z.string() }) }),
  'response.output_text.delta': z.object({ ...{}, ...itemRef, content_index: index, delta: z.string(), logprobs: z.array(z.unknown()).nullish() }),
  'response.output_text.done': z.object({ ...{}, ...itemRef, content_index: index, text: z.string() }),
  'response.refusal.delta': z.object({ ...{}, ...itemRef, content_index: index, delta: z.string() }),
  'response.refusal.done': z.object({ ...{}, ...itemRef, content_index: index, refusal: z.string() }),
  'response.function_call_arguments.delta': z.object({ ...{}, ...itemRef, delta: z.string() }),
  'response.function_call_arguments.done': z.object({ ...{}, ...itemRef, arguments: z.string() }),
  'response.reasoning_summary_part.added': z.object({ ...{}, ...itemRef, summary_index: index }),
  'response.reasoning_summary_part.done': z.object({ ...{}, ...itemRef, summary_index: index }),
  'response.reasoning_summary_text.delta': z.object({ ...{}, ...itemRef, summary_index: index, delta: z.string() }),
  'response.reasoning_summary_text.done': z.object({ ...{}, ...itemRef, summary_index: index, text: z.string() }),
};

/** One event of a Responses stream (after JSON.parse): an object with a string `type`, and the fields its type promises. */
export function isResponsesEvent(value: unknown): value is { type: string; [field: string]: unknown } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') return false;
  const schema = eventSchemas[type];
  return schema === undefined || schema.safeParse(value).success;
}
