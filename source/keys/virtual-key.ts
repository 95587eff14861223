import { createHash, randomBytes } from 'node:crypto';
import { maskSecret } from '../store/mask-secret.js';

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

/** Virtual keys carry isartor's prefix, so an unknown or deleted one is told apart from any other credential. */
export const virtualKeyPrefix = 'sk-isr-';

/** A new key: the prefix and 32 random bytes in base64url (256 bits). Shown once, stored only as its hash. */
export function generateVirtualKey(): string {
  return `${virtualKeyPrefix}${randomBytes(32).toString('base64url')}`;
}

export function hashVirtualKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function looksLikeVirtualKey(credential: string | undefined): boolean {
  return credential?.startsWith(virtualKeyPrefix) ?? false;
}

export function maskVirtualKey(key: string): string {
  return maskSecret(key);
}

/** How a key is named in stats, metrics and messages: its alias, else its masked form. */
export function keyLabel(key: Pick<StoredVirtualKey, 'alias' | 'maskedKey'>): string {
  return key.alias ?? key.maskedKey;
}
