import { createWriteStream, statSync, type WriteStream } from 'node:fs';
import { LRUCache } from 'lru-cache';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ensureDir } from './ensure-dir.js';
import type { ExactCacheState } from './exact-cache.js';
import { WriteBatch } from './write-batch.js';

export interface ExactCacheOptions {
  ttlMs: number;
  /** Budget for stored answers; least recently used entries go first when it is exceeded. */
  maxBytes: number;
  /** Append-only JSONL file the cache survives restarts in; omitted: memory only. */
  file?: string;
  now?: () => number;
  onWarning?: (message: string) => void;
}

interface Entry {
  /** The answer as JSON text: a non-stream hit sends it as it is. */
  json: string;
  bytes: number;
  storedAt: number;
  expiresAt: number;
}

interface PersistedLine {
  k: string;
  s: number;
  e: number;
  c: unknown;
}

/** Per-entry bookkeeping that the budget counts on top of the answer itself. */
const entryOverheadBytes = 96;
/** The file is compacted once it holds more than twice the live answers, and at least this much (or 4x the budget, if smaller). */
const minCompactBytes = 16 * 1024 * 1024;

/**
 * The L1a store: answers by exact key, with a TTL and an LRU byte budget (lru-cache: a Map re-inserted
 * on every hit keeps the slots of deleted keys until it rehashes, and finding its oldest entry walked
 * past all of them: ~120 µs per stored answer once a full store held 100,000).
 *
 * Persistence is an append-only log, rewritten to just the live entries when the store opens or closes,
 * and while it runs whenever the file has grown past twice the live answers (so a gateway that runs for
 * weeks keeps a file about the size of its cache, not of every answer it ever stored). Appends made
 * within 20 ms leave in one write: a cache line lost to a crash costs one provider call.
 */
export class ExactCacheStore implements ExactCacheState {
  readonly #entries: LRUCache<string, Entry>;
  readonly #options: ExactCacheOptions;
  readonly #now: () => number;
  #log: WriteStream | undefined;
  /** Answers appended within 20 ms leave in one write; a log that failed (see #openLog) lets them go. */
  readonly #batch = new WriteBatch({ write: (text) => this.#log?.write(text) });
  /** Bytes in the file: what the last rewrite left plus what was appended since. */
  #fileBytes = 0;
  /** A rewrite running while the gateway serves; the lines stored meanwhile wait in `#waiting`. */
  #compacting: Promise<void> | undefined;
  readonly #waiting: string[] = [];
  #closing = false;
  /** After a rewrite failed (a full disk), the next is tried only once the file has doubled: not on every answer. */
  #compactAbove = 0;

  private constructor(options: ExactCacheOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#entries = new LRUCache<string, Entry>({ maxSize: options.maxBytes });
  }

  static async open(options: ExactCacheOptions): Promise<ExactCacheStore> {
    const store = new ExactCacheStore(options);
    if (options.file) {
      ensureDir(dirname(options.file));
      await removeInterruptedRewrites(options.file);
      const { lines, kept } = await store.#load(options.file);
      if (lines > kept) await store.#rewriteOrWarn(options.file);
      store.#openLog(options.file);
    }
    return store;
  }

  #openLog(file: string): void {
    const log = createWriteStream(file, { flags: 'a', mode: 0o600 });
    log.on('error', (error) => {
      this.#options.onWarning?.(`The L1a cache could not be saved to ${file} (${error.message}); it keeps working in memory.`);
      if (this.#log === log) this.#log = undefined;
    });
    this.#log = log;
    this.#fileBytes = fileSize(file);
  }

  get size(): number {
    return this.#entries.size;
  }

  get bytes(): number {
    return this.#entries.calculatedSize;
  }

  /** The stored answer's JSON text, or undefined when absent or expired. */
  get(key: string): string | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.json;
  }

  /** Keeps a complete answer (in the caller's protocol) under its key. */
  set(key: string, completion: object): void {
    const json = JSON.stringify(completion);
    const storedAt = this.#now();
    const expiresAt = storedAt + this.#options.ttlMs;
    if (!this.#insert(key, json, storedAt, expiresAt)) return;
    this.#append(persistedLine(key, storedAt, expiresAt, json));
  }

  #append(line: string): void {
    if (this.#compacting) {
      this.#waiting.push(line);
      return;
    }
    const log = this.#log;
    const file = this.#options.file;
    if (!log || !file) return;
    this.#batch.add(line);
    this.#fileBytes += Buffer.byteLength(line);
    if (!this.#closing && this.#fileBytes > Math.max(2 * this.bytes, Math.min(minCompactBytes, 4 * this.#options.maxBytes), this.#compactAbove)) this.#compact(log, file);
  }

  /** Rewrites the file to the live entries while the store keeps serving; a failure leaves the file as it was. */
  #compact(log: WriteStream, file: string): void {
    this.#batch.flush();
    this.#log = undefined;
    this.#compacting = (async () => {
      try {
        await new Promise<void>((resolve) => log.end(() => resolve()));
        if (!(await this.#rewriteOrWarn(file))) this.#compactAbove = 2 * fileSize(file);
      } finally {
        this.#openLog(file);
        this.#compacting = undefined;
        for (const line of this.#waiting.splice(0)) this.#append(line);
      }
    })();
  }

  /** Flushes the log and rewrites the file to the live entries only. */
  async close(): Promise<void> {
    this.#closing = true;
    while (this.#compacting) await this.#compacting;
    this.#batch.flush();
    const log = this.#log;
    this.#log = undefined;
    if (log) await new Promise<void>((resolve) => log.end(() => resolve()));
    if (this.#options.file) await this.#rewriteOrWarn(this.#options.file);
  }

  /**
   * Compacting is an optimisation: on a full disk (or a read-only dir) the file keeps its extra lines,
   * which the next open skips, and the gateway starts or stops as usual instead of failing on it.
   */
  async #rewriteOrWarn(file: string): Promise<boolean> {
    try {
      await this.#rewrite(file);
      return true;
    } catch (error) {
      await rm(`${file}.${process.pid}.tmp`, { force: true }).catch(() => {});
      this.#options.onWarning?.(`Could not compact the L1a cache file ${file} (${error instanceof Error ? error.message : String(error)}); its answers are kept as they are.`);
      return false;
    }
  }

  #insert(key: string, json: string, storedAt: number, expiresAt: number): boolean {
    const bytes = Buffer.byteLength(json) + key.length + entryOverheadBytes;
    if (bytes > this.#options.maxBytes) return false;
    // Least recently used entries leave until this one fits the budget.
    this.#entries.set(key, { json, bytes, storedAt, expiresAt }, { size: bytes });
    return true;
  }

  async #load(file: string): Promise<{ lines: number; kept: number }> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { lines: 0, kept: 0 };
      throw error;
    }
    const now = this.#now();
    let lines = 0;
    for (const line of text.split('\n')) {
      if (!line) continue;
      lines += 1;
      const parsed = parseLine(line);
      // A torn last line after a crash, or an expired answer: drop it, keep the rest.
      if (!parsed || parsed.e <= now) continue;
      this.#insert(parsed.k, JSON.stringify(parsed.c), parsed.s, parsed.e);
    }
    return { lines, kept: this.#entries.size };
  }

  async #rewrite(file: string): Promise<void> {
    const now = this.#now();
    const lines: string[] = [];
    // Least recently used first: read back in order, the most recent ones are the last to go again.
    for (const key of this.#entries.rkeys()) {
      const entry = this.#entries.peek(key);
      if (entry && entry.expiresAt > now) lines.push(persistedLine(key, entry.storedAt, entry.expiresAt, entry.json));
    }
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, lines.join(''), { mode: 0o600 });
    await rename(temporary, file);
  }
}

/** A process killed while rewriting the file leaves its temporary copy behind; the original is intact. */
async function removeInterruptedRewrites(file: string): Promise<void> {
  const prefix = `${basename(file)}.`;
  for (const name of await readdir(dirname(file))) {
    // One that cannot be removed is left for the user: it is never read, and must not stop the gateway starting.
    if (name.startsWith(prefix) && name.endsWith('.tmp')) await rm(join(dirname(file), name), { force: true }).catch(() => {});
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function persistedLine(key: string, storedAt: number, expiresAt: number, json: string): string {
  // The answer is already JSON text; splicing it in avoids escaping it a second time.
  return `{"k":${JSON.stringify(key)},"s":${storedAt},"e":${expiresAt},"c":${json}}\n`;
}

function parseLine(line: string): PersistedLine | undefined {
  try {
    const value = JSON.parse(line) as Partial<PersistedLine>;
    if (typeof value.k !== 'string' || typeof value.s !== 'number' || typeof value.e !== 'number' || value.c === undefined) {
      return undefined;
    }
    return value as PersistedLine;
  } catch {
    return undefined;
  }
}
