import { Command } from 'commander';
import { findRunningGateway } from '../daemon/running-gateway.js';
import { resolveStateDir, statePaths } from '../store/state-dir.js';
import type { StoreReport } from '../state/shared-state.js';
import { paint, printJson, printLine } from '../terminal/output.js';
import { isartorCommand } from '../terminal/invocation.js';

export function statusCommand(): Command {
  return new Command('status')
    .description('Show whether the gateway of this state dir runs: pid, URL, upstream provider and model, uptime.')
    .option('--json', 'print the status as JSON')
    .addHelpText('after', '\nExits 0 when a gateway is running, 1 when none is.')
    .action(async (flags: { json?: boolean }) => {
      const stateDir = resolveStateDir();
      const running = await findRunningGateway(statePaths(stateDir).pidFile);
      if (!running) {
        if (flags.json) printJson({ running: false, stateDir });
        else printLine(`No isartor gateway is running for ${stateDir}. Start one with ${paint('cyan', isartorCommand('up --detach'))}.`);
        process.exitCode = 1;
        return;
      }
      const { record, health } = running;
      const report = {
        running: true,
        responsive: Boolean(health),
        pid: record.pid,
        url: record.url,
        provider: record.provider,
        model: record.model,
        uptimeSeconds: health?.uptimeSeconds ?? Math.round((Date.now() - Date.parse(record.startedAt)) / 1000),
        version: record.version,
        authRequired: record.authRequired,
        layers: health?.layers ?? null,
        store: health?.store ?? null,
        stateDir,
      };
      if (flags.json) {
        printJson(report);
        return;
      }
      printLine(`${paint('green', '●')} isartor gateway running at ${paint('cyan', record.url)} (pid ${record.pid})`);
      printLine(`  upstream  ${record.provider}${record.model ? ` / ${record.model}` : ' / each client\'s model'}`);
      printLine(`  uptime    ${formatDuration(report.uptimeSeconds)}`);
      printLine(`  auth      ${record.authRequired ? 'gateway key required' : 'open to local programs'}`);
      if (health) printLine(`  layers    ${Object.entries(health.layers).filter(([, on]) => on).map(([name]) => name).join(', ')}`);
      if (health?.store) printLine(`  store     ${describeStore(health.store)}`);
      else printLine(paint('yellow', '  /health is not answering right now (busy or hung).'));
    });
}

function describeStore(store: StoreReport): string {
  if (store.kind === 'embedded') return 'embedded (this state dir)';
  const buffered = store.buffered && store.buffered.records + store.buffered.charges > 0 ? `, waiting to be written: ${store.buffered.records} record(s), ${store.buffered.charges} charge(s)` : '';
  if (store.connected) return `redis ${store.url}, connected${store.reconnects ? ` (reconnected ${store.reconnects}x)` : ''}${buffered}`;
  return paint('yellow', `redis ${store.url}, UNREACHABLE since ${store.downSince ?? '?'}: reconnecting; caches miss, budgets follow store.budgetPolicy "${store.budgetPolicy}"${buffered}`);
}

function formatDuration(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return hours > 0 ? `${hours}h ${minutes}m` : minutes > 0 ? `${minutes}m ${seconds % 60}s` : `${seconds}s`;
}
