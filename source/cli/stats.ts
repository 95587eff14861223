import { Command, InvalidArgumentError } from 'commander';
import { RequestLogFile } from '../state/request-log-file.js';
import { openConfiguredState } from '../daemon/open-shared-state.js';
import { ConfigStore } from '../store/config.js';
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
    .option('--wide', 'every column: requests per layer, p95, tokens in and out, cost (wider than 80 columns)')
    .addHelpText(
      'after',
      `
Recorded by the gateway in $ISARTOR_HOME/stats/ (no prompt text, no keys). A
running gateway serves the same numbers at GET /stats, Prometheus metrics at
GET /metrics, and a live feed at GET /events.
Money is priced from the built-in table or your own:
  isartor pricing set <model> --input X --output Y`,
    )
    .action(async (flags: { byTool?: boolean; byKey?: boolean; since?: number; json?: boolean; wide?: boolean }) => {
      const stateDir = resolveStateDir();
      // With a Redis URL set, the deployment's records; else this state dir's.
      const shared = await openConfiguredState(new ConfigStore(stateDir).read());
      const report = await buildStatsReport(shared?.requestLog ?? new RequestLogFile(statePaths(stateDir).statsDir), flags.since).finally(() => shared?.close());
      if (report.skippedLines > 0) printWarning(`${report.skippedLines} unreadable line(s) in the request log were skipped.`);
      if (flags.json) {
        printJson({ ...report, tools: flags.byTool ? report.tools : undefined, keys: flags.byKey ? report.keys : undefined });
        return;
      }
      if (report.total.requests === 0) {
        printLine('No requests recorded yet. They appear here once a tool talks to the gateway (`isartor up`).');
        return;
      }
      const layout = flags.wide ? wideLayout : narrowLayout;
      printStatsTables(report, Boolean(flags.byTool), layout);
      if (flags.byKey) printKeysTable(report, layout);
      if (!flags.wide) printLine(paint('dim', 'More columns (per layer, p95, tokens in/out, cost): --wide.'));
    });
}

function printStatsTables(report: StatsReport, byTool: boolean, layout: Layout): void {
  const { total } = report;
  const rows = byTool ? report.tools.map((tool) => layout.row(tool.client, tool)) : [layout.row('all', total)];
  if (byTool && report.tools.length > 1) rows.push(layout.row('total', total));
  printTable(layout.columns, rows, { rightAlignFrom: 1 });
  printLine();
  const [spent] = moneyCells(total);
  const savedMoney = total.cost.savedUsd === null ? ' (unpriced)' : ` and ${paint('green', usd(total.cost.savedUsd))}`;
  printLine(`Saved: ${paint('green', `${total.tokens.saved.toLocaleString('en-US')} tokens`)}${savedMoney}; spent ${spent === 'unpriced' ? 'unpriced' : `${spent} at providers`}.`);
  if (total.cost.unpricedRequests > 0) {
    printLine(paint('dim', `${total.cost.unpricedRequests} request(s) used models without a price.`));
    printLine(paint('dim', '  known prices: `isartor pricing list`'));
    printLine(paint('dim', '  add one:      `isartor pricing set <model> --input X --output Y`'));
  }
  const churning = (byTool ? report.tools : [{ client: 'all', ...total }]).filter((tool) => tool.churn.compared > 0);
  if (churning.length > 0) {
    printLine();
    printLine("Prompt churn (each change to a tool's system prompt or tool list since its");
    printLine("previous request breaks the provider's prompt cache):");
    // The last change (a timestamp and what changed) is wide: --wide shows it.
    const wide = layout === wideLayout;
    printTable(
      ['tool', 'compared', 'changed', 'system bytes', 'tools bytes', ...(wide ? ['last change'] : [])],
      churning.map((tool) => [shorten(tool.client, 18), String(tool.churn.compared), String(tool.churn.changed), String(tool.churn.systemBytes), String(tool.churn.toolsBytes), ...(wide ? [describeLastChange(tool.churn.last)] : [])]),
      { rightAlignFrom: 1 },
    );
  }
}

interface Layout {
  columns: readonly string[];
  row(name: string, s: StatsSummary): string[];
}

const wideColumns = ['tool', 'requests', 'l1a', 'l1b', 'l3', 'hit rate', 'errors', 'p50 ms', 'p95 ms', 'tokens in', 'tokens out', 'tokens saved', 'cost', 'saved'];

/** Fits 80 columns: what a person asks first (how many, how often cached, how fast, what it saved). */
const narrowLayout: Layout = {
  columns: ['tool', 'requests', 'hit rate', 'errors', 'p50 ms', 'tokens saved', 'saved'],
  row: (name, s) => {
    const wide = statsRow(name, s);
    return [shorten(name, 18), wide[1]!, wide[5]!, wide[6]!, wide[7]!, wide[11]!, wide[13]!];
  },
};

const wideLayout: Layout = { columns: wideColumns, row: statsRow };

function shorten(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

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
  if (s.cost.unpricedRequests > 0 && s.cost.usd === 0 && !s.cost.savedUsd && pricedRequests <= s.errors) return ['unpriced', 'unpriced'];
  return [usd(s.cost.usd), usd(s.cost.savedUsd)];
}

function printKeysTable(report: StatsReport, layout: Layout): void {
  printLine();
  printLine('Per virtual key ("-" is the gateway key, or no key):');
  printTable(['key', ...layout.columns.slice(1)], report.keys.map((key) => layout.row(key.keyAlias ?? '-', key)), { rightAlignFrom: 1 });
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
