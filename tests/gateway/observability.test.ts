import { EventSource } from 'eventsource';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterEach, describe, expect, it } from 'vitest';
import { countTextTokens } from '../../source/stats/count-tokens.js';
import type { RequestRecord } from '../../source/stats/request-record.js';
import type { StatsReport } from '../../source/stats/stats-report.js';
import { startHarness, userMessage, type Harness } from './harness.js';

let harness: Harness | undefined;
let events: EventSource | undefined;
afterEach(async () => {
  events?.close();
  events = undefined;
  await harness?.close();
  harness = undefined;
});

const gatewayKey = 'gw-observability-key-123456';
const auth = { authorization: `Bearer ${gatewayKey}` };
// $1 per million input tokens and $2 per million output tokens make the expected USD easy to compute.
const pricing = { 'fake-model': { input: 1, output: 2 } };

async function getJson<T>(url: string, headers: Record<string, string> = auth): Promise<T> {
  const response = await fetch(url, { headers });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

describe('cost and tokens in request records', () => {
  it('prices a miss from the provider usage and credits the same amount to the hit that replaces it (hand-computed)', async () => {
    harness = await startHarness({ config: { pricing } });
    harness.records = [];
    // The fake upstream counts ceil(chars / 4): 9 input tokens, and "Echo: What is the capital of France?" is 36 chars -> 9 output tokens.
    const first = (await (await harness.chat(userMessage('What is the capital of France?'))).json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
    await (await harness.chat(userMessage('What is the capital of France?'))).text();
    await harness.gateway.drained();
    const { prompt_tokens: input, completion_tokens: output } = first.usage;
    const expectedUsd = (input * 1 + output * 2) / 1e6;
    expect(harness.records.map((r) => [r.layer, r.tokensCounted, r.costUsd, r.costSavedUsd])).toEqual([
      ['l3', 'provider', expectedUsd, 0],
      ['l1a', 'provider', 0, expectedUsd],
    ]);
  });

  it('says a model without a price is unpriced (null), not free', async () => {
    harness = await startHarness();
    harness.records = [];
    await (await harness.chat(userMessage('hello there'))).text();
    await harness.gateway.drained();
    expect(harness.records[0]).toMatchObject({ layer: 'l3', costUsd: null, costSavedUsd: null });
  });

  it('counts tokens with the tokenizer when a streamed answer carries no usage', async () => {
    harness = await startHarness({ config: { pricing } });
    harness.records = [];
    const question = 'Please list three prime numbers.';
    await (await harness.chat(userMessage(question, { stream: true }))).text();
    await harness.gateway.drained();
    const [recorded] = harness.records;
    expect(recorded).toMatchObject({ layer: 'l3', tokensCounted: 'estimated' });
    // Input: the question's o200k tokens plus 4 per message of framing; output: the echoed answer's tokens.
    expect(recorded!.inputTokens).toBe((await countTextTokens(question)) + 4);
    expect(recorded!.outputTokens).toBe(await countTextTokens(`Echo: ${question}`));
    expect(recorded!.costUsd).toBeCloseTo((recorded!.inputTokens + 2 * recorded!.outputTokens) / 1e6, 12);
  });
});

describe('GET /stats', () => {
  it('answers the same numbers as `isartor stats --json`, per tool, behind the gateway key', async () => {
    harness = await startHarness({ gatewayApiKey: gatewayKey, config: { pricing } });
    harness.records = [];
    const headers = { ...auth, 'x-isartor-client': 'openclaw' };
    await (await harness.chat(userMessage('one'), headers)).text();
    await (await harness.chat(userMessage('one'), headers)).text();
    await (await harness.chat(userMessage('two'), { ...auth, 'user-agent': 'curl/8.5.0' })).text();
    await harness.gateway.drained();
    expect((await fetch(`${harness.url}/stats`)).status).toBe(401);
    const report = await getJson<StatsReport>(`${harness.url}/stats`);
    expect(report.total).toMatchObject({ requests: 3, layers: { l3: 2, l1a: 1 }, cacheHitRate: 1 / 3, errors: 0 });
    expect(report.tools.map((t) => [t.client, t.requests, t.layers.l1a ?? 0])).toEqual([
      ['openclaw', 2, 1],
      ['curl', 1, 0],
    ]);
    expect(report.total.cost.savedUsd).toBe(report.tools[0]!.cost.savedUsd);
    expect(report.total.cost.savedUsd).toBeGreaterThan(0);
    const bad = await fetch(`${harness.url}/stats?since=yesterday-ish`, { headers: auth });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('30m, 24h or 7d');
    expect((await getJson<StatsReport>(`${harness.url}/stats?since=1m`)).total.requests).toBe(3);
  });
});

describe('GET /metrics', () => {
  it('serves Prometheus text that a Prometheus parser reads, with per-layer, per-tool counters', async () => {
    harness = await startHarness({ gatewayApiKey: gatewayKey, config: { pricing } });
    await (await harness.chat(userMessage('alpha'), { ...auth, 'x-isartor-client': 'openclaw' })).text();
    await (await harness.chat(userMessage('alpha'), { ...auth, 'x-isartor-client': 'openclaw' })).text();
    await (await harness.chat(userMessage('beta'), { authorization: 'Bearer wrong' })).text();
    await harness.gateway.drained();
    expect((await fetch(`${harness.url}/metrics`)).status).toBe(401);
    const response = await fetch(`${harness.url}/metrics`, { headers: auth });
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    const families = new Map(parsePrometheusTextFormat(text).map((family) => [family.name, family]));
    expect(text).toMatch(/^isartor_request_duration_seconds_count\{layer="l3"\} 1$/m);
    expect(text).toMatch(/^isartor_request_duration_seconds_count\{layer="l1a"\} 1$/m);
    const requests = families.get('isartor_requests_total')!;
    expect(requests.type).toBe('COUNTER');
    const count = (layer: string, client: string, status: string) =>
      Number(requests.metrics.find((m) => m.labels?.layer === layer && m.labels.client === client && m.labels.status === status)?.value ?? 0);
    expect(count('l3', 'openclaw', '200')).toBe(1);
    expect(count('l1a', 'openclaw', '200')).toBe(1);
    const latency = families.get('isartor_request_duration_seconds')!;
    expect(latency.type).toBe('HISTOGRAM');
    // This parser folds a labelled histogram's series into one set of buckets; the per-layer series are checked as text.
    expect(latency.metrics[0]?.buckets?.['+Inf']).toBeDefined();
    expect(families.get('isartor_gateway_overhead_seconds')?.type).toBe('HISTOGRAM');
    expect(Number(families.get('isartor_tokens_saved_total')!.metrics[0]!.value)).toBeGreaterThan(0);
    expect(Number(families.get('isartor_cost_saved_usd_total')!.metrics[0]!.value)).toBeGreaterThan(0);
    expect(families.has('isartor_process_resident_memory_bytes')).toBe(true);
  });
});

describe('GET /events', () => {
  it('feeds finished requests to an SSE client as they happen, behind the gateway key', async () => {
    harness = await startHarness({ gatewayApiKey: gatewayKey });
    const denied = await fetch(`${harness.url}/events`);
    expect(denied.status).toBe(401);
    await denied.text();
    const received: RequestRecord[] = [];
    events = new EventSource(`${harness.url}/events`, { fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, ...auth } }) });
    await new Promise<void>((resolve, reject) => {
      events!.onopen = () => resolve();
      events!.onerror = (error) => reject(new Error(`the feed failed: ${error.message}`));
    });
    const two = new Promise<void>((resolve) => {
      events!.addEventListener('request', (event) => {
        received.push(JSON.parse(event.data) as RequestRecord);
        if (received.length === 2) resolve();
      });
    });
    await (await harness.chat(userMessage('feed me'), { ...auth, 'x-isartor-client': 'openclaw' })).text();
    await (await harness.chat(userMessage('feed me'), { ...auth, 'x-isartor-client': 'openclaw' })).text();
    await two;
    expect(received.map((r) => [r.client, r.layer, r.status])).toEqual([
      ['openclaw', 'l3', 200],
      ['openclaw', 'l1a', 200],
    ]);
  });

  it('does not hold up a stopping gateway: the feed ends and the stop finishes well before its grace period', async () => {
    harness = await startHarness();
    const response = await fetch(`${harness.url}/events`);
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain('retry: 3000');
    const stopped = harness.running.stop(60_000).then(() => 'stopped');
    const timeout = new Promise((resolve) => setTimeout(() => resolve('still waiting'), 10_000).unref());
    expect(await Promise.race([stopped, timeout])).toBe('stopped');
    // The client sees the stream end, not an error.
    let done = false;
    while (!done) done = (await reader.read()).done;
    await harness.fake.close();
    harness = undefined;
  });
});
