import type { Redis } from 'ioredis';
import type { NearDuplicateEntries, NearDuplicateEntry } from '../near-duplicate-entries.js';
import { maxSharedAnswerBytes } from './exact-cache.js';
import { lastStreamId, type StreamEntry, type StreamReader } from './stream-reader.js';

/**
 * L1b entries in one Redis stream, `<prefix>:l1b`, capped at the index size (`maxEntries`, oldest
 * trimmed first). The stream is both the store and the announcement: an instance reads it whole at
 * start to build its index, then follows it to learn what the others add. Expired entries are skipped
 * by every reader; trimming bounds the rest.
 */
export class RedisNearDuplicateEntries implements NearDuplicateEntries {
  readonly #redis: Redis;
  readonly #stream: string;
  readonly #instanceId: string;
  readonly #maxEntries: number;
  readonly #reader: StreamReader;
  readonly #listeners = new Set<(entry: NearDuplicateEntry) => void>();

  constructor(redis: Redis, reader: StreamReader, options: { prefix: string; instanceId: string; maxEntries: number }) {
    this.#redis = redis;
    this.#reader = reader;
    this.#stream = `${options.prefix}:l1b`;
    this.#instanceId = options.instanceId;
    this.#maxEntries = options.maxEntries;
  }

  add(entry: NearDuplicateEntry): void {
    if (this.#redis.status !== 'ready' || Buffer.byteLength(entry.json) > maxSharedAnswerBytes) return;
    this.#redis
      .xadd(this.#stream, 'MAXLEN', '~', String(this.#maxEntries), '*', 'o', this.#instanceId, 'e', JSON.stringify(entry))
      .catch(() => {});
  }

  async loadAll(): Promise<NearDuplicateEntry[]> {
    const entries: NearDuplicateEntry[] = [];
    let after = '-';
    const upTo = await lastStreamId(this.#redis, this.#stream);
    // What others add from here on is followed; what is there now is read below.
    this.#follow(upTo);
    if (upTo === '0-0') return entries;
    for (;;) {
      const page = (await this.#redis.xrange(this.#stream, after, upTo, 'COUNT', 2000)) as Array<[string, string[]]>;
      for (const [, fields] of page) {
        const entry = parseEntry(fields[fields.indexOf('e') + 1]);
        if (entry) entries.push(entry);
      }
      if (page.length < 2000) break;
      after = `(${page[page.length - 1]![0]}`;
    }
    return entries;
  }

  onAdded(listener: (entry: NearDuplicateEntry) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #follow(afterId: string): void {
    this.#reader.follow(this.#stream, afterId, (item: StreamEntry) => {
      if (item.fields.o === this.#instanceId) return;
      const entry = parseEntry(item.fields.e);
      if (entry) for (const listener of this.#listeners) listener(entry);
    });
  }
}

function parseEntry(text: string | undefined): NearDuplicateEntry | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<NearDuplicateEntry>;
    if (typeof value.scope !== 'string' || typeof value.question !== 'string' || typeof value.json !== 'string' || typeof value.expiresAt !== 'number') return undefined;
    return value as NearDuplicateEntry;
  } catch {
    return undefined;
  }
}
