import { readFileSync, rmSync } from 'node:fs';
import { writeFileAtomically } from '../state/write-atomically.js';

/** What a running gateway records about itself in the state dir. Holds no secret. */
export interface GatewayRecord {
  pid: number;
  url: string;
  host: string;
  port: number;
  startedAt: string;
  provider: string;
  model: string | null;
  version: string;
  authRequired: boolean;
}

export function writeGatewayRecord(path: string, record: GatewayRecord): void {
  writeFileAtomically(path, `${JSON.stringify(record, null, 2)}\n`, 0o600);
}

export function readGatewayRecord(path: string): GatewayRecord | undefined {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<GatewayRecord>;
    return typeof value.pid === 'number' && typeof value.url === 'string' ? (value as GatewayRecord) : undefined;
  } catch {
    return undefined;
  }
}

/** Removes the record only if it still describes this process, so a newer gateway's record survives. */
export function removeGatewayRecord(path: string, pid: number = process.pid): void {
  const record = readGatewayRecord(path);
  if (!record || record.pid === pid) rmSync(path, { force: true });
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/**
 * A process that has exited but was not yet reaped by its parent still answers signal 0. A detached
 * gateway's parent is init, which in a container may reap it a second or more later: `down` would wait
 * for that. Linux says so in /proc/<pid>/stat (state Z); elsewhere, or when it cannot be read, not a zombie.
 */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (command) state ...": the command may hold spaces and parentheses, the state follows the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 1).trim().startsWith('Z');
  } catch {
    return false;
  }
}
