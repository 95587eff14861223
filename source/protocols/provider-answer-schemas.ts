/**
 * The one place where what a provider sends is checked before any translator, accumulator or cache reads
 * it: streamed chunks and whole answers, in both protocols. Each schema names exactly the fields the code
 * reads, with the types it assumes, and nothing more: unknown fields pass (providers add their own), so a
 * check costs a walk over those few fields, not a copy of the answer. A value that fails is not an answer
 * isartor understands: the request gets a 502 or a protocol error event, and nothing is cached.
 */
import { z } from 'zod';

const count = z.number().finite();
const optionalString = z.string().nullish();

// ---------------------------------------------------------------------------------------------------
// OpenAI chat completions

/**
 * Usage is read for stats and budgets only, and judged there (answer-usage.ts): counts of the wrong type
 * or size never fail an answer whose text is fine. An object, in both protocols.
 */
const usageObject = z.record(z.string(), z.unknown());
const openAIUsage = usageObject;

const openAIChunkToolCall = z.object({
  index: z.number().int().nonnegative().optional(),
  id: optionalString,
  // Absent on a continuation delta; null is not a tool call anyone can run.
  function: z.object({ name: optionalString, arguments: optionalString }).optional(),
});

const openAIChunkChoice = z.object({
  index: z.number().int().nonnegative().optional(),
  delta: z
    .object({
      content: optionalString,
      refusal: optionalString,
      tool_calls: z.array(openAIChunkToolCall).nullish(),
    })
    .nullish(),
  finish_reason: optionalString,
});

/**
 * Whether one `data:` of a chat completion stream (after JSON.parse) conforms to openAIChunkSchema.
 * A stream has an event per few tokens, and zod's check allocates ~1 KB per event (half of all a relayed
 * stream allocated): the common shapes (text deltas, role, finish, usage) are recognised first by a
 * check that only ever says yes where the schema does (tests/protocols/stream-event-fast-checks.test.ts);
 * everything else, tool calls included, is the schema's to judge.
 */
export function isOpenAIChunk(value: unknown): boolean {
  return isPlainOpenAIChunk(value) || openAIChunkSchema.safeParse(value).success;
}

/** The check without zod (exported for its tests): true only where openAIChunkSchema says yes. */
export function isPlainOpenAIChunk(value: unknown): boolean {
  if (!isObject(value)) return false;
  const chunk = value as Record<string, unknown>;
  if (!isNullishString(chunk.id) || !isNullishString(chunk.model) || !isNullishString(chunk.system_fingerprint)) return false;
  if (chunk.created != null && !Number.isFinite(chunk.created)) return false;
  if (chunk.usage != null && !isObject(chunk.usage)) return false;
  if (chunk.x_groq !== undefined) return false;
  const choices = chunk.choices;
  if (choices == null) return true;
  if (!Array.isArray(choices)) return false;
  for (const choice of choices) {
    if (!isObject(choice)) return false;
    const { index, delta, finish_reason: finishReason } = choice as Record<string, unknown>;
    if (index !== undefined && !isCount(index)) return false;
    if (!isNullishString(finishReason)) return false;
    if (delta == null) continue;
    if (!isObject(delta)) return false;
    const { content, refusal, tool_calls: toolCalls } = delta as Record<string, unknown>;
    if (!isNullishString(content) || !isNullishString(refusal) || toolCalls != null) return false;
  }
  return true;
}

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null && !Array.isArray(value);
const isNullishString = (value: unknown): boolean => value === undefined || value === null || typeof value === 'string';
/** A non-negative integer, as z.number().int().nonnegative() takes it. */
const isCount = (value: unknown): boolean => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** One `data:` of a chat completion stream (after JSON.parse). */
export const openAIChunkSchema = z.object({
  id: optionalString,
  created: count.nullish(),
  model: optionalString,
  system_fingerprint: optionalString,
  choices: z.array(openAIChunkChoice).nullish(),
  usage: openAIUsage.nullish(),
  x_groq: z.object({ usage: openAIUsage.nullish() }).nullish(),
});

const openAIToolCall = z.object({
  id: z.string(),
  type: z.string().optional(),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

/** A whole chat completion that is complete: every choice has a message and ended with a reason. */
export const openAICompletionSchema = z.object({
  id: z.string().optional(),
  created: count.optional(),
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        index: z.number().int().nonnegative().optional(),
        message: z.object({
          content: z.string().nullish(),
          refusal: z.string().nullish(),
          tool_calls: z.array(openAIToolCall).nullish(),
        }),
        // "error" (OpenRouter): the model failed mid-answer; what came is not a whole answer.
        finish_reason: z.string().refine((reason) => reason !== 'error'),
      }),
    )
    .min(1),
  usage: openAIUsage.nullish(),
});

// ---------------------------------------------------------------------------------------------------
// Anthropic messages

const anthropicUsage = usageObject;

/** The block fields translators and the replay read; block types newer than this code pass with a `type`. */
const anthropicBlock = z.union([
  z.object({ type: z.literal('text'), text: z.string(), citations: z.array(z.unknown()).nullish() }),
  z.object({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.record(z.string(), z.unknown()) }),
  z.object({ type: z.literal('thinking'), thinking: z.string(), signature: z.string() }),
  z.object({ type: z.string().refine((type) => type !== 'text' && type !== 'tool_use' && type !== 'thinking') }),
]);

/** A streamed block starts empty: tool input may be `{}`, thinking's signature comes later. */
const anthropicStartBlock = z.union([
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() }),
  z.object({ type: z.literal('thinking'), thinking: z.string() }),
  z.object({ type: z.string().refine((type) => type !== 'text' && type !== 'tool_use' && type !== 'thinking') }),
]);

const anthropicMessageStart = z.object({
  id: z.string(),
  content: z.array(z.unknown()).optional(),
  usage: anthropicUsage.nullish(),
});

const blockIndex = z.number().int().nonnegative();

const anthropicDelta = z.union([
  z.object({ type: z.literal('text_delta'), text: z.string() }),
  z.object({ type: z.literal('input_json_delta'), partial_json: z.string() }),
  z.object({ type: z.literal('thinking_delta'), thinking: z.string() }),
  z.object({ type: z.literal('signature_delta'), signature: z.string() }),
  z.object({ type: z.string().refine((type) => !['text_delta', 'input_json_delta', 'thinking_delta', 'signature_delta'].includes(type)) }),
]);

/** The events whose fields are read, by type; types newer than this code pass with a `type`. */
export const anthropicEventSchemas: Readonly<Record<string, z.ZodType>> = {
  message_start: z.object({ type: z.literal('message_start'), message: anthropicMessageStart }),
  content_block_start: z.object({ type: z.literal('content_block_start'), index: blockIndex, content_block: anthropicStartBlock }),
  content_block_delta: z.object({ type: z.literal('content_block_delta'), index: blockIndex, delta: anthropicDelta }),
  content_block_stop: z.object({ type: z.literal('content_block_stop'), index: blockIndex }),
  message_delta: z.object({
    type: z.literal('message_delta'),
    delta: z.object({ stop_reason: optionalString, stop_sequence: optionalString }),
    usage: anthropicUsage.nullish(),
  }),
  error: z.object({ type: z.literal('error'), error: z.object({ type: z.unknown(), message: z.unknown() }).nullish() }),
};

/**
 * One event of a Messages stream (after JSON.parse). Dispatched on `type` rather than tried as a union:
 * a stream has hundreds of events, and trying each member in turn costs several times more.
 */
export function isAnthropicEvent(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') return false;
  if (type === 'content_block_delta' && isPlainBlockDelta(value as Record<string, unknown>)) return true;
  const schema = anthropicEventSchemas[type];
  return schema === undefined || schema.safeParse(value).success;
}

/** The Messages stream's most frequent event with a delta the schema names: said yes to without zod's allocations (as isOpenAIChunk). */
export function isPlainBlockDelta(event: Record<string, unknown>): boolean {
  if (!isCount(event.index) || !isObject(event.delta)) return false;
  const delta = event.delta as Record<string, unknown>;
  const field = plainDeltaField[delta.type as string];
  return field !== undefined && typeof delta[field] === 'string';
}

const plainDeltaField: Record<string, string | undefined> = Object.assign(Object.create(null) as Record<string, string | undefined>, {
  text_delta: 'text',
  input_json_delta: 'partial_json',
  thinking_delta: 'thinking',
  signature_delta: 'signature',
});

/** A whole Messages answer that is complete: it has a stop reason, its blocks and usage are readable. */
export const anthropicMessageSchema = z.object({
  id: z.string(),
  type: z.literal('message'),
  content: z.array(anthropicBlock),
  stop_reason: z.string(),
  stop_sequence: z.string().nullish(),
  usage: anthropicUsage.nullish(),
});

/** True when `value` has every field `schema` names, with the types the code reads them as. */
export function conforms(schema: z.ZodType, value: unknown): boolean {
  return schema.safeParse(value).success;
}
