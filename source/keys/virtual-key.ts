import { createHash, randomBytes } from 'node:crypto';
import { maskSecret } from '../store/mask-secret.js';

import type { StoredVirtualKey } from '../state/virtual-key-record.js';

export type { StoredVirtualKey } from '../state/virtual-key-record.js';

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
