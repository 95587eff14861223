import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Pacer } from '../../source/trimming/pacer.js';

/** Spins until `ms` have passed (a slice of work that holds the loop). */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // holding the loop on purpose
  }
}

describe('L2.5 pacer', () => {
  it('lets a due timer run at each yield, also when the work started in an I/O callback', async () => {
    // A request body's last chunk arrives in the loop's poll phase; one setImmediate from there runs
    // before any timer. The pacer's yield must let the timer (due: its time has passed) run first.
    await readFile(fileURLToPath(import.meta.url));
    const pacer = new Pacer(0);
    let fired = false;
    setTimeout(() => {
      fired = true;
    }, 0);
    busy(5);
    await pacer.pace();
    expect(fired).toBe(true);
  });

  it('does not yield while its slice has time left, and never with an infinite slice', async () => {
    let ran = false;
    setImmediate(() => {
      ran = true;
    });
    await new Pacer(60_000).pace();
    await new Pacer(Infinity).pace();
    expect(ran).toBe(false);
  });
});
