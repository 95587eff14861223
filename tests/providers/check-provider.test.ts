import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkProvider } from '../../source/providers/check-provider.js';
import { classifyNetworkError } from '../../source/providers/network-failure.js';
import { resolveTarget, type UpstreamTarget } from '../../source/providers/upstream-target.js';
import { configDefaults, type ProviderSettings } from '../../source/store/config.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { freePort } from '../cli/run-cli.js';

const apiKey = 'sk-fake-upstream-key-1234';
let fake: FakeUpstream;
const extraFakes: FakeUpstream[] = [];

beforeEach(async () => {
  fake = await startFakeUpstream({ apiKey });
});
afterEach(async () => {
  await fake.close();
  await Promise.all(extraFakes.splice(0).map((f) => f.close()));
});

/** A target resolved from a config exactly as `isartor check` would. */
function target(providerId: string, settings: ProviderSettings): UpstreamTarget {
  return resolveTarget({ ...configDefaults, provider: providerId, providers: { [providerId]: settings } }, providerId);
}

const openaiCompatible = (settings: Partial<ProviderSettings> = {}) =>
  target('openai-compatible', { baseUrl: fake.openaiBaseUrl, apiKey, model: 'fake-model', ...settings });

describe('checkProvider against an OpenAI-compatible server', () => {
  it('reports ok when key, base URL and model are right', async () => {
    const result = await checkProvider(openaiCompatible());
    expect(result).toMatchObject({ ok: true, status: 200, modelFound: true, provider: 'openai-compatible', model: 'fake-model' });
    expect(result.request).toBe(`GET ${fake.openaiBaseUrl}/models`);
    expect(typeof result.latencyMs).toBe('number');
    expect(result.problem).toBeUndefined();
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/models']);
    expect(fake.requests[0]?.headers.authorization).toBe(`Bearer ${apiKey}`);
  });

  it('reports a wrong key as unauthorized, with a set-key fix', async () => {
    const result = await checkProvider(openaiCompatible({ apiKey: 'sk-wrong-key-000000' }));
    expect(result.ok).toBe(false);
    expect(result.status).toBe(401);
    expect(result.problem?.kind).toBe('unauthorized');
    expect(result.problem?.fix).toContain('isartor set-key');
  });

  it('reports a wrong base URL path as not_found', async () => {
    const result = await checkProvider(openaiCompatible({ baseUrl: `${fake.url}/nope` }));
    expect(result).toMatchObject({ ok: false, status: 404 });
    expect(result.problem?.kind).toBe('not_found');
    expect(result.problem?.fix).toContain('--base-url');
  });

  it('reports a model the server does not offer, listing the ones it does', async () => {
    const result = await checkProvider(openaiCompatible({ model: 'no-such-model' }));
    expect(result).toMatchObject({ ok: false, status: 200, modelFound: false });
    expect(result.problem?.kind).toBe('model_missing');
    expect(result.availableModels).toEqual(['fake-model', 'fake-model-large']);
  });

  it('reports a closed port as refused', async () => {
    const port = await freePort();
    const result = await checkProvider(openaiCompatible({ baseUrl: `http://127.0.0.1:${port}/v1` }));
    expect(result).toMatchObject({ ok: false, status: null });
    expect(result.problem?.kind).toBe('refused');
  });

  it('reports a 500 as server_error', async () => {
    fake.setMode({ kind: 'error', status: 500 });
    const result = await checkProvider(openaiCompatible());
    expect(result).toMatchObject({ ok: false, status: 500 });
    expect(result.problem?.kind).toBe('server_error');
  });

  it('treats a 429 as a working key, with a warning', async () => {
    fake.setMode({ kind: 'error', status: 429 });
    const result = await checkProvider(openaiCompatible());
    expect(result).toMatchObject({ ok: true, status: 429, modelFound: null });
    expect(result.warning).toMatch(/429/);
    expect(result.problem).toBeUndefined();
  });
});

describe('checkProvider against Anthropic', () => {
  const anthropic = (settings: Partial<ProviderSettings> = {}) => target('anthropic', { baseUrl: fake.url, apiKey, model: 'fake-model', ...settings });

  it('sends a 1-token message with x-api-key and anthropic-version', async () => {
    const result = await checkProvider(anthropic());
    expect(result).toMatchObject({ ok: true, status: 200, modelFound: true });
    expect(fake.requests).toHaveLength(1);
    const request = fake.requests[0]!;
    expect(`${request.method} ${request.path}`).toBe('POST /v1/messages');
    expect(request.body).toMatchObject({ model: 'fake-model', max_tokens: 1 });
    expect(request.headers['anthropic-version']).toBeTruthy();
    expect(request.headers['x-api-key']).toBe(apiKey);
    expect(request.headers.authorization).toBeUndefined();
  });

  it('reports an unknown model as model_missing', async () => {
    const result = await checkProvider(anthropic({ model: 'claude-nope' }));
    expect(result).toMatchObject({ ok: false, status: 404, modelFound: false });
    expect(result.problem?.kind).toBe('model_missing');
  });

  it('reports a provider that never answers as a timeout', async () => {
    // Only the message endpoint honours 'hang'; model listings always answer.
    fake.setMode({ kind: 'hang' });
    const result = await checkProvider(anthropic(), { timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, status: null });
    expect(result.problem?.kind).toBe('timeout');
  });
});

describe('checkProvider against Ollama', () => {
  it('lists models with GET /api/tags on the origin of a /v1 base URL', async () => {
    const ollama = await startFakeUpstream();
    extraFakes.push(ollama);
    const result = await checkProvider(target('ollama', { baseUrl: `${ollama.url}/v1`, model: 'fake-model' }));
    expect(result).toMatchObject({ ok: true, status: 200, modelFound: true });
    expect(ollama.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/tags']);
  });

  it('accepts a model name that Ollama lists with :latest', async () => {
    const ollama = await startFakeUpstream({ models: ['llama3.2:latest'] });
    extraFakes.push(ollama);
    const result = await checkProvider(target('ollama', { baseUrl: `${ollama.url}/v1`, model: 'llama3.2' }));
    expect(result).toMatchObject({ ok: true, modelFound: true });
  });
});

describe('classifyNetworkError', () => {
  const url = 'https://api.example.invalid/v1/models';

  it.each(['ENOTFOUND', 'EAI_AGAIN'])('classifies %s as dns', (code) => {
    const failure = classifyNetworkError(Object.assign(new Error(`getaddrinfo ${code}`), { code }), url);
    expect(failure.kind).toBe('dns');
    expect(failure.message).toContain('https://api.example.invalid');
    expect(failure.fix).toBeTruthy();
  });

  it('classifies refused, reset, timeout and TLS errors', () => {
    const kind = (code: string, extra: object = {}) => classifyNetworkError(Object.assign(new Error(code), { code, ...extra }), url, 5000).kind;
    expect(kind('ECONNREFUSED')).toBe('refused');
    expect(kind('ECONNRESET')).toBe('reset');
    expect(kind('ETIMEDOUT', { event: 'request' })).toBe('timeout');
    expect(kind('ERR_TLS_CERT_ALTNAME_INVALID')).toBe('tls');
    expect(kind('EWHATEVER')).toBe('other');
  });
});
