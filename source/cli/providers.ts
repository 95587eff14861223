import { Command } from 'commander';
import { findProvider } from '../providers/catalog.js';
import { resolveTarget } from '../providers/upstream-target.js';
import { ConfigStore, type IsartorConfig } from '../store/config.js';
import { maskSecret } from '../store/mask-secret.js';
import { resolveStateDir } from '../store/state-dir.js';
import { paint, printJson, printLine, printTable } from '../terminal/output.js';
import { isartorCommand } from '../terminal/invocation.js';

interface ProviderRow {
  id: string;
  default: boolean;
  model: string | null;
  baseUrl: string | null;
  key: string | null;
  /** Why the provider cannot serve requests yet; null when it can. */
  problem: string | null;
}

export function providersCommand(): Command {
  return new Command('providers')
    .description('List the configured providers (keys masked), aliases and fallbacks.')
    .option('--json', 'print the list as JSON')
    .action((flags: { json?: boolean }) => {
      const config = new ConfigStore(resolveStateDir()).read();
      const rows = providerRows(config);
      if (flags.json) {
        printJson({ default: config.provider ?? null, providers: rows, aliases: config.aliases, fallbacks: config.fallbacks });
        return;
      }
      if (rows.length === 0) {
        printLine(`No provider is configured yet. Add one with ${paint('cyan', isartorCommand('set-key -p <provider>'))}.`);
        return;
      }
      printTable(
        ['', 'provider', 'model', 'base URL', 'key'],
        rows.map((r) => [r.default ? '*' : '', r.id, r.model ?? "(each client's)", r.baseUrl ?? '-', r.key ?? '-']),
      );
      for (const row of rows.filter((r) => r.problem)) printLine(paint('yellow', `  ${row.id}: ${row.problem}`));
      printLine('* default: serves every model name that is not an alias');
      const aliases = Object.entries(config.aliases);
      if (aliases.length) {
        printLine('\naliases');
        for (const [name, ref] of aliases) printLine(`  ${name} -> ${ref}`);
      }
      const fallbacks = Object.entries(config.fallbacks);
      if (fallbacks.length) {
        printLine('\nfallbacks');
        for (const [name, refs] of fallbacks) printLine(`  ${name} -> ${refs.join(' -> ')}`);
      }
    });
}

function providerRows(config: IsartorConfig): ProviderRow[] {
  return Object.entries(config.providers).map(([id, settings]) => {
    const spec = findProvider(id);
    let problem: string | null = null;
    try {
      resolveTarget(config, id);
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    return {
      id,
      default: config.provider === id,
      model: settings.model ?? spec?.defaultModel ?? null,
      baseUrl: settings.baseUrl ?? spec?.baseUrl ?? null,
      key: spec?.auth === 'none' ? null : settings.apiKey ? maskSecret(settings.apiKey) : null,
      problem,
    };
  });
}
