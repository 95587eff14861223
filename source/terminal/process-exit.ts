import { CommanderError } from 'commander';
import { UserError } from '../user-error.js';
import { paint } from './output.js';
import { runnableAdvice } from './invocation.js';

/** `isartor ... | head` closes the pipe early: stop quietly instead of crashing on the next write. */
export function stopQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
}

/**
 * For the serving process (`isartor up`), whose request log is stdout and warnings stderr (a file for a
 * detached gateway): a write that fails other than on a closed pipe (a full disk: ENOSPC) is dropped.
 * Rethrown, it became an uncaught exception whose report failed the same way, a loop that starved every
 * request. Later writes are tried again, so the log resumes once there is room.
 */
export function keepServingWhenOutputFails(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.removeAllListeners('error');
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    });
  }
}

/**
 * How an error ends a program (`isartor`, `isartor-setup`): commander has already printed its own; a
 * UserError prints its message and hint; anything else is a crash with its stack, exit code 70.
 */
export function reportFatalError(error: unknown, programName: string): number {
  if (error instanceof CommanderError) return error.exitCode;
  if (error instanceof UserError) {
    process.stderr.write(`${paint('red', 'error:', process.stderr)} ${runnableAdvice(error.message)}\n`);
    if (error.hint) process.stderr.write(`${runnableAdvice(error.hint)}\n`);
    return error.exitCode;
  }
  process.stderr.write(`${paint('red', `${programName} crashed:`, process.stderr)} ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 70;
}
