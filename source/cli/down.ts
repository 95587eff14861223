import { Command } from 'commander';
import { stopGateway } from '../daemon/stop-gateway.js';
import { resolveStateDir } from '../store/state-dir.js';
import { parsePositiveInteger } from '../terminal/option-parsers.js';
import { paint, printLine } from '../terminal/output.js';

export function downCommand(): Command {
  return new Command('down')
    .description('Stop the gateway of this state dir; in-flight requests finish first and the cache is saved.')
    .option('--timeout <seconds>', 'how long to wait for in-flight requests', parsePositiveInteger, 35)
    .option('--force', 'stop at once (SIGKILL); in-flight requests are cut off and new cache entries may be lost')
    .action(async (flags: { timeout: number; force?: boolean }) => {
      const stateDir = resolveStateDir();
      const result = await stopGateway(stateDir, { timeoutMs: flags.timeout * 1000, force: Boolean(flags.force) });
      if (!result.stopped) {
        printLine(`No isartor gateway is running for ${stateDir}.`);
        return;
      }
      printLine(`${paint('green', '✓')} Stopped the gateway at ${result.record.url} (pid ${result.record.pid})${result.forced ? ' by force' : ''}.`);
    });
}
