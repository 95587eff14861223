import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { invocationEnvName, isartorInvocation } from '../terminal/invocation.js';

const setupEntry = fileURLToPath(new URL('../setup/index.js', import.meta.url));

/**
 * `isartor setup [flags]` runs the isartor-setup wizard. It is the same program as `npx isartor-setup`,
 * reachable from a clone too: there npm cannot run a bin named like the project itself (`npx
 * isartor-setup` looks for the package and finds none linked), while `npx isartor` works.
 */
export function setupCommand(): Command {
  return new Command('setup')
    .description('The setup wizard and live dashboard (`isartor setup --help` lists its flags; installed, also `isartor-setup`).')
    .argument('[flags...]', 'flags for isartor-setup')
    .allowUnknownOption()
    .helpOption(false)
    .action(async (flags: string[]) => {
      // The wizard names the CLI in its advice the way the user reached it (`npx isartor`, `isartor`, ...).
      const env = { ...process.env, [invocationEnvName]: isartorInvocation() };
      const child = spawn(process.execPath, [setupEntry, ...flags], { stdio: 'inherit', env });
      // The wizard owns the terminal: Ctrl+C reaches it directly; this process only waits for it.
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => {});
      process.exitCode = await new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 130 : 1))));
    });
}
