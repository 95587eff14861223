/**
 * What an input item of a Responses request is, for the cache keys. Codex gives its items fresh ids on
 * every run; those ids only name an item whose content travels with it, so keyed with them no Codex
 * request would ever repeat. Some ids are the content, though: an `item_reference` is nothing but the id
 * of an item the provider stored, and a reasoning item without `encrypted_content` stands for the stored
 * reasoning its id names. Those keep their id.
 */
import { FrozenPartMemo } from '../json/frozen.js';

/**
 * Fields of a Responses request that never reach the model and change on every request of a Codex
 * session: the provider-side prompt cache hint, the client's own turn metadata.
 */
export const unreadResponsesFields: ReadonlySet<string> = new Set(['prompt_cache_key', 'client_metadata']);

export function idIsContent(item: Record<string, unknown>): boolean {
  if (item.type === 'item_reference') return true;
  return item.type === 'reasoning' && !(typeof item.encrypted_content === 'string' && item.encrypted_content !== '');
}

const withoutIds = new FrozenPartMemo<unknown>();

/** The item without an `id` that only names it; the same item when it has none, or when its id is its content. */
export function withoutStorageId(item: unknown): unknown {
  if (typeof item !== 'object' || item === null || !('id' in item) || idIsContent(item as Record<string, unknown>)) return item;
  // Shared items (frozen, json/frozen.ts) are copied once, and the copy's fingerprint is remembered too.
  return withoutIds.getShared(item, () => {
    const { id: _id, ...rest } = item as Record<string, unknown>;
    return rest;
  });
}
