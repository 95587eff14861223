export type { RequestRecord, StatsRecord } from '../state/request-record.js';

export interface TokenUsage {
  /** All input tokens, those served from the provider's prompt cache included. */
  inputTokens: number;
  outputTokens: number;
  /** Input tokens the provider served from its own prompt cache (billed at a lower price). */
  cachedInputTokens?: number;
}

/** Token usage from an answer in either protocol (OpenAI's `usage` or Anthropic's, cache reads included). */
export function usageOf(answer: unknown): TokenUsage | undefined {
  const usage = (answer as { usage?: Record<string, unknown> } | undefined)?.usage;
  if (!usage) return undefined;
  const count = (field: string): number => (typeof usage[field] === 'number' ? (usage[field] as number) : 0);
  if ('prompt_tokens' in usage || 'completion_tokens' in usage) {
    const details = usage.prompt_tokens_details as { cached_tokens?: unknown } | undefined;
    const cached = typeof details?.cached_tokens === 'number' ? details.cached_tokens : 0;
    return { inputTokens: count('prompt_tokens'), outputTokens: count('completion_tokens'), ...(cached ? { cachedInputTokens: cached } : {}) };
  }
  // The Responses API counts like Anthropic's names, with cache hits inside input_tokens, as OpenAI does.
  const responsesCached = (usage.input_tokens_details as { cached_tokens?: unknown } | undefined)?.cached_tokens;
  if (typeof responsesCached === 'number' && responsesCached > 0) return { inputTokens: count('input_tokens'), outputTokens: count('output_tokens'), cachedInputTokens: responsesCached };
  const cached = count('cache_read_input_tokens');
  return {
    inputTokens: count('input_tokens') + cached + count('cache_creation_input_tokens'),
    outputTokens: count('output_tokens'),
    ...(cached ? { cachedInputTokens: cached } : {}),
  };
}
