// `down` waits until the gateway's process is gone. A detached gateway's parent is init, which in a
// container may reap it seconds after it exited; an exited, unreaped process (a zombie) is not alive.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../source/daemon/pid-file.js';

let parent: ChildProcess | undefined;
afterEach(() => {
  parent?.kill('SIGKILL');
  parent = undefined;
});

function state(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 1).trim()[0];
  } catch {
    return undefined;
  }
}

describe('isProcessAlive', () => {
  it('is true for a running process and false for one that is gone', () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(2 ** 22 + 1)).toBe(false);
  });

  it.skipIf(!existsSync('/proc/self/stat'))('is false for a process that exited but was not reaped (a zombie)', async () => {
    // The shell starts `true` in the background, prints its pid and becomes `sleep`, which never reaps it.
    parent = spawn('sh', ['-c', 'true & echo $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const zombie = await new Promise<number>((resolve) => parent!.stdout!.once('data', (data) => resolve(Number(String(data).trim()))));
    while (state(zombie) !== 'Z') await new Promise((resolve) => setTimeout(resolve, 10));
    expect(isProcessAlive(zombie)).toBe(false);
    expect(isProcessAlive(parent.pid!)).toBe(true);
  });
});
