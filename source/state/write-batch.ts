export interface WriteBatchOptions {
  /**
   * Where the waiting lines go, joined into one string, in one call. A throw keeps them waiting for the
   * next flush (the oldest past `maxBytes` are then let go) and is passed to `onError`.
   */
  write: (text: string, lines: number) => void;
  onError?: (error: unknown) => void;
  /** Bytes that may wait at most; past this the oldest lines are let go, the newest kept (default: no bound). */
  maxBytes?: number;
  /** How long a line may wait to leave with the ones after it (default 20 ms). */
  delayMs?: number;
}

/**
 * Lines appended to a file in one write every `delayMs` instead of one each: a file write costs ~15-20 µs
 * of CPU and wakes a libuv worker thread (or blocks, when synchronous), which on a busy 2-core machine
 * preempts the gateway. What the file does on a failed write, how it rotates or compacts, stays with it
 * (the request log, the L1a cache file and the detached gateway's log each decide for themselves).
 */
export class WriteBatch {
  readonly #options: WriteBatchOptions;
  #lines: string[] = [];
  #bytes = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: WriteBatchOptions) {
    this.#options = options;
  }

  /** Lines waiting. */
  get length(): number {
    return this.#lines.length;
  }

  /** Queues a line (or several, as one string); it leaves within `delayMs`, or at the next flush. */
  add(line: string): void {
    this.#lines.push(line);
    // Counted only when bounded: the files without a bound count their bytes themselves.
    if (this.#options.maxBytes !== undefined) {
      this.#bytes += Buffer.byteLength(line);
      this.#bound();
    }
    // Unref'd: a pending batch never keeps the process alive; whoever owns the file flushes it on close.
    this.#timer ??= setTimeout(() => this.flush(), this.#options.delayMs ?? 20).unref();
  }

  /** Writes every waiting line now, in one call. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#lines.length === 0) return;
    const lines = this.#lines;
    const bytes = this.#bytes;
    // Taken before writing: lines added while write runs (it may log) wait for the next flush.
    this.#lines = [];
    this.#bytes = 0;
    try {
      this.#options.write(lines.length === 1 ? lines[0]! : lines.join(''), lines.length);
    } catch (error) {
      this.#lines = lines.concat(this.#lines);
      this.#bytes += bytes;
      this.#bound();
      this.#options.onError?.(error);
    }
  }

  #bound(): void {
    const maxBytes = this.#options.maxBytes;
    if (maxBytes === undefined) return;
    while (this.#bytes > maxBytes && this.#lines.length > 1) this.#bytes -= Buffer.byteLength(this.#lines.shift()!);
  }

  /** Lets go of every waiting line without writing it (the file failed and its owner keeps them another way). */
  discard(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#lines = [];
    this.#bytes = 0;
  }
}
