import { Command } from 'commander';
import { setupCommand } from './setup.js';

/** The CLI with only `setup` in it, for the fast start of `isartor setup` (the full program is program.ts). */
export function buildSetupOnlyProgram(): Command {
  return new Command('isartor').exitOverride().addCommand(setupCommand().exitOverride());
}
