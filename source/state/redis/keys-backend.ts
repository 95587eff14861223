import type { Redis } from 'ioredis';
import type { KeysBackend } from '../keys-backend.js';
import { StoreUnavailableError } from '../store-unavailable.js';
import type { StoredVirtualKey } from '../virtual-key-record.js';
import { lastStreamId, type StreamReader } from './stream-reader.js';

/**
 * Virtual keys in Redis: one hash, `<prefix>:keys` (key id -> the stored key as JSON), so that two
 * instances changing different keys at once never lose each other's change. Each change is announced
 * on the stream `<prefix>:keys:changes`; every instance reads the hash again when another announces one,
 * and after a reconnect, so a key made or deleted anywhere applies everywhere within the reader's
 * round trip. Lookups are served from this instance's copy; one that misses reads the hash first
 * (reloadNow), so a new key works everywhere at once, before its announcement arrives.
 */
export class RedisKeysBackend implements KeysBackend {
  readonly #redis: Redis;
  readonly #hash: string;
  readonly #changes: string;
  readonly #instanceId: string;
  #keys: StoredVirtualKey[] = [];
  #changed = false;
  /** Bumped by every local save, so a reload that started before one does not undo it. */
  #generation = 0;
  readonly #writes = new Set<Promise<void>>();
  #failed: Error | undefined;
  /** The reload reloadNow() runs, and the one queued behind it for callers that came while it ran. */
  #reloading: Promise<void> | undefined;
  #queued: Promise<void> | undefined;

  constructor(redis: Redis, options: { prefix: string; instanceId: string }) {
    this.#redis = redis;
    this.#hash = `${options.prefix}:keys`;
    this.#changes = `${options.prefix}:keys:changes`;
    this.#instanceId = options.instanceId;
  }

  /** Reads every key, then follows the change announcements. */
  async open(reader: StreamReader): Promise<void> {
    const after = await lastStreamId(this.#redis, this.#changes);
    await this.reload();
    reader.follow(this.#changes, after, (entry) => {
      if (entry.fields.o !== this.#instanceId) void this.reload();
    });
  }

  async reload(): Promise<void> {
    const generation = this.#generation;
    let all: Record<string, string>;
    try {
      all = await this.#redis.hgetall(this.#hash);
    } catch {
      return;
    }
    if (generation !== this.#generation) return;
    const keys = Object.values(all)
      .flatMap((json) => {
        try {
          const key = JSON.parse(json) as StoredVirtualKey;
          return typeof key.id === 'string' && typeof key.tokenHash === 'string' ? [key] : [];
        } catch {
          return [];
        }
      })
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
    if (JSON.stringify(keys) === JSON.stringify(this.#keys)) return;
    this.#keys = keys;
    this.#changed = true;
  }

  /**
   * One HGETALL at a time however many lookups miss at once. A caller that comes while one runs waits for
   * the next: the running one may have read the hash before the key it looks for was written.
   */
  reloadNow(): Promise<void> {
    if (this.#redis.status !== 'ready') return Promise.resolve();
    if (!this.#reloading) {
      this.#reloading = this.reload().finally(() => (this.#reloading = undefined));
      return this.#reloading;
    }
    this.#queued ??= this.#reloading.then(() => {
      this.#queued = undefined;
      return this.reloadNow();
    });
    return this.#queued;
  }

  refresh(): boolean {
    const changed = this.#changed;
    this.#changed = false;
    return changed;
  }

  current(): readonly StoredVirtualKey[] {
    return this.#keys;
  }

  save(next: readonly StoredVirtualKey[]): void {
    const previous = this.#keys;
    const before = new Map(previous.map((key) => [key.id, JSON.stringify(key)]));
    const after = new Map(next.map((key) => [key.id, JSON.stringify(key)]));
    this.#keys = [...next];
    this.#generation += 1;
    const changed = [...after].filter(([id, json]) => before.get(id) !== json);
    const removed = [...before.keys()].filter((id) => !after.has(id));
    if (changed.length === 0 && removed.length === 0) return;
    if (this.#redis.status !== 'ready') {
      // Not kept on this instance alone: the change is refused (saved() says so).
      this.#keys = previous;
      this.#failed = unavailable();
      return;
    }
    const transaction = this.#redis.multi();
    if (changed.length > 0) transaction.hset(this.#hash, Object.fromEntries(changed));
    if (removed.length > 0) transaction.hdel(this.#hash, ...removed);
    transaction.xadd(this.#changes, 'MAXLEN', '~', '1000', '*', 'o', this.#instanceId);
    const write = transaction
      .exec()
      .then((results) => {
        const failed = results?.find(([error]) => error);
        if (!results || failed) throw failed?.[0] ?? new Error('transaction aborted');
      })
      .catch(() => {
        this.#failed = unavailable();
        // This instance's copy may now differ from Redis: read it again once Redis answers.
        this.#generation += 1;
        void this.reload();
      })
      .finally(() => this.#writes.delete(write));
    this.#writes.add(write);
  }

  async saved(): Promise<void> {
    await Promise.all(this.#writes);
    const failed = this.#failed;
    this.#failed = undefined;
    if (failed) throw failed;
  }
}

function unavailable(): StoreUnavailableError {
  return new StoreUnavailableError('The shared store (Redis) is unreachable, so the key change could not be shared with the other instances.', {
    hint: 'Retry once Redis is back (`isartor status` and /health show it); the change may be undone when this instance reads the keys again.',
  });
}
