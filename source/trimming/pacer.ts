import { performance } from 'node:perf_hooks';

/**
 * Keeps L2.5 from holding the event loop: work is done in slices, and once a slice has run for
 * `sliceMs` the next `pace()` waits for one full turn of the loop, so timers, other requests' I/O and
 * /health are served in between. A pacer with `sliceMs: Infinity` never yields (for synchronous callers and tests).
 */
export class Pacer {
  private sliceStart = performance.now();

  constructor(readonly sliceMs = 4) {}

  /** Whether the current slice has used its time. */
  get due(): boolean {
    return performance.now() - this.sliceStart >= this.sliceMs;
  }

  async pace(): Promise<void> {
    if (!this.due) return;
    await fullTurn();
    this.sliceStart = performance.now();
  }
}

/**
 * Resolves after the event loop has gone once through its timers and I/O. One setImmediate is not
 * enough: work that started in an I/O callback (a request body's last chunk) is in the loop's poll
 * phase, and an immediate queued there runs in the check phase right after it, before any timer or
 * other socket is looked at. A second immediate, queued from the check phase, runs only after the next
 * turn's timers and poll. (Measured: with one, a 500 KB trim held the loop for two slices, ~8-10 ms.)
 */
export function fullTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

/** How many characters one synchronous step handles: about a millisecond of rendering or counting. */
export const stepChars = 16_384;
