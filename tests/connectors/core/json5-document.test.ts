import { describe, expect, it } from 'vitest';
import { Json5Document } from '../../../source/connectors/core/json5-document.js';

const edit = (text: string, ...edits: Array<[Array<string | number>, unknown]>): string => {
  const document = Json5Document.parse(text, 'config.json');
  for (const [path, value] of edits) document.set(path, value);
  return document.text;
};

describe('Json5Document', () => {
  it('keeps a strict JSON file strict JSON: double quotes, quoted keys, no trailing commas', () => {
    const text = '{\n  "a": {\n    "b": 1\n  }\n}\n';
    const after = edit(text, [['a', 'c'], { d: ['e'] }]);
    expect(after).toBe('{\n  "a": {\n    "b": 1,\n    "c": {\n      "d": [\n        "e"\n      ]\n    }\n  }\n}\n');
    expect(JSON.parse(after)).toEqual({ a: { b: 1, c: { d: ['e'] } } });
  });

  it('writes new keys like their neighbours: unquoted, single-quoted, with trailing commas', () => {
    const text = "{\n  // note\n  a: 'x',\n}\n";
    expect(edit(text, [['b'], { 'c-d': 'y', e: 1 }])).toBe("{\n  // note\n  a: 'x',\n  b: {\n    'c-d': 'y',\n    e: 1,\n  },\n}\n");
  });

  it('writes into a one-line object on that line, and into an empty object of a multi-line file on new lines', () => {
    expect(edit('{\n  a: { b: 1 },\n}\n', [['a', 'c'], { d: 'e' }])).toBe('{\n  a: { b: 1, c: { d: "e" } },\n}\n');
    expect(edit('{\n\t"a": {}\n}\n', [['a', 'b'], { c: 1 }])).toBe('{\n\t"a": {\n\t\t"b": {\n\t\t\t"c": 1\n\t\t}\n\t}\n}\n');
  });

  it("keeps the previous entry's trailing comment on its line when adding or removing the last entry", () => {
    const text = "{\n  p: {\n    groq: { u: 'x' }, // mine\n  },\n}\n";
    const added = edit(text, [['p', 'isartor'], { u: 'y' }]);
    expect(added).toBe("{\n  p: {\n    groq: { u: 'x' }, // mine\n    isartor: {\n      u: 'y',\n    },\n  },\n}\n");
    expect(edit(added, [['p', 'isartor'], undefined])).toBe(text);
  });

  it('removing what was added gives back the same bytes', () => {
    const text = '/* top */\n{\n  "x": [1, 2], // two\n  y: { z: true },\n}\n';
    const added = edit(text, [['y', 'w'], 'new'], [['models'], { providers: { isartor: { a: 1 } } }]);
    expect(edit(added, [['models'], undefined], [['y', 'w'], undefined])).toBe(text);
  });

  it('refuses what does not parse, with line and column, and what is not an object', () => {
    expect(() => Json5Document.parse('{\n  a: 1,\n  b: ,\n}\n', 'config.json')).toThrow(/config\.json does not parse at line 3, column 6/);
    expect(() => Json5Document.parse('[1]', 'config.json')).toThrow(/is not a JSON object/);
  });

  it('an empty file becomes a JSON object', () => {
    expect(edit('', [['a'], 1])).toBe('{\n  "a": 1\n}\n');
  });
});
