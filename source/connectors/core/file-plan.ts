import { readFileSync } from 'node:fs';
import { createTwoFilesPatch } from 'diff';

/** A file the client regenerates from its config, deleted with the edit. */
export interface PlannedDeletion {
  path: string;
  content: string;
}

/** Connect: keep the user's original once. Disconnect: restore from it, then remove it. */
export interface PlannedBackup {
  path: string;
  create: boolean;
  restore: boolean;
  /** Remove the backup without restoring it (the config already is what it holds). */
  remove?: boolean;
}

/** What every connector's plan says about one client config file, computed without writing anything. */
export interface FilePlan {
  /** The file as it is; undefined when there is none yet. */
  before: string | undefined;
  after: string;
  configChanges: boolean;
  deletions: PlannedDeletion[];
  backup: PlannedBackup;
  /** A unified diff of the config and of every file to be deleted. */
  diff: string;
  /** Nothing to do: already as planned. */
  unchanged: boolean;
}

/** Where a connector keeps the user's original of a client config. */
export function backupPathOf(configPath: string): string {
  return `${configPath}.isartor-backup`;
}

/** The diff and change flags of an edit to `configPath`, plus the deletions that go with it. */
export function planFileChange(
  configPath: string,
  before: string | undefined,
  after: string,
  deletions: PlannedDeletion[],
  backup: PlannedBackup,
  deletionNote: string | ((deletion: PlannedDeletion) => string),
): FilePlan {
  const configChanges = before !== after;
  const patches = configChanges ? [createTwoFilesPatch(configPath, configPath, before ?? '', after, before === undefined ? '(new file)' : '', '')] : [];
  for (const deletion of deletions) {
    const note = typeof deletionNote === 'string' ? deletionNote : deletionNote(deletion);
    patches.push(createTwoFilesPatch(deletion.path, '/dev/null', deletion.content, '', '', note));
  }
  const unchanged = !configChanges && deletions.length === 0 && !backup.restore && !backup.remove;
  return { before, after, configChanges, deletions, backup, diff: patches.join(''), unchanged };
}

export function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
