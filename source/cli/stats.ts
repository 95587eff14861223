import { Command, InvalidArgumentError } from 'commander';
import { readRequestLog } from '../stats/request-log-file.js';
import { summarise, summariseByTool, type StatsSummary } from '../stats/summarise.js';
import { resolveStateDir, statePaths } from '../store/state-dir.js';
import { printJson, printLine, printTable, printWarning } from './terminal.js';

export function statsCommand(): Command {
  return new Command('stats')
    .description('What isartor did: requests, cache hits per layer, latency, and tokens saved (per tool with --by-tool).')
    .option('--by-tool', 'one row per tool (OpenClaw, Claude Code, curl...)')
    .option('--since <when>', 'only requests since then: 30m, 24h, 7d, or a date', parseSince)
    .option('--json', 'print the numbers as JSON')
    .action((flags: { byTool?: boolean; since?: number; json?: boolean }) => {
      const { records, skipped } = readRequestLog(statePaths(resolveStateDir()).statsDir, flags.since ?? 0);
      if (skipped > 0) printWarning(`${skipped} unreadable line(s) in the request log were skipped.`);
      const total = summarise(records);
      const tools = flags.byTool ? summariseByTool(records) : undefined;
      if (flags.json) {
        printJson({ since: flags.since ? new Date(flags.since).toISOString() : null, total, ...(tools ? { tools } : {}) });
        return;
      }
      if (records.length === 0) {
        printLine('No requests recorded yet. They appear here once a tool talks to the gateway (`isartor up`).');
        return;
      }
      const rows = tools ? tools.map((tool) => statsRow(tool.client, tool)) : [statsRow('all', total)];
      if (tools && tools.length > 1) rows.push(statsRow('total', total));
      printTable(columns, rows, { rightAlignFrom: 1 });
    });
}

const columns = ['tool', 'requests', 'l1a', 'l1b', 'l3', 'hit rate', 'errors', 'p50 ms', 'p95 ms', 'tokens in', 'tokens out', 'tokens saved'];

function statsRow(name: string, s: StatsSummary): string[] {
  return [
    name,
    String(s.requests),
    String(s.layers.l1a ?? 0),
    String(s.layers.l1b ?? 0),
    String(s.layers.l3 ?? 0),
    `${(100 * s.cacheHitRate).toFixed(1)} %`,
    String(s.errors),
    s.latencyMs.p50.toFixed(1),
    s.latencyMs.p95.toFixed(1),
    String(s.tokens.input),
    String(s.tokens.output),
    String(s.tokens.saved),
  ];
}

function parseSince(value: string): number {
  const relative = /^(\d+)\s*([mhd])$/.exec(value.trim());
  if (relative) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 'm' | 'h' | 'd'];
    return Date.now() - Number(relative[1]) * unit;
  }
  const date = Date.parse(value);
  if (Number.isNaN(date)) throw new InvalidArgumentError('use a duration like 30m, 24h or 7d, or a date like 2026-11-21.');
  return date;
}
