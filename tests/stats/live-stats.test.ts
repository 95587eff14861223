import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryRequestLog } from '../../source/state/request-log.js';
import { RequestLogFile } from '../../source/state/request-log-file.js';
import { LiveStats } from '../../source/stats/live-stats.js';
import { PercentileSketch } from '../../source/stats/stats-accumulator.js';
import { buildStatsReport } from '../../source/stats/stats-report.js';
import { percentiles } from '../../source/stats/summarise.js';
import { requestRecord } from './request-record-fixture.js';

const varied = (i: number) =>
  requestRecord({
    client: ['openclaw', 'codex', 'curl'][i % 3]!,
    keyAlias: i % 4 === 0 ? 'team-a' : null,
    layer: ['l3', 'l1a', 'l1b', 'gateway'][i % 4]!,
    status: i % 9 === 0 ? 502 : 200,
    totalMs: 10 * (1 + (i % 37)),
    overheadMs: 0.5 * (i % 11),
    inputTokens: 100 + i,
    costUsd: i % 5 === 0 ? null : 0.001,
    churn: i % 6 === 0 ? { systemBytes: i, systemLine: 3, toolsBytes: 0, toolsChanged: [] } : null,
  });

describe('LiveStats: /stats from a running summary', () => {
  it('answers exactly what re-reading the log answers, as records keep coming', async () => {
    const log = new RequestLogFile(mkdtempSync(join(tmpdir(), 'isartor-live-stats-')));
    for (let i = 0; i < 40; i++) log.append(varied(i));
    const live = new LiveStats(log);
    expect(await live.report(undefined)).toEqual(await buildStatsReport(log, undefined));
    for (let i = 40; i < 100; i++) live.append(varied(i));
    const report = await live.report(undefined);
    expect(report.total.requests).toBe(100);
    expect(report).toEqual(await buildStatsReport(log, undefined));
    await log.close();
  });

  it('starts again from the log when the log drops records (rotation or bound), and answers windows from the log', async () => {
    const log = new MemoryRequestLog(30);
    const live = new LiveStats(log);
    for (let i = 0; i < 20; i++) live.append(varied(i));
    expect((await live.report(undefined)).total.requests).toBe(20);
    for (let i = 20; i < 50; i++) live.append(varied(i));
    // The bound dropped the oldest 20: the summary must not keep counting them.
    expect((await live.report(undefined)).total.requests).toBe(30);
    expect(await live.report(undefined)).toEqual(await buildStatsReport(log, undefined));
    expect((await live.report(Date.parse('2030-01-01'))).total.requests).toBe(0);
  });
});

describe('LiveStats: clients that invent a name per request', () => {
  const invented = (i: number) => requestRecord({ client: `tool-${i}`, layer: i % 2 ? 'l3' : 'l1a', totalMs: 1 + (i % 50), inputTokens: i });

  it('lists the busiest 50 by name and the rest as "other", exactly as re-reading the log does', async () => {
    const log = new MemoryRequestLog(10_000);
    const live = new LiveStats(log);
    await live.report(undefined);
    for (let i = 0; i < 300; i++) live.append(invented(i));
    for (let i = 0; i < 60; i++) live.append(requestRecord({ client: 'openclaw', totalMs: 5 }));
    const report = await live.report(undefined);
    expect(report.tools).toHaveLength(51);
    expect(report.tools.find((tool) => tool.client === 'openclaw')?.requests).toBe(60);
    expect(report.tools.find((tool) => tool.client === 'other')?.requests).toBe(251);
    expect(report).toEqual(await buildStatsReport(log, undefined));
  });

  it('keeps at most 1000 of them apart (later new names are summed into "other"), counting every request', async () => {
    const log = new MemoryRequestLog(10_000);
    const live = new LiveStats(log);
    await live.report(undefined);
    for (let i = 0; i < 5000; i++) live.append(invented(i));
    const report = await live.report(undefined);
    expect(report.tools).toHaveLength(51);
    expect(report.tools.reduce((sum, tool) => sum + tool.requests, 0)).toBe(5000);
    expect(report.tools.find((tool) => tool.client === 'other')?.requests).toBe(4950);
    expect(report.total.requests).toBe(5000);
  });
});

describe('PercentileSketch', () => {
  it('gives nearest-rank percentiles exactly when values are more than 1% apart', () => {
    const sketch = new PercentileSketch();
    for (let i = 1; i <= 100; i++) sketch.add(i);
    expect(sketch.percentiles()).toEqual({ p50: 50, p95: 95 });
    expect(new PercentileSketch().percentiles()).toEqual({ p50: 0, p95: 0 });
  });

  it('otherwise a value that occurred, at most 1% above the exact one', () => {
    const values = Array.from({ length: 5000 }, (_, i) => 0.01 + ((i * 7919) % 5000) / 37 + (i % 3 === 0 ? 0 : 0));
    const sketch = new PercentileSketch();
    for (const v of values) sketch.add(v);
    const exact = percentiles(values);
    const approx = sketch.percentiles();
    for (const p of ['p50', 'p95'] as const) {
      expect(values).toContain(approx[p]);
      expect(approx[p]).toBeGreaterThanOrEqual(exact[p]);
      expect(approx[p]).toBeLessThanOrEqual(exact[p] * 1.01);
    }
  });
});
