#!/usr/bin/env node
import { CommanderError } from 'commander';
import { UserError } from '../user-error.js';
import { buildProgram } from './program.js';
import { paint } from './terminal.js';

// `isartor ... | head` closes the pipe early: stop quietly instead of crashing on the next write.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

// The one place the CLI decides how an error ends the process.
try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else if (error instanceof UserError) {
    process.stderr.write(`${paint('red', 'error:', process.stderr)} ${error.message}\n`);
    if (error.hint) process.stderr.write(`${error.hint}\n`);
    process.exitCode = error.exitCode;
  } else {
    process.stderr.write(`${paint('red', 'isartor crashed:', process.stderr)} ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 70;
  }
}
