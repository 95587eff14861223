/** What the gateway remembers of one request: never prompt text, never a key. */
export interface RequestRecord {
  /** ISO time the request arrived. */
  time: string;
  client: string;
  protocol: 'openai' | 'anthropic';
  route: string;
  layer: string;
  status: number;
  totalMs: number;
  upstreamMs: number;
  overheadMs: number;
  provider: string | null;
  model: string | null;
  inputTokens: number;
  outputTokens: number;
  /** A cache hit saves the whole call; L2.5 saves what it trimmed. */
  tokensSaved: number;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

/** Token usage from an answer in either protocol (OpenAI's `usage` or Anthropic's, cache reads included). */
export function usageOf(answer: unknown): TokenUsage | undefined {
  const usage = (answer as { usage?: Record<string, unknown> } | undefined)?.usage;
  if (!usage) return undefined;
  const count = (field: string): number => (typeof usage[field] === 'number' ? (usage[field] as number) : 0);
  if ('prompt_tokens' in usage || 'completion_tokens' in usage) return { inputTokens: count('prompt_tokens'), outputTokens: count('completion_tokens') };
  return {
    inputTokens: count('input_tokens') + count('cache_read_input_tokens') + count('cache_creation_input_tokens'),
    outputTokens: count('output_tokens'),
  };
}
