import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordColumns } from '../../source/state/record-columns.js';
import { readRequestLog, RequestLogFile } from '../../source/state/request-log-file.js';
import type { RequestRecord } from '../../source/state/request-record.js';
import { LiveStats } from '../../source/stats/live-stats.js';
import { buildStatsReport, reportOf } from '../../source/stats/stats-report.js';
import { summarise, summariseByKey, summariseByTool } from '../../source/stats/summarise.js';
import { requestRecord } from '../stats/request-record-fixture.js';

const base = Date.parse('2026-11-20T00:00:00.000Z');
const at = (minutes: number): string => new Date(base + minutes * 60_000).toISOString();

/** Records as a gateway writes them, with every case a column holds differently, and lines edited by hand. */
function records(): Array<RequestRecord | Record<string, unknown>> {
  const clients = ['openclaw', 'claude-code', 'codex', 'curl', 'my-script'];
  const layers = ['l3', 'l1a', 'l1b', 'l2.5', 'gateway', 'l0'];
  const list: Array<RequestRecord | Record<string, unknown>> = [];
  for (let i = 0; i < 9000; i++) {
    list.push(
      requestRecord({
        // Mostly in order, with some finished late (a record is written when its request ends).
        time: at(i % 17 === 0 ? i - 30 : i),
        // Past the 50 busiest tools, the rest are one "other" row.
        client: i % 3 === 0 ? `tool-${i % 70}` : clients[i % clients.length]!,
        layer: layers[(i * 7) % layers.length]!,
        status: i % 41 === 0 ? 502 : i % 43 === 0 ? 429 : 200,
        totalMs: 50 + ((i * 37) % 5000) / 3,
        overheadMs: ((i * 13) % 700) / 100,
        keyAlias: i % 5 === 0 ? 'team-a' : i % 11 === 0 ? 'gsk_…5678' : null,
        inputTokens: 1000 + i,
        outputTokens: i % 300,
        tokensSaved: i % 6 === 1 ? 1000 + i : 0,
        costUsd: i % 9 === 0 ? null : 0.0001 * (i % 97),
        costSavedUsd: i % 6 === 1 ? (i % 4 === 0 ? null : 0.0003 * (i % 31)) : 0,
        churn:
          i % 10 === 0
            ? { systemBytes: i % 20 === 0 ? 0 : 40 + i, systemLine: i % 20 === 0 ? null : 3, toolsBytes: i % 30 === 0 ? 12 : 0, toolsChanged: i % 30 === 0 ? ['bash'] : [] }
            : null,
      }),
    );
  }
  // Edited or written by older versions: a time without milliseconds, fields missing, odd types.
  list.push({ ...requestRecord({ client: 'hand', costUsd: 0.5 }), time: '2026-11-25T10:00:00Z' });
  const { keyAlias: _k, costSavedUsd: _c, ...old } = requestRecord({ time: at(9100), tokensSaved: 500, client: 'old' });
  list.push(old);
  list.push({ ...requestRecord({ time: at(9101) }), inputTokens: '12', status: 200.5 });
  list.push({ ...requestRecord({ time: at(9102) }), churn: { systemBytes: 0, systemLine: null, toolsBytes: 0, toolsChanged: ['x'] } });
  list.push({ ...requestRecord({ time: 'not a date' }), client: 'undated' });
  return list;
}

/** /stats computed the way it was before columns: from every parsed record of the files. */
function reportFromParsedRecords(dir: string, sinceMs: number | undefined) {
  const { records, skipped } = readRequestLog(dir, 0);
  const kept = sinceMs ? records.filter((record) => Date.parse(record.time) >= sinceMs) : records;
  const skippedLines = sinceMs ? readRequestLog(dir, sinceMs).skipped : skipped;
  return reportOf(sinceMs, summarise(kept), summariseByTool(kept), summariseByKey(kept), skippedLines);
}

describe('RecordColumns', () => {
  it('answers /stats exactly as the parsed records did: everything, windows, per tool, per key, layers, tokens, money, churn', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'isartor-columns-'));
    const lines = records().map((record) => JSON.stringify(record));
    writeFileSync(join(dir, 'requests.1.jsonl'), `${lines.slice(0, 4000).join('\n')}\n{"torn`);
    writeFileSync(join(dir, 'requests.jsonl'), `${lines.slice(4000).join('\n')}\n`);
    const log = new RequestLogFile(dir);
    const live = new LiveStats(log);
    // Compared as text: the order of keys (layers as they first appear) is part of the answer.
    expect(JSON.stringify(await live.report(undefined))).toBe(JSON.stringify(reportFromParsedRecords(dir, undefined)));
    for (const since of [1, base, base + 3000 * 60_000, base + 8990 * 60_000, Date.parse('2026-11-25T10:00:00Z'), base + 10_000 * 60_000]) {
      expect(JSON.stringify(await buildStatsReport(log, since))).toBe(JSON.stringify(reportFromParsedRecords(dir, since)));
    }
    await log.close();
  });

  it('keeps copies of what /stats reads, not the records themselves (whose other fields it never reads)', () => {
    const columns = new RecordColumns();
    const record = requestRecord({ time: at(0), client: 'a', churn: { systemBytes: 5, systemLine: 1, toolsBytes: 0, toolsChanged: [] } });
    columns.push(record);
    columns.push(requestRecord({ time: at(1), client: 'b', keyAlias: 'k', costUsd: 0.25 }));
    record.client = 'changed later';
    const [first, second] = columns.since(0);
    expect(first).toMatchObject({ client: 'a', time: record.time, churn: record.churn });
    expect(first).not.toHaveProperty('route');
    expect(second).toMatchObject({ client: 'b', keyAlias: 'k', costUsd: 0.25, costSavedUsd: null, churn: null, time: at(1) });
    expect(columns.since(Date.parse(at(1))).map((row) => row.client)).toEqual(['b']);
  });
});
