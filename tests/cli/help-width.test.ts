// Every --help (isartor, each subcommand, isartor-setup) fits an 80-column terminal, the text added
// after commander's own part included: a wider line wraps mid-word in a terminal of that size.
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../source/cli/program.js';
import { buildSetupProgram } from '../../source/setup/program.js';

/** The command and every subcommand below it, with the words that name each (`connect codex`). */
function everyCommand(command: Command, path: string[] = []): Array<{ path: string[]; command: Command }> {
  return [{ path, command }, ...command.commands.flatMap((sub) => everyCommand(sub, [...path, sub.name()]))];
}

/** What `<command> --help` prints in an 80-column terminal, captured instead of written. */
function helpText(command: Command): string {
  let text = '';
  command.configureOutput({ writeOut: (chunk) => (text += chunk), getOutHelpWidth: () => 80 });
  command.outputHelp();
  return text;
}

describe('--help fits 80 columns', () => {
  const commands = [
    ...everyCommand(buildProgram()).map(({ path, command }) => ({ name: ['isartor', ...path].join(' '), command })),
    { name: 'isartor-setup', command: buildSetupProgram() },
  ];

  it('covers every command', () => {
    expect(commands.map((entry) => entry.name)).toEqual(expect.arrayContaining(['isartor', 'isartor set-key', 'isartor connect openclaw', 'isartor keys create', 'isartor-setup']));
  });

  for (const { name, command } of commands) {
    it(name, () => {
      const help = helpText(command);
      // The after-help text is there too (each of these has some, or at least a usage line).
      expect(help).toContain('Usage:');
      const wide = help.split('\n').filter((line) => line.length > 80);
      expect(wide, `lines of \`${name} --help\` wider than 80 columns`).toEqual([]);
    });
  }
});
