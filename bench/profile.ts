// Summarises a V8 .cpuprofile (written by `node --cpu-prof`): the functions with the most self time.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface HotFunction {
  name: string;
  where: string;
  selfMs: number;
  percent: number;
}

/**
 * Reads the largest .cpuprofile in `dir` (the main thread's: tsx's loader thread writes a small one
 * too) and returns its top `limit` functions by self time.
 */
export function topSelfTime(dir: string, repoRoot: string, limit = 15): { file: string; totalMs: number; top: HotFunction[] } {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort((a, b) => statSync(join(dir, b)).size - statSync(join(dir, a)).size);
  const file = files[0];
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const totals = new Map<string, HotFunction>();
  let totalUs = 0;
  for (const [id, us] of self) {
    totalUs += us;
    const frame = byId.get(id)!.callFrame;
    const name = frame.functionName || (frame.url ? '(anonymous)' : '(native)');
    const where = frame.url ? `${shorten(frame.url, repoRoot)}:${frame.lineNumber + 1}` : '';
    const key = `${name} ${where}`;
    const entry = totals.get(key) ?? { name, where, selfMs: 0, percent: 0 };
    entry.selfMs += us / 1000;
    totals.set(key, entry);
  }
  const top = [...totals.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, limit);
  for (const t of top) t.percent = (t.selfMs * 1000 * 100) / totalUs;
  return { file: join(dir, file), totalMs: totalUs / 1000, top };
}

function shorten(url: string, repoRoot: string): string {
  const path = url.replace(/^file:\/\//, '');
  if (path.startsWith(repoRoot)) return relative(repoRoot, path);
  return path;
}
