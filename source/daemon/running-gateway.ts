import { readFileSync } from 'node:fs';
import got from 'got';
import { UserError } from '../user-error.js';
import type { HealthReport } from '../gateway/server.js';
import { isProcessAlive, readGatewayRecord, removeGatewayRecord, type GatewayRecord } from './pid-file.js';

export interface RunningGatewayInfo {
  record: GatewayRecord;
  /** undefined: the process is alive but /health did not answer (busy, hung, or still starting). */
  health: HealthReport | undefined;
}

/**
 * The gateway that owns this state dir, if one is really running. A record whose process is gone,
 * or whose pid now belongs to an unrelated program, is stale and removed.
 */
export async function findRunningGateway(pidFile: string): Promise<RunningGatewayInfo | undefined> {
  const record = readGatewayRecord(pidFile);
  if (!record) return undefined;
  if (!isProcessAlive(record.pid)) {
    removeGatewayRecord(pidFile, record.pid);
    return undefined;
  }
  const health = await fetchHealth(record.url, 1500);
  if (health?.pid === record.pid) return { record, health };
  if (processLooksLikeIsartor(record.pid)) return { record, health: undefined };
  removeGatewayRecord(pidFile, record.pid);
  return undefined;
}

/** One gateway per state dir: `up` and `up --detach` both refuse a second one. */
export async function refuseIfGatewayRunning(pidFile: string, stateDir: string): Promise<void> {
  const existing = await findRunningGateway(pidFile);
  if (existing) {
    throw new UserError(`An isartor gateway already runs for ${stateDir} (pid ${existing.record.pid}, ${existing.record.url}).`, {
      hint: 'Stop it with `isartor down` (`isartor status` shows it), or give this one its own state dir with ISARTOR_HOME.',
    });
  }
}

export async function fetchHealth(url: string, timeoutMs: number): Promise<HealthReport | undefined> {
  try {
    return await got(`${url}/health`, { timeout: { request: timeoutMs }, retry: { limit: 0 } }).json<HealthReport>();
  } catch {
    return undefined;
  }
}

/** Guards against signalling a stranger that inherited a stale pid. Where /proc is missing, assume it is ours. */
function processLooksLikeIsartor(pid: number): boolean {
  try {
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return /isartor|cli[\\/]index\.[jt]s/.test(commandLine);
  } catch {
    return true;
  }
}
