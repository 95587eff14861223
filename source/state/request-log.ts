import type { RequestRecord, StatsRecord } from './request-record.js';

export interface RecordsRead {
  /** What `/stats` summarises of each record (a log may keep no more than that; see RecordColumns). */
  records: StatsRecord[];
  /** Lines (or entries) that could not be read. */
  skipped: number;
}

/** Where a gateway keeps its request records, and reads them back for `/stats`: a file, memory, or Redis (asynchronous). */
export interface RequestLog {
  append(record: RequestRecord): void;
  /** Records since `sinceMs`, oldest first. */
  read(sinceMs?: number): RecordsRead | Promise<RecordsRead>;
  /**
   * Changes whenever records leave the log other than by being read (rotation, a bound), so a summary
   * kept beside the log knows when to start again. A log without it (shared with other instances) is
   * read for every summary.
   */
  generation?(): number;
  /**
   * Visits the records since `sinceMs`, oldest first, without building an array of them (a log that keeps
   * them as columns): `visit` may get one reused object, valid only during the call. Without it, `read`.
   */
  each?(sinceMs: number, visit: (record: StatsRecord) => void): { skipped: number };
  /** Resolves once every record appended so far is written (a log that batches its writes). */
  flush?(): Promise<void>;
}

/** A bounded in-memory log, for gateways without a state dir (tests, embedding). */
export class MemoryRequestLog implements RequestLog {
  readonly records: RequestRecord[] = [];
  readonly #max: number;
  #generation = 0;

  constructor(max = 10_000) {
    this.#max = max;
  }

  append(record: RequestRecord): void {
    this.records.push(record);
    if (this.records.length > this.#max) {
      this.records.splice(0, this.records.length - this.#max);
      this.#generation += 1;
    }
  }

  generation(): number {
    return this.#generation;
  }

  read(sinceMs = 0): { records: RequestRecord[]; skipped: number } {
    return { records: this.records.filter((record) => Date.parse(record.time) >= sinceMs), skipped: 0 };
  }
}
