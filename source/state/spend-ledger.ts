/** Where a key's budget window starts at a time; undefined for a key that no longer exists. */
export type WindowStartOf = (keyId: string, atMs: number) => number | undefined;

/** What each virtual key spent, per budget window and in total: a JSONL file today, Redis beside it. */
export interface SpendStore {
  /** Charges a paid request to a key (0 or less: nothing). */
  charge(keyId: string, usd: number, atMs: number): void;
  /** USD spent in the window `atMs` falls in. */
  windowSpend(keyId: string, atMs: number): number;
  totalSpend(keyId: string): number;
  /**
   * A shared store judges a budgeted request where every instance's spend is (atomically, in one step),
   * so instances never admit on stale sums; `unavailable` when it cannot be asked and its policy is to refuse.
   * Absent (the file): `windowSpend` decides.
   */
  admit?(keyId: string, windowStartMs: number, maxBudget: number): Promise<{ ok: boolean; spend: number; unavailable?: boolean }>;
  /** A shared store reads these keys' spend again (before key info is shown); absent: always current. */
  refresh?(keyIds: readonly string[]): Promise<void>;
  /** Lines (or entries) that could not be read back. */
  readonly skippedLines: number;
  close(): void;
}
