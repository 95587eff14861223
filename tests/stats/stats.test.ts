import { appendFileSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { identifyClient } from '../../source/stats/identify-client.js';
import { readRequestLog, RequestLogFile } from '../../source/state/request-log-file.js';
import { usageOf, type RequestRecord } from '../../source/stats/request-record.js';
import { percentiles, summarise, summariseByTool } from '../../source/stats/summarise.js';
import { requestRecord } from './request-record-fixture.js';

const record = requestRecord;

describe('identifyClient', () => {
  it('takes the x-isartor-client header first, then User-Agent patterns, else unknown', () => {
    expect(identifyClient({ 'x-isartor-client': 'OpenClaw', 'user-agent': 'OpenAI/JS 7.1.0' })).toBe('openclaw');
    expect(identifyClient({ 'user-agent': 'claude-cli/2.0.1 (external, cli)' })).toBe('claude-code');
    expect(identifyClient({ 'user-agent': 'curl/8.5.0' })).toBe('curl');
    expect(identifyClient({ 'user-agent': 'OpenAI/JS 7.1.0' })).toBe('openai-sdk');
    expect(identifyClient({ 'user-agent': 'Anthropic/JS 1.2' })).toBe('anthropic-sdk');
    expect(identifyClient({ 'user-agent': 'aider/0.80' })).toBe('aider');
    expect(identifyClient({})).toBe('unknown');
  });

  it('names the traffic of real agent libraries by the User-Agent they really send (tests/support/captures/user-agents.json)', () => {
    const recorded = JSON.parse(readFileSync(new URL('../support/captures/user-agents.json', import.meta.url), 'utf8')) as {
      agents: Array<{ library: string; userAgent: string; expected: string }>;
    };
    expect(recorded.agents.length).toBeGreaterThanOrEqual(8);
    for (const { library, userAgent, expected } of recorded.agents) expect(identifyClient({ 'user-agent': userAgent }), library).toBe(expected);
    // A product named like a framework is not taken for one: only "ai/<version>" is the AI SDK.
    expect(identifyClient({ 'user-agent': 'aim/1.0' })).toBe('unknown');
    expect(identifyClient({ 'user-agent': 'mail/2.0 openai-ish' })).toBe('unknown');
  });

  it('ignores a header that is not a short plain name', () => {
    expect(identifyClient({ 'x-isartor-client': 'bad name; drop table', 'user-agent': 'curl/8' })).toBe('curl');
  });
});

describe('usageOf', () => {
  it('reads OpenAI and Anthropic usage, Anthropic cache tokens included', () => {
    expect(usageOf({ usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } })).toEqual({ inputTokens: 10, outputTokens: 5 });
    expect(usageOf({ usage: { input_tokens: 10, cache_read_input_tokens: 100, output_tokens: 7 } })).toEqual({ inputTokens: 110, outputTokens: 7, cachedInputTokens: 100 });
    expect(usageOf({ usage: { prompt_tokens: 10, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 8 } } })).toEqual({ inputTokens: 10, outputTokens: 5, cachedInputTokens: 8 });
    // The Responses API: cache hits are inside input_tokens, as with OpenAI chat.
    expect(usageOf({ usage: { input_tokens: 50, input_tokens_details: { cached_tokens: 30 }, output_tokens: 4, total_tokens: 54 } })).toEqual({ inputTokens: 50, outputTokens: 4, cachedInputTokens: 30 });
    expect(usageOf({ usage: { input_tokens: 50, input_tokens_details: { cached_tokens: 0 }, output_tokens: 4, total_tokens: 54 } })).toEqual({ inputTokens: 50, outputTokens: 4 });
    expect(usageOf({})).toBeUndefined();
  });
});

describe('summarise', () => {
  it('counts layers, hit rate, errors, tokens and nearest-rank percentiles (hand-computed)', () => {
    const records = [
      record({ layer: 'l3', totalMs: 200, inputTokens: 1000, outputTokens: 50 }),
      record({ layer: 'l1a', totalMs: 1, tokensSaved: 1050 }),
      record({ layer: 'l1b', totalMs: 2, tokensSaved: 1050, client: 'curl' }),
      record({ layer: 'l0', status: 401, totalMs: 0.5, client: 'curl' }),
    ];
    const summary = summarise(records);
    expect(summary).toMatchObject({ requests: 4, layers: { l3: 1, l1a: 1, l1b: 1, l0: 1 }, cacheHitRate: 0.5, errors: 1, tokens: { input: 1000, output: 50, saved: 2100 } });
    expect(summary.latencyMs).toEqual({ p50: 1, p95: 200 });
    expect(summariseByTool(records).map((t) => [t.client, t.requests, t.tokens.saved])).toEqual([
      ['curl', 2, 1050],
      ['openclaw', 2, 1050],
    ]);
  });

  it('percentiles of nothing are zero, of one value that value', () => {
    expect(percentiles([])).toEqual({ p50: 0, p95: 0 });
    expect(percentiles([7])).toEqual({ p50: 7, p95: 7 });
    expect(percentiles(Array.from({ length: 100 }, (_, i) => i + 1))).toEqual({ p50: 50, p95: 95 });
  });
});

describe('the request log file', () => {
  it('survives reopening, rotates at its size limit keeping a bounded number of files, and reads them in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'isartor-stats-'));
    const log = new RequestLogFile(dir, { maxBytes: 1000, keep: 2 });
    for (let i = 0; i < 20; i++) log.append(record({ totalMs: i }));
    await log.close();
    expect(readdirSync(dir).sort()).toEqual(['requests.1.jsonl', 'requests.2.jsonl', 'requests.jsonl']);
    const { records } = readRequestLog(dir, 0, 2);
    const kept = records.map((r) => r.totalMs);
    expect(kept.at(-1)).toBe(19);
    expect(kept).toEqual([...kept].sort((a, b) => a - b));
    expect(kept.length).toBeLessThan(20);
  });

  it('skips a corrupt or torn line and keeps the rest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'isartor-stats-'));
    writeFileSync(join(dir, 'requests.jsonl'), `${JSON.stringify(record({}))}\nnot json\n`);
    appendFileSync(join(dir, 'requests.jsonl'), '{"time":"2026-11-21T20:00:01.000Z","layer":"l3","st');
    expect(readRequestLog(dir)).toMatchObject({ records: [expect.objectContaining({ layer: 'l3' })], skipped: 2 });
  });

  it('filters by time', () => {
    const dir = mkdtempSync(join(tmpdir(), 'isartor-stats-'));
    writeFileSync(join(dir, 'requests.jsonl'), [record({ time: '2026-11-20T00:00:00.000Z' }), record({ time: '2026-11-21T12:00:00.000Z' })].map((r) => JSON.stringify(r)).join('\n'));
    expect(readRequestLog(dir, Date.parse('2026-11-21T00:00:00Z')).records).toHaveLength(1);
  });
});

describe('reading the log for a time window', () => {
  it('skips files last written before the window without reading them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'isartor-stats-'));
    writeFileSync(join(dir, 'requests.1.jsonl'), 'this would count as a corrupt line if it were read\n');
    const old = new Date('2026-11-01T00:00:00Z');
    utimesSync(join(dir, 'requests.1.jsonl'), old, old);
    writeFileSync(join(dir, 'requests.jsonl'), `${JSON.stringify(record({ time: new Date().toISOString() }))}\n`);
    expect(readRequestLog(dir, Date.now() - 3_600_000)).toMatchObject({ records: [expect.anything()], skipped: 0 });
    expect(readRequestLog(dir).skipped).toBe(1);
  });
});
