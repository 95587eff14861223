import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { ensureDir } from './ensure-dir.js';
import type { SpendStore, WindowStartOf } from './spend-ledger.js';

export type { WindowStartOf } from './spend-ledger.js';

/** One line of the ledger: a key (by id) was charged `usd` at `t` (ISO). */
interface SpendLine {
  t: string;
  key: string;
  usd: number;
}

interface KeySpendState {
  /** The budget window the running sum belongs to. */
  windowStartMs: number;
  windowUsd: number;
  totalUsd: number;
}

/**
 * What each virtual key spent: an append-only JSONL file, one line per paid request, written with a
 * synchronous append so that a crash loses at most the line being written. On open the file is replayed;
 * a torn or corrupt line (a crash mid-write, a hand edit) is skipped and counted. Without a file it is
 * memory only.
 */
export class SpendLedger implements SpendStore {
  readonly #file: string | undefined;
  readonly #windowStartOf: WindowStartOf;
  readonly #state = new Map<string, KeySpendState>();
  #fd: number | undefined;
  /** The file ends in a torn line: the next append starts on a new line, so that line alone is lost. */
  #endsTorn = false;
  /** Lines skipped on replay. */
  readonly skippedLines: number;

  readonly #onWarning: ((message: string) => void) | undefined;
  /** A write failed and the user was told; cleared by the next write that works. */
  #failing = false;

  constructor(options: { file?: string; windowStartOf: WindowStartOf; onWarning?: (message: string) => void }) {
    this.#file = options.file;
    this.#windowStartOf = options.windowStartOf;
    this.#onWarning = options.onWarning;
    this.skippedLines = this.#file ? this.#replay(this.#file) : 0;
  }

  charge(keyId: string, usd: number, atMs: number): void {
    if (!(usd > 0)) return;
    // Counted first: a budget holds in this process even when the file cannot take the line.
    this.#apply(keyId, usd, atMs);
    if (this.#file) this.#append(this.#file, { t: new Date(atMs).toISOString(), key: keyId, usd });
  }

  /**
   * A full disk or a read-only state dir must not fail the request being recorded (nor its stats record):
   * the user hears it once, the spend stays counted in memory, and the next write starts on a new line,
   * so a line cut short by the failure stays one skipped line.
   */
  #append(file: string, line: SpendLine): void {
    const text = `${JSON.stringify(line)}\n`;
    try {
      if (this.#fd === undefined) {
        ensureDir(dirname(file));
        this.#fd = openSync(file, 'a', 0o600);
        if (this.#endsTorn && writeSync(this.#fd, '\n') !== 1) throw new Error('a short write');
        this.#endsTorn = false;
      }
      if (writeSync(this.#fd, text) !== Buffer.byteLength(text)) throw new Error('a short write (is the disk full?)');
      if (this.#failing) {
        this.#failing = false;
        this.#onWarning?.(`The spend ledger ${file} is written again.`);
      }
    } catch (error) {
      this.#endsTorn = true;
      if (this.#fd !== undefined) closeSync(this.#fd);
      this.#fd = undefined;
      if (this.#failing) return;
      this.#failing = true;
      this.#onWarning?.(
        `Could not write the spend ledger ${file} (${error instanceof Error ? error.message : String(error)}). Budgets stay enforced from memory while isartor runs, but spend since then is lost at a restart; free disk space or make the state dir writable.`,
      );
    }
  }

  /** USD spent in the window `atMs` falls in. */
  windowSpend(keyId: string, atMs: number): number {
    const state = this.#state.get(keyId);
    const start = this.#windowStartOf(keyId, atMs);
    if (!state || start === undefined || start !== state.windowStartMs) return 0;
    return roundUsd(state.windowUsd);
  }

  totalSpend(keyId: string): number {
    return roundUsd(this.#state.get(keyId)?.totalUsd ?? 0);
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  #apply(keyId: string, usd: number, atMs: number): void {
    const start = this.#windowStartOf(keyId, atMs);
    let state = this.#state.get(keyId);
    if (!state) {
      state = { windowStartMs: start ?? atMs, windowUsd: 0, totalUsd: 0 };
      this.#state.set(keyId, state);
    }
    state.totalUsd += usd;
    if (start === undefined || start < state.windowStartMs) return;
    if (start > state.windowStartMs) {
      state.windowStartMs = start;
      state.windowUsd = 0;
    }
    state.windowUsd += usd;
  }

  #replay(file: string): number {
    if (!existsSync(file)) return 0;
    let skipped = 0;
    const content = readFileSync(file, 'utf8');
    this.#endsTorn = content.length > 0 && !content.endsWith('\n');
    for (const text of content.split('\n')) {
      if (!text) continue;
      try {
        const line = JSON.parse(text) as SpendLine;
        const atMs = Date.parse(line.t);
        if (typeof line.key !== 'string' || typeof line.usd !== 'number' || !Number.isFinite(line.usd) || Number.isNaN(atMs)) throw new Error('not a spend line');
        this.#apply(line.key, line.usd, atMs);
      } catch {
        skipped += 1;
      }
    }
    return skipped;
  }
}

/** Micro-dollars, like the stats: sums of small floats otherwise print as 0.30000000000000004. */
function roundUsd(usd: number): number {
  return Math.round(usd * 1e9) / 1e9;
}
