import { Command, InvalidArgumentError } from 'commander';
import { durationFormat, parseDuration } from '../keys/budget.js';
import type { KeyChanges } from '../keys/key-fields.js';
import { VirtualKeys, type KeyInfo } from '../keys/virtual-keys.js';
import { usdParser } from '../terminal/option-parsers.js';
import { ConfigStore } from '../store/config.js';
import { openConfiguredState } from '../daemon/open-shared-state.js';
import { resolveStateDir } from '../store/state-dir.js';
import { UserError } from '../user-error.js';
import { formatUsd as usd } from '../stats/format-usd.js';
import { paint, printJson, printLine, printTable, printWarning } from '../terminal/output.js';
import { isartorCommand } from '../terminal/invocation.js';

const parseUsd = usdParser('an amount in USD, like 50');

/** `isartor keys`: virtual keys on the state dir's files; a running gateway picks the changes up at once. */
export function keysCommand(): Command {
  const keys = new Command('keys').description('Virtual keys for tools: each with its own budget, model list, expiry, spend and cache (LiteLLM-compatible).');
  keys.addCommand(
    new Command('create')
      .description('Create a virtual key; it is printed once and only its hash is stored.')
      .requiredOption('--alias <alias>', 'a name for the key (stats and metrics show it)')
      .option('--budget <usd>', 'USD the key may spend (per --budget-duration, else in total)', parseUsd)
      .option('--models <list>', 'comma-separated models (or aliases) it may use; default: all', parseList)
      .option('--duration <duration>', `expire after this long (${durationFormat})`, parseDurationOption)
      .option('--budget-duration <duration>', `spend goes back to 0 this often (${durationFormat})`, parseDurationOption)
      .option('--json', 'print the key and its info as JSON')
      .addHelpText('after', '\nExample:\n  isartor keys create --alias openclaw --budget 50 \\\n    --models claude-sonnet-4-5-20250929 --budget-duration 30d\n  isartor connect openclaw --gateway-api-key <the printed key>')
      .action(async (flags: { alias: string; budget?: number; models?: string[]; duration?: string; budgetDuration?: string; json?: boolean }) => {
        const changes: KeyChanges = { alias: flags.alias.trim() };
        if (flags.budget !== undefined) changes.maxBudget = flags.budget;
        if (flags.models) changes.models = flags.models;
        if (flags.duration) changes.expiresInMs = parseDuration(flags.duration)!;
        if (flags.budgetDuration) changes.budgetDuration = flags.budgetDuration;
        await withKeys((store) => {
          const { key, stored } = store.create(changes);
          const info = store.describe(stored);
          if (flags.json) return printJson({ key, ...info });
          printLine(`${paint('green', '✓')} Created the virtual key "${stored.alias}":`);
          printLine();
          printLine(`  ${key}`);
          printLine();
          printLine(paint('yellow', 'It is shown only this once: isartor keeps only its hash. Store it now.'));
          printInfo(info);
          printLine();
          printLine(`Give it to a tool as its API key, e.g. ${paint('cyan', isartorCommand('connect openclaw --gateway-api-key <the key above>'))}`);
        });
        warnIfNoMasterKey();
      }),
  );
  keys.addCommand(
    new Command('list')
      .description('Every virtual key: alias, spend, budget, models, expiry (never the keys).')
      .option('--json', 'print as JSON (the shape of GET /key/list)')
      .action((flags: { json?: boolean }) =>
        withKeys((store) => {
          const infos = store.list().map((key) => store.describe(key));
          if (flags.json) return printJson({ keys: infos, total_count: infos.length });
          if (infos.length === 0) return printLine(`No virtual keys yet. Create one: ${isartorCommand('keys create --alias openclaw --budget 50')}`);
          printTable(
            ['alias', 'key', 'spend', 'budget', 'resets', 'models', 'expires'],
            infos.map((info) => [
              info.key_alias ?? '-',
              info.key_name,
              usd(info.spend),
              info.max_budget === null ? 'none' : usd(info.max_budget),
              info.budget_reset_at ? shortTime(info.budget_reset_at) : '-',
              info.models.length ? info.models.join(', ') : 'all',
              info.expires ? `${shortTime(info.expires)}${info.expired ? ' (expired)' : ''}` : 'never',
            ]),
          );
        }),
      ),
  );
  keys.addCommand(
    new Command('info')
      .description("One key's spend, budget, reset time, models and expiry.")
      .argument('<alias>', 'the key alias (or its token, as `keys list --json` shows it)')
      .option('--json', 'print as JSON (the shape of GET /key/info)')
      .action((alias: string, flags: { json?: boolean }) =>
        withKeys((store) => {
          const info = store.describe(findOrFail(store, alias));
          if (flags.json) return printJson({ key: info.key_name, info });
          printInfo(info);
        }),
      ),
  );
  keys.addCommand(
    new Command('update')
      .description("Change a key's budget, models, expiry or budget period; the key itself stays the same.")
      .argument('<alias>', 'the key alias (or its token)')
      .option('--budget <usd>', 'USD the key may spend (per budget period)', parseUsd)
      .option('--no-budget', 'remove the budget')
      .option('--models <list>', 'comma-separated models (or aliases) it may use', parseList)
      .option('--all-models', 'allow every model')
      .option('--duration <duration>', `expire this long from now (${durationFormat})`, parseDurationOption)
      .option('--budget-duration <duration>', `reset spend this often, starting now (${durationFormat})`, parseDurationOption)
      .option('--json', 'print the key info as JSON')
      .action((alias: string, flags: { budget?: number | false; models?: string[]; allModels?: boolean; duration?: string; budgetDuration?: string; json?: boolean }) =>
        withKeys((store) => {
          const changes: KeyChanges = {};
          if (flags.budget !== undefined) changes.maxBudget = flags.budget === false ? null : flags.budget;
          if (flags.models) changes.models = flags.models;
          if (flags.allModels) changes.models = [];
          if (flags.duration) changes.expiresInMs = parseDuration(flags.duration)!;
          if (flags.budgetDuration) changes.budgetDuration = flags.budgetDuration;
          if (Object.keys(changes).length === 0) throw new UserError('Nothing to change.', { hint: 'Pass --budget, --no-budget, --models, --all-models, --duration or --budget-duration.' });
          const info = store.describe(store.update(findOrFail(store, alias), changes));
          if (flags.json) return printJson({ key: info.key_name, info });
          printLine(`${paint('green', '✓')} Updated the virtual key "${info.key_alias ?? info.key_name}"; a running gateway applies it within a second.`);
          printInfo(info);
        }),
      ),
  );
  keys.addCommand(
    new Command('delete')
      .description('Delete a virtual key: a running gateway refuses it within a second. Its spend stays in the ledger.')
      .argument('<alias>', 'the key alias (or its token)')
      .option('--json', 'print the result as JSON')
      .action((alias: string, flags: { json?: boolean }) =>
        withKeys((store) => {
          const key = findOrFail(store, alias);
          store.delete([key]);
          if (flags.json) return printJson({ deleted_keys: [key.tokenHash], deleted_key_aliases: key.alias ? [key.alias] : [] });
          printLine(`${paint('green', '✓')} Deleted the virtual key "${key.alias ?? key.maskedKey}".`);
        }),
      ),
  );
  return keys;
}

/**
 * Runs `run` on the keys where the gateway reads them: the state dir's files, or, when a Redis URL is
 * set (ISARTOR_REDIS_URL or store.redisUrl), the deployment's Redis, so every instance sees the change.
 */
async function withKeys(run: (store: VirtualKeys) => void): Promise<void> {
  const stateDir = resolveStateDir();
  const shared = await openConfiguredState(new ConfigStore(stateDir).read());
  const store = shared ? new VirtualKeys({ backend: shared.keysBackend, spendStore: (windowStartOf) => shared.spendStore(windowStartOf) }) : VirtualKeys.open(stateDir);
  try {
    await store.freshSpend(store.list());
    run(store);
    await store.saved();
  } finally {
    store.close();
    await shared?.close();
  }
}

function findOrFail(store: VirtualKeys, reference: string): ReturnType<VirtualKeys['list']>[number] {
  const key = store.find(reference);
  if (!key) throw new UserError(`No virtual key is called "${reference}".`, { hint: 'List them with `isartor keys list`.' });
  return key;
}

function printInfo(info: KeyInfo): void {
  const rows: Array<[string, string]> = [
    ['alias', info.key_alias ?? '-'],
    ['key', info.key_name],
    ['spend', `${usd(info.spend)}${info.max_budget === null ? '' : ` of ${usd(info.max_budget)}`}${info.total_spend !== info.spend ? ` (${usd(info.total_spend)} in total)` : ''}`],
    ['budget resets', info.budget_reset_at ? `${shortTime(info.budget_reset_at)} (every ${info.budget_duration})` : 'never'],
    ['models', info.models.length ? info.models.join(', ') : 'all'],
    ['expires', info.expires ? `${shortTime(info.expires)}${info.expired ? paint('red', ' (expired)') : ''}` : 'never'],
    ['created', shortTime(info.created_at)],
  ];
  for (const [name, value] of rows) printLine(`  ${name.padEnd(14)}${value}`);
}

function shortTime(iso: string): string {
  return iso.slice(0, 16).replace('T', ' ');
}

/** Without a gateway key a client can leave its virtual key out, and nothing is enforced. */
function warnIfNoMasterKey(): void {
  if (process.env.ISARTOR_GATEWAY_API_KEY || new ConfigStore(resolveStateDir()).read().gateway.apiKey) return;
  printWarning('No gateway key is configured here, so a client can skip its virtual key and nothing is enforced. Start the gateway with --gateway-api-key <key> (or ISARTOR_GATEWAY_API_KEY).');
}

function parseList(value: string): string[] {
  const list = value.split(',').map((item) => item.trim()).filter(Boolean);
  if (list.length === 0) throw new InvalidArgumentError('give model names separated by commas, like a,b.');
  return list;
}

function parseDurationOption(value: string): string {
  if (parseDuration(value) === undefined) throw new InvalidArgumentError(`use ${durationFormat}.`);
  return value.trim();
}
