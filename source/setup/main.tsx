/** The wizard's program, loaded by index.ts once it has said that it is loading. */
import { render } from 'ink';
import { reportFatalError, stopQuietlyOnClosedPipe } from '../terminal/process-exit.js';
import { resolveStateDir } from '../store/state-dir.js';
import { isartorCommand, runnableAdvice } from '../terminal/invocation.js';
import { SetupApp } from './app.js';
import { themeFor } from './components/theme.js';
import { initialSetupState, type SetupState } from './flow.js';
import { buildSetupProgram, isInteractiveTerminal, wantsFlagRun, type SetupFlags } from './program.js';
import { createSetupEffects } from './real-effects.js';
import { runFromFlags } from './run-from-flags.js';

stopQuietlyOnClosedPipe();

async function main(): Promise<number> {
  const program = buildSetupProgram();
  program.parse(process.argv);
  const flags = program.opts<SetupFlags>();
  const effects = createSetupEffects({ stateDir: resolveStateDir(), openClawConfigPath: flags.configPath });
  const interactive = isInteractiveTerminal(process.stdin, process.stdout, process.env);
  if (!interactive || wantsFlagRun(flags)) {
    const reason = process.env.CI ? 'CI is set' : 'standard input or output is not a terminal';
    return runFromFlags(flags, effects, { out: (line) => process.stdout.write(`${runnableAdvice(line)}\n`), env: process.env, reason });
  }
  return runWizard(flags, effects);
}

async function runWizard(flags: SetupFlags, effects: ReturnType<typeof createSetupEffects>): Promise<number> {
  let last: SetupState | undefined;
  // index.ts left a "loading" line for the seconds the imports take; the wizard draws over it.
  process.stdout.write('\r\u001B[2K');
  const instance = render(
    <SetupApp
      effects={effects}
      theme={themeFor()}
      initialState={initialSetupState({ demo: flags.demo, port: flags.port })}
      onStateChange={(state) => {
        last = state;
      }}
    />,
    { exitOnCtrlC: true },
  );
  await instance.waitUntilExit();
  // Ctrl+C (or anything but the dashboard's q/d) ends here with work possibly left running.
  const handle = last?.gateway.handle;
  if (handle && !last?.dashboard.finished) {
    if (handle.kind === 'demo') {
      await effects.stopGateway(handle).catch(() => {});
      process.stdout.write('Setup interrupted; the demo gateway has stopped.\n');
    } else {
      process.stdout.write(`Setup interrupted. The gateway keeps running at ${handle.url}; stop it with \`${isartorCommand('down')}\`.\n`);
      if (last?.providerId && last.screen !== 'dashboard') process.stdout.write(`Run \`${isartorCommand('setup')}\` and press r to resume where you left off.\n`);
    }
  } else if (!last?.dashboard.finished) {
    process.stdout.write(
      last?.providerId && last.mode === 'setup'
        ? `Setup interrupted; run \`${isartorCommand('setup')}\` and press r to resume where you left off.\n`
        : 'Setup interrupted before anything was chosen; nothing was saved.\n',
    );
  }
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  process.exitCode = reportFatalError(error, 'isartor-setup');
}
// Keep-alive sockets or a stray timer must not hold the terminal once the work is done.
setTimeout(() => process.exit(), 1000).unref();
