import type { Redis } from 'ioredis';
import type { ExactCacheState } from '../exact-cache.js';

/** An answer bigger than this is not shared: one huge answer should not evict thousands of small ones. */
export const maxSharedAnswerBytes = 1024 * 1024;

/**
 * L1a in Redis: one string per answer under `<prefix>:l1a:<key>`, expiring with the cache's TTL (Redis
 * expiry). The total is bounded by Redis itself (`maxmemory` with `volatile-lru` evicts only entries
 * that have a TTL, i.e. cached answers, never keys or spend); each answer is capped at min(the L1a
 * budget, 1 MiB). Unreachable Redis: a lookup misses and a store is dropped, the request goes on.
 */
export class RedisExactCache implements ExactCacheState {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #ttlMs: number;
  readonly #maxEntryBytes: number;

  constructor(redis: Redis, options: { prefix: string; ttlMs: number; maxBytes: number }) {
    this.#redis = redis;
    this.#prefix = `${options.prefix}:l1a:`;
    this.#ttlMs = options.ttlMs;
    this.#maxEntryBytes = Math.min(options.maxBytes, maxSharedAnswerBytes);
  }

  async get(key: string): Promise<string | undefined> {
    if (this.#redis.status !== 'ready') return undefined;
    try {
      return (await this.#redis.get(this.#prefix + key)) ?? undefined;
    } catch {
      return undefined;
    }
  }

  set(key: string, completion: object): void {
    if (this.#redis.status !== 'ready') return;
    const json = JSON.stringify(completion);
    if (Buffer.byteLength(json) > this.#maxEntryBytes) return;
    this.#redis.set(this.#prefix + key, json, 'PX', this.#ttlMs).catch(() => {});
  }

  async close(): Promise<void> {}
}
