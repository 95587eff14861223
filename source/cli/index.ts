#!/usr/bin/env node
import { reportFatalError, stopQuietlyOnClosedPipe } from '../terminal/process-exit.js';
import { buildProgram } from './program.js';

stopQuietlyOnClosedPipe();

// The one place the CLI decides how an error ends the process.
try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportFatalError(error, 'isartor');
}
