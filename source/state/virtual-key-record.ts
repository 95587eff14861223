/** What the keys file keeps of a virtual key: never the key itself, only its sha256. */
export interface StoredVirtualKey {
  /** Short random id: the key's cache partition (`vkey:<id>`) and its name in the spend ledger. */
  id: string;
  /** sha256 (hex) of the key; LiteLLM calls this the token. */
  tokenHash: string;
  /** Enough of the key to recognise it: `sk-i…wxyz`. */
  maskedKey: string;
  alias: string | null;
  /** Models the key may ask for (aliases count); empty: all of them. */
  models: string[];
  /** USD the key may spend per budget window; null: no limit. */
  maxBudget: number | null;
  /** How often spend goes back to 0 (`30d`); null: never. */
  budgetDuration: string | null;
  /** ISO time budget windows count from: creation, or the last change of budget_duration. */
  budgetAnchor: string;
  /** ISO time after which the key is refused; null: never. */
  expires: string | null;
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}
