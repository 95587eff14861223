// GET /stats with a full request log: the time to build the report, cold (the first read parses the
// kept files) and warm (later reads, with records appended in between, as a dashboard polling every 2 s sees).
//   npm run bench:stats
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { RequestLogFile, readRequestLog } from '../source/state/request-log-file.js';
import type { RequestRecord } from '../source/state/request-record.js';
import { type StatsReport } from '../source/stats/stats-report.js';
import { LiveStats } from '../source/stats/live-stats.js';
import { summarise, summariseByKey, summariseByTool } from '../source/stats/summarise.js';

// A full live file, less room for the records appended below (a rotation would re-read once, as it should).
const targetBytes = 16 * 1024 * 1024 - 600 * 1024;
const clients = ['openclaw', 'claude-code', 'codex', 'curl'];
const layers = ['l3', 'l3', 'l3', 'l1a', 'l1b', 'gateway'];

function record(i: number, time: number): RequestRecord {
  return {
    time: new Date(time).toISOString(),
    client: clients[i % clients.length]!,
    protocol: 'openai',
    route: '/v1/chat/completions',
    layer: layers[i % layers.length]!,
    status: i % 50 === 0 ? 502 : 200,
    totalMs: 200 + (i % 997),
    upstreamMs: 190 + (i % 991),
    overheadMs: 0.3 + (i % 13) / 10,
    provider: 'openai',
    model: 'gpt-4.1-mini',
    keyAlias: i % 3 === 0 ? 'team-a' : null,
    inputTokens: 12_000 + (i % 500),
    outputTokens: 200 + (i % 50),
    tokensCounted: 'provider',
    tokensSaved: i % 6 === 3 ? 12_000 : 0,
    costUsd: 0.004,
    costSavedUsd: i % 6 === 3 ? 0.004 : 0,
    churn: i % 7 === 0 ? { systemBytes: 40, systemLine: 12, toolsBytes: 0, toolsChanged: [] } : null,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'isartor-stats-bench-'));
try {
  mkdirSync(dir, { recursive: true });
  const lines: string[] = [];
  let bytes = 0;
  const start = Date.now() - 7 * 86_400_000;
  for (let i = 0; bytes < targetBytes - 1_000; i++) {
    const line = `${JSON.stringify(record(i, start + i * 1_000))}\n`;
    lines.push(line);
    bytes += line.length;
  }
  writeFileSync(join(dir, 'requests.jsonl'), lines.join(''));
  console.log(`Log: ${(bytes / 1024 / 1024).toFixed(1)} MB, ${lines.length} records`);

  const reReadEveryTime = (): StatsReport => {
    const { records, skipped } = readRequestLog(dir, 0);
    return { since: null, total: summarise(records), tools: summariseByTool(records), keys: summariseByKey(records), skippedLines: skipped };
  };
  const time = (fn: () => unknown): number => {
    const t = performance.now();
    fn();
    return performance.now() - t;
  };
  const before = Array.from({ length: 5 }, () => time(reReadEveryTime)).sort((a, b) => a - b);

  const log = new RequestLogFile(dir);
  const live = new LiveStats(log);
  const t0 = performance.now();
  await live.report(undefined);
  const cold = performance.now() - t0;
  const warm: number[] = [];
  const day: number[] = [];
  for (let round = 0; round < 20; round++) {
    for (let j = 0; j < 50; j++) live.append(record(lines.length + round * 50 + j, Date.now()));
    const t = performance.now();
    await live.report(undefined);
    warm.push(performance.now() - t);
    const t2 = performance.now();
    await live.report(Date.now() - 86_400_000);
    day.push(performance.now() - t2);
  }
  await log.close();
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!;
  console.log(`re-reading the log on every call (before): median ${median(before).toFixed(1)} ms`);
  console.log(`first call (parses the log once):          ${cold.toFixed(1)} ms`);
  console.log(`later calls, everything kept:              median ${median(warm).toFixed(1)} ms, max ${Math.max(...warm).toFixed(1)} ms`);
  console.log(`later calls, ?since=24h:                   median ${median(day).toFixed(1)} ms, max ${Math.max(...day).toFixed(1)} ms`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
