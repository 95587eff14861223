import type { LiveRequestRecord } from '../gateway-contracts.js';

/** 950, 1.2k, 3.4M: counts that fit a narrow column. */
export function formatCount(value: number): string {
  if (value < 1000) return String(Math.round(value));
  if (value < 1_000_000) return `${(value / 1000).toFixed(value < 10_000 ? 1 : 0)}k`;
  return `${(value / 1_000_000).toFixed(value < 10_000_000 ? 1 : 0)}M`;
}

export { formatUsd } from '../../stats/format-usd.js';

export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

export function formatMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(1)} ms`;
}

/** One request of the log, e.g. `12:00:01 openclaw       l1a  200    3 ms  openai/gpt-oss-120b  saved 1.2k tok`. */
export function requestLine(record: LiveRequestRecord, width: number): string {
  const time = record.time.length >= 19 ? record.time.slice(11, 19) : record.time;
  const saved = record.tokensSaved > 0 ? `  saved ${formatCount(record.tokensSaved)} tok` : '';
  const line = `${time} ${record.client.slice(0, 13).padEnd(13)} ${record.layer.padEnd(7)} ${String(record.status).padStart(3)} ${formatMs(record.totalMs).padStart(7)}  ${record.model ?? '-'}${saved}`;
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}
