import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Every CLI command starts by building the whole program (source/cli/program.ts). The gateway behind it
// (the NLP model, caches, protocols, metrics) costs about half a second of CPU to load, so only the
// commands that serve (`up`, `demo`) load it, with import() when they run; status, down, keys, connect,
// --version ... start without it. This is what the CLI tests' hundreds of spawns also pay.
const sourceDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../source');

/** The files a module loads before its first line runs: static value imports and re-exports, not import() or `import type`. */
function staticClosure(entry: string): Set<string> {
  const seen = new Set<string>([entry]);
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift()!;
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?'(\.{1,2}\/[^']+)'/gm)) {
      const target = [resolve(dirname(file), match[1]!.replace(/\.js$/, '.ts')), resolve(dirname(file), match[1]!.replace(/\.js$/, '.tsx'))].find(existsSync);
      if (target && !seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return seen;
}

describe('the CLI starts without the gateway', () => {
  it('building the program loads no gateway, cache or trimming module; up and the demo still reach the gateway', () => {
    const loaded = [...staticClosure(resolve(sourceDir, 'cli/program.ts'))].map((file) => relative(sourceDir, file));
    expect(loaded).toContain('cli/up.ts');
    expect(loaded).toContain('cli/demo.ts');
    expect(loaded.filter((file) => /^(gateway|caching|trimming)\//.test(file))).toEqual([]);
    // (The scanner itself works: the gateway's own closure holds its engines.)
    const serving = [...staticClosure(resolve(sourceDir, 'daemon/serve-gateway.ts'))].map((file) => relative(sourceDir, file));
    expect(serving).toContain('gateway/server.ts');
    expect(serving.some((file) => file.startsWith('caching/'))).toBe(true);
  });
});
