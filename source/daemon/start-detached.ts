import { spawn } from 'node:child_process';
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureDir, statePaths } from '../store/state-dir.js';
import { UserError } from '../user-error.js';
import { readGatewayRecord, type GatewayRecord } from './pid-file.js';
import { fetchHealth, refuseIfGatewayRunning } from './running-gateway.js';

/**
 * Node flags for the gateway process. It holds caches of long-lived objects (100,000 L1b questions
 * is ~300 MB); a 32 MB young generation keeps short-lived request garbage from being promoted and
 * cut the L1b lookup p99 from 2.4 ms to 1.0 ms in bench/near-duplicate-lookup.ts.
 */
export const gatewayNodeFlags = ['--max-semi-space-size=32'];

export interface DetachOptions {
  stateDir: string;
  host?: string | undefined;
  port?: number | undefined;
  gatewayApiKey?: string | undefined;
  /** The shared store's URL (`--redis`); it may hold a password, so it travels like the key. */
  redisUrl?: string | undefined;
  /** Where the gateway logs (default: the state dir's gateway.log); it appends and rotates the file itself. */
  logFile?: string | undefined;
  /** How to run `isartor` again: node, its flags, and the CLI script. */
  command: { execPath: string; args: string[] };
  readyTimeoutMs?: number;
}

/**
 * Starts `isartor up` in the background with its output in the state dir's log, and returns only
 * once that process answers /health. If it exits first, its own error message becomes ours.
 */
/** Set in the environment of a gateway started by `up --detach`. */
export const detachedMarker = 'ISARTOR_DETACHED';

export async function startDetachedGateway(options: DetachOptions): Promise<GatewayRecord> {
  const paths = statePaths(options.stateDir);
  await refuseIfGatewayRunning(paths.pidFile, options.stateDir);
  const logFile = options.logFile ?? paths.gatewayLog;
  ensureDir(dirname(logFile));
  // The child writes its log by path and rotates it (`up --log-file`); this descriptor only catches what
  // it prints before that (a config it cannot read) and what bypasses JavaScript (V8's out-of-memory report).
  const logFd = openSync(logFile, 'a', 0o600);
  const logOffset = fstatSync(logFd).size;
  const args = [...gatewayNodeFlags, ...options.command.args, 'up', '--log-file', logFile];
  if (options.host) args.push('--host', options.host);
  if (options.port !== undefined) args.push('--port', String(options.port));
  // The key travels in the environment, never on a command line that `ps` shows.
  // ISARTOR_DETACHED tells the child it runs on its own: a SIGHUP is then not a closed terminal (it has
  // none: `detached` starts a new session), so it is ignored rather than taken as a stop.
  const env: NodeJS.ProcessEnv = { ...{}, ...process.env, ISARTOR_HOME: options.stateDir, [detachedMarker]: '1' };
  if (options.gatewayApiKey) env.ISARTOR_GATEWAY_API_KEY = options.gatewayApiKey;
  if (options.redisUrl) env.ISARTOR_REDIS_URL = options.redisUrl;
  const child = spawn(options.command.execPath, args, { detached: true, stdio: ['ignore', logFd, logFd], env });
  closeSync(logFd);
  child.unref();
  let exitCode: number | null | undefined;
  child.once('exit', (code, signal) => {
    exitCode = code ?? (signal ? 128 : 1);
  });

  const deadline = Date.now() + (options.readyTimeoutMs ?? 15_000);
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new UserError(`The gateway exited before it was ready (exit code ${exitCode}).\n${logSince(logFile, logOffset)}`, {
        hint: `The full log is in ${logFile}.`,
      });
    }
    const record = readGatewayRecord(paths.pidFile);
    if (record && record.pid === child.pid && (await fetchHealth(record.url, 1000))?.pid === child.pid) return record;
    await sleep(100);
  }
  child.kill('SIGTERM');
  throw new UserError(`The gateway did not answer /health within ${Math.round((options.readyTimeoutMs ?? 15_000) / 1000)} s and was stopped.`, {
    hint: `See ${logFile}.`,
  });
}

function logSince(file: string, offset: number): string {
  try {
    return readFileSync(file).subarray(offset).toString('utf8').trim().split('\n').slice(-10).join('\n');
  } catch {
    return '';
  }
}
