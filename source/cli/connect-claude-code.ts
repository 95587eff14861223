import { Command } from 'commander';
import { claudeCodeConnector } from '../connectors/claude-code/connector.js';
import type { ClaudeCodePlan } from '../connectors/claude-code/plan.js';
import { gatewayKeyForClient, gatewayRefusesKey, locateGateway, placeholderGatewayKey, refusedKeyWarning } from '../connectors/core/connection-defaults.js';
import { fetchHealth } from '../daemon/running-gateway.js';
import { ConfigStore } from '../store/config.js';
import { resolveStateDir } from '../store/state-dir.js';
import { paint, printLine, printWarning } from '../terminal/output.js';
import { showAndWritePlan } from './confirm-write.js';

interface ClaudeCodeFlags {
  model?: string;
  settingsPath?: string;
  project?: boolean;
  gatewayApiKey?: string;
  disconnect?: boolean;
  dryRun?: boolean;
  yes?: boolean;
}

export function connectClaudeCodeCommand(): Command {
  return new Command('claude-code')
    .description("Point Claude Code at isartor: the env block of its settings.json (ANTHROPIC_BASE_URL and a token).")
    .option('-m, --model <model>', 'also set ANTHROPIC_MODEL (default: Claude Code chooses its model; isartor routes it)')
    .option('--settings-path <path>', 'the settings.json to edit (default: $CLAUDE_CONFIG_DIR or ~/.claude)')
    .option('--project', "edit this project's .claude/settings.json instead of the user's")
    .option('--gateway-api-key <key>', 'the gateway or virtual key Claude Code must send (default: the configured one)')
    .option('--disconnect', 'put back what isartor changed, and nothing else')
    .option('--dry-run', 'print the diff and write nothing')
    .option('-y, --yes', 'write without asking (needed when there is no terminal to ask in)')
    .addHelpText(
      'after',
      `
Sets ANTHROPIC_BASE_URL (the gateway), ANTHROPIC_AUTH_TOKEN (the gateway key,
else a placeholder: Claude Code sends nothing without one),
ANTHROPIC_CUSTOM_HEADERS (adds "x-isartor-client: claude-code" to yours) and,
with --model, ANTHROPIC_MODEL. The first time, the original is kept as
settings.json.isartor-backup; --disconnect puts those variables back as they
were and leaves the rest of the file alone.

Then: claude -p "Hello through isartor"`,
    )
    .action(async (flags: ClaudeCodeFlags) => {
      await runConnectClaudeCode(flags);
    });
}

async function runConnectClaudeCode(flags: ClaudeCodeFlags): Promise<void> {
  const stateDir = resolveStateDir();
  const config = new ConfigStore(stateDir).read();
  const connector = claudeCodeConnector({ project: flags.project ?? false, setModel: flags.model !== undefined });
  const gateway = await locateGateway(stateDir, config);
  const apiKey = gatewayKeyForClient(flags.gatewayApiKey, config);
  const plan = flags.disconnect
    ? connector.planDisconnect({ configPath: flags.settingsPath })
    : connector.planConnect({ gatewayUrl: gateway.url, apiKey, model: flags.model ?? '', configPath: flags.settingsPath });
  const { location } = plan;
  printLine(`Claude Code settings: ${location.configPath}${location.source === 'default' ? '' : ` (from ${location.source})`}`);
  for (const warning of plan.warnings) printWarning(warning);
  if (!flags.disconnect && gateway.answering && (await gatewayRefusesKey(gateway.url, apiKey))) {
    printWarning(refusedKeyWarning(gateway.url, { id: 'claude-code', name: 'Claude Code' }, apiKey));
  }
  const nothingToChange = flags.disconnect ? 'Claude Code is not connected to isartor here' : 'Claude Code is already connected to isartor as planned';
  const carryOn = await showAndWritePlan(plan, flags, 'Claude Code', nothingToChange, () => {
    connector.apply(plan);
    printOutcome(plan);
  });
  if (!carryOn) return;
  if (flags.disconnect) return;
  if (location.source === '--project' && apiKey !== placeholderGatewayKey) {
    printWarning(`${location.configPath} is usually committed, and it now holds the gateway key. Keep it out of git, or connect with --settings-path .claude/settings.local.json (Claude Code's personal project settings).`);
  }
  if (!gateway.answering && !(await fetchHealth(gateway.url, 1500))) {
    printWarning(`Nothing answers at ${gateway.url} yet: start the gateway with \`isartor up --detach\` before using Claude Code.`);
  }
}

function printOutcome(plan: ClaudeCodePlan): void {
  if (plan.backup.create) printLine(`  backup    ${plan.backup.path}`);
  if (plan.configChanges) printLine(`  wrote     ${plan.location.configPath}`);
  if (plan.backup.restore) printLine(`  removed   ${plan.backup.path} (its values are back)`);
  if (plan.action === 'disconnect') {
    printLine(`${paint('green', '✓')} Claude Code no longer goes through isartor.`);
    return;
  }
  printLine(`${paint('green', '✓')} Claude Code now uses isartor (a session already open keeps its old settings). Check it with:`);
  printLine(`  ${paint('cyan', 'claude -p "Hello through isartor"')}`);
  printLine(`  ${paint('cyan', 'isartor stats --by-tool')}`);
}
