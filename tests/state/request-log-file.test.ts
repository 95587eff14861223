import { appendFileSync, close, mkdtempSync, readFileSync, rmSync, write, writeFileSync, writev } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { readRequestLog, RequestLogFile } from '../../source/state/request-log-file.js';
import { requestRecord } from '../stats/request-record-fixture.js';

describe('RequestLogFile', () => {
  it('counts a record once when its write reached the file before its callback ran', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'isartor-log-'));
    const log = new RequestLogFile(dir);
    const first = requestRecord({ client: 'first' });
    const second = requestRecord({ client: 'second' });
    log.append(first);
    await log.close();
    const reopened = new RequestLogFile(dir);
    reopened.append(second);
    // What the OS does when the write lands before Node runs its callback: the line is in the file while the
    // record still waits in the unwritten queue. The first read must not count it twice.
    appendFileSync(join(dir, 'requests.jsonl'), `${JSON.stringify(second)}\n`);
    const read = reopened.read();
    expect(read.records.map((record) => record.client)).toEqual(['first', 'second']);
    await reopened.close();
  });

  it('counts a record still on its way to the file, as a later re-read would', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'isartor-log-'));
    const log = new RequestLogFile(dir);
    log.append(requestRecord({ client: 'queued' }));
    expect(log.read().records.map((record) => record.client)).toEqual(['queued']);
    await log.close();
    expect(new RequestLogFile(dir).read().records.map((record) => record.client)).toEqual(['queued']);
  });

  it('batches writes, and flush() puts every appended record in the file while the log stays open', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'isartor-log-'));
    const log = new RequestLogFile(dir);
    for (const client of ['a', 'b', 'c']) log.append(requestRecord({ client }));
    await log.flush();
    // Read by another reader of the file (`isartor stats`), not the log's own in-memory copy.
    expect(readRequestLog(dir).records.map((record) => record.client)).toEqual(['a', 'b', 'c']);
    log.append(requestRecord({ client: 'd' }));
    await log.flush();
    await log.flush();
    expect(readRequestLog(dir).records.map((record) => record.client)).toEqual(['a', 'b', 'c', 'd']);
    await log.close();
  });
});

describe('RequestLogFile after a crash', () => {
  it('a half-written last line stays one skipped line: the next record starts on a line of its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'isartor-log-'));
    writeFileSync(join(dir, 'requests.jsonl'), `${JSON.stringify(requestRecord({ client: 'before' }))}\n{"time":"2026-11-21T20:0`);
    const log = new RequestLogFile(dir);
    log.append(requestRecord({ client: 'after' }));
    await log.close();
    const read = new RequestLogFile(dir).read();
    expect(read.records.map((record) => record.client)).toEqual(['before', 'after']);
    expect(read.skipped).toBe(1);
  });
});

describe('RequestLogFile on a full disk or an unwritable state dir', () => {
  const enospc = (): Error => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

  /** The live file's writes, with a switch that makes the disk full; the first failing write lands 10 bytes, as a real one may. */
  function disk() {
    const state = { full: false, failures: 0 };
    const fail = (fd: number, data: Buffer, cb: (error: Error | null) => void): void => {
      state.failures += 1;
      if (state.failures > 1) return cb(enospc());
      write(fd, data.subarray(0, 10), 0, 10, null, () => cb(enospc()));
    };
    const fileSystem = {
      write: (fd: number, buffer: Buffer, offset: number, length: number, position: number | null, cb: (error: Error | null, written?: number) => void) =>
        state.full ? fail(fd, buffer.subarray(offset, offset + length), cb) : write(fd, buffer, offset, length, position, cb),
      writev: (fd: number, buffers: Buffer[], position: number | null, cb: (error: Error | null, written?: number) => void) =>
        state.full ? fail(fd, Buffer.concat(buffers), cb) : writev(fd, buffers, position, cb),
      close,
    };
    return { state, fileSystem };
  }

  it('answers on: warns once, counts every record meanwhile, and writes them (no duplicates, the torn line kept apart) once it can', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'isartor-log-'));
    const warnings: string[] = [];
    const { state, fileSystem } = disk();
    const log = new RequestLogFile(dir, { onWarning: (message) => warnings.push(message), retryMs: 0, fileSystem });
    const clients = (records: Array<{ client: string }>) => records.map((record) => record.client);
    log.append(requestRecord({ client: 'a' }));
    await vi.waitFor(() => expect(readFileSync(join(dir, 'requests.jsonl'), 'utf8')).toContain('"a"'));

    state.full = true;
    log.append(requestRecord({ client: 'b' }));
    log.append(requestRecord({ client: 'c' }));
    await vi.waitFor(() => expect(warnings).toHaveLength(1));
    expect(warnings[0]).toMatch(/Could not write request records to .*ENOSPC.*keeps answering/);
    log.append(requestRecord({ client: 'd' }));
    await vi.waitFor(() => expect(state.failures).toBeGreaterThan(1));
    expect(warnings).toHaveLength(1);
    expect(clients(log.read().records)).toEqual(['a', 'b', 'c', 'd']);

    state.full = false;
    log.append(requestRecord({ client: 'e' }));
    await vi.waitFor(() => expect(warnings).toHaveLength(2));
    expect(warnings[1]).toMatch(/written to .* again/);
    expect(clients(log.read().records)).toEqual(['a', 'b', 'c', 'd', 'e']);
    await log.close();
    const reread = new RequestLogFile(dir).read();
    expect(clients(reread.records)).toEqual(['a', 'b', 'c', 'd', 'e']);
    // The 10 bytes the failed write left are one unreadable line, not glued to the next record.
    expect(reread.skipped).toBe(1);
  });

  it('a state dir that cannot be created (its parent is a file): warned once, records counted in memory', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'isartor-log-'));
    writeFileSync(join(parent, 'file'), '');
    const warnings: string[] = [];
    const log = new RequestLogFile(join(parent, 'file', 'stats'), { onWarning: (message) => warnings.push(message), retryMs: 0 });
    for (const client of ['a', 'b', 'c']) log.append(requestRecord({ client }));
    expect(warnings).toHaveLength(1);
    expect(log.read().records.map((record) => record.client)).toEqual(['a', 'b', 'c']);
    await log.close();
  });
});

describe('RequestLogFile when its live file is deleted while the gateway runs', () => {
  it('starts a new live file at the next rotation, without a warning, and keeps every record written after it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'isartor-log-'));
    const warnings: string[] = [];
    const line = Buffer.byteLength(`${JSON.stringify(requestRecord({ client: 'x0' }))}\n`);
    const log = new RequestLogFile(dir, { maxBytes: line * 3, keep: 2, onWarning: (message) => warnings.push(message) });
    log.append(requestRecord({ client: 'x0' }));
    await log.flush();
    rmSync(join(dir, 'requests.jsonl')); // a user clearing the stats by hand
    for (const client of ['x1', 'x2', 'x3', 'x4']) log.append(requestRecord({ client }));
    await log.flush();
    expect(warnings).toEqual([]);
    // x1 and x2 went to the deleted file (its descriptor was still open); x3 made the rotation, which found no file to rename.
    expect(readRequestLog(dir).records.map((record) => record.client)).toEqual(['x3', 'x4']);
    await log.close();
  });
});
