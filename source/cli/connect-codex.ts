import { Command } from 'commander';
import { locateCodexConfig } from '../connectors/codex/config-path.js';
import type { CodexPlan } from '../connectors/codex/plan.js';
import { gatewayKeyForClient, gatewayRefusesKey, locateGateway, modelForClient, placeholderGatewayKey, refusedKeyWarning } from '../connectors/core/connection-defaults.js';
import { fetchHealth } from '../daemon/running-gateway.js';
import { resolveActiveTarget } from '../providers/upstream-target.js';
import { ConfigStore } from '../store/config.js';
import { resolveStateDir } from '../store/state-dir.js';
import { paint, printLine, printWarning } from '../terminal/output.js';
import { showAndWritePlan } from './confirm-write.js';

interface CodexFlags {
  model?: string;
  configPath?: string;
  gatewayApiKey?: string;
  disconnect?: boolean;
  dryRun?: boolean;
  yes?: boolean;
}

export function connectCodexCommand(): Command {
  return new Command('codex')
    .description("Add isartor to Codex CLI's config.toml as a model provider (Responses API) and make it Codex's provider.")
    .option('-m, --model <model>', "the model Codex asks for (default: isartor's configured model)")
    .option('--config-path <path>', 'path to config.toml (default: $CODEX_HOME/config.toml, else ~/.codex/config.toml)')
    .option('--gateway-api-key <key>', 'the gateway key Codex must send (default: the configured one)')
    .option('--disconnect', 'remove only what isartor added (your later edits stay)')
    .option('--dry-run', 'print the diff and write nothing')
    .option('-y, --yes', 'write without asking (needed when there is no terminal to ask in)')
    .addHelpText(
      'after',
      `
Adds [model_providers.isartor] (base_url <gateway>/v1, wire_api = "responses",
the x-isartor-client header and the gateway key when there is one) and sets
model_provider and model. When the provider behind isartor does not speak the
Responses API, web_search = "disabled" too: only OpenAI can run Codex's web
search.
Comments and formatting stay; the first time, the original is kept as
config.toml.isartor-backup.

Then: codex exec "Hello from Codex through isartor"`,
    )
    .action(async (flags: CodexFlags) => {
      await runConnectCodex(flags);
    });
}

async function runConnectCodex(flags: CodexFlags): Promise<void> {
  // The TOML libraries load only for this command, not on every `isartor` start.
  const { planCodexConnect, planCodexDisconnect } = await import('../connectors/codex/plan.js');
  const { applyCodexPlan } = await import('../connectors/codex/connector.js');
  const stateDir = resolveStateDir();
  const config = new ConfigStore(stateDir).read();
  const location = locateCodexConfig(flags.configPath);
  const gateway = await locateGateway(stateDir, config);
  let plan: CodexPlan;
  // Codex sends no credential at all when the gateway has no key (its config then names none).
  const key = gatewayKeyForClient(flags.gatewayApiKey, config);
  const sentKey = key === placeholderGatewayKey ? undefined : key;
  if (flags.disconnect) plan = planCodexDisconnect(location);
  else {
    plan = planCodexConnect(location, {
      gatewayUrl: gateway.url,
      apiKey: sentKey,
      model: modelForClient(flags.model, config),
      disableWebSearch: !providerRunsBuiltInTools(config),
    });
  }
  printLine(`Codex config: ${location.configPath}${location.source === 'default' ? '' : ` (from ${location.source})`}`);
  if (!flags.disconnect && gateway.answering && (await gatewayRefusesKey(gateway.url, sentKey))) {
    printWarning(refusedKeyWarning(gateway.url, { id: 'codex', name: 'Codex' }, sentKey));
  }
  if (!flags.disconnect) {
    const { profilesChoosingOtherProviders } = await import('../connectors/codex/profile-files.js');
    for (const elsewhere of profilesChoosingOtherProviders(location.configPath)) {
      printWarning(
        `${elsewhere.path} sets model_provider = "${elsewhere.provider}": \`codex --profile ${elsewhere.profile}\` goes there, not through isartor. Remove model_provider from that file (or set it to "isartor") to send that profile through isartor too.`,
      );
    }
  }
  const nothingToChange = flags.disconnect ? 'Codex is not connected to isartor' : 'Codex is already connected to isartor as planned';
  const carryOn = await showAndWritePlan(plan, flags, 'Codex', nothingToChange, () => {
    applyCodexPlan(plan);
    printOutcome(plan);
  });
  if (!carryOn) return;
  if (!flags.disconnect && !gateway.answering && !(await fetchHealth(gateway.url, 1500))) {
    printWarning(`Nothing answers at ${gateway.url} yet: start the gateway with \`isartor up --detach\` before using Codex.`);
  }
}

/** OpenAI (or an openai-compatible server that opted in) runs Codex's built-in web search itself. */
function providerRunsBuiltInTools(config: ReturnType<ConfigStore['read']>): boolean {
  try {
    return resolveActiveTarget(config).speaksResponses === true;
  } catch {
    return false;
  }
}

function printOutcome(plan: CodexPlan): void {
  const { configPath } = plan.location;
  if (plan.backup.create) printLine(`  backup    ${plan.backup.path}`);
  if (plan.configChanges) printLine(`  wrote     ${configPath}`);
  if (plan.backup.restore) printLine(`  removed   ${plan.backup.path} (its values went back where isartor had changed them)`);
  if (plan.action === 'disconnect') {
    printLine(`${paint('green', '✓')} Codex no longer goes through isartor.`);
    return;
  }
  printLine(`${paint('green', '✓')} Codex now uses isartor. Check it with:`);
  printLine(`  ${paint('cyan', 'codex exec "Hello from Codex through isartor"')}`);
}
