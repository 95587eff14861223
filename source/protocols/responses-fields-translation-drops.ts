/**
 * What a Responses request may ask for that neither a chat completions nor an Anthropic provider has a
 * place for, among the settings that change how the answer is made, so that the caller hears of it in
 * `x-isartor-dropped` as it does for the other translations (anthropic-fields-chat-lacks.ts,
 * openai-fields-anthropic-lacks.ts). What would change what is asked (built-in tools, stored state,
 * `text.format` for Anthropic) is refused before this (responses-input.ts); what only tunes storage, price
 * or bookkeeping (`store`, `service_tier`, `prompt_cache_key`, `metadata`) is not named.
 * - `text.verbosity` sets how long the answer runs;
 * - `truncation: "auto"` lets the provider cut the conversation's start instead of failing on overflow;
 * - `max_tool_calls` caps the built-in tool calls of a response;
 * - `reasoning` (Anthropic only: effort or summary; chat providers get `reasoning_effort`) asks for thinking.
 */
import type { ResponsesRequest } from './responses.js';

type Fields = { text?: { verbosity?: unknown } | null; truncation?: unknown; max_tool_calls?: unknown; reasoning?: { effort?: unknown; summary?: unknown } | null };

/** The settings a translation of `body` to `upstream`'s protocol leaves out, as the caller named them. */
export function droppedForResponsesTranslation(body: ResponsesRequest, upstream: 'chat' | 'anthropic'): string[] {
  const fields = body as Fields;
  const dropped: string[] = [];
  if (typeof fields.text?.verbosity === 'string') dropped.push('text.verbosity');
  if (fields.truncation === 'auto') dropped.push('truncation');
  if (typeof fields.max_tool_calls === 'number') dropped.push('max_tool_calls');
  const reasoning = fields.reasoning;
  if (upstream === 'anthropic' && reasoning && ((typeof reasoning.effort === 'string' && reasoning.effort !== 'none') || typeof reasoning.summary === 'string')) dropped.push('reasoning');
  return dropped;
}
