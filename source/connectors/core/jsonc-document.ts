import { applyEdits, modify, parse, printParseErrorCode, type FormattingOptions, type JSONPath, type ParseError } from 'jsonc-parser';
import { parseConfigObject } from './json-value.js';

/**
 * A user's config file edited the way VS Code edits settings: by minimal text edits, so comments, key
 * order, quoting and formatting survive. Values are read with JSON5 (what OpenClaw accepts); edits need
 * the JSONC subset (comments and trailing commas are fine, unquoted keys or single quotes are not).
 */
export class JsoncDocument {
  #text: string;
  readonly #formatting: FormattingOptions;

  private constructor(text: string) {
    this.#text = text;
    this.#formatting = detectFormatting(text);
  }

  /** Parses a config file; a file that does not parse is refused with its line and column. */
  static parse(text: string, path: string): { document: JsoncDocument; editable: boolean; value: Record<string, unknown> } {
    const value = parseConfigObject(text, path);
    const errors: ParseError[] = [];
    parse(text, errors, { allowTrailingComma: true, disallowComments: false });
    return { document: new JsoncDocument(text), editable: errors.length === 0, value };
  }

  static describeFirstJsoncProblem(text: string): string {
    const errors: ParseError[] = [];
    parse(text, errors, { allowTrailingComma: true, disallowComments: false });
    const first = errors[0];
    if (!first) return '';
    const line = text.slice(0, first.offset).split('\n').length;
    return `${printParseErrorCode(first.error)} at line ${line}`;
  }

  get text(): string {
    return this.#text;
  }

  /**
   * Sets (or with undefined, removes) the value at a path, creating parents as needed. A new key goes
   * first in its object: jsonc-parser reformats the lines an edit touches, and right after the opening
   * brace that is no line of the user's (appended last, it would reflow the previous entry's line and
   * move its trailing comment).
   */
  set(path: JSONPath, value: unknown): void {
    const edits = modify(this.#text, path, value, { formattingOptions: this.#formatting, getInsertionIndex: () => 0 });
    this.#text = applyEdits(this.#text, edits);
  }
}

/** Edits indent like the file already does: tabs, or the width of its first indented line. */
function detectFormatting(text: string): FormattingOptions {
  const indented = /\n([ \t]+)\S/.exec(text)?.[1];
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  if (indented?.startsWith('\t')) return { insertSpaces: false, tabSize: 1, eol };
  return { insertSpaces: true, tabSize: indented?.length ?? 2, eol };
}
