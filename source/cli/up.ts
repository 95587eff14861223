import { resolve } from 'node:path';
import { Command } from 'commander';
import { captureOutputInto, GatewayLogFile } from '../daemon/gateway-log-file.js';
import { keepServingThroughStrayErrors } from '../daemon/last-line-of-defence.js';
import { saveGatewayAddress } from '../daemon/gateway-address.js';
import { detachedMarker, startDetachedGateway } from '../daemon/start-detached.js';
import { ConfigStore, defaultGatewayPort, type GatewaySettings } from '../store/config.js';
import { resolveStateDir, statePaths } from '../store/state-dir.js';
import { parsePort } from '../terminal/option-parsers.js';
import { paint, printLine, printWarning } from '../terminal/output.js';
import { UserError } from '../user-error.js';
import { preflightUp } from './up-preflight.js';
import { warnAboutClientsElsewhere } from './clients-elsewhere.js';
import { isartorCommand } from '../terminal/invocation.js';
import { keepServingWhenOutputFails } from '../terminal/process-exit.js';

interface UpFlags {
  port?: number;
  host?: string;
  detach?: boolean;
  gatewayApiKey?: string;
  redis?: string;
  logFile?: string;
}

export function upCommand(): Command {
  return new Command('up')
    .description('Start the gateway: in the foreground with a request log, or in the background with --detach.')
    .option('--port <port>', `port to listen on, saved to config for the next start (default: config, else ${defaultGatewayPort})`, parsePort)
    .option('--host <host>', 'address to listen on, saved to config for the next start (default: config, else 127.0.0.1)')
    .option('-d, --detach', 'run in the background; returns once /health answers (log: <state dir>/logs/gateway.log, rotated past 16 MB)')
    .option('--redis <url>', 'share caches, virtual keys, spend and stats with the other instances on this Redis (redis://[:password@]host:port/db; a password is visible in shell history: prefer ISARTOR_REDIS_URL or store.redisUrl in config)')
    .option('--log-file <path>', 'write the log (request lines, warnings) to this file instead of stdout, rotated past 16 MB into <name>.1.log .. <name>.3.log; --detach and the login service use <state dir>/logs/gateway.log')
    .option('--gateway-api-key <key>', 'require this key from clients (visible in shell history; prefer ISARTOR_GATEWAY_API_KEY or gateway.apiKey in config)')
    .addHelpText(
      'after',
      `
Every route but /health then needs "Authorization: Bearer <key>" or
"x-api-key: <key>".
--port and --host are saved to config once the gateway listens, so a plain
\`isartor up\` (a restart, the login service of \`isartor service install\`) comes
back at the address clients were pointed at.
Stop a detached gateway with \`isartor down\`; see it with \`isartor status\`.`,
    )
    .action(async (flags: UpFlags) => {
      const stateDir = resolveStateDir();
      const gatewayApiKey = flags.gatewayApiKey ?? (process.env.ISARTOR_GATEWAY_API_KEY || undefined);
      const previous = new ConfigStore(stateDir).read().gateway;
      const preflight = await preflightUp({ stateDir, host: flags.host, port: flags.port, gatewayApiKey });
      if (preflight.kind === 'alreadyRunning') {
        // Asking for what already runs in the background is not a failure: scripts can call `up --detach` every time.
        if (!flags.detach) {
          throw new UserError(`An isartor gateway already runs for ${stateDir} in the background (pid ${preflight.pid}, ${preflight.url}).`, {
            hint: `Its log is ${statePaths(stateDir).gatewayLog}. To run it in the foreground instead: \`isartor down\`, then \`isartor up\`.`,
          });
        }
        printLine(`${paint('green', '✓')} The gateway already runs with these settings at ${paint('cyan', preflight.url)} (pid ${preflight.pid}); nothing to do.`);
        return;
      }
      const redisUrl = flags.redis ?? (process.env.ISARTOR_REDIS_URL || undefined);
      if (flags.detach) {
        const record = await startDetachedGateway({
          stateDir,
          host: flags.host,
          port: flags.port,
          gatewayApiKey,
          redisUrl,
          logFile: flags.logFile ? resolve(flags.logFile) : undefined,
          command: { execPath: process.execPath, args: [...process.execArgv, process.argv[1] ?? ''] },
        });
        printLine(`${paint('green', '✓')} isartor gateway running at ${paint('cyan', record.url)} (pid ${record.pid})`);
        reportSavedAddress(stateDir, flags, previous);
        printLine(`  forwarding to ${record.provider}${record.model ? ` / ${record.model}` : ''}${record.authRequired ? ', gateway key required' : ''}`);
        printLine(`  OpenAI base URL for clients: ${record.url}/v1`);
        printLine(`  log: ${flags.logFile ? resolve(flags.logFile) : statePaths(stateDir).gatewayLog} (rotated past 16 MB)`);
        printLine(`  stop it with ${paint('cyan', isartorCommand('down'))}`);
        await warnAboutClientsElsewhere(record.url);
        return;
      }
      await runForeground(stateDir, flags, gatewayApiKey, redisUrl, previous);
    });
}

/** Saves --host/--port once the gateway listens there, and says so. */
function reportSavedAddress(stateDir: string, flags: UpFlags, previous: GatewaySettings): void {
  const saved = saveGatewayAddress(stateDir, { host: flags.host, port: flags.port }, previous);
  if (saved.length > 0) printLine(`  saved ${saved.join(' and ')} to config: a plain \`${isartorCommand('up')}\` listens there from now on`);
}

async function runForeground(stateDir: string, flags: UpFlags, gatewayApiKey: string | undefined, redisUrl: string | undefined, previous: GatewaySettings): Promise<void> {
  // From here on this process serves other programs: one stray error must not end it for all of them,
  // nor a log it cannot write.
  keepServingThroughStrayErrors(printWarning);
  keepServingWhenOutputFails();
  // Loaded here, not at the top: the gateway's engines (NLP model, caches, protocols) cost every other
  // command, `isartor --version` included, about half a second of start-up.
  const { serveGateway } = await import('../daemon/serve-gateway.js');
  const served = await serveGateway({
    stateDir,
    host: flags.host,
    port: flags.port,
    gatewayApiKey,
    redisUrl,
    log: (line) => printLine(line),
    onWarning: printWarning,
  });
  // A gateway without a terminal logs for weeks: from here on it writes and rotates its own file (see
  // GatewayLogFile). Until it listens, a failure still goes to stderr, where whoever started it looks
  // (the terminal, or the file `up --detach` and the service manager opened for it: the same path).
  if (flags.logFile) captureOutputInto(new GatewayLogFile(resolve(flags.logFile)));
  const { record } = served;
  // Signals are ours before the banner says we listen: a supervisor may signal as soon as it reads it.
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      printLine(`${signal} again: exiting without waiting for in-flight requests.`);
      process.exit(130);
    }
    stopping = true;
    printLine(`${signal}: finishing in-flight requests, then stopping...`);
    served.shutdown().then(
      () => {
        printLine('stopped.');
        process.exit(0);
      },
      (error: unknown) => {
        printWarning(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  // The gateway owns its shutdown. conf's atomic writer (when-exit) hooks these signals at import and
  // re-raises them, which would look like a second Ctrl-C and cut the graceful stop short.
  // SIGHUP in the foreground means the terminal closed: stop as gracefully as for SIGTERM. A detached
  // gateway has no terminal (its own session), so a SIGHUP there is someone's `kill -HUP`: daemons take
  // that as "reload", and a gateway that died of it would surprise; it is logged and ignored.
  const detached = process.env[detachedMarker] === '1';
  delete process.env[detachedMarker];
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.removeAllListeners(signal);
    if (signal === 'SIGHUP' && detached) process.on(signal, () => printLine('SIGHUP ignored: this gateway runs detached; stop it with `isartor down`.'));
    else process.on(signal, stop);
  }
  printLine(`isartor ${record.version} listening on ${record.url} (pid ${record.pid})`);
  printLine(`forwarding to ${record.provider}${record.model ? ` / ${record.model}` : ''}; OpenAI base URL for clients: ${record.url}/v1`);
  const store = served.store();
  printLine(store.kind === 'redis' ? `state shared on Redis ${store.url} with every instance that uses it` : `state in ${stateDir}`);
  printLine(record.authRequired ? 'gateway key required on every route but /health' : 'no gateway key set: any local program may use this gateway');
  reportSavedAddress(stateDir, flags, previous);
  await warnAboutClientsElsewhere(record.url);
}
