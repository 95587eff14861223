/**
 * One L1b answer as it is shared: the question as asked (each instance computes its features and
 * indexes it itself) and the answer's JSON text. Plain data, so that state needs no caching code.
 */
export interface NearDuplicateEntry {
  scope: string;
  question: string;
  json: string;
  /** Epoch ms after which it is no longer served. */
  expiresAt: number;
}

/**
 * Where L1b answers live beyond this process's index. Embedded: nowhere (the index is the store, in
 * memory). Redis: every instance's answers, announced as they are added, so that each instance's index
 * learns them, and read back in full when an instance starts.
 */
export interface NearDuplicateEntries {
  /** Shares an answer this instance stored. */
  add(entry: NearDuplicateEntry): void;
  /** Every live entry (oldest first), for an index being built at start. */
  loadAll(): Promise<NearDuplicateEntry[]>;
  /** Calls `listener` for each entry another instance adds from now on; returns the unsubscribe. */
  onAdded(listener: (entry: NearDuplicateEntry) => void): () => void;
}

/** The embedded default: L1b answers stay in this process's memory, as they always did. */
export const unsharedNearDuplicateEntries: NearDuplicateEntries = {
  add: () => {},
  loadAll: async () => [],
  onAdded: () => () => {},
};
