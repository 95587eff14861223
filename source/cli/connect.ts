import { existsSync } from 'node:fs';
import { Command, Option } from 'commander';
import { applyOpenClawPlan } from '../connectors/openclaw/apply.js';
import { locateOpenClawConfig } from '../connectors/openclaw/config-path.js';
import { configuredGatewayUrl, gatewayKeyForClient, gatewayRefusesKey, locateGateway, modelForClient, refusedKeyWarning } from '../connectors/core/connection-defaults.js';
import { managedProviderId, planOpenClawConnect, planOpenClawDisconnect, type OpenClawApi, type OpenClawPlan } from '../connectors/openclaw/plan.js';
import type { ClientConnectionStatus } from '../connectors/core/connector.js';
import { connectClaudeCodeCommand } from './connect-claude-code.js';
import { fetchHealth } from '../daemon/running-gateway.js';
import { ConfigStore, type IsartorConfig } from '../store/config.js';
import { resolveStateDir } from '../store/state-dir.js';
import { paint, printJson, printLine, printWarning } from '../terminal/output.js';
import { connectCodexCommand } from './connect-codex.js';
import { isartorCommand } from '../terminal/invocation.js';
import { showAndWritePlan } from './confirm-write.js';

interface OpenClawFlags {
  model?: string;
  configPath?: string;
  gatewayApiKey?: string;
  api: OpenClawApi;
  disconnect?: boolean;
  restoreBackup?: boolean;
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
      .option('--disconnect', 'remove what isartor added and put back what it replaced; later edits stay')
      .option('--restore-backup', 'disconnect by putting back the backup of the first connect instead (the diff shows what that undoes)')
      .option('--dry-run', 'print the diff and write nothing')
      .option('-y, --yes', 'write without asking (needed when there is no terminal to ask in)')
      .addHelpText(
        'after',
        `
Config path, as OpenClaw resolves it: --config-path, $OPENCLAW_CONFIG_PATH,
$OPENCLAW_STATE_DIR/openclaw.json, $OPENCLAW_HOME/.openclaw/openclaw.json,
~/.openclaw/openclaw.json. JSON and JSON5 (unquoted keys, comments, trailing
commas) are edited in place, in the file's own style. The first time, the
original is kept as openclaw.json.isartor-backup, and what isartor changed is
recorded in $ISARTOR_HOME/connectors/openclaw.json: --disconnect undoes exactly
that. Stale per-agent models.json registries are deleted; OpenClaw regenerates
them.

OpenClaw 2026.9 needs Node >= 24.16. Then:
  openclaw models status --agent main --probe
  openclaw agent --local --agent main --message "Hello"
      (a try without OpenClaw's own gateway)`,
      )
      .action(async (flags: OpenClawFlags) => {
        await runConnectOpenClaw(flags);
      }),
  );
  connect.addCommand(connectCodexCommand());
  connect.addCommand(connectClaudeCodeCommand());
  connect.addCommand(
    new Command('status')
      .description('Which tools are connected to isartor, with which gateway URL and model.')
      .option('--config-path <path>', 'path to openclaw.json (other tools are found where they look themselves)')
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
  const disconnect = Boolean(flags.disconnect || flags.restoreBackup);
  const model = modelForClient(flags.model, config);
  const apiKey = gatewayKeyForClient(flags.gatewayApiKey, config);
  const plan = disconnect
    ? planOpenClawDisconnect(location, { isartorHome: stateDir, restoreBackup: flags.restoreBackup })
    : planOpenClawConnect(
        location,
        { gatewayUrl, apiKey, model, api: flags.api },
        { isartorHome: stateDir },
      );
  printLine(`OpenClaw config: ${location.configPath}${location.source === 'default' ? '' : ` (from ${location.source})`}`);
  if (!disconnect && gateway.answering && (await gatewayRefusesKey(gatewayUrl, apiKey))) {
    printWarning(refusedKeyWarning(gatewayUrl, { id: 'openclaw', name: 'OpenClaw' }, apiKey));
  }
  const nothingToChange = disconnect ? 'OpenClaw is not connected to isartor' : 'OpenClaw is already connected to isartor as planned';
  const carryOn = await showAndWritePlan(plan, flags, 'OpenClaw', nothingToChange, () => {
    applyOpenClawPlan(plan);
    printOutcome(plan);
  });
  if (!carryOn) return;
  if (!disconnect) noteAgentsOnOwnModel(plan, `${managedProviderId}/${model}`);
  if (!disconnect && !gateway.answering) await warnIfGatewayDown(gatewayUrl);
}

/** Agents with a model of their own keep it: say which, so that nobody expects their turns in isartor's stats. */
function noteAgentsOnOwnModel(plan: OpenClawPlan, ref: string): void {
  const agents = plan.agentsOnOwnModel ?? [];
  if (agents.length === 0) return;
  const named = agents.map((agent) => `${agent.id} (${agent.model})`).join(', ');
  const one = agents.length === 1;
  printLine(
    `  note      ${one ? 'agent' : 'agents'} ${named} ${one ? 'names its own model and does' : 'name their own models and do'} not go through isartor; ` +
      `to route ${one ? 'it' : 'them'} too, set ${one ? 'its' : 'their'} model to ${ref} in ${plan.location.configPath}.`,
  );
}

function printOutcome(plan: OpenClawPlan): void {
  const { configPath } = plan.location;
  if (plan.backup.create) printLine(`  backup    ${plan.backup.path}`);
  if (plan.backup.restore) printLine(`  restored  ${configPath} from its backup`);
  else if (plan.configChanges) printLine(`  wrote     ${configPath}`);
  for (const deletion of plan.deletions) {
    printLine(`  deleted   ${deletion.path}${deletion.path === configPath ? ' (isartor had created it)' : ' (OpenClaw regenerates it)'}`);
  }
  if (plan.action === 'disconnect') {
    if (!plan.backup.restore && plan.backup.remove) printLine(`  removed   ${plan.backup.path} (the config is back to it)`);
    else if (!plan.backup.restore && existsSync(plan.backup.path)) {
      printLine(`  kept      ${plan.backup.path}: your config from before the first connect (\`--restore-backup\` puts it back)`);
    }
    printLine(`${paint('green', '✓')} OpenClaw no longer goes through isartor.`);
    return;
  }
  printLine(`${paint('green', '✓')} OpenClaw now uses isartor. Check it with (OpenClaw 2026.9 needs Node >= 24.16):`);
  printLine(`  ${paint('cyan', 'openclaw models status --agent main --probe')}`);
  printLine(`  ${paint('cyan', 'openclaw agent --local --agent main --message "Hello from OpenClaw through Isartor"')}   (without OpenClaw's own gateway)`);
}

async function warnIfGatewayDown(gatewayUrl: string): Promise<void> {
  if (!(await fetchHealth(gatewayUrl, 1500))) {
    printWarning(`Nothing answers at ${gatewayUrl} yet: start the gateway with \`isartor up --detach\` (it listens there) before using OpenClaw.`);
  }
}

async function runConnectStatus(flags: { configPath?: string; json?: boolean }): Promise<void> {
  const config = new ConfigStore(resolveStateDir()).read();
  // Every client's config reader (TOML for Codex) loads only for this command.
  const { clientConnectors } = await import('../connectors/registry.js');
  // --config-path names openclaw.json; every other client is found as it finds its own config.
  const statuses = clientConnectors().map((connector) => connector.status({ configPath: connector.id === 'openclaw' ? flags.configPath : undefined }));
  const checked = await Promise.all(statuses.map(async (status) => ({ ...status, gateway: status.connected && status.baseUrl ? await checkGateway(status.baseUrl) : null })));
  if (flags.json) {
    printJson({ clients: checked });
    return;
  }
  for (const status of checked) printClientStatus(status, config);
}

/** Whether an isartor gateway answers where the client sends its requests (its base URL without /v1). */
async function checkGateway(baseUrl: string): Promise<{ url: string; answering: boolean }> {
  const url = baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
  return { url, answering: (await fetchHealth(url, 1500)) !== undefined };
}

type CheckedStatus = ClientConnectionStatus & {
  api?: string | null;
  primary?: boolean;
  ignoredByClaudeCode?: boolean;
  gateway: { url: string; answering: boolean } | null;
};

function printClientStatus(status: CheckedStatus, config: IsartorConfig): void {
  const name = status.client.padEnd(12);
  const indent = ' '.repeat(13);
  if (status.ignoredByClaudeCode) printWarning(`${status.configPath} has comments or trailing commas, so Claude Code ignores it entirely.`);
  if (!status.connected) {
    printLine(`${name} not connected (${status.configPath}). Connect it with ${paint('cyan', isartorCommand(`connect ${status.client}`))}.`);
    return;
  }
  printLine(`${name} ${paint('green', 'connected')} to ${status.baseUrl}${status.api ? ` (${status.api})` : ''}, model ${status.models.join(', ') || "the client's own choice"}`);
  if (status.client === 'openclaw') {
    printLine(`             ${status.primary ? "isartor is OpenClaw's primary model" : paint('yellow', "isartor is configured but not OpenClaw's primary model")}; config ${status.configPath}`);
  }
  if (status.client === 'codex') {
    printLine(`           ${status.primary ? "isartor is Codex's model provider" : paint('yellow', "isartor is configured but not Codex's model_provider")}; config ${status.configPath}`);
  }
  if (!status.gateway) return;
  if (status.gateway.answering) {
    printLine(`${indent}${paint('green', 'gateway answering')} at ${status.gateway.url}`);
    return;
  }
  printLine(`${indent}${paint('red', 'no gateway answers')} at ${status.gateway.url}: ${status.client} requests fail until one does.`);
  const target = new URL(status.gateway.url);
  const saved = configuredGatewayUrl(config);
  if (saved === status.gateway.url) {
    printLine(`${indent}Start it with ${paint('cyan', 'isartor up --detach')} (or at every login: ${paint('cyan', 'isartor service install')}).`);
  } else {
    printLine(`${indent}Start it there with ${paint('cyan', `isartor up --detach --port ${target.port}`)} (saved for later starts),`);
    printLine(`${indent}or point ${status.client} at ${saved}, where \`isartor up\` listens: ${paint('cyan', `isartor connect ${status.client}`)}.`);
  }
}
