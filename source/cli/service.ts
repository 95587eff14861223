import { existsSync, realpathSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command } from 'commander';
import { configuredGatewayUrl } from '../connectors/core/connection-defaults.js';
import { fetchHealth, findRunningGateway } from '../daemon/running-gateway.js';
import { installLoginService, loginService, runCommand, uninstallLoginService, type LoginService } from '../daemon/service/login-service.js';
import { serviceSpec } from '../daemon/service/service-spec.js';
import { stopGateway } from '../daemon/stop-gateway.js';
import { ConfigStore } from '../store/config.js';
import { ensureDir, resolveStateDir, statePaths } from '../store/state-dir.js';
import { UserError } from '../user-error.js';
import { paint, printJson, printLine, printWarning } from '../terminal/output.js';

export function serviceCommand(): Command {
  const service = new Command('service').description('Start the gateway at every login (a systemd user unit on Linux, a launchd agent on macOS).');
  service.addCommand(
    new Command('install')
      .description('Write the service for this state dir, enable it and start the gateway with the saved config.')
      .option('--dry-run', 'print the service definition and write nothing')
      .addHelpText(
        'after',
        `
The service runs \`isartor up\` with this Node and this isartor, so it listens
where the config says (\`isartor up --port\` saves the port). It restarts the
gateway when it fails and appends its output to the state dir's log.
After a Node upgrade or moving isartor, run \`isartor service install\` again.`,
      )
      .action(async (flags: { dryRun?: boolean }) => {
        await runInstall(flags);
      }),
  );
  service.addCommand(
    new Command('uninstall').description('Stop and disable the service, and remove its definition.').action(async () => {
      await runUninstall();
    }),
  );
  service.addCommand(
    new Command('status')
      .description('Whether the service is installed, enabled and running, and whether the gateway answers.')
      .option('--json', 'print the status as JSON')
      .action(async (flags: { json?: boolean }) => {
        await runStatus(flags);
      }),
  );
  return service;
}

/** The service of this state dir, running the CLI that runs now (its real path, not an npm bin symlink). */
function currentService(stateDir: string): LoginService {
  const bin = process.argv[1];
  if (!bin) throw new UserError('Cannot tell which isartor is running, so the service would not know what to start.');
  return loginService(serviceSpec(stateDir, process.execPath, realpathSync(bin)));
}

async function runInstall(flags: { dryRun?: boolean }): Promise<void> {
  const stateDir = resolveStateDir();
  const service = currentService(stateDir);
  if (flags.dryRun) {
    printLine(`${service.path}:`);
    printLine(service.content);
    printLine(paint('yellow', 'Dry run: nothing was written.'));
    return;
  }
  const config = new ConfigStore(stateDir).read();
  ensureDir(statePaths(stateDir).logDir);
  if (process.env.ISARTOR_GATEWAY_API_KEY && !config.gateway.apiKey) {
    printWarning('ISARTOR_GATEWAY_API_KEY is set in this shell but not in the config: the service does not see it (keys stay out of unit files). Set gateway.apiKey in the config if the gateway must require a key.');
  }
  // One gateway per state dir: a detached one would keep the service's from starting.
  const running = await findRunningGateway(statePaths(stateDir).pidFile);
  if (running) {
    await stopGateway(stateDir);
    printLine(`  stopped   the gateway started by hand (pid ${running.record.pid}); the service takes over`);
  }
  const result = await installLoginService(service, runCommand);
  printLine(`  wrote     ${service.path}`);
  if (result.failed) {
    throw new UserError(`The service is written but ${service.manager} did not start it: \`${result.failed.command}\` said: ${result.failed.output}`, {
      hint:
        service.manager === 'systemd'
          ? `Without a user session manager (a container, ssh without lingering) run \`loginctl enable-linger $USER\` as root, then \`systemctl --user enable --now ${service.path.split('/').pop()}\`. Meanwhile: \`isartor up --detach\`.`
          : `Load it with \`launchctl bootstrap gui/$(id -u) ${service.path}\`. Meanwhile: \`isartor up --detach\`.`,
    });
  }
  const url = configuredGatewayUrl(config);
  const answering = await waitForHealth(url, 15_000);
  if (!answering) {
    printWarning(`The service is enabled, but nothing answers at ${url} yet: see ${statePaths(stateDir).gatewayLog}.`);
    process.exitCode = 1;
    return;
  }
  printLine(`${paint('green', '✓')} The gateway now starts at every login (${service.manager}) and answers at ${paint('cyan', url)}; log: ${statePaths(stateDir).gatewayLog}`);
}

async function runUninstall(): Promise<void> {
  const service = currentService(resolveStateDir());
  const result = await uninstallLoginService(service, runCommand);
  if (!result.removed) {
    printLine(`No isartor service is installed at ${service.path}.`);
    return;
  }
  printLine(`  removed   ${service.path}`);
  if (result.failed) printWarning(`${service.manager}: \`${result.failed.command}\` said: ${result.failed.output}`);
  printLine(`${paint('green', '✓')} The gateway no longer starts at login. Start it by hand with ${paint('cyan', 'isartor up --detach')}.`);
}

async function runStatus(flags: { json?: boolean }): Promise<void> {
  const stateDir = resolveStateDir();
  const service = currentService(stateDir);
  const installed = existsSync(service.path);
  const state = installed ? await service.query(runCommand) : { enabled: false, active: false, reachable: true, detail: 'not installed' };
  const url = configuredGatewayUrl(new ConfigStore(stateDir).read());
  const answering = (await fetchHealth(url, 1500)) !== undefined;
  if (flags.json) {
    printJson({ manager: service.manager, path: service.path, installed, ...state, gateway: { url, answering } });
  } else if (!installed) {
    printLine(`No isartor service is installed for ${stateDir}. Install one with ${paint('cyan', 'isartor service install')}.`);
  } else {
    printLine(`service   ${service.path} (${service.manager}: ${state.detail})`);
    printLine(`          ${state.enabled ? paint('green', 'starts at login') : paint('yellow', 'not enabled')}; ${state.active ? paint('green', 'running') : paint('yellow', 'not running')}`);
    printLine(`gateway   ${answering ? paint('green', `answering at ${url}`) : paint('yellow', `nothing answers at ${url}`)}`);
  }
  if (!installed || !state.active) process.exitCode = 1;
}

async function waitForHealth(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fetchHealth(url, 1000)) return true;
    await sleep(250);
  }
  return false;
}
