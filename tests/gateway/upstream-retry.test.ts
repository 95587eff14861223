import { describe, expect, it } from 'vitest';
import { parseRetryAfter, parseRetryAfterMs, readableRetryAfter } from '../../source/gateway/layers/upstream-retry.js';

const now = Date.parse('2026-11-27T10:00:00Z');
const imfDate = 'Fri, 27 Nov 2026 10:00:30 GMT';

// One reading, two views: the gateway's wait is lenient (it only decides how long isartor holds a request),
// what the client is sent is strict (an SDK misreads or chokes on anything but seconds or an IMF-fixdate).
describe('parseRetryAfter: what each use accepts', () => {
  const table: Array<[header: string | string[] | undefined, waitMs: number | undefined, forClient: string | undefined]> = [
    // Seconds: both, the client's rounded up to whole seconds and capped at a day.
    ['120', 120_000, '120'],
    ['0', 0, '0'],
    ['1.2', 1_200, '2'],
    [' 7 ', 7_000, '7'],
    ['172800', 172_800_000, '86400'],
    [['3', '9'], 3_000, '3'],
    // Numbers only JavaScript reads: the gateway waits, the client is not told.
    ['1e3', 1_000_000, undefined],
    ['0x10', 16_000, undefined],
    ['.5', 500, undefined],
    ['+5', 5_000, undefined],
    // Dates: the gateway waits until any date it can read; only an IMF-fixdate goes to the client, as it came.
    [imfDate, 30_000, imfDate],
    [` ${imfDate}\t`, 30_000, imfDate],
    ['Fri, 27 Nov 2026 09:00:00 GMT', 0, 'Fri, 27 Nov 2026 09:00:00 GMT'],
    ['2026-11-27T10:01:00Z', 60_000, undefined],
    ['Friday, 27-Nov-26 10:00:30 GMT', 30_000, undefined],
    // Date.parse reads `-1` as the year -1: long past, so no wait beyond the backoff, and nothing for the client.
    ['-1', 0, undefined],
    // Neither: nothing for either use.
    ['soon', undefined, undefined],
    ['1e400', undefined, undefined],
    ['', undefined, undefined],
    // A blank header (it waited 0 ms before the two were one reading: the same backoff either way).
    ['  ', undefined, undefined],
    [undefined, undefined, undefined],
  ];

  it.each(table)('%j: waits %j ms, sends %j', (header, waitMs, forClient) => {
    expect(parseRetryAfter(header, now)?.waitMs).toBe(waitMs);
    expect(parseRetryAfterMs(header, now)).toBe(waitMs);
    expect(readableRetryAfter(header)).toBe(forClient);
    if (forClient !== undefined) expect(parseRetryAfter(header, now)?.forClient).toBe(forClient);
  });
});
