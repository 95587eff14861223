/**
 * Deep-frozen JSON values, and memos of what is computed from them.
 *
 * A part of a request body that recurs across requests (json/recurring-parts.ts) is parsed once and
 * shared, frozen, by every request that carries it; so is a trimmed message L2.5 remembers. Whatever a
 * layer derives from such a part alone (its fingerprint, its JSON, its masked copy) is the same every
 * time, and is remembered with the part: a WeakMap entry that lives as long as the part does.
 */

/** Every object frozen by deepFreeze, with everything inside it. */
const deeplyFrozen = new WeakSet<object>();

/** Freezes a JSON value and everything in it; returns it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || deeplyFrozen.has(value)) return value;
  for (const field of Object.values(value)) deepFreeze(field);
  Object.freeze(value);
  deeplyFrozen.add(value);
  return value;
}

/** Whether nothing in `value` can change any more (a deepFreeze'd object). */
export function isDeeplyFrozen(value: unknown): value is object {
  return typeof value === 'object' && value !== null && deeplyFrozen.has(value);
}

/** A value computed from a deeply frozen part, remembered with it; computed each time for anything else. */
export class FrozenPartMemo<V> {
  readonly #values = new WeakMap<object, V>();

  get(part: unknown, compute: () => V): V {
    if (!isDeeplyFrozen(part)) return compute();
    const known = this.#values.get(part);
    if (known !== undefined) return known;
    const value = compute();
    this.#values.set(part, value);
    return value;
  }

  /**
   * For a memo of derived copies (a masked or restamped message): like get, and the copy made from a
   * frozen part is frozen too, so that what is in turn computed from the copy is remembered as well.
   */
  getShared(part: unknown, compute: () => V): V {
    return this.get(part, () => (isDeeplyFrozen(part) ? deepFreeze(compute()) : compute()));
  }
}
