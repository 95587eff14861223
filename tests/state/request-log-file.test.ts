import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
