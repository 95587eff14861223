import { createServer } from 'node:net';
import { findRunningGateway } from '../daemon/running-gateway.js';
import { buildRoutingTable } from '../routing/routing-table.js';
import { ConfigStore } from '../store/config.js';
import { statePaths } from '../store/state-dir.js';
import { isartorCommand } from '../terminal/invocation.js';
import { UserError } from '../user-error.js';

export interface UpRequest {
  stateDir: string;
  host: string | undefined;
  port: number | undefined;
  gatewayApiKey: string | undefined;
}

export type Preflight = { kind: 'start' } | { kind: 'alreadyRunning'; url: string; pid: number };

/**
 * What `up` checks before it starts anything, so a mistake is one clear error instead of a child
 * process that dies: nothing configured, the same gateway already running (not an error for
 * --detach), a running one with other settings, or the port held by another program.
 */
export async function preflightUp(request: UpRequest): Promise<Preflight> {
  const config = new ConfigStore(request.stateDir).read();
  // Throws the one error that names the wizard and set-key when nothing is configured.
  const target = buildRoutingTable(config).defaultRoute.target;
  const host = request.host ?? config.gateway.host;
  const port = request.port ?? config.gateway.port;
  const running = await findRunningGateway(statePaths(request.stateDir).pidFile);
  if (running) {
    const { record } = running;
    const differences = [
      record.host !== host ? `host ${record.host} (asked: ${host})` : undefined,
      port !== 0 && record.port !== port ? `port ${record.port} (asked: ${port})` : undefined,
      record.provider !== target.providerId || (record.model ?? undefined) !== target.model ? `upstream ${record.provider}${record.model ? ` / ${record.model}` : ''} (config: ${target.providerId}${target.model ? ` / ${target.model}` : ''})` : undefined,
      record.authRequired !== Boolean(request.gatewayApiKey ?? config.gateway.apiKey) ? (record.authRequired ? 'a gateway key required (none asked for)' : 'no gateway key (one asked for)') : undefined,
    ].filter(Boolean);
    if (differences.length === 0) return { kind: 'alreadyRunning', url: record.url, pid: record.pid };
    throw new UserError(`An isartor gateway already runs for ${request.stateDir} (pid ${record.pid}, ${record.url}) with other settings: ${differences.join('; ')}.`, {
      hint: `Restart it with \`${isartorCommand('down')} && ${isartorCommand('up --detach')}\`, or give the new one its own state dir with ISARTOR_HOME.`,
    });
  }
  if (port !== 0 && !(await portIsFree(host, port))) throw portTakenError(host, port);
  return { kind: 'start' };
}

function portTakenError(host: string, port: number): UserError {
  // `isartor status` would not help: it sees only this state dir's gateway, and this one is not it.
  return new UserError(`Port ${port} on ${host} is already in use by another program (perhaps an isartor gateway of another ISARTOR_HOME).`, {
    hint: `Pick another port with \`${isartorCommand('up --detach --port <port>')}\`${process.platform === 'win32' ? '' : `, or see what listens there with \`lsof -i :${port}\``}.`,
  });
}

function portIsFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}
