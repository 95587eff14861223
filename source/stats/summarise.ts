import type { RequestRecord } from './request-record.js';

export interface StatsSummary {
  requests: number;
  /** Requests answered by each layer (l0, l1a, l1b, l3, gateway). */
  layers: Record<string, number>;
  /** Share answered from a cache (L1a or L1b) without calling the provider. */
  cacheHitRate: number;
  errors: number;
  latencyMs: { p50: number; p95: number };
  overheadMs: { p50: number; p95: number };
  tokens: { input: number; output: number; saved: number };
}

export function summarise(records: readonly RequestRecord[]): StatsSummary {
  const layers: Record<string, number> = {};
  for (const record of records) layers[record.layer] = (layers[record.layer] ?? 0) + 1;
  const hits = (layers.l1a ?? 0) + (layers.l1b ?? 0);
  const sum = (pick: (record: RequestRecord) => number): number => records.reduce((total, record) => total + pick(record), 0);
  return {
    requests: records.length,
    layers,
    cacheHitRate: records.length ? hits / records.length : 0,
    errors: records.filter((record) => record.status >= 400).length,
    latencyMs: percentiles(records.map((record) => record.totalMs)),
    overheadMs: percentiles(records.map((record) => record.overheadMs)),
    tokens: { input: sum((r) => r.inputTokens), output: sum((r) => r.outputTokens), saved: sum((r) => r.tokensSaved) },
  };
}

/** One summary per tool, busiest first. */
export function summariseByTool(records: readonly RequestRecord[]): Array<{ client: string } & StatsSummary> {
  const byClient = new Map<string, RequestRecord[]>();
  for (const record of records) byClient.set(record.client, [...(byClient.get(record.client) ?? []), record]);
  return [...byClient]
    .map(([client, group]) => ({ client, ...summarise(group) }))
    .sort((a, b) => b.requests - a.requests || a.client.localeCompare(b.client));
}

/** Nearest-rank percentiles: a value that actually occurred, not an interpolation. */
export function percentiles(values: readonly number[]): { p50: number; p95: number } {
  if (values.length === 0) return { p50: 0, p95: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number): number => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
  return { p50: rank(0.5), p95: rank(0.95) };
}
