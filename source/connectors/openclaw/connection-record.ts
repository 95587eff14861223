import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDir } from '../../state/ensure-dir.js';
import { writeFileAtomically } from '../../state/write-atomically.js';

/** A value as it was before connect: `{}` when there was none, `{ value }` otherwise. */
export interface PreviousValue {
  value?: unknown;
}

/** What one connect changed, so that disconnect can undo exactly that and nothing the user did since. */
export interface OpenClawConnectionRecord {
  connectedAt: string;
  /** There was no openclaw.json: disconnect removes it again when nothing else was added to it. */
  createdFile: boolean;
  /** Objects connect had to create (e.g. ["models"], ["models", "providers"]): removed again when left empty. */
  createdObjects: string[][];
  /** `agents.defaults.model` as it was, and as isartor wrote it. */
  defaultModel?: { previous: PreviousValue; wrote: unknown };
  /** The main agent's own model override, as it was and as isartor wrote it. */
  mainAgent?: { path: Array<string | number>; id: string; previous: PreviousValue; wrote: unknown };
  /** Allowlist entries connect added (`agents.defaults.models` keys, `agents.defaults.modelPolicy.allow` entries). */
  allowlistAdded: { models: string[]; modelPolicy: string[] };
}

interface RecordFile {
  version: 1;
  /** By absolute openclaw.json path: one isartor may connect several OpenClaw configs. */
  connections: Record<string, OpenClawConnectionRecord>;
}

/** Where isartor keeps what it changed in OpenClaw configs: `$ISARTOR_HOME/connectors/openclaw.json`. */
export function connectionRecordPath(isartorHome: string): string {
  return join(isartorHome, 'connectors', 'openclaw.json');
}

export function readConnectionRecord(isartorHome: string, configPath: string): OpenClawConnectionRecord | undefined {
  return readRecordFile(isartorHome).connections[configPath];
}

/** Stores (or with undefined, forgets) the record of one config. */
export function writeConnectionRecord(isartorHome: string, configPath: string, record: OpenClawConnectionRecord | undefined): void {
  const file = readRecordFile(isartorHome);
  if (record) file.connections[configPath] = record;
  else delete file.connections[configPath];
  const path = connectionRecordPath(isartorHome);
  if (Object.keys(file.connections).length === 0) {
    rmSync(path, { force: true });
    return;
  }
  ensureDir(join(isartorHome, 'connectors'));
  writeFileAtomically(path, `${JSON.stringify(file, null, 2)}\n`, 0o600);
}

function readRecordFile(isartorHome: string): RecordFile {
  let text: string;
  try {
    text = readFileSync(connectionRecordPath(isartorHome), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, connections: {} };
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<RecordFile>;
    return { version: 1, connections: { ...parsed.connections } };
  } catch {
    // A damaged record only costs the restore of previous values: disconnect still removes isartor's parts.
    return { version: 1, connections: {} };
  }
}
