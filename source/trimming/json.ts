/** Small JSON helpers the trimmer's files share. */
import { isRecord } from '../json/is-record.js';

export { deepFreeze } from '../json/frozen.js';
export { isRecord };

export function isTextBlock(value: unknown): value is Record<string, unknown> & { type: 'text'; text: string } {
  return isRecord(value) && value.type === 'text' && typeof value.text === 'string';
}

/**
 * The calls of a chat assistant message, as name and arguments (JSON text): its `tool_calls`, and the
 * legacy `function_call` (one call per message, before `tool_calls`). Calls without text arguments are left out.
 */
export function chatMessageCalls(message: Record<string, unknown>): Array<{ name: unknown; arguments: string }> {
  const functions = Array.isArray(message.tool_calls) ? message.tool_calls.map((call) => (isRecord(call) ? call.function : undefined)) : [];
  return [...functions, message.function_call].flatMap((fn) => (isRecord(fn) && typeof fn.arguments === 'string' ? [{ name: fn.name, arguments: fn.arguments }] : []));
}

/** Maps an array, returning the same array when no element changed. */
export function mapIfChanged<T>(items: readonly T[], map: (item: T) => T): T[] {
  let changed = false;
  const out = items.map((item) => {
    const next = map(item);
    if (next !== item) changed = true;
    return next;
  });
  return changed ? out : (items as T[]);
}

/** A structural copy; strings are immutable and shared. */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) out[key] = cloneJson(field);
    return out as T;
  }
  return value;
}

/** About how many characters a JSON value holds (its strings' lengths plus a little per node), without serialising it. */
export function approximateChars(value: unknown): number {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node === 'string') total += node.length + 2;
    else if (Array.isArray(node)) {
      total += 2;
      for (const item of node) stack.push(item);
    } else if (isRecord(node)) {
      for (const [key, field] of Object.entries(node)) {
        total += key.length + 4;
        stack.push(field);
      }
    } else total += 5;
  }
  return total;
}

