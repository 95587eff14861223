/**
 * What a client's request must look like before any layer reads it: the fields the caches, the trimmer
 * and the translators read, with the types they assume; unknown fields pass untouched (providers add
 * their own), so the check walks those few fields and copies nothing. A request that fails is answered
 * with a 400 in the caller's protocol naming the first field at fault.
 */
import { z } from 'zod';
import { FrozenPartMemo } from '../json/frozen.js';

const anyObject = z.record(z.string(), z.unknown());

// ---------------------------------------------------------------------------------------------------
// OpenAI chat completions

const openAIContentPart = z.object({ type: z.string().optional(), text: z.unknown().optional() });

const openAIMessage = z.object({
  role: z.string(),
  content: z.union([z.string(), z.null(), z.array(openAIContentPart)]).optional(),
  tool_calls: z
    .array(z.object({ id: z.string().optional(), function: z.object({ name: z.string().optional(), arguments: z.string().optional() }).nullish() }))
    .nullish(),
  tool_call_id: z.string().nullish(),
});

export const openAIRequestSchema: RequestSchema = {
  parts: { messages: openAIMessage, tools: z.array(z.object({ type: z.string(), function: anyObject.optional() })).nullish() },
  rest: z.object({
    model: z.string().optional(),
    messages: z.array(z.unknown()).min(1),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
    tool_choice: z.union([z.string(), anyObject]).nullish(),
    n: z.number().int().positive().nullish(),
    max_tokens: z.number().int().nonnegative().nullish(),
    max_completion_tokens: z.number().int().nonnegative().nullish(),
    stop: z.union([z.string(), z.array(z.string())]).nullish(),
  }),
};

// ---------------------------------------------------------------------------------------------------
// Anthropic messages

const cacheControl = anyObject.nullish();

const anthropicTextBlock = z.object({ type: z.literal('text'), text: z.string(), cache_control: cacheControl });

const anthropicImageBlock = z.object({
  type: z.literal('image'),
  source: z.union([
    z.object({ type: z.literal('base64'), media_type: z.string(), data: z.string() }),
    z.object({ type: z.literal('url'), url: z.string() }),
    z.object({ type: z.string() }),
  ]),
});

const knownBlockTypes = ['text', 'image', 'tool_use', 'tool_result', 'thinking', 'redacted_thinking'];

const anthropicBlock = z.union([
  anthropicTextBlock,
  anthropicImageBlock,
  z.object({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() }),
  z.object({
    type: z.literal('tool_result'),
    tool_use_id: z.string(),
    content: z.union([z.string(), z.array(z.object({ type: z.string(), text: z.string().optional() }))]).nullish(),
    is_error: z.boolean().nullish(),
  }),
  z.object({ type: z.literal('thinking'), thinking: z.string() }),
  z.object({ type: z.literal('redacted_thinking') }),
  // Block types newer than this code (documents, search results...) pass with their type.
  z.object({ type: z.string().refine((type) => !knownBlockTypes.includes(type)) }),
]);

const anthropicMessage = z.object({
  // Claude Code sends role "system" messages too; the provider, not the gateway, judges roles.
  role: z.string(),
  content: z.union([z.string(), z.array(anthropicBlock)]),
});

export const anthropicRequestSchema: RequestSchema = {
  parts: {
    messages: anthropicMessage,
    system: z.union([z.string(), z.array(anthropicTextBlock)]).nullish(),
    tools: z.array(z.object({ name: z.string(), input_schema: anyObject.nullish(), description: z.string().nullish() })).nullish(),
  },
  rest: z.object({
    model: z.string().optional(),
    messages: z.array(z.unknown()).min(1),
    tool_choice: z.object({ type: z.string(), name: z.string().optional() }).nullish(),
    stop_sequences: z.array(z.string()).nullish(),
    metadata: z.object({ user_id: z.string().nullish() }).nullish(),
    stream: z.boolean().nullish(),
    max_tokens: z.number().int().nullish(),
  }),
};

/**
 * A request's schema in two halves: `parts` are the fields that recur, byte for byte, in every request
 * of a conversation (each message, the system prompt, the tools), checked one by one so that a part
 * shared between requests (json/frozen.ts) is checked once; `rest` is everything else, with `messages`
 * only required to be a non-empty array there.
 */
export interface RequestSchema {
  /** `messages` names the schema of one message; any other field, the schema of the whole field. */
  parts: { messages: z.ZodType } & Record<string, z.ZodType>;
  rest: z.ZodType;
}

interface Problem {
  path: PropertyKey[];
  message: string;
}

/** Problems (or null) of shared parts, per schema. */
const checkedParts = new WeakMap<z.ZodType, FrozenPartMemo<Problem | null>>();

function problemOf(schema: z.ZodType, value: unknown): Problem | null {
  let memo = checkedParts.get(schema);
  if (!memo) checkedParts.set(schema, (memo = new FrozenPartMemo()));
  return memo.get(value, () => {
    const result = schema.safeParse(value);
    if (result.success) return null;
    const issue = result.error.issues[0];
    return { path: issue?.path ?? [], message: issue?.message ?? 'does not match the API' };
  });
}

/** The first problem with a request, as "`messages.0.content`: expected string, received number". */
export function requestProblem(schema: RequestSchema, value: unknown): string | undefined {
  const found = firstProblem(schema, value);
  if (!found) return undefined;
  const path = found.path.length > 0 ? `\`${found.path.map(String).join('.')}\`` : 'the body';
  return `${path}: ${found.message}`;
}

function firstProblem(schema: RequestSchema, value: unknown): Problem | null {
  const rest = problemOf(schema.rest, value);
  if (rest) return rest;
  const body = value as Record<string, unknown>;
  for (const [field, partSchema] of Object.entries(schema.parts)) {
    if (field === 'messages') {
      const messages = body.messages as unknown[];
      for (let index = 0; index < messages.length; index += 1) {
        const problem = problemOf(partSchema, messages[index]);
        if (problem) return { path: ['messages', index, ...problem.path], message: problem.message };
      }
    } else {
      const problem = problemOf(partSchema, body[field]);
      if (problem) return { path: [field, ...problem.path], message: problem.message };
    }
  }
  return null;
}
