import { rmSync, statSync } from 'node:fs';
import { writeFileAtomically } from '../../state/write-atomically.js';
import type { FilePlan } from './file-plan.js';

/**
 * Carries out a plan for one client config: the backup first, then the config (atomically, keeping its
 * mode; a new one is 0600 since it may hold a key), then the files the client regenerates.
 */
export function applyFilePlan(configPath: string, plan: FilePlan): void {
  const mode = fileMode(configPath) ?? 0o600;
  if (plan.backup.create && plan.before !== undefined) writeFileAtomically(plan.backup.path, plan.before, mode);
  if (plan.configChanges) writeFileAtomically(configPath, plan.after, mode);
  for (const deletion of plan.deletions) rmSync(deletion.path, { force: true });
  if (plan.backup.restore || plan.backup.remove) rmSync(plan.backup.path, { force: true });
}

function fileMode(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o777;
  } catch {
    return undefined;
  }
}
