import type { RequestLog } from '../state/request-log.js';
import type { StatsRecord } from './request-record.js';
import { groupOf, SummaryAccumulator } from './stats-accumulator.js';
import { maxToolRows, summarise, summariseByKey, summariseByTool, type StatsSummary } from './summarise.js';

/** What `isartor stats --json` prints and `GET /stats` answers: one shape for scripts and live views. */
export interface StatsReport {
  /** ISO time of the oldest request counted; null: everything kept. */
  since: string | null;
  total: StatsSummary;
  /** One summary per tool, busiest first. */
  tools: Array<{ client: string } & StatsSummary>;
  /** One summary per virtual key alias (null: the gateway key or an open gateway), busiest first. */
  keys: Array<{ keyAlias: string | null } & StatsSummary>;
  /** Lines of the request log that could not be read (torn by a crash, edited by hand). */
  skippedLines: number;
}

export async function buildStatsReport(log: RequestLog, sinceMs: number | undefined): Promise<StatsReport> {
  if (log.each) return reportByVisiting(log.each.bind(log), sinceMs);
  const { records, skipped } = await log.read(sinceMs ?? 0);
  return reportOf(sinceMs, summarise(records), summariseByTool(records), summariseByKey(records), skipped);
}

/**
 * The same report from a log that visits its records (the request log file keeps them as columns), in
 * one pass with no array of records built: each tool and key takes its records in log order, as
 * summariseByTool and summariseByKey add them, so every number is the same.
 */
function reportByVisiting(each: NonNullable<RequestLog['each']>, sinceMs: number | undefined): StatsReport {
  const total = new SummaryAccumulator();
  const tools = new Map<string, SummaryAccumulator>();
  const keys = new Map<string | null, SummaryAccumulator>();
  const { skipped } = each(sinceMs ?? 0, (record) => {
    total.add(record);
    groupOf(tools, record.client).add(record);
    // Records written before virtual keys existed have no keyAlias at all.
    groupOf(keys, record.keyAlias ?? null).add(record);
  });
  const ranked = [...tools].sort(([a, ga], [b, gb]) => gb.requests - ga.requests || a.localeCompare(b));
  const rows = ranked.slice(0, maxToolRows).map(([client, group]) => ({ client, ...group.summary() }));
  if (ranked.length > maxToolRows) {
    // summariseByTool sums the rest tool after tool, busiest first: their records in that order, for the same sums.
    const rest = new Map(ranked.slice(maxToolRows).map(([client]) => [client, [] as StatsRecord[]]));
    each(sinceMs ?? 0, (record) => rest.get(record.client)?.push({ ...{}, ...record, time: record.time, churn: record.churn }));
    rows.push({ client: 'other', ...summarise([...rest.values()].flat()) });
  }
  return reportOf(
    sinceMs,
    total.summary(),
    rows,
    [...keys].map(([keyAlias, group]) => ({ keyAlias, ...group.summary() })),
    skipped,
  );
}


/** The report's shape, tools and keys busiest first (ties by name), from summaries made either way. */
export function reportOf(
  sinceMs: number | undefined,
  total: StatsSummary,
  tools: Array<{ client: string } & StatsSummary>,
  keys: Array<{ keyAlias: string | null } & StatsSummary>,
  skipped: number,
): StatsReport {
  return {
    since: sinceMs ? new Date(sinceMs).toISOString() : null,
    total,
    tools: tools.sort((a, b) => b.requests - a.requests || a.client.localeCompare(b.client)),
    keys: keys.sort((a, b) => b.requests - a.requests || String(a.keyAlias).localeCompare(String(b.keyAlias))),
    skippedLines: skipped,
  };
}

const units = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `30m`, `24h`, `7d` (before now) or a date, as epoch ms; undefined when it is neither. */
export function parseSince(value: string, now = Date.now()): number | undefined {
  const relative = /^(\d{1,12})\s*([smhd])$/.exec(value.trim());
  // Further back than a date can be written is "everything": 0, not a date that breaks toISOString.
  if (relative) return Math.max(0, now - Number(relative[1]) * units[relative[2] as keyof typeof units]);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : date;
}
