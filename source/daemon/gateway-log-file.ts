import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { WriteBatch } from '../state/write-batch.js';

export interface GatewayLogFileOptions {
  /** The live file rotates once a write would take it past this size (default 16 MB). */
  maxBytes?: number;
  /** Rotated files kept: gateway.1.log (newest) .. gateway.N.log (default 3). */
  keep?: number;
}

/** Lines kept while the file cannot be written (a full disk); past this the oldest are let go. */
const maxPendingBytes = 1024 * 1024;

/**
 * The log of a gateway that runs without a terminal (`up --detach`, the login service): appended by path
 * and rotated by the gateway itself, so weeks of request lines take at most (keep + 1) × maxBytes.
 *
 * Why not the stdout a parent (or systemd, launchd) opened for us: a renamed file keeps taking writes
 * through that descriptor and Node cannot swap a descriptor in place (no dup2), so such a file can only
 * grow. Request lines leave in one write every 20 ms (one synchronous write per request costs a
 * syscall each on the hot path); warnings are written at once, and every waiting line on exit.
 */
export class GatewayLogFile {
  readonly path: string;
  readonly #maxBytes: number;
  readonly #keep: number;
  #fd: number | undefined;
  #size = 0;
  // Nowhere to report a log that cannot be written: a failed write keeps the lines (the newest 1 MB) for the next.
  readonly #batch = new WriteBatch({ write: (text) => this.#writeNow(text), onError: () => this.#closeFd(), maxBytes: maxPendingBytes });

  constructor(path: string, options: GatewayLogFileOptions = {}) {
    this.path = path;
    this.#maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
    this.#keep = Math.max(1, options.keep ?? 3);
  }

  /** Rotated file `n` (1 = newest): gateway.log -> gateway.1.log. */
  rotatedPath(n: number): string {
    const extension = extname(this.path);
    return join(dirname(this.path), `${basename(this.path, extension)}.${n}${extension}`);
  }

  /** Queues text (whole lines); `urgent` text (warnings, the last words before exit) is written at once. */
  write(text: string, options: { urgent?: boolean } = {}): void {
    if (text.length === 0) return;
    this.#batch.add(text);
    if (options.urgent) this.flush();
  }

  /** Writes every waiting line now. A failed write (ENOSPC) keeps them for the next try. */
  flush(): void {
    this.#batch.flush();
  }

  #writeNow(text: string): void {
    const chunk = Buffer.from(text);
    if (this.#fd === undefined) this.#open();
    if (this.#size > 0 && this.#size + chunk.length > this.#maxBytes) this.#rotate();
    let offset = 0;
    while (offset < chunk.length) offset += writeSync(this.#fd!, chunk, offset);
    this.#size += chunk.length;
  }

  close(): void {
    this.flush();
    this.#closeFd();
  }

  #open(): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    this.#fd = openSync(this.path, 'a', 0o600);
    this.#size = fstatSync(this.#fd).size;
  }

  #rotate(): void {
    this.#closeFd();
    rmSync(this.rotatedPath(this.#keep), { force: true });
    for (let n = this.#keep - 1; n >= 1; n--) if (existsSync(this.rotatedPath(n))) renameSync(this.rotatedPath(n), this.rotatedPath(n + 1));
    renameSync(this.path, this.rotatedPath(1));
    this.#open();
  }

  #closeFd(): void {
    if (this.#fd === undefined) return;
    try {
      closeSync(this.#fd);
    } catch {
      // Already gone.
    }
    this.#fd = undefined;
  }
}

/**
 * Sends everything this process writes to stdout and stderr into the log file instead: request lines,
 * the banner, warnings, and a fatal error's report. stderr (warnings, errors) is written at once. What
 * bypasses JavaScript (V8's out-of-memory report) still goes to the descriptors the parent gave us.
 */
export function captureOutputInto(log: GatewayLogFile): void {
  for (const [stream, urgent] of [[process.stdout, false], [process.stderr, true]] as const) {
    const redirected = (chunk: string | Uint8Array, encoding?: BufferEncoding | ((error?: Error | null) => void), callback?: (error?: Error | null) => void): boolean => {
      log.write(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'), { urgent });
      const done = typeof encoding === 'function' ? encoding : callback;
      if (done) process.nextTick(done);
      return true;
    };
    stream.write = redirected as typeof stream.write;
  }
  process.on('exit', () => log.close());
}
