// The readme's checkable claims, checked against whatever the readme says today: every
// `x-isartor-*` header it names exists in the source, and every command and flag in its Commands
// table is in that command's --help.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../source/cli/program.js';
import { buildSetupProgram } from '../../source/setup/program.js';
import { repoRoot } from '../cli/run-cli.js';

const readme = readFileSync(join(repoRoot, 'readme.md'), 'utf8');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

/** The Commands section's table rows: the command with its flags, as the first cell shows it. */
function commandRows(): string[] {
  const section = readme.slice(readme.indexOf('## Commands'), readme.indexOf('\n## ', readme.indexOf('## Commands') + 3));
  return [...section.matchAll(/^\| `(isartor [^`]+)` \|/gm)].map((match) => match[1]!.replace(/\\\|/g, '|'));
}

/** The subcommand a row names: the words after `isartor` up to the first flag, argument or bracket. */
function commandPath(row: string): string[] {
  const words: string[] = [];
  for (const word of row.split(/\s+/).slice(1)) {
    if (/^[-<[]/.test(word)) break;
    words.push(word);
  }
  return words;
}

function findCommand(program: Command, path: string[]): Command | undefined {
  let command: Command | undefined = program;
  for (const name of path) command = command?.commands.find((sub) => sub.name() === name || sub.aliases().includes(name));
  return command;
}

describe('readme.md claims', () => {
  it('every x-isartor-* header it names appears in the source', () => {
    const source = filesUnder(join(repoRoot, 'source')).map((file) => readFileSync(file, 'utf8')).join('\n');
    const headers = [...new Set([...readme.matchAll(/x-isartor-[a-z0-9-]*[a-z0-9]/g)].map((match) => match[0]))];
    expect(headers.length).toBeGreaterThan(3);
    const missing = headers.filter((header) => !source.includes(header));
    expect(missing, `headers the readme names but no source file sets or reads`).toEqual([]);
  });

  it("every command and flag in the Commands table is in that command's --help", () => {
    const rows = commandRows();
    expect(rows.length).toBeGreaterThan(5);
    const program = buildProgram();
    const problems: string[] = [];
    for (const row of rows) {
      const path = commandPath(row);
      // `isartor setup [flags]` hands its flags to the wizard's own program.
      const command = path[0] === 'setup' ? buildSetupProgram() : findCommand(program, path);
      if (!command) {
        problems.push(`${row}: no command "${path.join(' ')}"`);
        continue;
      }
      const help = command.helpInformation();
      for (const flag of row.match(/(?<![\w-])--?[a-z][\w-]*/g) ?? []) {
        if (!new RegExp(`(^|[\\s,])${flag}([\\s,=<[]|$)`, 'm').test(help)) problems.push(`${row}: ${flag} is not in \`isartor ${path.join(' ')} --help\``);
      }
    }
    expect(problems).toEqual([]);
  });
});
