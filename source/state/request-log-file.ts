import { createWriteStream, existsSync, openSync, readFileSync, renameSync, statSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { ensureDir } from './ensure-dir.js';
import type { RequestLog } from './request-log.js';
import type { RequestRecord } from './request-record.js';

export interface RequestLogOptions {
  /** The live file rotates past this size. */
  maxBytes?: number;
  /** Rotated files kept: requests.1.jsonl (newest) .. requests.N.jsonl. */
  keep?: number;
}

const liveName = 'requests.jsonl';
const rotatedName = (n: number): string => `requests.${n}.jsonl`;

/** The gateway's request records: append-only JSONL in `<state>/stats/`, rotated with a bounded total size. */
export class RequestLogFile implements RequestLog {
  readonly #dir: string;
  readonly #maxBytes: number;
  readonly #keep: number;
  #stream: WriteStream | undefined;
  #size = 0;

  constructor(dir: string, options: RequestLogOptions = {}) {
    this.#dir = dir;
    this.#maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
    this.#keep = options.keep ?? 4;
  }

  append(record: RequestRecord): void {
    const line = `${JSON.stringify(record)}\n`;
    if (!this.#stream) this.#open();
    if (this.#size + line.length > this.#maxBytes && this.#size > 0) this.#rotate();
    this.#stream!.write(line);
    this.#size += Buffer.byteLength(line);
  }

  read(sinceMs = 0): { records: RequestRecord[]; skipped: number } {
    return readRequestLog(this.#dir, sinceMs, this.#keep);
  }

  async close(): Promise<void> {
    const stream = this.#stream;
    this.#stream = undefined;
    if (stream) await new Promise<void>((resolve) => stream.end(resolve));
  }

  #open(): void {
    ensureDir(this.#dir);
    const path = join(this.#dir, liveName);
    this.#size = existsSync(path) ? statSync(path).size : 0;
    this.#stream = openForAppend(path);
  }

  #rotate(): void {
    this.#stream?.end();
    for (let n = this.#keep - 1; n >= 1; n--) {
      const from = join(this.#dir, rotatedName(n));
      if (existsSync(from)) renameSync(from, join(this.#dir, rotatedName(n + 1)));
    }
    // Writes still queued on the old descriptor follow the file to its rotated name.
    renameSync(join(this.#dir, liveName), join(this.#dir, rotatedName(1)));
    this.#stream = openForAppend(join(this.#dir, liveName));
    this.#size = 0;
  }
}

/** Opened synchronously, so the file exists at once (a rotation in the same tick can rename it). */
function openForAppend(path: string): WriteStream {
  return createWriteStream('', { fd: openSync(path, 'a', 0o600) });
}

/** Every record since `sinceMs`, oldest first. A torn or corrupt line is skipped and counted, never fatal. */
export function readRequestLog(dir: string, sinceMs = 0, keep = 4): { records: RequestRecord[]; skipped: number } {
  const records: RequestRecord[] = [];
  let skipped = 0;
  const files = [...Array.from({ length: keep }, (_, i) => rotatedName(keep - i)), liveName];
  for (const name of files) {
    const path = join(dir, name);
    if (!existsSync(path)) continue;
    // A file last written before the window holds nothing in it: skip parsing megabytes of old records.
    if (sinceMs > 0 && statSync(path).mtimeMs < sinceMs) continue;
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line) continue;
      try {
        const record = JSON.parse(line) as RequestRecord;
        if (typeof record.time !== 'string' || typeof record.layer !== 'string') throw new Error('not a record');
        if (Date.parse(record.time) >= sinceMs) records.push(record);
      } catch {
        skipped += 1;
      }
    }
  }
  return { records, skipped };
}
