import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from '../state/write-atomically.js';
import { parseProgress, type WizardProgress } from './progress.js';

/** An unfinished wizard run, beside the config in the state dir. */
export function progressFilePath(stateDir: string): string {
  return join(stateDir, 'setup-progress.json');
}

export function readProgressFile(stateDir: string): WizardProgress | undefined {
  try {
    return parseProgress(JSON.parse(readFileSync(progressFilePath(stateDir), 'utf8')));
  } catch {
    // Missing or unreadable: there is simply nothing to resume.
    return undefined;
  }
}

/** Writes the progress, or removes the file when there is none. */
export function writeProgressFile(stateDir: string, progress: WizardProgress | undefined): void {
  const path = progressFilePath(stateDir);
  if (!progress) {
    rmSync(path, { force: true });
    return;
  }
  writeFileAtomically(path, `${JSON.stringify(progress, null, 2)}\n`, 0o600);
}
