import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Keeps L2.5 from holding the event loop: work is done in slices, and once a slice has run for
 * `sliceMs` the next `pace()` waits for one turn of the loop, so other requests and /health are served
 * in between. A pacer with `sliceMs: Infinity` never yields (for synchronous callers and tests).
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
    await nextTurn();
    this.sliceStart = performance.now();
  }
}

/** How many characters one synchronous step handles: about a millisecond of rendering or counting. */
export const stepChars = 16_384;
