import { afterEach, describe, expect, it } from 'vitest';
import type { IsartorConfig } from '../../source/store/config.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { startHarness, upstreamKey, userMessage, type Harness } from './harness.js';

let harness: Harness | undefined;
let second: FakeUpstream | undefined;
afterEach(async () => {
  await harness?.close();
  await second?.close();
  harness = undefined;
  second = undefined;
});

/** Primary: the harness's openai-compatible fake. Fallback: "groq", pointed at a second fake. */
async function withFallback(extra: Partial<IsartorConfig> = {}, upstream = {}): Promise<{ primary: FakeUpstream; fallback: FakeUpstream }> {
  second = await startFakeUpstream({ apiKey: upstreamKey, models: ['fake-model', 'fake-model-large'] });
  harness = await startHarness({
    upstream,
    config: {
      providers: { groq: { baseUrl: second.openaiBaseUrl, apiKey: upstreamKey, model: 'fake-model-large' } },
      fallbacks: { default: ['groq/fake-model-large'] },
      ...extra,
    },
  });
  return { primary: harness.fake, fallback: second };
}

const chatCalls = (fake: FakeUpstream): number => fake.requests.filter((r) => r.path.endsWith('/chat/completions')).length;

describe('fallbacks', () => {
  it('the primary answers 503 -> the fallback answers, and the headers say who', async () => {
    const { primary, fallback } = await withFallback();
    primary.setMode({ kind: 'error', status: 503 });
    const response = await harness!.chat(userMessage('hello'));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-isartor-upstream')).toBe('groq/fake-model-large');
    expect(response.headers.get('x-isartor-attempts')).toBe('2');
    expect(((await response.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content).toBe('Echo: hello');
    expect(fallback.requests.at(-1)?.body.model).toBe('fake-model-large');
    expect(chatCalls(primary)).toBe(1);
  });

  it('the primary times out (its own per-provider timeout) -> the fallback answers', async () => {
    second = await startFakeUpstream({ apiKey: upstreamKey });
    harness = await startHarness({
      config: {
        providers: {
          'openai-compatible': { timeoutMs: 300 },
          groq: { baseUrl: second.openaiBaseUrl, apiKey: upstreamKey, model: 'fake-model' },
        },
        fallbacks: { default: ['groq/fake-model'] },
      },
    });
    harness.fake.setMode({ kind: 'hang' });
    const response = await harness.chat(userMessage('slow one'));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-isartor-upstream')).toBe('groq/fake-model');
  });

  it('the primary drops the connection -> the fallback answers', async () => {
    const { primary } = await withFallback();
    primary.setMode({ kind: 'drop' });
    const response = await harness!.chat(userMessage('dropped'));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-isartor-upstream')).toBe('groq/fake-model-large');
  });

  it('a streamed request falls back before any byte reached the client', async () => {
    const { primary } = await withFallback();
    primary.setMode({ kind: 'error', status: 500 });
    const response = await harness!.chat(userMessage('stream it', { stream: true }));
    expect(response.headers.get('x-isartor-upstream')).toBe('groq/fake-model-large');
    expect(await response.text()).toContain('data: [DONE]');
  });

  it('a 401, 400, 403 or 404 is not retried and not passed to the fallback', async () => {
    const { primary, fallback } = await withFallback();
    for (const status of [401, 400, 403, 404]) {
      primary.setMode({ kind: 'error', status }, { times: 1 });
      const response = await harness!.chat(userMessage(`status ${status}`));
      expect(response.status, String(status)).toBe(status === 403 ? 401 : status);
    }
    expect(chatCalls(fallback)).toBe(0);
    expect(chatCalls(primary)).toBe(4);
  });

  it('when every route fails, the chain is retried a bounded number of times, then the last error is returned', async () => {
    const { primary, fallback } = await withFallback({ routing: { retries: 1, maxRetryAfterMs: 30_000 } });
    primary.setMode({ kind: 'error', status: 503 });
    fallback.setMode({ kind: 'error', status: 500 });
    const response = await harness!.chat(userMessage('doomed'));
    expect(response.status).toBe(502);
    expect(response.headers.get('x-isartor-attempts')).toBe('4');
    expect(chatCalls(primary)).toBe(2);
    expect(chatCalls(fallback)).toBe(2);
  });

  it('honours retry-after between passes, and gives up at once when it is longer than allowed', async () => {
    const { primary, fallback } = await withFallback({ routing: { retries: 1, maxRetryAfterMs: 5_000 } });
    primary.setMode({ kind: 'error', status: 429, retryAfter: 1 }, { times: 1 });
    fallback.setMode({ kind: 'error', status: 429, retryAfter: 1 }, { times: 1 });
    const recovered = await harness!.chat(userMessage('after a pause'));
    expect(recovered.status).toBe(200);
    expect(recovered.headers.get('x-isartor-attempts')).toBe('3');

    primary.setMode({ kind: 'error', status: 429, retryAfter: 60 });
    fallback.setMode({ kind: 'error', status: 429, retryAfter: 60 });
    const refused = await harness!.chat(userMessage('too long a pause'));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(refused.headers.get('x-isartor-attempts')).toBe('2');
  });

  it('without fallbacks, a failure is answered after the bounded retries', async () => {
    harness = await startHarness({ config: { routing: { retries: 0, maxRetryAfterMs: 0 } } });
    harness.fake.setMode({ kind: 'error', status: 503 });
    const response = await harness.chat(userMessage('alone'));
    expect(response.status).toBe(502);
    expect(response.headers.get('x-isartor-attempts')).toBeNull();
    expect(harness.upstreamChatCalls()).toBe(1);
  });
});

describe('fallbacks across protocols', () => {
  it('an OpenAI caller is served by an Anthropic fallback, translated, when the primary is down', async () => {
    second = await startFakeUpstream({ apiKey: upstreamKey });
    harness = await startHarness({
      config: {
        providers: { anthropic: { baseUrl: second.anthropicBaseUrl, apiKey: upstreamKey, model: 'fake-model' } },
        fallbacks: { default: ['anthropic/fake-model'] },
      },
    });
    harness.fake.setMode({ kind: 'error', status: 503 });
    const response = await harness.chat(userMessage('cross over', { stream: true }));
    expect(response.headers.get('x-isartor-upstream')).toBe('anthropic/fake-model');
    const text = await response.text();
    expect(text).toContain('"content":"Echo');
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(second.requests.at(-1)?.path).toBe('/v1/messages');
  });
});

describe('aliases', () => {
  it('serves a requested model name from the provider/model it is an alias of', async () => {
    const { primary, fallback } = await withFallback({ aliases: { 'claude-sonnet-4-5-20250929': 'groq/fake-model' } });
    const response = await harness!.chat(userMessage('via alias', { model: 'claude-sonnet-4-5-20250929' }));
    expect(response.headers.get('x-isartor-upstream')).toBe('groq/fake-model');
    expect(fallback.requests.at(-1)?.body.model).toBe('fake-model');
    expect(chatCalls(primary)).toBe(0);
  });

  it('lists aliases and configured models on /v1/models', async () => {
    await withFallback({ aliases: { 'claude-sonnet-4-5-20250929': 'groq/fake-model' } });
    const list = (await (await fetch(`${harness!.url}/v1/models`)).json()) as { data: Array<{ id: string; owned_by: string }> };
    expect(list.data.map((m) => [m.id, m.owned_by])).toEqual([
      ['claude-sonnet-4-5-20250929', 'groq'],
      ['fake-model', 'openai-compatible'],
      ['fake-model-large', 'groq'],
    ]);
  });
});
