import type { Redis } from 'ioredis';
import { MemoryRequestLog, type RecordsRead, type RequestLog } from '../request-log.js';
import type { RequestRecord } from '../request-record.js';
import { lastStreamId, type StreamReader } from './stream-reader.js';

/** Records kept in memory while Redis is unreachable; past this the oldest are dropped (and counted). */
export const maxBufferedRecords = 10_000;

/**
 * The deployment's request records in one capped Redis stream, `<prefix>:records` (`store.maxRecords`,
 * oldest trimmed first), so `/stats` on any instance counts every instance's requests and each instance's
 * `/metrics` and `/events` see the others' as they happen. While Redis is unreachable, records wait in
 * memory (up to 10,000) and are written on reconnect, in order; `/stats` then answers from what this
 * instance has in memory.
 */
export class RedisRequestLog implements RequestLog {
  readonly #redis: Redis;
  readonly #stream: string;
  readonly #instanceId: string;
  readonly #maxRecords: number;
  readonly #buffer: RequestRecord[] = [];
  /** This instance's own recent records: what `/stats` answers from while Redis is away. */
  readonly #local = new MemoryRequestLog();
  readonly #remoteListeners = new Set<(record: RequestRecord) => void>();
  #flushing: Promise<void> | undefined;
  dropped = 0;

  constructor(redis: Redis, options: { prefix: string; instanceId: string; maxRecords: number }) {
    this.#redis = redis;
    this.#stream = `${options.prefix}:records`;
    this.#instanceId = options.instanceId;
    this.#maxRecords = options.maxRecords;
  }

  get buffered(): number {
    return this.#buffer.length;
  }

  append(record: RequestRecord): void {
    this.#local.append(record);
    if (this.#buffer.length > 0 || this.#redis.status !== 'ready') {
      this.#keep(record);
      // Order is kept: while older records wait, a new one waits behind them.
      if (this.#redis.status === 'ready') void this.flush();
      return;
    }
    this.#write([record]).catch(() => this.#keep(record));
  }

  async read(sinceMs = 0): Promise<RecordsRead> {
    if (this.#redis.status !== 'ready') return this.#local.read(sinceMs);
    try {
      const records: RequestRecord[] = [];
      let skipped = 0;
      let after = sinceMs > 0 ? `${sinceMs}-0` : '-';
      for (;;) {
        const page = (await this.#redis.xrange(this.#stream, after, '+', 'COUNT', 5000)) as Array<[string, string[]]>;
        for (const [, fields] of page) {
          const record = parseRecord(fields[fields.indexOf('r') + 1]);
          if (!record) skipped += 1;
          else if (Date.parse(record.time) >= sinceMs) records.push(record);
        }
        if (page.length < 5000) break;
        after = `(${page[page.length - 1]![0]}`;
      }
      // Records still waiting for Redis belong to the deployment too.
      for (const record of this.#buffer) if (Date.parse(record.time) >= sinceMs) records.push(record);
      return { records, skipped };
    } catch {
      return this.#local.read(sinceMs);
    }
  }

  /** Writes what waited while Redis was away; called on reconnect. */
  flush(): Promise<void> {
    this.#flushing ??= (async () => {
      try {
        while (this.#buffer.length > 0 && this.#redis.status === 'ready') {
          const batch = this.#buffer.slice(0, 500);
          await this.#write(batch);
          this.#buffer.splice(0, batch.length);
        }
      } catch {
        // Lost again: the rest waits for the next reconnect.
      } finally {
        this.#flushing = undefined;
      }
    })();
    return this.#flushing;
  }

  onRemoteRecord(listener: (record: RequestRecord) => void): () => void {
    this.#remoteListeners.add(listener);
    return () => this.#remoteListeners.delete(listener);
  }

  /** Follows the stream from its current end: other instances' records from now on. */
  async follow(reader: StreamReader): Promise<void> {
    reader.follow(this.#stream, await lastStreamId(this.#redis, this.#stream), (item) => {
      if (item.fields.o === this.#instanceId) return;
      const record = parseRecord(item.fields.r);
      if (record) for (const listener of this.#remoteListeners) listener(record);
    });
  }

  #keep(record: RequestRecord): void {
    this.#buffer.push(record);
    if (this.#buffer.length > maxBufferedRecords) {
      this.#buffer.shift();
      this.dropped += 1;
    }
  }

  async #write(records: readonly RequestRecord[]): Promise<void> {
    const pipeline = this.#redis.pipeline();
    for (const record of records) {
      pipeline.xadd(this.#stream, 'MAXLEN', '~', String(this.#maxRecords), '*', 'o', this.#instanceId, 'r', JSON.stringify(record));
    }
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([error]) => error);
    if (failed) throw failed[0];
  }
}

function parseRecord(text: string | undefined): RequestRecord | undefined {
  if (!text) return undefined;
  try {
    const record = JSON.parse(text) as RequestRecord;
    return typeof record.time === 'string' && typeof record.layer === 'string' ? record : undefined;
  } catch {
    return undefined;
  }
}
