import { Command } from 'commander';
import { formatModelRef, parseModelRef } from '../routing/model-ref.js';
import { ConfigStore } from '../store/config.js';
import { resolveStateDir } from '../store/state-dir.js';
import { UserError } from '../user-error.js';
import { noticeIfGatewayRunning } from './restart-notice.js';
import { paint, printLine } from '../terminal/output.js';

export function aliasCommand(): Command {
  return new Command('alias')
    .description('Serve a requested model name from a provider/model of your choice; with no arguments, list the aliases.')
    .argument('[name]', 'the model name clients ask for, e.g. claude-sonnet-4-5-20250929')
    .argument('[provider/model]', 'what serves it, e.g. groq/openai/gpt-oss-120b')
    .option('--remove', 'remove the alias <name>')
    .addHelpText(
      'after',
      `
Examples:
  isartor alias claude-sonnet-4-5-20250929 groq/openai/gpt-oss-120b
  isartor alias claude-sonnet-4-5-20250929 --remove
The provider must be configured
(\`isartor set-key -p <provider> --keep-default\`).`,
    )
    .action(async (name: string | undefined, refText: string | undefined, flags: { remove?: boolean }) => {
      const stateDir = resolveStateDir();
      const store = new ConfigStore(stateDir);
      const config = store.read();
      if (!name) {
        const aliases = Object.entries(config.aliases);
        if (aliases.length === 0) printLine('No aliases yet. Add one with `isartor alias <name> <provider/model>`.');
        for (const [alias, ref] of aliases) printLine(`${alias} -> ${ref}`);
        return;
      }
      if (flags.remove) {
        if (!(name in config.aliases)) throw new UserError(`There is no alias "${name}".`, { hint: 'List them with `isartor alias`.' });
        store.setAlias(name, undefined);
        if (config.fallbacks[name]) store.setFallbacks(name, []);
        printLine(`${paint('green', '✓')} Removed the alias ${name}${config.fallbacks[name] ? ' and its fallbacks' : ''}.`);
        await noticeIfGatewayRunning(stateDir);
        return;
      }
      if (!refText) throw new UserError(`Say what serves "${name}".`, { hint: `Run \`isartor alias ${name} <provider/model>\`, or add --remove.` });
      const ref = parseModelRef(refText);
      if (!config.providers[ref.provider]) {
        throw new UserError(`${ref.provider} is not configured, so it cannot serve "${name}". Nothing was changed.`, {
          hint: `Add it first with \`isartor set-key -p ${ref.provider} --keep-default\`.`,
        });
      }
      store.setAlias(name, formatModelRef(ref));
      printLine(`${paint('green', '✓')} Requests for ${name} are now served by ${formatModelRef(ref)}.`);
      await noticeIfGatewayRunning(stateDir);
    });
}
