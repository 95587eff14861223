import type { Command } from 'commander';

/**
 * Help that wraps at word boundaries in 80 columns: commander wraps a description only when at least
 * `minWidthToWrap` columns are left beside the longest term, and `fallbacks [options] [name]
 * [provider/model...]` left too few. Commands are listed by name (each one's own --help shows its
 * arguments), and descriptions wrap down to 30 columns. Applied to every command, since commander
 * copies help settings only to subcommands it creates itself.
 */
export function wrapHelpAt80(command: Command): Command {
  command.configureHelp({ minWidthToWrap: 30, subcommandTerm: (sub) => sub.name() + (sub.commands.length ? ' <command>' : '') });
  for (const sub of command.commands) wrapHelpAt80(sub);
  return command;
}
