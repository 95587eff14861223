import { LRUCache } from 'lru-cache';

/**
 * A bounded LRU map: at most `maxEntries` entries and about `maxWeight` weight (the caller's measure,
 * e.g. characters); an entry heavier than the whole budget is not kept.
 *
 * Backed by lru-cache rather than a Map re-inserted on every hit: a Map keeps the slots of deleted keys
 * until it rehashes, and evicting "the oldest" walks past every one of them from the front, so a full
 * memo with thousands of entries paid microseconds per insert, on every request.
 */
export class LruMemo<V extends NonNullable<unknown>> {
  readonly #entries: LRUCache<string, V>;

  constructor(
    readonly maxEntries: number,
    readonly maxWeight: number,
  ) {
    this.#entries = new LRUCache<string, V>({ max: maxEntries, maxSize: maxWeight });
  }

  get size(): number {
    return this.#entries.size;
  }

  get weight(): number {
    return this.#entries.calculatedSize;
  }

  get(key: string): V | undefined {
    return this.#entries.get(key);
  }

  set(key: string, value: V, weight: number): void {
    // lru-cache counts whole positive sizes; one heavier than the budget is refused here, as before.
    if (weight > this.maxWeight) return;
    this.#entries.set(key, value, { size: Math.max(1, Math.ceil(weight)) });
  }

  clear(): void {
    this.#entries.clear();
  }
}
