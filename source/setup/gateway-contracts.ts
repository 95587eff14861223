/** The shapes of the gateway's `GET /stats` and `GET /events` as the dashboard reads them: the gateway's own types. */
import type { StatsSummary } from '../stats/summarise.js';

export type { StatsSummary } from '../stats/summarise.js';
export type { StatsReport } from '../stats/stats-report.js';
/** One finished request, as `GET /events` streams it (`event: request`). */
export type { RequestRecord as LiveRequestRecord } from '../stats/request-record.js';

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
    churn: { compared: 0, changed: 0, systemBytes: 0, toolsBytes: 0, last: null },
  };
}
