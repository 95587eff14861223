import JSON5 from 'json5';
import { isRecord } from '../../json/is-record.js';
import { UserError } from '../../user-error.js';

export { isRecord };

/** The value at a path of a parsed JSON/JSON5 document, or undefined when any step is missing. */
export function valueAt(value: unknown, path: ReadonlyArray<string | number>): unknown {
  let current = value;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/** Whether the text is plain JSON (no comments, trailing commas or other JSON5). */
export function isStrictJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * A config file's value as its reader (JSON5, which also reads JSON and JSONC) sees it: a file that does
 * not parse, or is not an object, is refused with line and column, before anything is changed.
 */
export function parseConfigObject(text: string, path: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = text.trim() === '' ? {} : JSON5.parse(text);
  } catch (error) {
    const { lineNumber, columnNumber, message } = error as { lineNumber?: number; columnNumber?: number; message: string };
    const where = lineNumber === undefined ? '' : ` at line ${lineNumber}, column ${columnNumber}`;
    // JSON5 ends its message with the position too ("... at 3:6"): said once, in words.
    throw new UserError(`${path} does not parse${where}: ${message.replace(/^JSON5: /, '').replace(/ at \d+:\d+$/, '')}. Nothing was changed.`, {
      hint: 'Fix the file (the program that reads it would not load it either), then run the command again.',
    });
  }
  if (!isRecord(value)) throw new UserError(`${path} is not a JSON object. Nothing was changed.`, { hint: 'Fix the file, then run the command again.' });
  return value;
}
