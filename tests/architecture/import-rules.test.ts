import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The parts of source/ and which other parts each may import (readme.md, "How the parts fit").
// Arrows point down: front ends -> gateway/daemon/connectors -> engines -> settings and state.
// `root` is source/user-error.ts and source/version.ts, which everyone may use.
const engines = ['protocols', 'caching', 'trimming', 'providers', 'routing', 'keys', 'stats'] as const;
const base = ['root', 'json', 'store', 'state'] as const;
const allowedImports: Record<string, readonly string[]> = {
  root: [],
  json: ['root'],
  state: ['root'],
  store: ['root', 'state'],
  protocols: ['root', 'json'],
  caching: [...base, 'protocols'],
  trimming: [...base, 'protocols', 'caching', 'stats'],
  providers: [...base, 'protocols'],
  routing: [...base, 'providers'],
  keys: [...base, 'providers', 'routing', 'stats'],
  stats: [...base, 'protocols'],
  gateway: [...base, ...engines],
  daemon: [...base, ...engines, 'gateway'],
  connectors: [...base, 'providers', 'routing', 'daemon'],
  demo: [...base, ...engines, 'gateway', 'daemon'],
  terminal: ['root', 'store', 'state'],
  cli: [...base, ...engines, 'daemon', 'connectors', 'demo', 'terminal'],
  setup: [...base, 'providers', 'routing', 'keys', 'stats', 'daemon', 'connectors', 'demo', 'terminal'],
};

const sourceDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../source');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function partOf(path: string): string {
  const first = relative(sourceDir, path).split(sep)[0]!;
  return /\.(ts|tsx|js)$/.test(first) ? 'root' : first;
}

/** Every relative module specifier in a file: static imports, re-exports and dynamic import(). */
function relativeSpecifiers(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)) found.push(match[1]!);
  return found;
}

interface ImportEdge {
  file: string;
  from: string;
  to: string;
  specifier: string;
}

function importEdges(): ImportEdge[] {
  return sourceFiles(sourceDir).flatMap((file) =>
    relativeSpecifiers(readFileSync(file, 'utf8')).map((specifier) => ({
      file: relative(sourceDir, file),
      from: partOf(file),
      to: partOf(resolve(dirname(file), specifier)),
      specifier,
    })),
  );
}

describe('import rules between the parts of source/', () => {
  const edges = importEdges();

  it('finds the parts and their imports (the scanner itself works)', () => {
    expect(edges.length).toBeGreaterThan(200);
    expect(edges).toContainEqual(expect.objectContaining({ file: join('gateway', 'server.ts'), from: 'gateway', to: 'caching' }));
  });

  it('every part is listed with its allowed imports', () => {
    const parts = new Set(edges.flatMap((edge) => [edge.from, edge.to]));
    expect([...parts].filter((part) => !(part in allowedImports))).toEqual([]);
  });

  it('no part imports one it may not', () => {
    const forbidden = edges
      .filter((edge) => edge.from !== edge.to && !allowedImports[edge.from]?.includes(edge.to))
      .map((edge) => `${edge.file} (${edge.from}) imports ${edge.specifier} (${edge.to})`);
    expect(forbidden).toEqual([]);
  });

  it('flags a forbidden import when one appears', () => {
    const edge = { from: 'caching', to: 'gateway' };
    expect(allowedImports[edge.from]).not.toContain(edge.to);
    expect(relativeSpecifiers(`import type { RequestContext } from '../../gateway/context.js';`)).toEqual(['../../gateway/context.js']);
    expect(relativeSpecifiers(`const m = await import('../cli/connect.js');`)).toEqual(['../cli/connect.js']);
    expect(relativeSpecifiers(`export { x } from './y.js';`)).toEqual(['./y.js']);
  });
});
