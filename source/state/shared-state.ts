import type { ExactCacheState } from './exact-cache.js';
import type { KeysBackend } from './keys-backend.js';
import type { NearDuplicateEntries } from './near-duplicate-entries.js';
import type { RequestLog } from './request-log.js';
import type { RequestRecord } from './request-record.js';
import type { SpendStore, WindowStartOf } from './spend-ledger.js';

/** What `/health` and `isartor status` say about where state lives. Never a password. */
export interface StoreReport {
  kind: 'embedded' | 'redis';
  /** The Redis URL with its password masked; absent when embedded. */
  url?: string;
  /** False while the shared store is unreachable; always true when embedded. */
  connected: boolean;
  /** ISO time the connection was lost, while it is. */
  downSince?: string | null;
  /** Reconnections since start. */
  reconnects?: number;
  /** Request records and charges kept in memory until the store is back. */
  buffered?: { records: number; charges: number };
  /** What budgets do while the store is unreachable (`store.budgetPolicy`). */
  budgetPolicy?: 'local' | 'refuse';
}

/**
 * State shared by every gateway instance of a deployment, chosen at start. Embedded gateways do not
 * build one: their state stays in this process and its state dir (the file implementations in this
 * folder). The layers see only the interfaces, never which one they got.
 */
export interface SharedState {
  report(): StoreReport;
  exactCache(options: { ttlMs: number; maxBytes: number }): ExactCacheState;
  readonly nearDuplicateEntries: NearDuplicateEntries;
  readonly requestLog: RequestLog;
  /** Calls `listener` for each record another instance finishes; returns the unsubscribe. */
  onRemoteRecord(listener: (record: RequestRecord) => void): () => void;
  readonly keysBackend: KeysBackend;
  spendStore(windowStartOf: WindowStartOf): SpendStore;
  close(): Promise<void>;
}
