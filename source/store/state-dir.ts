import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Everything isartor writes lives under this one directory: `$ISARTOR_HOME`, default `~/.isartor`. */
export function resolveStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.ISARTOR_HOME?.trim();
  return fromEnv ? resolve(fromEnv) : join(homedir(), '.isartor');
}

export interface StatePaths {
  root: string;
  configFile: string;
  cacheDir: string;
  exactCacheFile: string;
  logDir: string;
  gatewayLog: string;
  pidFile: string;
  /** Request records for `isartor stats`. */
  statsDir: string;
  /** Virtual keys (keys.json) and their spend ledger (spend.jsonl). */
  keysDir: string;
}

export function statePaths(root: string = resolveStateDir()): StatePaths {
  return {
    root,
    configFile: join(root, 'config.json'),
    cacheDir: join(root, 'cache'),
    exactCacheFile: join(root, 'cache', 'l1a.jsonl'),
    logDir: join(root, 'logs'),
    gatewayLog: join(root, 'logs', 'gateway.log'),
    pidFile: join(root, 'gateway.pid.json'),
    statsDir: join(root, 'stats'),
    keysDir: join(root, 'keys'),
  };
}

export { ensureDir } from '../state/ensure-dir.js';
