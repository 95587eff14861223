/**
 * The shapes of the gateway's `GET /stats` and `GET /events` as the dashboard reads them. They mirror
 * the contracts agreed with the gateway side; when the gateway exports its own types, import those here.
 */

export interface StatsSummary {
  requests: number;
  /** l1a, l1b, l3, gateway, ... */
  layers: Record<string, number>;
  /** 0..1 */
  cacheHitRate: number;
  errors: number;
  latencyMs: { p50: number; p95: number };
  overheadMs: { p50: number; p95: number };
  tokens: { input: number; output: number; saved: number };
  cost: { usd: number; savedUsd: number; unpricedRequests: number };
}

export interface StatsReport {
  since: string | null;
  total: StatsSummary;
  tools: Array<{ client: string } & StatsSummary>;
}

/** One finished request, as `GET /events` streams it (`event: request`). */
export interface LiveRequestRecord {
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
  tokensSaved: number;
  costUsd: number | null;
  costSavedUsd: number | null;
}

export function emptyStatsSummary(): StatsSummary {
  return {
    requests: 0,
    layers: {},
    cacheHitRate: 0,
    errors: 0,
    latencyMs: { p50: 0, p95: 0 },
    overheadMs: { p50: 0, p95: 0 },
    tokens: { input: 0, output: 0, saved: 0 },
    cost: { usd: 0, savedUsd: 0, unpricedRequests: 0 },
  };
}
