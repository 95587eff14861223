import { Command, Option } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import JSON5 from 'json5';
import { applyOpenClawPlan } from '../connectors/openclaw/apply.js';
import { locateOpenClawConfig, type OpenClawLocation } from '../connectors/openclaw/config-path.js';
import { managedProviderId, planOpenClawConnect, planOpenClawDisconnect, type OpenClawApi, type OpenClawPlan } from '../connectors/openclaw/plan.js';
import { fetchHealth, findRunningGateway } from '../daemon/running-gateway.js';
import { resolveActiveTarget } from '../providers/upstream-target.js';
import { ConfigStore, type IsartorConfig } from '../store/config.js';
import { resolveStateDir, statePaths } from '../store/state-dir.js';
import { UserError } from '../user-error.js';
import { canPrompt, paint, printJson, printLine, printWarning } from './terminal.js';

interface OpenClawFlags {
  model?: string;
  configPath?: string;
  gatewayApiKey?: string;
  api: OpenClawApi;
  disconnect?: boolean;
  dryRun?: boolean;
  yes?: boolean;
}

export function connectCommand(): Command {
  const connect = new Command('connect').description('Point an agent tool at this gateway (shows the change first).');
  connect.addCommand(
    new Command('openclaw')
      .description("Register isartor as an OpenClaw provider in openclaw.json and make it OpenClaw's primary model.")
      .option('-m, --model <model>', "the model OpenClaw asks for (default: isartor's configured model)")
      .option('--config-path <path>', 'path to openclaw.json (default: as OpenClaw resolves it)')
      .option('--gateway-api-key <key>', 'the gateway key OpenClaw must send (default: the configured one)')
      .addOption(new Option('--api <api>', 'the protocol OpenClaw speaks to isartor').choices(['openai-completions', 'anthropic-messages']).default('openai-completions'))
      .option('--disconnect', 'restore the backup, or remove only what isartor added')
      .option('--dry-run', 'print the diff and write nothing')
      .option('-y, --yes', 'write without asking (needed when there is no terminal to ask in)')
      .addHelpText(
        'after',
        `
Config path, as OpenClaw resolves it: --config-path, $OPENCLAW_CONFIG_PATH, $OPENCLAW_STATE_DIR/openclaw.json,
$OPENCLAW_HOME/.openclaw/openclaw.json, ~/.openclaw/openclaw.json. The first time, the original is kept as
openclaw.json.isartor-backup. Stale per-agent models.json registries are deleted; OpenClaw regenerates them.

Then: openclaw models status --agent main --probe`,
      )
      .action(async (flags: OpenClawFlags) => {
        await runConnectOpenClaw(flags);
      }),
  );
  connect.addCommand(
    new Command('status')
      .description('Which tools are connected to isartor, with which gateway URL and model.')
      .option('--config-path <path>', 'path to openclaw.json')
      .option('--json', 'print the status as JSON')
      .action(async (flags: { configPath?: string; json?: boolean }) => {
        await runConnectStatus(flags);
      }),
  );
  return connect;
}

async function runConnectOpenClaw(flags: OpenClawFlags): Promise<void> {
  const stateDir = resolveStateDir();
  const config = new ConfigStore(stateDir).read();
  const location = locateOpenClawConfig(flags.configPath);
  const gateway = await locateGateway(stateDir, config);
  const gatewayUrl = gateway.url;
  const plan = flags.disconnect
    ? planOpenClawDisconnect(location)
    : planOpenClawConnect(location, {
        gatewayUrl,
        apiKey: flags.gatewayApiKey ?? (process.env.ISARTOR_GATEWAY_API_KEY || undefined) ?? config.gateway.apiKey ?? 'isartor-local',
        model: modelFor(flags, config),
        api: flags.api,
      });
  printLine(`OpenClaw config: ${location.configPath}${location.source === 'default' ? '' : ` (from ${location.source})`}`);
  if (plan.unchanged) {
    printLine(`${paint('green', '✓')} ${flags.disconnect ? 'OpenClaw is not connected to isartor' : 'OpenClaw is already connected to isartor as planned'}: nothing to change.`);
  } else {
    printDiff(plan.diff);
    if (flags.dryRun) {
      printLine(paint('yellow', 'Dry run: nothing was written.'));
      return;
    }
    if (!(await confirmed(flags, plan))) {
      printLine('Nothing was written.');
      return;
    }
    applyOpenClawPlan(plan);
    printOutcome(plan);
  }
  if (!flags.disconnect && !gateway.answering) await warnIfGatewayDown(gatewayUrl);
}

function modelFor(flags: OpenClawFlags, config: IsartorConfig): string {
  if (flags.model) return flags.model;
  const model = resolveActiveTarget(config).model;
  if (!model) {
    throw new UserError('isartor has no model configured, so it cannot tell OpenClaw which one to ask for.', {
      hint: 'Pass --model <model>, or set one with `isartor set-key --model`.',
    });
  }
  return model;
}

/** The running gateway's URL (and whether its /health just answered), else where `isartor up` will listen. */
async function locateGateway(stateDir: string, config: IsartorConfig): Promise<{ url: string; answering: boolean }> {
  const running = await findRunningGateway(statePaths(stateDir).pidFile);
  if (running) return { url: running.record.url, answering: running.health !== undefined };
  const host = config.gateway.host === '0.0.0.0' || config.gateway.host === '::' ? '127.0.0.1' : config.gateway.host;
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${config.gateway.port}`, answering: false };
}

async function confirmed(flags: OpenClawFlags, plan: OpenClawPlan): Promise<boolean> {
  if (flags.yes) return true;
  if (!canPrompt()) {
    throw new UserError('Not writing without confirmation, and there is no terminal to ask in. Nothing was written.', {
      hint: 'Re-run with --yes to apply this diff, or --dry-run to only see it.',
    });
  }
  const { confirm } = await import('@inquirer/prompts');
  const what = plan.action === 'disconnect' ? 'Disconnect OpenClaw from isartor' : 'Write these changes';
  return confirm({ message: `${what}?`, default: false });
}

function printDiff(diff: string): void {
  for (const line of diff.replace(/\n$/, '').split('\n')) {
    if (line.startsWith('+') && !line.startsWith('+++')) printLine(paint('green', line));
    else if (line.startsWith('-') && !line.startsWith('---')) printLine(paint('red', line));
    else if (line.startsWith('@@')) printLine(paint('cyan', line));
    else printLine(line);
  }
}

function printOutcome(plan: OpenClawPlan): void {
  const { configPath } = plan.location;
  if (plan.backup.create) printLine(`  backup    ${plan.backup.path}`);
  if (plan.backup.restore) printLine(`  restored  ${configPath} from its backup`);
  else if (plan.configChanges) printLine(`  wrote     ${configPath}`);
  for (const deletion of plan.deletions) printLine(`  deleted   ${deletion.path} (OpenClaw regenerates it)`);
  if (plan.action === 'disconnect') {
    printLine(`${paint('green', '✓')} OpenClaw no longer goes through isartor.`);
    return;
  }
  printLine(`${paint('green', '✓')} OpenClaw now uses isartor. Check it with:`);
  printLine(`  ${paint('cyan', 'openclaw models status --agent main --probe')}`);
  printLine(`  ${paint('cyan', 'openclaw agent --agent main -m "Hello from OpenClaw through Isartor"')}`);
}

async function warnIfGatewayDown(gatewayUrl: string): Promise<void> {
  if (!(await fetchHealth(gatewayUrl, 1500))) {
    printWarning(`Nothing answers at ${gatewayUrl} yet: start the gateway with \`isartor up --detach\` before using OpenClaw.`);
  }
}

interface ConnectionStatus {
  client: 'openclaw';
  configPath: string;
  connected: boolean;
  primary: boolean;
  baseUrl: string | null;
  api: string | null;
  models: string[];
  backup: boolean;
}

async function runConnectStatus(flags: { configPath?: string; json?: boolean }): Promise<void> {
  const status = openClawStatus(locateOpenClawConfig(flags.configPath));
  if (flags.json) {
    printJson({ clients: [status] });
    return;
  }
  if (!status.connected) {
    printLine(`openclaw   not connected (${status.configPath}). Connect it with ${paint('cyan', 'isartor connect openclaw')}.`);
    return;
  }
  printLine(`openclaw   ${paint('green', 'connected')} to ${status.baseUrl} (${status.api}), model ${status.models.join(', ')}`);
  printLine(`           ${status.primary ? "isartor is OpenClaw's primary model" : paint('yellow', "isartor is configured but not OpenClaw's primary model")}; config ${status.configPath}`);
}

function openClawStatus(location: OpenClawLocation): ConnectionStatus {
  const base: ConnectionStatus = { client: 'openclaw', configPath: location.configPath, connected: false, primary: false, baseUrl: null, api: null, models: [], backup: existsSync(`${location.configPath}.isartor-backup`) };
  if (!existsSync(location.configPath)) return base;
  let value: { models?: { providers?: Record<string, { baseUrl?: string; api?: string; models?: Array<{ id?: string }> }> }; agents?: { defaults?: { model?: unknown } } };
  try {
    value = JSON5.parse(readFileSync(location.configPath, 'utf8'));
  } catch {
    throw new UserError(`${location.configPath} does not parse, so its connection cannot be read.`, { hint: 'Fix the file, then run the command again.' });
  }
  const provider = value.models?.providers?.[managedProviderId];
  if (!provider) return base;
  const model = value.agents?.defaults?.model;
  const primary = typeof model === 'string' ? model : (model as { primary?: unknown } | undefined)?.primary;
  return {
    ...base,
    connected: true,
    primary: typeof primary === 'string' && primary.startsWith(`${managedProviderId}/`),
    baseUrl: provider.baseUrl ?? null,
    api: provider.api ?? null,
    models: (provider.models ?? []).map((m) => String(m.id)),
  };
}
