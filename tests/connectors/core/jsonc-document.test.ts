import { describe, expect, it } from 'vitest';
import { JsoncDocument } from '../../../source/connectors/core/jsonc-document.js';
import { Json5Document } from '../../../source/connectors/core/json5-document.js';

describe('JsoncDocument.parse (Claude Code settings.json)', () => {
  it('refuses what does not parse with line and column said once, naming no other client, as Json5Document does', () => {
    const text = '{\n  "a": 1,\n  "b": ,\n}\n';
    const refusal = (parse: () => unknown): { message: string; hint?: string } => {
      try {
        parse();
      } catch (error) {
        return error as { message: string; hint?: string };
      }
      throw new Error('parsed');
    };
    const jsonc = refusal(() => JsoncDocument.parse(text, 'settings.json'));
    expect(jsonc.message).toMatch(/^settings\.json does not parse at line 3, column 8: invalid character ','\. Nothing was changed\.$/);
    expect(jsonc.hint).not.toMatch(/OpenClaw/);
    expect(refusal(() => Json5Document.parse(text, 'settings.json'))).toMatchObject({ message: jsonc.message, hint: jsonc.hint });
    expect(() => JsoncDocument.parse('[1]', 'settings.json')).toThrow(/settings\.json is not a JSON object\. Nothing was changed\./);
  });

  it('reads JSONC (comments, trailing commas) as editable, and JSON5-only syntax as readable but not editable', () => {
    expect(JsoncDocument.parse('{\n  // mine\n  "a": 1,\n}\n', 'settings.json')).toMatchObject({ editable: true, value: { a: 1 } });
    expect(JsoncDocument.parse("{ a: 'x' }", 'settings.json')).toMatchObject({ editable: false, value: { a: 'x' } });
    expect(JsoncDocument.parse('  \n', 'settings.json').value).toEqual({});
  });
});
