import type { RequestLog } from '../state/request-log.js';
import type { RequestRecord } from './request-record.js';
import { SummaryAccumulator } from './stats-accumulator.js';
import { buildStatsReport, reportOf, type StatsReport } from './stats-report.js';

interface Summaries {
  generation: number;
  total: SummaryAccumulator;
  tools: Map<string, SummaryAccumulator>;
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
      const read = await this.#log.read(0);
      const summaries: Summaries = { generation, total: new SummaryAccumulator(), tools: new Map(), keys: new Map(), skipped: read.skipped };
      for (const record of read.records) add(summaries, record);
      // Another record may have rotated the log while it was read: keep the summary only if it is current.
      if (this.#log.generation?.() === generation) this.#summaries = summaries;
      return fromSummaries(summaries);
    }
    return fromSummaries(this.#summaries);
  }
}

function add(summaries: Summaries, record: RequestRecord): void {
  summaries.total.add(record);
  groupOf(summaries.tools, record.client).add(record);
  // Records written before virtual keys existed have no keyAlias at all.
  groupOf(summaries.keys, record.keyAlias ?? null).add(record);
}

function groupOf<K>(groups: Map<K, SummaryAccumulator>, key: K): SummaryAccumulator {
  let group = groups.get(key);
  if (!group) groups.set(key, (group = new SummaryAccumulator()));
  return group;
}

function fromSummaries(summaries: Summaries): StatsReport {
  return reportOf(
    undefined,
    summaries.total.summary(),
    [...summaries.tools].map(([client, group]) => ({ client, ...group.summary() })),
    [...summaries.keys].map(([keyAlias, group]) => ({ keyAlias, ...group.summary() })),
    summaries.skipped,
  );
}
