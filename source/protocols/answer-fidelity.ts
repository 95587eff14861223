/**
 * Answers rebuilt from a stream that had something the rebuild could not keep (a delta field this code
 * does not know). They still serve stats (usage), but a cache must not keep them: replayed later, they
 * would lack what the provider sent. A WeakSet, so marking costs nothing and holds nothing alive.
 */
const lossy = new WeakSet<object>();

export function markLossy(answer: object): void {
  lossy.add(answer);
}

/** Whether a cache may keep this answer: everything the provider sent is in it. */
export function isFaithful(answer: object): boolean {
  return !lossy.has(answer);
}

/** null, undefined, '' and [] carry nothing a replay would have to rebuild. */
export function isEmptyField(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}
