import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes a whole file so that a reader (or a crash) sees the old content or the new, never half:
 * a temporary file beside it, then a rename. `mode` is applied exactly (writeFileSync's is masked by umask).
 */
export function writeFileAtomically(path: string, text: string, mode: number): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.isartor-${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text, { mode });
    chmodSync(temporary, mode);
    renameSync(temporary, path);
  } catch (error) {
    // A full disk leaves a partial copy: gone, so it is neither read nor left to fill the disk further.
    rmSync(temporary, { force: true });
    throw error;
  }
}
