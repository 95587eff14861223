import type { PromptChurn } from './prompt-churn.js';
import type { StatsRecord } from './request-record.js';
import { SummaryAccumulator } from './stats-accumulator.js';

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
  /**
   * USD at providers and USD saved; requests on models without a price add nothing and are counted.
   * savedUsd is null when tokens were saved but none of those savings had a price: "unpriced", not $0.
   */
  cost: { usd: number; savedUsd: number | null; unpricedRequests: number };
  /** Prompt churn: of the requests compared with the tool's previous one, how many changed its system prompt or tools. */
  churn: { compared: number; changed: number; systemBytes: number; toolsBytes: number; last: (PromptChurn & { time: string }) | null };
}

/** Percentiles are nearest-rank to within 1% (see PercentileSketch); every other number is exact. */
export function summarise(records: readonly StatsRecord[]): StatsSummary {
  const summary = new SummaryAccumulator();
  for (const record of records) summary.add(record);
  return summary.summary();
}

/** Tools listed by name in /stats; the rest are one "other" row. */
export const maxToolRows = 50;

/**
 * One summary per tool, busiest first. Any client may name itself, so past the `limit` busiest the rest
 * are summed as one "other" row: 5,000 invented names must not make /stats megabytes long.
 */
export function summariseByTool(records: readonly StatsRecord[], limit = maxToolRows): Array<{ client: string } & StatsSummary> {
  const byClient = new Map<string, StatsRecord[]>();
  for (const record of records) {
    const group = byClient.get(record.client);
    if (group) group.push(record);
    else byClient.set(record.client, [record]);
  }
  const ranked = [...byClient].sort(([a, ga], [b, gb]) => gb.length - ga.length || a.localeCompare(b));
  const kept = ranked.slice(0, limit);
  const rest = ranked.slice(limit).flatMap(([, group]) => group);
  const rows = kept.map(([client, group]) => ({ client, ...summarise(group) }));
  if (rest.length > 0) rows.push({ client: 'other', ...summarise(rest) });
  return rows;
}

/** One summary per virtual key (null: the gateway key or an open gateway), busiest first. */
export function summariseByKey(records: readonly StatsRecord[]): Array<{ keyAlias: string | null } & StatsSummary> {
  const byKey = new Map<string | null, StatsRecord[]>();
  for (const record of records) {
    // Records written before virtual keys existed have no keyAlias at all.
    const alias = record.keyAlias ?? null;
    const group = byKey.get(alias);
    if (group) group.push(record);
    else byKey.set(alias, [record]);
  }
  return [...byKey]
    .map(([keyAlias, group]) => ({ keyAlias, ...summarise(group) }))
    .sort((a, b) => b.requests - a.requests || String(a.keyAlias).localeCompare(String(b.keyAlias)));
}

/** Nearest-rank percentiles: a value that actually occurred, not an interpolation. */
export function percentiles(values: readonly number[]): { p50: number; p95: number } {
  if (values.length === 0) return { p50: 0, p95: 0 };
  // A typed array sorts numbers natively, several times faster than Array#sort with a comparator.
  const sorted = Float64Array.from(values).sort();
  const rank = (p: number): number => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
  return { p50: rank(0.5), p95: rank(0.95) };
}
