import { isDeepStrictEqual } from 'node:util';
import jju from 'jju';
import JSON5 from 'json5';
import { UserError } from '../../user-error.js';
import { isStrictJson, parseConfigObject, valueAt } from './json-value.js';

export type DocumentPath = ReadonlyArray<string | number>;

/**
 * A user's JSON or JSON5 config edited by minimal text changes: comments, key order, quoting, trailing
 * commas and indentation survive, and new keys follow the file's own style (unquoted keys stay unquoted).
 * jju reconciles the text with the wanted value through its token stream; removing what an edit added
 * gives back the same bytes, which a surgical undo needs. A strict JSON file stays strict JSON.
 */
export class Json5Document {
  #text: string;
  #value: Record<string, unknown>;
  readonly #path: string;

  private constructor(text: string, value: Record<string, unknown>, path: string) {
    this.#text = text;
    this.#value = value;
    this.#path = path;
  }

  /** Parses a config file as its reader (JSON5) would; one that does not parse is refused with line and column. */
  static parse(text: string, path: string): Json5Document {
    return new Json5Document(text, parseConfigObject(text, path), path);
  }

  get text(): string {
    return this.#text;
  }

  /** The current value (a copy: change it through set). */
  get value(): Record<string, unknown> {
    return structuredClone(this.#value);
  }

  get(path: DocumentPath): unknown {
    return valueAt(this.#value, path);
  }

  /** Sets the value at a path (undefined removes it), creating missing parents as objects. */
  set(path: DocumentPath, value: unknown): void {
    if (path.length === 0) throw new Error('Json5Document.set needs a path');
    const next = structuredClone(this.#value);
    if (!assign(next, path, value)) return;
    if (isDeepStrictEqual(next, this.#value)) return;
    this.#text = this.#reconcile(next, path);
    this.#value = next;
  }

  #reconcile(next: Record<string, unknown>, path: DocumentPath): string {
    if (this.#text.trim() === '') return `${JSON.stringify(next, null, 2)}\n`;
    const style = styleOf(this.#text);
    // A file that is only `{}` has no style to keep: write it out whole.
    if (Object.keys(this.#value).length === 0 && !style.hasComments) {
      return `${style.options.mode === 'json' ? JSON.stringify(next, null, style.options.indent) : jju.stringify(next, style.options)}\n`;
    }
    const refused = new UserError(`isartor could not edit ${this.#path} in place without changing more than it meant to. Nothing was changed.`, {
      hint: 'Please report this with the file (secrets removed); meanwhile make the change by hand.',
    });
    let updated: string;
    try {
      updated = keepTrailingComment(this.#text, this.#update(next, path, style));
    } catch {
      // JSON5 read the file, so jju's editor meeting something it cannot write is isartor's limit, not the file's fault.
      throw refused;
    }
    // Trust, but check: the text must read back as exactly the value meant.
    if (!isDeepStrictEqual(JSON5.parse(updated), next)) throw refused;
    return updated;
  }

  #update(next: Record<string, unknown>, path: DocumentPath, style: FileStyle): string {
    // The container the edit lands in, and the value written into it.
    let depth = path.length - 1;
    while (depth > 0 && !isContainer(valueAt(this.#value, path.slice(0, depth)))) depth--;
    const into = path.slice(0, depth);
    const written = valueAt(next, path.slice(0, depth + 1));
    if (isContainer(written) && Object.keys(written).length > 0 && isInline(this.#text, this.#value, into)) {
      // jju writes a new structure into a one-line object without spaces (`{"a":1}`); it goes in as a
      // placeholder instead, replaced by the same value written the way the line around it is.
      const placeholder = `isartor-placeholder-${process.pid}-${Date.now()}`;
      const withPlaceholder = structuredClone(next);
      assign(withPlaceholder, path.slice(0, depth + 1), placeholder);
      const text = jju.update(this.#text, withPlaceholder, style.options);
      const raw = [`"${placeholder}"`, `'${placeholder}'`].find((candidate) => text.includes(candidate));
      if (raw) return text.replace(raw, () => inlineText(written, style));
    }
    // jju also writes into an empty object on its brace's line; replacing that object by null first makes
    // it write the new value out indented, in the same place.
    let text = this.#text;
    const empty = emptyContainerOn(this.#value, path);
    if (empty) {
      const blank = structuredClone(this.#value);
      assign(blank, empty, null);
      text = jju.update(text, blank, style.options);
    }
    return jju.update(text, next, style.options);
  }
}

/**
 * jju inserts a new last entry right after the previous entry's comma, before that entry's `// comment`,
 * and removes an entry from the previous comma on: either way the comment would change owner or vanish.
 * For a pure insertion or removal that starts at such a comment, the comment stays on its own line's end.
 */
function keepTrailingComment(before: string, after: string): string {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  const removed = before.slice(start, before.length - end);
  const inserted = after.slice(start, after.length - end);
  if (removed !== '' && inserted !== '') return after;
  const comment = /^[ \t]*\/\/[^\n]*/.exec(removed === '' ? before.slice(start) : removed)?.[0];
  if (!comment) return after;
  if (removed === '') {
    if (!inserted.startsWith('\n')) return after;
    return before.slice(0, start) + comment + inserted + before.slice(start + comment.length);
  }
  if (removed.length === comment.length) return after;
  return before.slice(0, start) + comment + before.slice(before.length - end);
}

interface FileStyle {
  options: { mode: 'json' | 'json5'; indent: string; quote: '"' | "'"; quote_keys: boolean; no_trailing_comma: boolean };
  hasComments: boolean;
}

/** How the file writes things: a strict JSON file stays strict JSON; a JSON5 one keeps its quotes and keys. */
function styleOf(text: string): FileStyle {
  const strict = isStrictJson(text);
  const style = jju.analyze(text, { mode: 'json5' });
  return {
    options: {
      mode: strict ? 'json' : 'json5',
      indent: style.indent || '  ',
      quote: !strict && style.quote === "'" ? "'" : '"',
      quote_keys: strict || style.quote_keys,
      no_trailing_comma: strict || !style.has_trailing_comma,
    },
    hasComments: style.has_comments,
  };
}

/**
 * Whether the object at `path` is written on one line. An empty one (`{}`) says nothing about the file's
 * habits, so its nearest non-empty parent decides.
 */
function isInline(text: string, value: Record<string, unknown>, path: DocumentPath): boolean {
  let at = [...path];
  while (at.length > 0 && Object.keys(valueAt(value, at) as object).length === 0) at = at.slice(0, -1);
  const tokens = jju.tokenize(text, { mode: 'json5' });
  const inside = (stack: unknown[]) => at.every((segment, index) => String(stack[index]) === String(segment)) && stack.length >= at.length;
  const isOwn = (token: { stack: unknown[] }) => token.stack.length === at.length && inside(token.stack);
  const open = tokens.findIndex((token) => isOwn(token) && (token.raw === '{' || token.raw === '['));
  const close = tokens.findLastIndex((token) => isOwn(token) && (token.raw === '}' || token.raw === ']'));
  if (open === -1 || close === -1) return false;
  return !tokens.slice(open, close).some((token) => token.type === 'newline');
}

/** A value on one line, as such a file writes it: `{ key: 'value', list: ['a', 'b'] }`. */
function inlineText(value: unknown, style: FileStyle): string {
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `[${value.map((entry) => inlineText(entry, style)).join(', ')}]`;
  if (isContainer(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    const key = (name: string) => (style.options.quote_keys || !/^[A-Za-z_$][\w$]*$/.test(name) ? jju.stringify(name, { quote: style.options.quote }) : name);
    return `{ ${entries.map(([name, entry]) => `${key(name)}: ${inlineText(entry, style)}`).join(', ')} }`;
  }
  return jju.stringify(value, { mode: style.options.mode, quote: style.options.quote });
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === 'object' && value !== null;
}

/** Sets (or with undefined, deletes) a value in a plain object tree; false when there was nothing to delete. */
function assign(root: Record<string, unknown>, path: DocumentPath, value: unknown): boolean {
  let current: Record<string | number, unknown> = root;
  for (const segment of path.slice(0, -1)) {
    const child = current[segment];
    if (typeof child !== 'object' || child === null) {
      if (value === undefined) return false;
      current[segment] = {};
    }
    current = current[segment] as Record<string | number, unknown>;
  }
  const last = path[path.length - 1] as string | number;
  if (value === undefined) {
    if (!(last in current)) return false;
    if (Array.isArray(current) && typeof last === 'number') current.splice(last, 1);
    else delete current[last];
  } else {
    current[last] = value;
  }
  return true;
}

/** The deepest non-root object on the path that exists and is empty, if any. */
function emptyContainerOn(value: Record<string, unknown>, path: DocumentPath): DocumentPath | undefined {
  let found: DocumentPath | undefined;
  let current: unknown = value;
  for (let depth = 0; depth < path.length; depth++) {
    if (typeof current !== 'object' || current === null) break;
    current = (current as Record<string | number, unknown>)[path[depth] as string | number];
    const isEmptyObject = typeof current === 'object' && current !== null && Object.keys(current).length === 0;
    if (isEmptyObject) found = path.slice(0, depth + 1);
  }
  return found;
}
