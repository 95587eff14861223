#!/usr/bin/env node
import { reportFatalError, stopQuietlyOnClosedPipe } from '../terminal/process-exit.js';

stopQuietlyOnClosedPipe();

// The one place the CLI decides how an error ends the process.
try {
  // `isartor setup` only starts the wizard: loading every command (and the gateway behind `up`) first
  // would add seconds before its first frame on a cold cache.
  const program = process.argv[2] === 'setup' ? (await import('./setup-program.js')).buildSetupOnlyProgram() : (await import('./program.js')).buildProgram();
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportFatalError(error, 'isartor');
}
