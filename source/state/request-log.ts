import type { RequestRecord } from './request-record.js';

export interface RecordsRead {
  records: RequestRecord[];
  /** Lines (or entries) that could not be read. */
  skipped: number;
}

/** Where a gateway keeps its request records, and reads them back for `/stats`: a file, memory, or Redis (asynchronous). */
export interface RequestLog {
  append(record: RequestRecord): void;
  /** Records since `sinceMs`, oldest first. */
  read(sinceMs?: number): RecordsRead | Promise<RecordsRead>;
}

/** A bounded in-memory log, for gateways without a state dir (tests, embedding). */
export class MemoryRequestLog implements RequestLog {
  readonly records: RequestRecord[] = [];
  readonly #max: number;

  constructor(max = 10_000) {
    this.#max = max;
  }

  append(record: RequestRecord): void {
    this.records.push(record);
    if (this.records.length > this.#max) this.records.splice(0, this.records.length - this.#max);
  }

  read(sinceMs = 0): { records: RequestRecord[]; skipped: number } {
    return { records: this.records.filter((record) => Date.parse(record.time) >= sinceMs), skipped: 0 };
  }
}
