import { closeSync, createWriteStream, existsSync, openSync, readFileSync, readSync, renameSync, statSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { ensureDir } from './ensure-dir.js';
import type { RequestLog } from './request-log.js';
import { RecordColumns } from './record-columns.js';
import type { RequestRecord, StatsRecord } from './request-record.js';
import { WriteBatch } from './write-batch.js';

export interface RequestLogOptions {
  /** The live file rotates past this size. */
  maxBytes?: number;
  /** Rotated files kept: requests.1.jsonl (newest) .. requests.N.jsonl. */
  keep?: number;
  /** Told once when records cannot be written (a full disk, a read-only state dir), and once when they can again. */
  onWarning?: (message: string) => void;
  /** After a failed write, appends wait this long before the file is tried again (default 10 s). */
  retryMs?: number;
  /** Node's fs overrides for the live file's write stream (`write`, `writev`, `close`): tests inject a full disk. */
  fileSystem?: Exclude<Parameters<typeof createWriteStream>[1], string | undefined>['fs'];
}

/** Records kept in memory while the file cannot be written; past this the oldest are let go. */
const maxUnsaved = 10_000;

const liveName = 'requests.jsonl';
const rotatedName = (n: number): string => `requests.${n}.jsonl`;

/** The records of the kept files, parsed once, as columns of what `/stats` reads (see RecordColumns). */
interface InMemory {
  records: RecordColumns;
  /** Unreadable lines per file, with the file's mtime then (a window skips files written before it). */
  skipped: Array<{ lines: number; mtimeMs: number }>;
}

/**
 * The gateway's request records: append-only JSONL in `<state>/stats/`, rotated with a bounded total size.
 * The first read parses the kept files once; later records join that copy as they are appended, so
 * `/stats` (polled every 2 s by the dashboard) never re-reads and re-parses up to 16 MB per file. The copy
 * keeps only what `/stats` reads, as columns: ~18 MB for five full files instead of ~76 MB of records.
 */
export class RequestLogFile implements RequestLog {
  readonly #dir: string;
  readonly #maxBytes: number;
  readonly #keep: number;
  #stream: WriteStream | undefined;
  #size = 0;
  #memory: InMemory | undefined;
  #generation = 0;
  /** Appended records whose write callback has not run yet, oldest first, with their lines. */
  readonly #unwritten: Array<{ record: RequestRecord; line: string }> = [];
  /** Lines of the newest unwritten records not yet handed to the stream (see #write). */
  readonly #batch = new WriteBatch({ write: (text, lines) => this.#writeBatch(text, lines) });
  /**
   * Records whose write failed (or that came while the file could not be written), oldest first: still
   * counted by `/stats`, and written first once the file takes writes again. A full disk or a read-only
   * state dir must not stop the gateway answering, nor lose what it already recorded.
   */
  readonly #unsaved: Array<{ record: RequestRecord; line: string }> = [];
  readonly #options: RequestLogOptions;
  /** Set while the file cannot be written: when to try again, and whether the user was told. */
  #failing: { retryAt: number; dropped: number } | undefined;

  constructor(dir: string, options: RequestLogOptions = {}) {
    this.#dir = dir;
    this.#maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
    this.#keep = options.keep ?? 4;
    this.#options = options;
  }

  append(record: RequestRecord): void {
    const line = `${JSON.stringify(record)}\n`;
    this.#memory?.records.push(record);
    if (this.#failing && Date.now() < this.#failing.retryAt) {
      this.#keepUnsaved([{ record, line }]);
      return;
    }
    try {
      if (!this.#stream) this.#open();
      if (this.#size + line.length > this.#maxBytes && this.#size > 0) this.#rotate();
    } catch (error) {
      this.#keepUnsaved([{ record, line }]);
      this.#failed(error);
      return;
    }
    this.#write(record, line);
  }

  #write(record: RequestRecord, line: string): void {
    this.#unwritten.push({ record, line });
    // Records made within 20 ms leave in one write of one string (see WriteBatch; a corked stream still kept
    // a chunk and a callback per record). A reader of the file is at most that far behind (the gateway's own
    // /stats reads its in-memory copy); rotating, flushing or closing writes at once.
    this.#batch.add(line);
    this.#size += Buffer.byteLength(line);
  }

  /** Writes the waiting lines to the current stream; their records count as written once its callback says so. */
  #writeBatch(text: string, lines: number): void {
    const stream = this.#stream;
    // Not reached (a failure discards the batch, closing flushes it first); if it were, the lines keep waiting.
    if (!stream) throw new Error('request log not open');
    // Write callbacks come in order, so the oldest unwritten records are the ones this write completed. A
    // failed write keeps them unwritten: the stream's 'error' then moves them to the unsaved ones.
    stream.write(text, (error) => {
      if (error) return;
      this.#unwritten.splice(0, lines);
      if (this.#failing) this.#recovered();
    });
  }

  #keepUnsaved(entries: Array<{ record: RequestRecord; line: string }>): void {
    this.#unsaved.push(...entries);
    const over = this.#unsaved.length - maxUnsaved;
    if (over > 0) {
      this.#unsaved.splice(0, over);
      if (this.#failing) this.#failing.dropped += over;
    }
  }

  /** The file could not be opened or written: say so once, keep records in memory, try again later. */
  #failed(error: unknown): void {
    const stream = this.#stream;
    this.#stream = undefined;
    stream?.destroy();
    this.#batch.discard();
    // Their writes failed with this one (or will, on the destroyed stream): they are unsaved now.
    this.#unsaved.unshift(...this.#unwritten.splice(0));
    const retryAt = Date.now() + (this.#options.retryMs ?? 10_000);
    if (this.#failing) {
      this.#failing.retryAt = retryAt;
      return;
    }
    this.#failing = { retryAt, dropped: 0 };
    const reason = error instanceof Error ? error.message : String(error);
    this.#options.onWarning?.(
      `Could not write request records to ${this.#dir} (${reason}). isartor keeps answering and keeps new records in memory (counted by /stats) until it can write them; free disk space or make the state dir writable.`,
    );
  }

  #recovered(): void {
    const dropped = this.#failing?.dropped ?? 0;
    this.#failing = undefined;
    this.#options.onWarning?.(
      `Request records are written to ${this.#dir} again${dropped > 0 ? `; ${dropped} record(s) kept in memory meanwhile were let go (over ${maxUnsaved})` : ''}.`,
    );
  }

  /** Writes what waits in the current batch now, and resolves once every record appended so far is in the file. */
  async flush(): Promise<void> {
    this.#batch.flush();
    const stream = this.#stream;
    if (!stream || this.#unwritten.length === 0) return;
    // Writes complete in order: an empty write's callback runs after every write before it.
    await new Promise<void>((resolve) => stream.write('', () => resolve()));
  }

  read(sinceMs = 0): { records: StatsRecord[]; skipped: number } {
    this.#memory ??= this.#load();
    return { records: this.#memory.records.since(sinceMs), skipped: this.#skippedSince(sinceMs) };
  }

  each(sinceMs: number, visit: (record: StatsRecord) => void): { skipped: number } {
    this.#memory ??= this.#load();
    this.#memory.records.each(sinceMs, visit);
    return { skipped: this.#skippedSince(sinceMs) };
  }

  #skippedSince(sinceMs: number): number {
    return this.#memory!.skipped.reduce((total, file) => total + (sinceMs > 0 && file.mtimeMs < sinceMs ? 0 : file.lines), 0);
  }

  generation(): number {
    return this.#generation;
  }

  #load(): InMemory {
    const memory: InMemory = { records: new RecordColumns(), skipped: [] };
    for (const path of keptFiles(this.#dir, this.#keep)) {
      const read = readRecordsOf(path, 0);
      for (const record of read.records) memory.records.push(record);
      memory.skipped.push({ lines: read.skipped, mtimeMs: statSync(path).mtimeMs });
    }
    // Appended but still on their way to the file (or unsaved, the file failing): counted now, as a re-read
    // later would. A write can be on disk before its callback has run, so the oldest of them may already be
    // in what was just parsed.
    const pending = [...this.#unsaved, ...this.#unwritten];
    for (const { record } of pending.slice(this.#onDisk(pending))) memory.records.push(record);
    return memory;
  }

  /** How many of the oldest of `pending` the live file already ends with (writes land in order). */
  #onDisk(pending: Array<{ line: string }>): number {
    if (pending.length === 0) return 0;
    const path = join(this.#dir, liveName);
    if (!existsSync(path)) return 0;
    const size = statSync(path).size;
    const text = tailOf(path, size, pending.reduce((total, entry) => total + Buffer.byteLength(entry.line), 0)).toString('utf8');
    let expected = '';
    let onDisk = 0;
    for (let k = 1; k <= pending.length; k++) {
      expected += pending[k - 1]!.line;
      if (text.endsWith(expected)) onDisk = k;
    }
    return onDisk;
  }

  async close(): Promise<void> {
    await this.#end();
    // One last try for the records the file refused, so that a stop after the disk was freed keeps them.
    if (this.#unsaved.length === 0) return;
    try {
      this.#open();
    } catch {
      return; // still not writable: they were counted while the gateway ran, and the warning said so
    }
    await this.#end();
  }

  async #end(): Promise<void> {
    this.#batch.flush();
    const stream = this.#stream;
    this.#stream = undefined;
    // end's callback runs once the stream finished, or failed.
    if (stream) await new Promise<void>((resolve) => stream.end(() => resolve()));
  }

  #open(): void {
    ensureDir(this.#dir);
    const path = join(this.#dir, liveName);
    this.#size = existsSync(path) ? statSync(path).size : 0;
    this.#stream = this.#openForAppend(path);
    // A line cut short (a crash mid-write, a full disk) ends here, so it stays one unreadable line instead
    // of swallowing the next record.
    if (this.#size > 0 && !endsWithNewline(path, this.#size)) {
      this.#stream.write('\n');
      this.#size += 1;
    }
    if (this.#unsaved.length === 0) return;
    // Back after a failed write: records that did reach the file are not written twice.
    const unsaved = this.#unsaved.splice(0);
    for (const { record, line } of unsaved.slice(this.#onDisk(unsaved))) this.#write(record, line);
  }

  /** Opened synchronously, so the file exists at once (a rotation in the same tick can rename it). */
  #openForAppend(path: string): WriteStream {
    const stream = createWriteStream('', { fd: openSync(path, 'a', 0o600), ...(this.#options.fileSystem ? { fs: this.#options.fileSystem } : {}) });
    stream.on('error', (error) => {
      if (this.#stream === stream) this.#failed(error);
    });
    return stream;
  }

  #rotate(): void {
    this.#batch.flush();
    this.#stream?.end();
    for (let n = this.#keep - 1; n >= 1; n--) {
      const from = join(this.#dir, rotatedName(n));
      if (existsSync(from)) renameSync(from, join(this.#dir, rotatedName(n + 1)));
    }
    // Writes still queued on the old descriptor follow the file to its rotated name. A live file deleted
    // while the gateway ran (a user clearing the stats) took what was written to it since; the next one starts here.
    if (existsSync(join(this.#dir, liveName))) renameSync(join(this.#dir, liveName), join(this.#dir, rotatedName(1)));
    this.#stream = this.#openForAppend(join(this.#dir, liveName));
    this.#size = 0;
    // The oldest file just fell out of the kept set: the next read parses the kept files again (once per rotation).
    this.#memory = undefined;
    this.#generation += 1;
  }
}

function endsWithNewline(path: string, size: number): boolean {
  return tailOf(path, size, 1)[0] === 0x0a;
}

/** The last `length` bytes (at most the whole file) of a file `size` bytes long. */
function tailOf(path: string, size: number, length: number): Buffer {
  const wanted = Math.min(size, length);
  const tail = Buffer.alloc(wanted);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, tail, 0, wanted, size - wanted);
  } finally {
    closeSync(fd);
  }
  return tail;
}

/** Every record since `sinceMs`, oldest first. A torn or corrupt line is skipped and counted, never fatal. */
export function readRequestLog(dir: string, sinceMs = 0, keep = 4): { records: RequestRecord[]; skipped: number } {
  const records: RequestRecord[] = [];
  let skipped = 0;
  for (const path of keptFiles(dir, keep)) {
    // A file last written before the window holds nothing in it: skip parsing megabytes of old records.
    if (sinceMs > 0 && statSync(path).mtimeMs < sinceMs) continue;
    const read = readRecordsOf(path, sinceMs);
    for (const record of read.records) records.push(record);
    skipped += read.skipped;
  }
  return { records, skipped };
}

/** The kept files that exist, oldest first. */
function keptFiles(dir: string, keep: number): string[] {
  return [...Array.from({ length: keep }, (_, i) => rotatedName(keep - i)), liveName].map((name) => join(dir, name)).filter((path) => existsSync(path));
}

function readRecordsOf(path: string, sinceMs: number): { records: RequestRecord[]; skipped: number } {
  const records: RequestRecord[] = [];
  let skipped = 0;
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
  return { records, skipped };
}
