/**
 * Parses a client's JSON body after two checks JSON.parse does not make:
 * - nesting deeper than `maxJsonDepth` is refused: JSON.parse accepts 10,000 levels, but every later
 *   JSON.stringify (cache keys, translation, the keys file) overflows the stack on them;
 * - a key twice in one object is refused: JSON.parse keeps the last `"model"`, a provider may keep the
 *   first, so the request would be authorised and priced for one model and served by another.
 * The scan is linear: one pass over the characters outside strings; strings are skipped with indexOf.
 */
export const maxJsonDepth = 128;

export type JsonBody = { ok: true; value: unknown } | { ok: false; reason: string; code: 'invalid_json' | 'json_too_deep' | 'duplicate_json_key' };

export function parseJsonBody(text: string): JsonBody {
  if (text.length === 0) return { ok: false, reason: 'the body is empty', code: 'invalid_json' };
  let value: unknown;
  try {
    const problem = scanStructure(text);
    if (problem) return problem;
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error), code: 'invalid_json' };
  }
  return { ok: true, value };
}

function scanStructure(text: string): Extract<JsonBody, { ok: false }> | undefined {
  // One entry per open container: the keys seen so far for an object, null for an array.
  const stack: Array<Set<string> | null> = [];
  let pendingKey: string | undefined;
  let expectKey = false;
  const length = text.length;
  for (let at = 0; at < length; at += 1) {
    switch (text.charCodeAt(at)) {
      case 0x7b: // {
      case 0x5b: // [
        stack.push(text.charCodeAt(at) === 0x7b ? new Set() : null);
        if (stack.length > maxJsonDepth) {
          return { ok: false, reason: `it nests deeper than ${maxJsonDepth} levels`, code: 'json_too_deep' };
        }
        expectKey = text.charCodeAt(at) === 0x7b;
        break;
      case 0x7d: // }
      case 0x5d: // ]
        stack.pop();
        expectKey = false;
        break;
      case 0x2c: // ,
        expectKey = stack.length > 0 && stack[stack.length - 1] !== null;
        break;
      case 0x3a: // :
        expectKey = false;
        if (pendingKey !== undefined) {
          const keys = stack[stack.length - 1];
          if (keys) {
            if (keys.has(pendingKey)) {
              return { ok: false, reason: `the key "${pendingKey.slice(0, 40)}" appears twice in one object`, code: 'duplicate_json_key' };
            }
            keys.add(pendingKey);
          }
          pendingKey = undefined;
        }
        break;
      case 0x22: {
        // A string: find its closing quote (one not escaped by an odd run of backslashes).
        let end = text.indexOf('"', at + 1);
        while (end !== -1 && isEscaped(text, end)) end = text.indexOf('"', end + 1);
        if (end === -1) return undefined; // JSON.parse reports the unterminated string
        if (expectKey) {
          const raw = text.slice(at + 1, end);
          // Escapes spell the same key two ways ("model" and "mod\u0065l"); decode only when there are some.
          pendingKey = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        }
        at = end;
        break;
      }
      default:
        break;
    }
  }
  return undefined;
}

function isEscaped(text: string, quote: number): boolean {
  let backslashes = 0;
  for (let i = quote - 1; i >= 0 && text.charCodeAt(i) === 0x5c; i -= 1) backslashes += 1;
  return backslashes % 2 === 1;
}
