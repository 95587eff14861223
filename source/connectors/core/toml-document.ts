import { parse as parseForPatch, patch as patchToml } from '@decimalturn/toml-patch';
import { parse as parseToml, TomlError } from 'smol-toml';
import { UserError } from '../../user-error.js';

/**
 * A TOML config a connector edits, read with a strict parser (smol-toml) and changed by minimal text
 * edits (toml-patch), so that the user's comments, order, quoting and formatting survive. A file that
 * does not parse is refused with its line and column; an edit whose result would not read back as
 * intended is refused too, so a broken file is never written.
 */
export class TomlDocument {
  private constructor(
    readonly path: string,
    public text: string,
  ) {}

  /** Parses `text` (the file at `path`), or throws a UserError naming the line and column. */
  static parse(text: string, path: string): { document: TomlDocument; value: Record<string, unknown> } {
    return { document: new TomlDocument(path, text), value: readToml(text, path) };
  }

  /** The document's value as it stands. */
  value(): Record<string, unknown> {
    return readToml(this.text, this.path);
  }

  /**
   * Changes the document's value with `change` and rewrites only the text of what differs. The value
   * handed to `change` is toml-patch's own reading, so dates and numbers round-trip as they were.
   */
  edit(change: (value: Record<string, unknown>) => void): void {
    try {
      const value = parseForPatch(this.text) as Record<string, unknown>;
      change(value);
      this.text = patchToml(this.text, value);
    } catch (error) {
      throw new UserError(`${this.path} could not be edited in place (${error instanceof Error ? error.message.split('\n')[0] : String(error)}). Nothing was changed.`, {
        hint: 'Make the change by hand; `isartor connect codex --dry-run` shows what it would be.',
      });
    }
  }

  /** Appends a table at the end, after one blank line. */
  appendTable(header: string, fields: Record<string, string | Record<string, string>>): void {
    const lines = [`[${header}]`, ...Object.entries(fields).map(([key, value]) => `${tomlKey(key)} = ${tomlValue(value)}`)];
    const body = this.text.replace(/\s*$/, '');
    this.text = `${body}${body === '' ? '' : '\n\n'}${lines.join('\n')}\n`;
  }
}

function readToml(text: string, path: string): Record<string, unknown> {
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = error.message.split('\n')[0]?.replace(/^Invalid TOML document: /, '') ?? 'invalid TOML';
      throw new UserError(`${path} is not valid TOML (line ${error.line}, column ${error.column}: ${reason}). Nothing was changed.`, {
        hint: 'Fix the file (or move it aside), then run the command again.',
      });
    }
    throw error;
  }
}

/** Bare keys where TOML allows them, quoted otherwise. */
function tomlKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}

/** Strings as TOML basic strings (JSON's escapes are TOML's), tables of strings as inline tables. */
function tomlValue(value: string | Record<string, string>): string {
  if (typeof value === 'string') return JSON.stringify(value);
  return `{ ${Object.entries(value)
    .map(([key, inner]) => `${tomlKey(key)} = ${JSON.stringify(inner)}`)
    .join(', ')} }`;
}
