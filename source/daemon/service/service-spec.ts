import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { statePaths } from '../../store/state-dir.js';
import { gatewayNodeFlags } from '../start-detached.js';

/** What the login service runs: `node <flags> <bin> up --log-file <log>` for one state dir, logging into it. */
export interface ServiceSpec {
  /** systemd unit name without `.service`; launchd label. One per state dir, so two never collide. */
  name: string;
  label: string;
  execPath: string;
  args: string[];
  stateDir: string;
  logFile: string;
}

/**
 * The service of a state dir. `bin` is the built CLI (dist/cli/index.js), `execPath` the node that runs
 * it now: the service keeps using both (after a Node upgrade or a move, install it again).
 */
export function serviceSpec(stateDir: string, execPath: string, bin: string): ServiceSpec {
  const defaultHome = resolve(homedir(), '.isartor');
  const suffix = resolve(stateDir) === defaultHome ? '' : `-${createHash('sha256').update(resolve(stateDir)).digest('hex').slice(0, 8)}`;
  const logFile = statePaths(resolve(stateDir)).gatewayLog;
  return {
    name: `isartor${suffix}`,
    label: `dev.isartor.gateway${suffix.replace('-', '.')}`,
    execPath,
    // The gateway appends and rotates its log itself (`--log-file`): a file the service manager opened
    // for stdout could never be rotated. stdout and stderr still go there for what bypasses JavaScript.
    args: [...gatewayNodeFlags, bin, 'up', '--log-file', logFile],
    stateDir: resolve(stateDir),
    logFile,
  };
}
