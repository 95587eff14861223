import { setTimeout as sleep } from 'node:timers/promises';
import { statePaths } from '../store/state-dir.js';
import { UserError } from '../user-error.js';
import { isProcessAlive, removeGatewayRecord, type GatewayRecord } from './pid-file.js';
import { findRunningGateway } from './running-gateway.js';

export type StopResult = { stopped: true; record: GatewayRecord; forced: boolean } | { stopped: false };

/**
 * Asks the state dir's gateway to stop (SIGTERM: it finishes in-flight requests and saves its cache)
 * and waits until it has. `force` sends SIGKILL instead.
 */
export async function stopGateway(stateDir: string, options: { timeoutMs?: number; force?: boolean } = {}): Promise<StopResult> {
  const pidFile = statePaths(stateDir).pidFile;
  const running = await findRunningGateway(pidFile);
  if (!running) return { stopped: false };
  const { pid } = running.record;
  process.kill(pid, options.force ? 'SIGKILL' : 'SIGTERM');
  const timeoutMs = options.timeoutMs ?? 35_000;
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) {
      throw new UserError(`The gateway (pid ${pid}) did not stop within ${Math.round(timeoutMs / 1000)} s; requests may still be in flight.`, {
        hint: 'Wait and retry, or stop it at once with `isartor down --force` (in-flight requests are cut off).',
      });
    }
    await sleep(50);
  }
  // A killed process cannot clean up after itself.
  removeGatewayRecord(pidFile, pid);
  return { stopped: true, record: running.record, forced: Boolean(options.force) };
}
