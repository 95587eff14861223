import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ExactCacheStore } from '../../../source/state/exact-cache-file.js';
import type { ChatCompletion } from '../../../source/protocols/openai.js';

function answer(content: string): ChatCompletion {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'm',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  };
}

function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => (time += ms) };
}

/** Appends go through a stream in batches: wait for the text to reach the file, not for a while. */
async function fileContains(file: string, text: string): Promise<void> {
  await vi.waitFor(() => expect(existsSync(file) && readFileSync(file, 'utf8')).toContain(text), { timeout: 15_000, interval: 10 });
}

const tempFile = (): string => join(mkdtempSync(join(tmpdir(), 'isartor-store-')), 'cache', 'l1a.jsonl');

describe('ExactCacheStore', () => {
  it('returns what was stored until the TTL passes', async () => {
    const time = clock();
    const store = await ExactCacheStore.open({ ttlMs: 1000, maxBytes: 1e6, now: time.now });
    store.set('k', answer('hello'));
    expect(JSON.parse(store.get('k')!).choices[0].message.content).toBe('hello');
    time.advance(999);
    expect(store.get('k')).toBeDefined();
    time.advance(1);
    expect(store.get('k')).toBeUndefined();
    expect(store.size).toBe(0);
    expect(store.bytes).toBe(0);
  });

  it('evicts the least recently used entries to stay within its byte budget', async () => {
    const entryBytes = Buffer.byteLength(JSON.stringify(answer('a'.repeat(100)))) + 1 + 96;
    const store = await ExactCacheStore.open({ ttlMs: 60_000, maxBytes: entryBytes * 3 });
    store.set('a', answer('a'.repeat(100)));
    store.set('b', answer('b'.repeat(100)));
    store.set('c', answer('c'.repeat(100)));
    store.get('a'); // a is now more recent than b
    store.set('d', answer('d'.repeat(100)));
    expect(store.get('b')).toBeUndefined();
    expect(store.get('a')).toBeDefined();
    expect(store.get('c')).toBeDefined();
    expect(store.get('d')).toBeDefined();
    expect(store.bytes).toBeLessThanOrEqual(entryBytes * 3);
  });

  it('refuses an entry larger than the whole budget instead of emptying the cache for it', async () => {
    const store = await ExactCacheStore.open({ ttlMs: 60_000, maxBytes: 600 });
    store.set('small', answer('x'));
    store.set('huge', answer('y'.repeat(10_000)));
    expect(store.get('huge')).toBeUndefined();
    expect(store.get('small')).toBeDefined();
  });

  it('replacing a key does not count it twice', async () => {
    const store = await ExactCacheStore.open({ ttlMs: 60_000, maxBytes: 1e6 });
    store.set('k', answer('one'));
    const bytes = store.bytes;
    store.set('k', answer('two'));
    expect(store.size).toBe(1);
    expect(store.bytes).toBe(bytes);
    expect(JSON.parse(store.get('k')!).choices[0].message.content).toBe('two');
  });

  it('persists to a 0600 file and reloads live entries only', async () => {
    const file = tempFile();
    const time = clock();
    const first = await ExactCacheStore.open({ ttlMs: 1000, maxBytes: 1e6, file, now: time.now });
    first.set('old', answer('old'));
    time.advance(600);
    first.set('new', answer('new'));
    await first.close();

    time.advance(600); // 'old' is now expired, 'new' is not
    const second = await ExactCacheStore.open({ ttlMs: 1000, maxBytes: 1e6, file, now: time.now });
    expect(second.get('old')).toBeUndefined();
    expect(JSON.parse(second.get('new')!).choices[0].message.content).toBe('new');
    await second.close();
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('keeps recency across a restart: the rewritten file lists the least recently used first', async () => {
    const file = tempFile();
    const entryBytes = Buffer.byteLength(JSON.stringify(answer('a'.repeat(100)))) + 1 + 96;
    const first = await ExactCacheStore.open({ ttlMs: 60_000, maxBytes: entryBytes * 3, file });
    for (const key of ['a', 'b', 'c']) first.set(key, answer(key.repeat(100)));
    first.get('a'); // recency now b, c, a
    await first.close();
    expect(readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line).k)).toEqual(['b', 'c', 'a']);

    const second = await ExactCacheStore.open({ ttlMs: 60_000, maxBytes: entryBytes * 3, file });
    second.set('d', answer('d'.repeat(100)));
    expect(second.get('b')).toBeUndefined();
    expect(second.get('a')).toBeDefined();
    await second.close();
  });

  it('stays within budget and keeps the most recent answers under sustained load with hits', async () => {
    const entryBytes = Buffer.byteLength(JSON.stringify(answer('0'.repeat(20)))) + 6 + 96;
    const store = await ExactCacheStore.open({ ttlMs: 60_000, maxBytes: entryBytes * 500 });
    for (let i = 0; i < 20_000; i++) {
      store.set(`k${String(i).padStart(5, '0')}`, answer(String(i).padStart(20, '0')));
      if (i % 3 === 0) store.get('k00000'); // one answer stays in use throughout
    }
    expect(store.bytes).toBeLessThanOrEqual(entryBytes * 500);
    expect(store.get('k00000')).toBeDefined();
    expect(store.get('k19999')).toBeDefined();
    expect(store.get('k19000')).toBeUndefined();
  });

  it('skips a torn or corrupt line and keeps the rest', async () => {
    const file = tempFile();
    const first = await ExactCacheStore.open({ ttlMs: 60_000, maxBytes: 1e6, file });
    first.set('good', answer('good'));
    await first.close();
    writeFileSync(file, `${readFileSync(file, 'utf8')}not json at all\n{"k":"torn","s":1,`, { flag: 'w' });
    const second = await ExactCacheStore.open({ ttlMs: 60_000, maxBytes: 1e6, file });
    expect(second.get('good')).toBeDefined();
    expect(second.size).toBe(1);
    await second.close();
    expect(readFileSync(file, 'utf8')).not.toContain('not json');
  });

  it('appends each new answer to the file as it is stored, before any close', async () => {
    const file = tempFile();
    const store = await ExactCacheStore.open({ ttlMs: 60_000, maxBytes: 1e6, file });
    store.set('live', answer('written at once'));
    await fileContains(file, 'written at once');
    await store.close();
  });

  it('compacts the file while it runs: a long run keeps a file about the size of its live answers, and loses none', async () => {
    const file = tempFile();
    const entryBytes = Buffer.byteLength(JSON.stringify(answer('0'.repeat(200)))) + 6 + 96;
    const store = await ExactCacheStore.open({ ttlMs: 60_000, maxBytes: entryBytes * 20, file });
    let largest = 0;
    for (let i = 0; i < 3000; i++) {
      store.set(`k${String(i).padStart(5, '0')}`, answer(String(i).padStart(200, '0')));
      if (i % 100 === 0) {
        await new Promise((resolve) => setTimeout(resolve, 30)); // let writes and a rewrite land
        if (existsSync(file)) largest = Math.max(largest, readFileSync(file).length);
      }
    }
    await store.close();
    // Without compaction the file would hold all 3,000 answers (~1 MB) until the stop.
    expect(largest).toBeLessThan(entryBytes * 20 * 8);
    const reopened = await ExactCacheStore.open({ ttlMs: 60_000, maxBytes: entryBytes * 20, file });
    expect(reopened.get('k02999')).toBeDefined();
    expect(reopened.get('k02990')).toBeDefined();
    expect(reopened.get('k00005')).toBeUndefined();
    await reopened.close();
  });

  it('answers stored while the file is being compacted are written after it, not lost', async () => {
    const file = tempFile();
    const entryBytes = Buffer.byteLength(JSON.stringify(answer('0'.repeat(200)))) + 6 + 96;
    const store = await ExactCacheStore.open({ ttlMs: 60_000, maxBytes: entryBytes * 50, file });
    // No pause between stores: a rewrite starts and more answers arrive while it runs.
    for (let i = 0; i < 1000; i++) store.set(`k${String(i).padStart(5, '0')}`, answer(String(i).padStart(200, '0')));
    await store.close();
    const keys = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line).k as string);
    expect(keys).toContain('k00999');
    expect(new Set(keys).size).toBe(keys.length);
    const reopened = await ExactCacheStore.open({ ttlMs: 60_000, maxBytes: entryBytes * 50, file });
    for (const i of [999, 980, 960]) expect(reopened.get(`k${String(i).padStart(5, '0')}`)).toBeDefined();
    await reopened.close();
  });

  it('a rewrite that keeps failing while it runs (a full disk) is not retried on every answer', async () => {
    const file = tempFile();
    const warnings: string[] = [];
    const entryBytes = Buffer.byteLength(JSON.stringify(answer('0'.repeat(200)))) + 6 + 96;
    const store = await ExactCacheStore.open({ ttlMs: 60_000, maxBytes: entryBytes * 20, file, onWarning: (message) => warnings.push(message) });
    mkdirSync(`${file}.${process.pid}.tmp`); // the rewrite's temporary file cannot be written
    for (let i = 0; i < 2000; i++) {
      store.set(`k${String(i).padStart(5, '0')}`, answer(String(i).padStart(200, '0')));
      if (i % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // Each failure waits until the file has doubled: a handful of attempts for ~700 KB, not one per answer.
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.length).toBeLessThan(12);
    expect(store.get('k01999')).toBeDefined();
    await store.close();
  });

  it('a file deleted while running (or appends still waiting at the stop) loses nothing: the stop rewrites it from memory', async () => {
    const file = tempFile();
    const store = await ExactCacheStore.open({ ttlMs: 60_000, maxBytes: 1e6, file });
    store.set('before', answer('stored before the file went'));
    await fileContains(file, 'stored before the file went');
    rmSync(file);
    store.set('after', answer('stored after the file went'));
    await store.close(); // 'after' may still wait in its batch: closing writes it, then rewrites the file
    const keys = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line).k as string);
    expect(keys.sort()).toEqual(['after', 'before']);
  });

  it('removes temporary files left by an interrupted rewrite', async () => {
    const file = tempFile();
    const store = await ExactCacheStore.open({ ttlMs: 60_000, maxBytes: 1e6, file });
    await store.close();
    writeFileSync(`${file}.4242.tmp`, 'partial');
    const reopened = await ExactCacheStore.open({ ttlMs: 60_000, maxBytes: 1e6, file });
    expect(existsSync(`${file}.4242.tmp`)).toBe(false);
    await reopened.close();
  });

  it('a file that cannot be rewritten when the gateway stops (a full disk): a warning, the stop goes on, the answers stay', async () => {
    const file = tempFile();
    const warnings: string[] = [];
    const store = await ExactCacheStore.open({ ttlMs: 60_000, maxBytes: 1e6, file, onWarning: (message) => warnings.push(message) });
    store.set('kept', answer('kept through a failed rewrite'));
    // The rewrite's temporary file cannot be written (here: a directory holds its name; on a full disk: ENOSPC).
    mkdirSync(`${file}.${process.pid}.tmp`);
    await store.close();
    expect(warnings).toEqual([expect.stringMatching(/Could not compact the L1a cache file .*kept as they are/)]);
    const reopened = await ExactCacheStore.open({ ttlMs: 60_000, maxBytes: 1e6, file: `${file}` });
    expect(reopened.get('kept')).toBeDefined();
  });
});
