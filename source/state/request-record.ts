/**
 * How much of a tool's fixed prompt changed since that tool's previous request. Providers' prompt
 * caches match on an exact prefix (system prompt, then tools), so one changed byte early in a 30 KB
 * system prompt makes every later token full price again. This says how many bytes changed and where,
 * never what the text is.
 */
export interface PromptChurn {
  /** Bytes of the system prompt that differ from the tool's previous request (0: identical). */
  systemBytes: number;
  /** 1-based line of the system prompt where the first difference is; null when identical. */
  systemLine: number | null;
  /** Bytes of the tool definitions that differ. */
  toolsBytes: number;
  /** Tools added, removed or redefined, by name. */
  toolsChanged: string[];
}

/** What the gateway remembers of one request: never prompt text, never a key. */
export interface RequestRecord {
  /** ISO time the request arrived. */
  time: string;
  client: string;
  protocol: 'openai' | 'anthropic' | 'responses';
  route: string;
  layer: string;
  status: number;
  totalMs: number;
  upstreamMs: number;
  overheadMs: number;
  provider: string | null;
  model: string | null;
  /** The virtual key that asked (its alias, else its masked form); null for the gateway key or an open gateway. */
  keyAlias: string | null;
  inputTokens: number;
  outputTokens: number;
  /** Where the token counts came from: the provider's usage, the o200k tokenizer, or nowhere (an error). */
  tokensCounted: 'provider' | 'estimated' | 'none';
  /** A cache hit saves the whole call; L2.5 saves what it trimmed. */
  tokensSaved: number;
  /** USD this request cost at the provider; null when its model has no price (`isartor pricing set`). */
  costUsd: number | null;
  /** USD a cache hit or trimming saved; null when the model has no price. */
  costSavedUsd: number | null;
  /** How much of the tool's system prompt and tools changed since its previous request; null for its first. */
  churn: PromptChurn | null;
}

/** The fields of a record that `/stats` summarises (SummaryAccumulator reads these and no others). */
export type StatsRecord = Pick<
  RequestRecord,
  'time' | 'client' | 'keyAlias' | 'layer' | 'status' | 'totalMs' | 'overheadMs' | 'inputTokens' | 'outputTokens' | 'tokensSaved' | 'costUsd' | 'costSavedUsd' | 'churn'
>;
