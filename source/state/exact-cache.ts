/**
 * Where L1a keeps answers by exact key: a file-backed LRU in this process (the embedded default), or
 * Redis shared by every instance. A lookup may be asynchronous (Redis); a store never blocks the answer.
 */
export interface ExactCacheState {
  /** The stored answer's JSON text, or undefined when absent, expired or unreachable. */
  get(key: string): string | undefined | Promise<string | undefined>;
  /** Keeps a complete answer (in the caller's protocol) under its key, for the configured TTL. */
  set(key: string, completion: object): void;
  close(): Promise<void>;
}
