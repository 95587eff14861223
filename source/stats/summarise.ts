import type { PromptChurn } from './prompt-churn.js';
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
  /**
   * USD at providers and USD saved; requests on models without a price add nothing and are counted.
   * savedUsd is null when tokens were saved but none of those savings had a price: "unpriced", not $0.
   */
  cost: { usd: number; savedUsd: number | null; unpricedRequests: number };
  /** Prompt churn: of the requests compared with the tool's previous one, how many changed its system prompt or tools. */
  churn: { compared: number; changed: number; systemBytes: number; toolsBytes: number; last: (PromptChurn & { time: string }) | null };
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
    cost: {
      usd: roundUsd(sum((r) => r.costUsd ?? 0)),
      savedUsd: savedUsdOf(records),
      unpricedRequests: records.filter((r) => (r.inputTokens > 0 && r.costUsd === null) || (r.tokensSaved > 0 && r.costSavedUsd === null)).length,
    },
    churn: churnOf(records),
  };
}

/** The priced part of the savings; null when there were savings and no price applied to any of them. */
function savedUsdOf(records: readonly RequestRecord[]): number | null {
  const saving = records.filter((r) => r.tokensSaved > 0 || (r.costSavedUsd ?? 0) > 0);
  if (saving.length > 0 && saving.every((r) => r.costSavedUsd === null)) return null;
  return roundUsd(records.reduce((total, r) => total + (r.costSavedUsd ?? 0), 0));
}

/** Nano-dollars: sums of many small floats otherwise print as 0.30000000000000004. */
function roundUsd(usd: number): number {
  return Math.round(usd * 1e9) / 1e9;
}

function churnOf(records: readonly RequestRecord[]): StatsSummary['churn'] {
  const compared = records.filter((r) => r.churn);
  const changed = compared.filter((r) => r.churn!.systemBytes > 0 || r.churn!.toolsBytes > 0);
  const last = changed.at(-1);
  return {
    compared: compared.length,
    changed: changed.length,
    systemBytes: changed.reduce((total, r) => total + r.churn!.systemBytes, 0),
    toolsBytes: changed.reduce((total, r) => total + r.churn!.toolsBytes, 0),
    last: last ? { time: last.time, ...last.churn! } : null,
  };
}

/** One summary per tool, busiest first. */
export function summariseByTool(records: readonly RequestRecord[]): Array<{ client: string } & StatsSummary> {
  const byClient = new Map<string, RequestRecord[]>();
  for (const record of records) {
    const group = byClient.get(record.client);
    if (group) group.push(record);
    else byClient.set(record.client, [record]);
  }
  return [...byClient]
    .map(([client, group]) => ({ client, ...summarise(group) }))
    .sort((a, b) => b.requests - a.requests || a.client.localeCompare(b.client));
}

/** One summary per virtual key (null: the gateway key or an open gateway), busiest first. */
export function summariseByKey(records: readonly RequestRecord[]): Array<{ keyAlias: string | null } & StatsSummary> {
  const byKey = new Map<string | null, RequestRecord[]>();
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
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number): number => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
  return { p50: rank(0.5), p95: rank(0.95) };
}
