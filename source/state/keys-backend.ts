import type { StoredVirtualKey } from './virtual-key-record.js';

export type RefreshMode = 'throttled' | 'now' | 'strict';

/** Where the keys live: a file in the state dir, or memory (tests, embedding). */
export interface KeysBackend {
  /**
   * Reads again when the file changed since the last read; true when it did. `throttled` looks at most once
   * per recheck interval; `now` looks at once; `strict` also throws when the file is broken (before a write).
   */
  refresh(mode?: RefreshMode): boolean;
  current(): readonly StoredVirtualKey[];
  /** Replaces every key: the caller read them fresh (refresh('strict')) just before. */
  save(keys: readonly StoredVirtualKey[]): void;
  /**
   * Changes the keys as one step across processes: `change` gets the keys as stored right now and returns
   * the new list, written before any other writer reads (the keys file holds a lock for it). A throw from
   * `change` writes nothing. Without it, a change is refresh('strict') + save, atomic only within a process.
   */
  transact?(change: (current: readonly StoredVirtualKey[]) => readonly StoredVirtualKey[]): void;
  /** Resolves once every save reached where other instances read it (a shared store); rejects when it could not. */
  saved?(): Promise<void>;
  /**
   * A shared store: reads every key again now, because a lookup missed (a key made on another instance a
   * moment ago is announced to this one a little later). Resolves when done, also when it could not ask.
   */
  reloadNow?(): Promise<void>;
}

export function memoryKeysBackend(initial: readonly StoredVirtualKey[] = []): KeysBackend {
  let keys = [...initial];
  return {
    refresh: () => false,
    current: () => keys,
    save: (next) => {
      keys = [...next];
    },
  };
}
