import { lockSync } from 'proper-lockfile';
import { UserError } from '../user-error.js';

/** A lock older than this was left by a process that died holding it (kill -9) and is taken over. */
const staleMs = 3_000;
/** Longer than a stale lock lives, so a writer that meets one waits it out instead of failing. */
const giveUpMs = 10_000;

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Holds `<file>.lock` (proper-lockfile: an mkdir, atomic on every file system, with its mtime kept fresh
 * and taken over when stale) while `action` reads, changes and writes the file. The gateway's /key/* and
 * every `isartor keys` process write keys.json; without it two writers read the same list, each adds
 * its key, and the second write loses the first key. Waits are synchronous and short (a read-modify-write
 * takes a millisecond or two), so the keys API stays synchronous.
 */
export function withKeysFileLock<T>(file: string, action: () => T): T {
  const release = acquire(file);
  try {
    return action();
  } finally {
    try {
      release();
    } catch {
      // Already released or taken over as stale: the write itself is done and atomic either way.
    }
  }
}

function acquire(file: string): () => void {
  const deadline = Date.now() + giveUpMs;
  for (let attempt = 0; ; attempt += 1) {
    try {
      // onCompromised: proper-lockfile's default throws from a timer, which would take a gateway down.
      return lockSync(file, { realpath: false, stale: staleMs, onCompromised: () => {} });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      if (Date.now() > deadline) {
        throw new UserError(`The virtual keys file ${file} stayed locked by another isartor process for ${giveUpMs / 1000} s.`, {
          hint: `Try again; if it keeps happening, remove ${file}.lock (a directory) while no isartor command runs.`,
        });
      }
      // 5-25 ms with jitter, so concurrent writers do not retry in lockstep.
      Atomics.wait(pause, 0, 0, 5 + Math.random() * 20 + Math.min(attempt, 10));
    }
  }
}
