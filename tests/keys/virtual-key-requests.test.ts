import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualKeys } from '../../source/keys/virtual-keys.js';
import type { StatsReport } from '../../source/stats/stats-report.js';
import { startHarness, userMessage, type Harness } from '../gateway/harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const master = 'master-key-for-requests-1';
const asMaster = { authorization: `Bearer ${master}`, 'content-type': 'application/json' };
// $1000 per million input tokens and $2000 per million output tokens: a few tokens cost a few cents.
const pricing = { 'fake-model': { input: 1000, output: 2000 }, 'fake-model-large': { input: 1000, output: 2000 } };

async function generate(body: Record<string, unknown>): Promise<{ key: string; token: string }> {
  const response = await fetch(`${harness!.url}/key/generate`, { method: 'POST', headers: asMaster, body: JSON.stringify(body) });
  expect(response.status).toBe(200);
  return (await response.json()) as { key: string; token: string };
}

async function info(key: string): Promise<{ spend: number; max_budget: number | null; budget_reset_at: string | null; total_spend: number; in_flight_requests: number }> {
  const response = await fetch(`${harness!.url}/key/info`, { headers: { authorization: `Bearer ${key}` } });
  return ((await response.json()) as { info: never }).info;
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('model allowlist', () => {
  it("allows the listed models and aliases (and aliases of listed models); anything else is a final 403: LiteLLM's answer for OpenAI callers, permission_error for Anthropic ones", async () => {
    harness = await startHarness({
      gatewayApiKey: master,
      model: null,
      config: { aliases: { sonnet: 'openai-compatible/fake-model-large', cheap: 'openai-compatible/fake-model' } },
    });
    const { key } = await generate({ key_alias: 'openclaw', models: ['fake-model', 'sonnet'] });
    const ask = (model: string) => harness!.chat(userMessage(`which model? ${model}`, { model }), bearer(key));
    expect((await ask('fake-model')).status).toBe(200);
    expect((await ask('sonnet')).status).toBe(200);
    // "cheap" is an alias of an allowed model.
    expect((await ask('cheap')).status).toBe(200);
    const refused = await ask('fake-model-large');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-should-retry')).toBe('false');
    // What current LiteLLM answers (status, type, param, code and first sentence), then isartor's hint.
    const error = ((await refused.json()) as { error: { message: string; type: string; param: string; code: string } }).error;
    expect(error).toMatchObject({ type: 'key_model_access_denied', param: 'model', code: '403' });
    expect(error.message).toMatch(/^The requested model 'fake-model-large' is not available for this API key, or the model name is invalid\. Check the models available to you and try again\./);
    expect(error.message).toContain('can use: fake-model, sonnet');
    // In the Anthropic format for an Anthropic caller: permission_error, which Claude Code does not retry.
    const anthropic = await harness.messages({ model: 'fake-model-large', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }, { 'x-api-key': key });
    expect(anthropic.status).toBe(403);
    expect(anthropic.headers.get('x-should-retry')).toBe('false');
    expect(await anthropic.json()).toMatchObject({ type: 'error', error: { type: 'permission_error', message: expect.stringContaining("'fake-model-large'") } });
    expect(harness.upstreamChatCalls()).toBe(3);
    // The master key is not restricted.
    expect((await harness.chat(userMessage('x', { model: 'fake-model-large' }), asMaster)).status).toBe(200);
    // /v1/models shows a key what it may use.
    const listed = (await (await fetch(`${harness.url}/v1/models`, { headers: bearer(key) })).json()) as { data: Array<{ id: string }> };
    expect(listed.data.map((m) => m.id).sort()).toEqual(['cheap', 'sonnet']);
  });
});

describe('expiry and budget windows (a test clock, no sleeping)', () => {
  it('refuses an expired key with 401, in the caller protocol', async () => {
    let now = Date.parse('2026-11-21T12:00:00.000Z');
    harness = await startHarness({ gatewayApiKey: master, virtualKeys: new VirtualKeys({ now: () => now }) });
    const { key } = await generate({ key_alias: 'short', duration: '1h' });
    expect((await harness.chat(userMessage('before'), bearer(key))).status).toBe(200);
    now += 3_600_000;
    const openai = await harness.chat(userMessage('after'), bearer(key));
    expect(openai.status).toBe(401);
    // Claude Code retries a plain 401 for minutes; this header makes it (and the SDKs) stop at once.
    expect(openai.headers.get('x-should-retry')).toBe('false');
    expect(((await openai.json()) as { error: { message: string } }).error.message).toContain('Expired Key');
    const anthropic = await harness.messages({ model: 'fake-model', max_tokens: 16, messages: [{ role: 'user', content: 'after' }] }, { 'x-api-key': key });
    expect(anthropic.status).toBe(401);
    expect(await anthropic.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error', message: expect.stringContaining('expired at 2026-11-21T13:00:00.000Z') } });
  });

  it('refuses a key at its max_budget with 400 "Budget has been exceeded", and lets it spend again after budget_duration', async () => {
    let now = Date.parse('2026-11-21T12:00:00.000Z');
    harness = await startHarness({ gatewayApiKey: master, config: { pricing }, virtualKeys: new VirtualKeys({ now: () => now }) });
    harness.records = [];
    const { key } = await generate({ key_alias: 'daily', max_budget: 0.01, budget_duration: '1d' });
    let served = 0;
    for (let i = 0; i < 10; i++) {
      const response = await harness.chat(userMessage(`question number ${i}`), bearer(key));
      await response.text();
      await harness.gateway.drained();
      if (response.status !== 200) break;
      served += 1;
    }
    const cost = harness.records[0]!.costUsd!;
    // Each question costs the same: the budget lets through exactly the requests that start under it.
    expect(served).toBe(Math.ceil(0.01 / cost));
    const spent = await info(key);
    expect(spent.spend).toBeCloseTo(served * cost, 9);
    expect(spent.budget_reset_at).toBe('2026-11-22T12:00:00.000Z');

    const refused = await harness.chat(userMessage('one more'), bearer(key));
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as { error: { message: string; code: string } };
    expect(body.error.code).toBe('budget_exceeded');
    expect(body.error.message).toMatch(/^Budget has been exceeded! Current cost: [\d.]+, Max budget: 0\.01/);
    expect(body.error.message).toContain('resets at 2026-11-22T12:00:00.000Z');
    const anthropic = await harness.messages({ model: 'fake-model', max_tokens: 16, messages: [{ role: 'user', content: 'one more' }] }, { 'x-api-key': key });
    // Anthropic's own status for money: Claude Code shows it at once (a 400 it asks again five times with fewer betas).
    expect(anthropic.status).toBe(402);
    expect(anthropic.headers.get('x-should-retry')).toBe('false');
    expect(await anthropic.json()).toMatchObject({ type: 'error', error: { type: 'billing_error', message: expect.stringContaining('Budget has been exceeded') } });

    now += 86_400_000;
    const next = await info(key);
    expect(next.spend).toBe(0);
    expect(next.total_spend).toBeCloseTo(served * cost, 9);
    expect(next.budget_reset_at).toBe('2026-11-23T12:00:00.000Z');
    expect((await harness.chat(userMessage('a new day'), bearer(key))).status).toBe(200);
  });
});

describe('spend', () => {
  it('charges streamed answers (usage chunk, else the estimate) and charges nothing for cache hits', async () => {
    harness = await startHarness({ gatewayApiKey: master, config: { pricing } });
    harness.records = [];
    const { key } = await generate({ key_alias: 'streamer', max_budget: 100 });
    const streamed = async (text: string, extra: Record<string, unknown>) => {
      await (await harness!.chat(userMessage(text, { stream: true, ...extra }), bearer(key))).text();
      await harness!.gateway.drained();
    };
    await streamed('stream with usage', { stream_options: { include_usage: true } });
    await streamed('stream without usage', {});
    await streamed('stream with usage', { stream_options: { include_usage: true } });
    expect(harness.records.map((r) => [r.layer, r.tokensCounted, r.keyAlias])).toEqual([
      ['l3', 'provider', 'streamer'],
      ['l3', 'estimated', 'streamer'],
      ['l1a', 'provider', 'streamer'],
    ]);
    const [withUsage, estimated, hit] = harness.records;
    expect(withUsage!.costUsd).toBeGreaterThan(0);
    expect(estimated!.costUsd).toBeGreaterThan(0);
    expect(hit!.costUsd).toBe(0);
    expect(hit!.costSavedUsd).toBe(withUsage!.costUsd);
    expect((await info(key)).spend).toBeCloseTo(withUsage!.costUsd! + estimated!.costUsd!, 12);
  });

  it('reserves each request\'s expected cost at admission, so parallel requests overspend by about one call, not one per worker', async () => {
    harness = await startHarness({ gatewayApiKey: master, config: { pricing }, fake: {} });
    harness.fake.setMode({ kind: 'slow', delayMs: 40 });
    harness.records = [];
    const workers = 8;
    // Same-length, distinct questions: every call costs the same, and none is a cache hit.
    const question = (n: number) => `parallel question ${String(n).padStart(4, '0')}`;
    const probe = await harness.chat(userMessage(question(9999)), asMaster);
    await probe.text();
    await harness.gateway.drained();
    const cost = harness.records[0]!.costUsd!;
    const budget = 10.5 * cost;
    const { key } = await generate({ key_alias: 'parallel', max_budget: budget });
    let next = 0;
    let served = 0;
    let refused = 0;
    const worker = async (): Promise<void> => {
      for (;;) {
        const response = await harness!.chat(userMessage(question(next++)), bearer(key));
        await response.text();
        if (response.status === 400) {
          refused += 1;
          return;
        }
        expect(response.status).toBe(200);
        served += 1;
      }
    };
    await Promise.all(Array.from({ length: workers }, worker));
    await harness.gateway.drained();
    const spend = (await info(key)).spend;
    const overspend = spend - budget;
    console.log(`concurrency: ${workers} workers, budget ${budget.toFixed(6)} USD = 10.5 calls; served ${served}, refused ${refused}; overspend ${overspend.toFixed(6)} USD = ${(overspend / cost).toFixed(2)} calls`);
    expect(spend).toBeCloseTo(served * cost, 9);
    expect(spend).toBeGreaterThanOrEqual(budget);
    // Without reservations this was up to one call per worker (8); the mean cost is now reserved per request.
    expect(overspend).toBeLessThanOrEqual(2 * cost);
    expect(refused).toBe(workers);
    expect((await info(key)).in_flight_requests).toBe(0);
  });
});

describe('caches are partitioned per key', () => {
  it('two keys asking the same prompt make two upstream calls (L1a), and never share an L1b answer', async () => {
    harness = await startHarness({ gatewayApiKey: master, nearDuplicateCache: {} });
    const a = await generate({ key_alias: 'a' });
    const b = await generate({ key_alias: 'b' });
    const ask = async (key: string, text: string) => {
      const response = await harness!.chat(userMessage(text), bearer(key));
      await response.text();
      return response.headers.get('x-isartor-layer');
    };
    expect(await ask(a.key, 'What is the capital of France?')).toBe('l3');
    expect(await ask(b.key, 'What is the capital of France?')).toBe('l3');
    expect(harness.upstreamChatCalls()).toBe(2);
    expect(await ask(a.key, 'What is the capital of France?')).toBe('l1a');
    expect(await ask(b.key, 'What is the capital of France?')).toBe('l1a');
    expect(harness.upstreamChatCalls()).toBe(2);
    // A near-duplicate is served from L1b to the key that asked before, never to another.
    const c = await generate({ key_alias: 'c' });
    expect(await ask(a.key, 'what is the capital of france')).toBe('l1b');
    expect(await ask(c.key, 'what is the capital of france')).toBe('l3');
    // And neither key shares with the master key.
    expect(await ask(master, 'What is the capital of France?')).toBe('l3');
  });
});

describe('stats and metrics by key', () => {
  it('records keyAlias, breaks /stats down by key, and labels /metrics with the key', async () => {
    harness = await startHarness({ gatewayApiKey: master, config: { pricing } });
    harness.records = [];
    const a = await generate({ key_alias: 'openclaw' });
    await (await harness.chat(userMessage('one'), bearer(a.key))).text();
    await (await harness.chat(userMessage('one'), bearer(a.key))).text();
    await (await harness.chat(userMessage('two'), asMaster)).text();
    await harness.gateway.drained();
    expect(harness.records.map((r) => r.keyAlias)).toEqual(['openclaw', 'openclaw', null]);
    const report = (await (await fetch(`${harness.url}/stats`, { headers: asMaster })).json()) as StatsReport;
    expect(report.keys.map((k) => [k.keyAlias, k.requests, k.layers.l1a ?? 0])).toEqual([
      ['openclaw', 2, 1],
      [null, 1, 0],
    ]);
    expect(report.keys[0]!.cost.usd).toBeGreaterThan(0);
    const families = new Map(parsePrometheusTextFormat(await (await fetch(`${harness.url}/metrics`, { headers: asMaster })).text()).map((f) => [f.name, f]));
    const requests = families.get('isartor_requests_total')!.metrics;
    const count = (key: string, layer: string) => Number(requests.find((m) => m.labels?.key === key && m.labels.layer === layer)?.value ?? 0);
    expect(count('openclaw', 'l3')).toBe(1);
    expect(count('openclaw', 'l1a')).toBe(1);
    expect(count('none', 'l3')).toBe(1);
    expect(families.get('isartor_cost_usd_total')!.metrics.map((m) => m.labels?.key).sort()).toEqual(['none', 'openclaw']);
    expect(families.get('isartor_cost_saved_usd_total')!.metrics.map((m) => m.labels?.key)).toEqual(['openclaw']);
  });
});
