import { Command, InvalidArgumentError } from 'commander';
import { RequestLogFile } from '../state/request-log-file.js';
import { formatUsd as usd } from '../stats/format-usd.js';
import { buildStatsReport, parseSince, type StatsReport } from '../stats/stats-report.js';
import type { StatsSummary } from '../stats/summarise.js';
import { resolveStateDir, statePaths } from '../store/state-dir.js';
import { paint, printJson, printLine, printTable, printWarning } from '../terminal/output.js';

export function statsCommand(): Command {
  return new Command('stats')
    .description('What isartor did: requests, cache hits per layer, latency, tokens and money saved, prompt churn (per tool with --by-tool).')
    .option('--by-tool', 'one row per tool (OpenClaw, Claude Code, curl...)')
    .option('--by-key', 'one row per virtual key alias (see `isartor keys`)')
    .option('--since <when>', 'only requests since then: 30m, 24h, 7d, or a date', parseSinceOption)
    .option('--json', 'print the numbers as JSON (the same shape as GET /stats)')
    .addHelpText(
      'after',
      `
Recorded by the gateway in $ISARTOR_HOME/stats/ (no prompt text, no keys). A running gateway serves the same
numbers at GET /stats, Prometheus metrics at GET /metrics, and a live feed at GET /events.
Money is priced from the built-in table or your own: isartor pricing set <model> --input X --output Y`,
    )
    .action(async (flags: { byTool?: boolean; byKey?: boolean; since?: number; json?: boolean }) => {
      const report = await buildStatsReport(new RequestLogFile(statePaths(resolveStateDir()).statsDir), flags.since);
      if (report.skippedLines > 0) printWarning(`${report.skippedLines} unreadable line(s) in the request log were skipped.`);
      if (flags.json) {
        printJson({ ...report, tools: flags.byTool ? report.tools : undefined, keys: flags.byKey ? report.keys : undefined });
        return;
      }
      if (report.total.requests === 0) {
        printLine('No requests recorded yet. They appear here once a tool talks to the gateway (`isartor up`).');
        return;
      }
      printStatsTables(report, Boolean(flags.byTool));
      if (flags.byKey) printKeysTable(report);
    });
}

function printStatsTables(report: StatsReport, byTool: boolean): void {
  const { total } = report;
  const rows = byTool ? report.tools.map((tool) => statsRow(tool.client, tool)) : [statsRow('all', total)];
  if (byTool && report.tools.length > 1) rows.push(statsRow('total', total));
  printTable(columns, rows, { rightAlignFrom: 1 });
  printLine();
  printLine(`Saved: ${paint('green', `${total.tokens.saved.toLocaleString('en-US')} tokens`)} and ${paint('green', usd(total.cost.savedUsd))}; spent ${usd(total.cost.usd)} at providers.`);
  if (total.cost.unpricedRequests > 0) {
    printLine(paint('dim', `${total.cost.unpricedRequests} request(s) used models without a price; \`isartor pricing list\` shows which are known, \`isartor pricing set <model> --input X --output Y\` adds one.`));
  }
  const churning = (byTool ? report.tools : [{ client: 'all', ...total }]).filter((tool) => tool.churn.compared > 0);
  if (churning.length > 0) {
    printLine();
    printLine('Prompt churn (changes to the system prompt or tools since the same tool\'s previous request; each one breaks the provider\'s prompt cache):');
    printTable(
      ['tool', 'compared', 'changed', 'system bytes', 'tools bytes', 'last change'],
      churning.map((tool) => [tool.client, String(tool.churn.compared), String(tool.churn.changed), String(tool.churn.systemBytes), String(tool.churn.toolsBytes), describeLastChange(tool.churn.last)]),
      { rightAlignFrom: 1 },
    );
  }
}

const columns = ['tool', 'requests', 'l1a', 'l1b', 'l3', 'hit rate', 'errors', 'p50 ms', 'p95 ms', 'tokens in', 'tokens out', 'tokens saved', 'cost', 'saved'];

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
    ...moneyCells(s),
  ];
}

/** A tool whose every request used an unpriced model has no known cost: say so instead of $0. */
function moneyCells(s: StatsSummary): string[] {
  const pricedRequests = s.requests - s.cost.unpricedRequests;
  if (s.cost.unpricedRequests > 0 && s.cost.usd === 0 && s.cost.savedUsd === 0 && pricedRequests <= s.errors) return ['unpriced', 'unpriced'];
  return [usd(s.cost.usd), usd(s.cost.savedUsd)];
}

function printKeysTable(report: StatsReport): void {
  printLine();
  printLine('Per virtual key ("-" is the gateway key, or no key):');
  printTable(['key', ...columns.slice(1)], report.keys.map((key) => statsRow(key.keyAlias ?? '-', key)), { rightAlignFrom: 1 });
}

function describeLastChange(last: StatsSummary['churn']['last']): string {
  if (!last) return '-';
  const parts: string[] = [];
  if (last.systemBytes > 0) parts.push(`system line ${last.systemLine}`);
  if (last.toolsChanged.length > 0) parts.push(`tools ${last.toolsChanged.slice(0, 3).join(', ')}${last.toolsChanged.length > 3 ? ', ...' : ''}`);
  return `${last.time.slice(0, 19).replace('T', ' ')} ${parts.join('; ')}`;
}

function parseSinceOption(value: string): number {
  const since = parseSince(value);
  if (since === undefined) throw new InvalidArgumentError('use a duration like 30m, 24h or 7d, or a date like 2026-11-21.');
  return since;
}
