// `down` waits until the gateway's process is gone. A detached gateway's parent is init, which in a
// container may reap it seconds after it exited; an exited, unreaped process (a zombie) is not alive.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../source/daemon/pid-file.js';

let parent: ChildProcess | undefined;
let child: number | undefined;
afterEach(() => {
  for (const pid of [child, parent?.pid]) {
    try {
      if (pid) process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  parent = undefined;
  child = undefined;
});

function state(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 1).trim()[0];
  } catch {
    return undefined;
  }
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('isProcessAlive', () => {
  it('is true for a running process and false for one that is gone', () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(2 ** 22 + 1)).toBe(false);
  });

  it.skipIf(!existsSync('/proc/self/stat'))('is false for a process that exited but was not reaped (a zombie)', async () => {
    // The shell starts a child in the background, prints its pid and becomes `sleep`, which never reaps it.
    // The child is killed only once the shell has become `sleep` (before, the shell might reap it itself).
    parent = spawn('sh', ['-c', 'sleep 600 & echo $!; exec sleep 601'], { stdio: ['ignore', 'pipe', 'ignore'] });
    child = await new Promise<number>((resolve) => parent!.stdout!.once('data', (data) => resolve(Number(String(data).trim()))));
    while (!readFileSync(`/proc/${parent.pid}/cmdline`, 'utf8').includes('601')) await pause();
    expect(isProcessAlive(child)).toBe(true);
    process.kill(child, 'SIGKILL');
    while (state(child) !== 'Z') await pause();
    expect(isProcessAlive(child)).toBe(false);
    expect(isProcessAlive(parent.pid!)).toBe(true);
  });
});
