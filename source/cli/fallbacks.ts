import { Command } from 'commander';
import { formatModelRef, parseModelRef } from '../routing/model-ref.js';
import { defaultFallbacksKey } from '../routing/routing-table.js';
import { ConfigStore } from '../store/config.js';
import { resolveStateDir } from '../store/state-dir.js';
import { UserError } from '../user-error.js';
import { noticeIfGatewayRunning } from './restart-notice.js';
import { paint, printLine } from '../terminal/output.js';

export function fallbacksCommand(): Command {
  return new Command('fallbacks')
    .description('Set what serves a model when its provider fails (429, 5xx, timeout, connection); with no arguments, list them.')
    .argument('[name]', `an alias, or "${defaultFallbacksKey}" for the default provider`)
    .argument('[provider/model...]', 'the fallbacks, tried in this order')
    .option('--clear', 'remove the fallbacks of <name>')
    .addHelpText(
      'after',
      `
Examples:
  isartor fallbacks default openai/gpt-4o-mini ollama/llama3.2
  isartor fallbacks claude-sonnet-4-5-20250929 \\
    anthropic/claude-sonnet-4-5-20250929
  isartor fallbacks default --clear
400, 401, 403 and 404 are never retried: another provider would not fix them.`,
    )
    .action(async (name: string | undefined, refTexts: string[], flags: { clear?: boolean }) => {
      const stateDir = resolveStateDir();
      const store = new ConfigStore(stateDir);
      const config = store.read();
      if (!name) {
        const entries = Object.entries(config.fallbacks);
        if (entries.length === 0) printLine(`No fallbacks yet. Add some with \`isartor fallbacks ${defaultFallbacksKey} <provider/model>...\`.`);
        for (const [key, refs] of entries) printLine(`${key} -> ${refs.join(' -> ')}`);
        return;
      }
      if (name !== defaultFallbacksKey && !(name in config.aliases)) {
        throw new UserError(`"${name}" is neither an alias nor "${defaultFallbacksKey}". Nothing was changed.`, {
          hint: `Create the alias first with \`isartor alias ${name} <provider/model>\`.`,
        });
      }
      if (flags.clear) {
        store.setFallbacks(name, []);
        printLine(`${paint('green', '✓')} ${name} has no fallbacks now.`);
        await noticeIfGatewayRunning(stateDir);
        return;
      }
      if (refTexts.length === 0) throw new UserError(`Name at least one fallback for ${name}.`, { hint: `Run \`isartor fallbacks ${name} <provider/model>...\`, or add --clear.` });
      const refs = refTexts.map(parseModelRef);
      const missing = refs.find((ref) => !config.providers[ref.provider]);
      if (missing) {
        throw new UserError(`${missing.provider} is not configured, so it cannot be a fallback. Nothing was changed.`, {
          hint: `Add it first with \`isartor set-key -p ${missing.provider} --keep-default\`.`,
        });
      }
      store.setFallbacks(name, refs.map(formatModelRef));
      printLine(`${paint('green', '✓')} When ${name === defaultFallbacksKey ? 'the default provider' : name} fails, isartor tries ${refs.map(formatModelRef).join(', then ')}.`);
      await noticeIfGatewayRunning(stateDir);
    });
}
