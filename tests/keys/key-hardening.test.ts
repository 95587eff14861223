import { afterEach, describe, expect, it } from 'vitest';
import { VirtualKeys } from '../../source/keys/virtual-keys.js';
import type { StatsReport } from '../../source/stats/stats-report.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { startHarness, upstreamKey, userMessage, type Harness } from '../gateway/harness.js';

let harness: Harness | undefined;
let second: FakeUpstream | undefined;
afterEach(async () => {
  await harness?.close();
  await second?.close();
  harness = undefined;
  second = undefined;
});

const master = 'master-key-for-hardening-1';
const asMaster = { authorization: `Bearer ${master}`, 'content-type': 'application/json' };
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const pricing = { 'fake-model': { input: 1000, output: 2000 }, 'fake-model-large': { input: 1000, output: 2000 } };

const post = (path: string, body: string | object) =>
  fetch(`${harness!.url}${path}`, { method: 'POST', headers: asMaster, body: typeof body === 'string' ? body : JSON.stringify(body) });
const listed = async (): Promise<number> => {
  const response = await fetch(`${harness!.url}/key/list`, { headers: asMaster });
  expect(response.status).toBe(200);
  return ((await response.json()) as { total_count: number }).total_count;
};

describe('/key/* request bodies that are not UTF-8 JSON text', () => {
  it('Latin-1 bytes or a byte order mark: 400 like the model routes, and no key saved (never an alias with U+FFFD)', async () => {
    harness = await startHarness({ gatewayApiKey: master });
    const bodies = [Buffer.from('{"key_alias": "caf\xe9"}', 'latin1'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"key_alias": "bom"}')])];
    for (const body of bodies) {
      for (const path of ['/key/generate', '/key/update']) {
        const response = await fetch(`${harness.url}${path}`, { method: 'POST', headers: asMaster, body });
        expect(response.status).toBe(400);
        expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/not valid UTF-8|byte order mark/);
      }
    }
    expect(await listed()).toBe(0);
  });
});

describe('/key/* numbers and durations', () => {
  it('refuses absurd durations, deep or huge metadata and duplicate fields with 400, and saves no key for them', async () => {
    harness = await startHarness({ gatewayApiKey: master });
    const refused = [
      { budget_duration: '999999999999d' },
      { duration: '999999999999d' },
      { duration: '99999999999999999999999s' },
      { max_budget: -1 },
      { metadata: { note: 'x'.repeat(20_000) } },
    ];
    for (const body of refused) {
      const response = await post('/key/generate', body);
      expect(response.status, JSON.stringify(body).slice(0, 60)).toBe(400);
    }
    expect((await post('/key/generate', `{"metadata":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`)).status).toBe(400);
    expect((await post('/key/generate', '{"key_alias":"a","key_alias":"b"}')).status).toBe(400);
    expect(await listed()).toBe(0);
    // The longest accepted still lists and describes.
    expect((await post('/key/generate', { budget_duration: '36500d', duration: '5200w' })).status).toBe(200);
    expect(await listed()).toBe(1);
  });

  it('/key/info answers an expired key with 401, as its model requests', async () => {
    let now = Date.parse('2026-11-21T12:00:00.000Z');
    harness = await startHarness({ gatewayApiKey: master, virtualKeys: new VirtualKeys({ now: () => now }) });
    const { key } = (await (await post('/key/generate', { duration: '1h' })).json()) as { key: string };
    expect((await fetch(`${harness.url}/key/info`, { headers: bearer(key) })).status).toBe(200);
    now += 3_600_000;
    const expired = await fetch(`${harness.url}/key/info`, { headers: bearer(key) });
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { error: { message: string } }).error.message).toContain('Expired Key');
    // The master key may still look it up, and sees it expired.
    const byMaster = await fetch(`${harness.url}/key/info?key=${encodeURIComponent(key)}`, { headers: asMaster });
    expect(((await byMaster.json()) as { info: { expired: boolean } }).info.expired).toBe(true);
  });
});

describe('fallbacks and a key\'s model list', () => {
  async function withFallback(): Promise<void> {
    second = await startFakeUpstream({ apiKey: upstreamKey });
    harness = await startHarness({
      gatewayApiKey: master,
      config: {
        providers: { groq: { baseUrl: second.openaiBaseUrl, apiKey: upstreamKey, model: 'fake-model-large' } },
        fallbacks: { default: ['groq/fake-model-large'] },
      },
    });
    harness.fake.setMode({ kind: 'error', status: 503 });
  }

  it('a key limited to one model is never served by a fallback to another', async () => {
    await withFallback();
    const { key } = (await (await post('/key/generate', { models: ['fake-model'] })).json()) as { key: string };
    const response = await harness!.chat(userMessage('only my model'), bearer(key));
    expect(response.status).toBe(502);
    expect(second!.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(0);
  });

  it('a key that lists the fallback model (by provider/model) is served by it', async () => {
    await withFallback();
    const { key } = (await (await post('/key/generate', { models: ['fake-model', 'groq/fake-model-large'] })).json()) as { key: string };
    const response = await harness!.chat(userMessage('fallback allowed'), bearer(key));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-isartor-upstream')).toBe('groq/fake-model-large');
  });
});

/**
 * A client on a virtual key with a tiny budget that leaves a slowly streamed answer once "three" reached
 * it: it is charged what it received (the tokenizer's estimate: the provider's usage had not come), and
 * the key's spend is that charge.
 */
async function leaveEarly(options: {
  path: string;
  body: object;
  provider?: 'openai-compatible' | 'anthropic';
  config?: NonNullable<Parameters<typeof startHarness>[0]>['config'];
}): Promise<void> {
  harness = await startHarness({
    gatewayApiKey: master,
    provider: options.provider,
    config: { pricing, ...options.config },
    fake: { chunkDelayMs: 30, reply: () => 'one two three four five six seven eight nine ten' },
  });
  harness.records = [];
  const { key } = (await (await post('/key/generate', { max_budget: 100 })).json()) as { key: string };
  const controller = new AbortController();
  const response = await fetch(`${harness.url}${options.path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...bearer(key) },
    body: JSON.stringify(options.body),
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  let seen = '';
  while (!seen.includes('three')) seen += new TextDecoder().decode((await reader.read()).value);
  controller.abort();
  await reader.cancel().catch(() => {});
  await new Promise((resolve) => setTimeout(resolve, 100));
  await harness.gateway.drained();
  const record = harness.records.at(-1)!;
  expect(record.status).toBe(499);
  expect(record.tokensCounted).toBe('estimated');
  expect(record.inputTokens).toBeGreaterThan(0);
  // "one two three" at least: a provider's early count (Anthropic's message_start says 1) is not what reached the client.
  expect(record.outputTokens).toBeGreaterThanOrEqual(3);
  expect(record.costUsd).toBeGreaterThan(0);
  const info = (await (await fetch(`${harness.url}/key/info`, { headers: bearer(key) })).json()) as { info: { spend: number } };
  expect(info.info.spend).toBeCloseTo(record.costUsd!, 9);
}

describe('a client that leaves a stream', () => {
  it('is charged for what reached it (provider usage if it came, else the tokenizer estimate), so a tiny budget runs out', async () => {
    await leaveEarly({ path: '/v1/chat/completions', body: userMessage('leave early', { stream: true }) });
  });

  it('a Responses client (Codex) leaving a passed-through stream is charged for the text that reached it, as a chat client is', async () => {
    await leaveEarly({
      path: '/v1/responses',
      body: { model: 'fake-model', stream: true, store: false, input: 'leave early' },
      config: { providers: { 'openai-compatible': { responsesApi: true } } },
    });
  });

  const messagesBody = { model: 'fake-model', max_tokens: 200, stream: true, messages: [{ role: 'user', content: 'leave early' }] };
  const responsesBody = { model: 'fake-model', stream: true, store: false, input: 'leave early' };
  it.each([
    ['an Anthropic client on an Anthropic provider', '/v1/messages', messagesBody, 'anthropic'],
    ['an Anthropic client on an OpenAI-compatible provider', '/v1/messages', messagesBody, 'openai-compatible'],
    ['a chat client on an Anthropic provider', '/v1/chat/completions', userMessage('leave early', { stream: true }), 'anthropic'],
    ['a Responses client translated to chat completions', '/v1/responses', responsesBody, 'openai-compatible'],
    ['a Responses client translated to Anthropic messages', '/v1/responses', responsesBody, 'anthropic'],
  ] as const)('%s is charged for what reached it too', async (_name, path, body, provider) => {
    await leaveEarly({ path, body, provider });
  });
});

describe('client labels', () => {
  it('are bounded in /metrics and /stats: past the first 50 (or the 50 busiest), the rest count as "other"', async () => {
    harness = await startHarness({ gatewayApiKey: master });
    harness.records = [];
    for (let i = 0; i < 70; i += 1) {
      await (await harness.chat(userMessage(`label ${i % 3}`), { ...asMaster, 'x-isartor-client': `tool-${i}` })).text();
    }
    await harness.gateway.drained();
    const metrics = await (await fetch(`${harness.url}/metrics`, { headers: asMaster })).text();
    const clients = new Set([...metrics.matchAll(/isartor_requests_total\{[^}]*client="([^"]+)"/g)].map((m) => m[1]));
    expect(clients.size).toBe(51);
    expect(clients.has('other')).toBe(true);
    const stats = (await (await fetch(`${harness.url}/stats`, { headers: asMaster })).json()) as StatsReport;
    expect(stats.tools.length).toBe(51);
    expect(stats.tools.find((tool) => tool.client === 'other')?.requests).toBe(20);
  });
});
