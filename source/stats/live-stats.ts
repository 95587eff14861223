import type { RequestLog } from '../state/request-log.js';
import type { RequestRecord, StatsRecord } from './request-record.js';
import { groupOf, SummaryAccumulator } from './stats-accumulator.js';
import { buildStatsReport, reportOf, type StatsReport } from './stats-report.js';
import { maxToolRows, type StatsSummary } from './summarise.js';

/** Tools the running summary tells apart; later new names are summed into "other". */
const maxLiveTools = 1000;

interface Summaries {
  generation: number;
  total: SummaryAccumulator;
  tools: Map<string, SummaryAccumulator>;
  /** Tools first seen after `maxLiveTools` others: summed together, never listed by name. */
  overflow: SummaryAccumulator;
  keys: Map<string | null, SummaryAccumulator>;
  skipped: number;
}

/**
 * The gateway's request log with a running summary beside it: `GET /stats` without `?since` (what the
 * dashboard polls every 2 s) answers from the summary, which each finished request updates, instead of
 * reading and summarising up to 16 MB of records. The summary starts again from the log whenever the log
 * drops records (a rotation); a window (`?since=`), or a log shared with other instances, is read as before.
 */
export class LiveStats {
  readonly #log: RequestLog;
  #summaries: Summaries | undefined;

  constructor(log: RequestLog) {
    this.#log = log;
  }

  append(record: RequestRecord): void {
    this.#log.append(record);
    const summaries = this.#summaries;
    if (!summaries) return;
    if (this.#log.generation?.() !== summaries.generation) this.#summaries = undefined;
    else add(summaries, record);
  }

  async report(sinceMs: number | undefined): Promise<StatsReport> {
    const generation = this.#log.generation?.();
    if (sinceMs !== undefined || generation === undefined) return buildStatsReport(this.#log, sinceMs);
    if (!this.#summaries || this.#summaries.generation !== generation) {
      const summaries: Summaries = { generation, total: new SummaryAccumulator(), tools: new Map(), overflow: new SummaryAccumulator(), keys: new Map(), skipped: 0 };
      // A log that visits its records (the file's columns) builds no array of them.
      if (this.#log.each) summaries.skipped = this.#log.each(0, (record) => add(summaries, record)).skipped;
      else {
        const read = await this.#log.read(0);
        summaries.skipped = read.skipped;
        for (const record of read.records) add(summaries, record);
      }
      // Another record may have rotated the log while it was read: keep the summary only if it is current.
      if (this.#log.generation?.() === generation) this.#summaries = summaries;
      return fromSummaries(summaries);
    }
    return fromSummaries(this.#summaries);
  }
}

function add(summaries: Summaries, record: StatsRecord): void {
  summaries.total.add(record);
  // Any client may name itself: a client that invents a name per request must not grow this map (and
  // /stats) without end. Names seen before the map is full keep their own summary.
  const tool = summaries.tools.get(record.client) ?? (summaries.tools.size < maxLiveTools ? groupOf(summaries.tools, record.client) : summaries.overflow);
  tool.add(record);
  // Records written before virtual keys existed have no keyAlias at all.
  groupOf(summaries.keys, record.keyAlias ?? null).add(record);
}

/** The busiest `maxToolRows` tools by name, the rest as one "other" row, as summariseByTool lists them. */
function toolRows(summaries: Summaries): Array<{ client: string } & StatsSummary> {
  const ranked = [...summaries.tools].map(([client, group]) => ({ client, group, requests: group.requests }));
  ranked.sort((a, b) => b.requests - a.requests || a.client.localeCompare(b.client));
  const rows = ranked.slice(0, maxToolRows).map(({ client, group }) => ({ client, ...group.summary() }));
  const rest = ranked.slice(maxToolRows);
  if (rest.length > 0 || summaries.overflow.requests > 0) {
    const other = new SummaryAccumulator();
    for (const { group } of rest) other.merge(group);
    other.merge(summaries.overflow);
    rows.push({ client: 'other', ...other.summary() });
  }
  return rows;
}


function fromSummaries(summaries: Summaries): StatsReport {
  return reportOf(
    undefined,
    summaries.total.summary(),
    toolRows(summaries),
    [...summaries.keys].map(([keyAlias, group]) => ({ keyAlias, ...group.summary() })),
    summaries.skipped,
  );
}
