// A provider that fails before any byte of its answer reached the client (429, 5xx, a reset after its
// headers, a body cut short, a 200 that is not an answer) is replaced by the fallback, in another
// protocol, for every caller protocol, streamed or whole: the client gets the fallback's answer, the
// record names the fallback, the key is charged for that answer alone, and it is what the cache keeps.
// Without a fallback, `retry-after` decides whether asking again is worth the wait.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMode } from '../support/fake-upstream/types.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { startHarness, upstreamKey, type Harness } from './harness.js';

type Caller = 'chat' | 'messages' | 'responses';
const master = 'sk-master-fault-fallbacks-0123456789';
const pricing = { 'fake-model': { input: 1000, output: 2000 }, 'fake-model-large': { input: 1000, output: 2000 } };
const paths: Record<Caller, string> = { chat: '/v1/chat/completions', messages: '/v1/messages', responses: '/v1/responses' };

function ask(harness: Harness, key: string, caller: Caller, stream: boolean, text: string): Promise<Response> {
  const body =
    caller === 'chat'
      ? { model: 'fake-model', stream, messages: [{ role: 'user', content: text }] }
      : caller === 'messages'
        ? { model: 'fake-model', max_tokens: 100, stream, messages: [{ role: 'user', content: text }] }
        : { model: 'fake-model', stream, store: false, input: text };
  return fetch(`${harness.url}${paths[caller]}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
}

/** The answer's text as the caller's SDK would assemble it, streamed or whole. */
function textOf(caller: Caller, stream: boolean, body: string): string {
  if (!stream) {
    const json = JSON.parse(body);
    if (caller === 'chat') return json.choices[0].message.content;
    if (caller === 'messages') return json.content.map((block: { text?: string }) => block.text ?? '').join('');
    return json.output.flatMap((item: { content?: Array<{ text?: string }> }) => item.content ?? []).map((part: { text?: string }) => part.text ?? '').join('');
  }
  const events = body
    .split('\n')
    .filter((line) => line.startsWith('data: ') && line !== 'data: [DONE]')
    .map((line) => JSON.parse(line.slice(6)));
  if (caller === 'chat') return events.map((e) => e.choices?.[0]?.delta?.content ?? '').join('');
  if (caller === 'messages') return events.filter((e) => e.type === 'content_block_delta').map((e) => e.delta.text ?? '').join('');
  return events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta).join('');
}

async function virtualKey(harness: Harness): Promise<string> {
  const answer = await fetch(`${harness.url}/key/generate`, { method: 'POST', headers: { authorization: `Bearer ${master}` }, body: '{}' });
  return ((await answer.json()) as { key: string }).key;
}

async function spendOf(harness: Harness, key: string): Promise<number> {
  const answer = await fetch(`${harness.url}/key/info`, { headers: { authorization: `Bearer ${key}` } });
  return ((await answer.json()) as { info: { spend: number } }).info.spend;
}

const replaceable: Array<{ name: string; mode: (stream: boolean) => FakeMode }> = [
  { name: 'HTTP 429', mode: () => ({ kind: 'error', status: 429 }) },
  { name: 'HTTP 429 with retry-after 2', mode: () => ({ kind: 'error', status: 429, retryAfter: 2 }) },
  { name: 'HTTP 500', mode: () => ({ kind: 'error', status: 500 }) },
  { name: 'HTTP 503 with retry-after 2', mode: () => ({ kind: 'error', status: 503, retryAfter: 2 }) },
  { name: 'headers, then a reset', mode: (stream) => ({ kind: 'raw', contentType: stream ? 'text/event-stream' : 'application/json', body: '', cut: true }) },
  { name: 'a whole answer cut in the middle', mode: () => ({ kind: 'raw', body: '{"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assis', cut: true }) },
  { name: 'a 200 that is not JSON', mode: () => ({ kind: 'raw', contentType: 'text/html', body: '<html><body>Bad gateway</body></html>' }) },
  { name: 'a 200 carrying an error object', mode: () => ({ kind: 'raw', body: '{"error":{"message":"upstream overloaded","type":"server_error"}}' }) },
  { name: 'a 200 with JSON null', mode: () => ({ kind: 'raw', body: 'null' }) },
  { name: 'an empty stream', mode: () => ({ kind: 'raw', contentType: 'text/event-stream', body: '' }) },
  { name: 'HTTP 529 (overloaded)', mode: () => ({ kind: 'error', status: 529 }) },
  { name: 'HTTP 502 with an HTML page', mode: () => ({ kind: 'raw', status: 502, contentType: 'text/html', body: '<html><body>502 Bad Gateway</body></html>' }) },
  { name: 'a 302 redirect', mode: () => ({ kind: 'raw', status: 302, contentType: null, headers: { location: 'http://127.0.0.1:9/elsewhere' }, body: '' }) },
  { name: 'a 308 redirect', mode: () => ({ kind: 'raw', status: 308, contentType: null, headers: { location: 'https://api.example/v2/chat' }, body: '' }) },
  { name: 'HTTP 204 without a body', mode: () => ({ kind: 'raw', status: 204, contentType: null, body: '' }) },
  { name: 'a connection closed in the middle of the headers', mode: () => ({ kind: 'socket', bytes: 'HTTP/1.1 200 OK\r\nContent-Ty', end: 'close' }) },
  { name: 'a captive portal page with 200 (no content-type)', mode: () => ({ kind: 'raw', contentType: null, body: '<html><form>Wi-Fi login</form></html>' }) },
];

describe('a primary provider that fails before its answer began: the fallback (another protocol) answers', () => {
  let harness: Harness;
  let fallback: FakeUpstream;
  let key: string;
  beforeAll(async () => {
    fallback = await startFakeUpstream({ apiKey: upstreamKey });
    harness = await startHarness({
      gatewayApiKey: master,
      config: {
        pricing,
        routing: { retries: 0, maxRetryAfterMs: 30_000 },
        providers: { anthropic: { baseUrl: fallback.anthropicBaseUrl, apiKey: upstreamKey, model: 'fake-model-large' } },
        fallbacks: { default: ['anthropic/fake-model-large'] },
      },
    });
    harness.records = [];
    key = await virtualKey(harness);
  });
  afterAll(async () => {
    await harness.close();
    await fallback.close();
  });

  let n = 0;
  for (const fault of replaceable) {
    for (const caller of ['chat', 'messages', 'responses'] as const) {
      for (const stream of [true, false]) {
        it(`${fault.name} (${stream ? 'stream' : 'whole'}), asked in ${caller}`, async () => {
          n += 1;
          const question = `Which fallback answers question ${n}?`;
          await harness.gateway.drained();
          const recordsBefore = harness.records!.length;
          const spendBefore = await spendOf(harness, key);
          const fallbackCalls = fallback.requests.length;
          harness.fake.setMode(fault.mode(stream), { times: 1 });

          const first = await ask(harness, key, caller, stream, question);
          const body = await first.text();
          expect(first.status, body.slice(0, 300)).toBe(200);
          expect(first.headers.get('x-isartor-upstream')).toBe('anthropic/fake-model-large');
          expect(first.headers.get('x-isartor-attempts')).toBe('2');
          expect(textOf(caller, stream, body)).toBe(`Echo: ${question}`);
          expect(fallback.requests.length).toBe(fallbackCalls + 1);

          await harness.gateway.drained();
          const added = harness.records!.slice(recordsBefore);
          expect(added).toHaveLength(1);
          expect(added[0]).toMatchObject({ status: 200, provider: 'anthropic', model: 'fake-model-large', layer: 'l3' });
          expect(added[0]!.costUsd).toBeGreaterThan(0);
          expect(await spendOf(harness, key)).toBeCloseTo(spendBefore + added[0]!.costUsd!, 9);

          // What the cache kept is the fallback's answer, whole.
          const again = await ask(harness, key, caller, stream, question);
          expect(again.headers.get('x-isartor-layer')).toBe('l1a');
          expect(textOf(caller, stream, await again.text())).toBe(`Echo: ${question}`);
          expect((await fetch(`${harness.url}/health`)).status).toBe(200);
        });
      }
    }
  }
});

describe('retry-after without a fallback', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ config: { routing: { retries: 1, maxRetryAfterMs: 5_000 } } });
  });
  afterAll(() => harness.close());
  const chat = (text: string) => harness.chat({ model: 'fake-model', messages: [{ role: 'user', content: text }] });

  it('a 503 asking for 1 s is asked again after it, and the second answer is served', async () => {
    harness.fake.setMode({ kind: 'error', status: 503, retryAfter: 1 }, { times: 1 });
    const answer = await chat('retry after one second');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-isartor-attempts')).toBe('2');
    expect(harness.upstreamChatCalls()).toBe(2);
  });

  it('a 503 or 429 asking for longer than routing.maxRetryAfterMs fails at once, in the caller protocol, with the wait passed on for 429', async () => {
    harness.fake.reset();
    harness.fake.setMode({ kind: 'error', status: 503, retryAfter: 3600 }, { times: 1 });
    const unavailable = await chat('retry after an hour');
    expect(unavailable.status).toBe(502);
    expect(((await unavailable.json()) as { error: { code: string } }).error.code).toBe('upstream_server_error');
    harness.fake.setMode({ kind: 'error', status: 429, retryAfter: 3600 }, { times: 1 });
    const limited = await harness.messages({ model: 'fake-model', max_tokens: 10, messages: [{ role: 'user', content: 'rate limited for an hour' }] });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3600');
    expect(((await limited.json()) as { type: string }).type).toBe('error');
    expect(harness.upstreamChatCalls()).toBe(2);
  });
});

// Claude Code treats a 529 overloaded_error as the provider being overloaded: after three it switches to
// its --fallback-model (seen with the real CLI). A 502 in its place has it retry a server error for minutes.
describe('an Anthropic provider overloaded (529)', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ provider: 'anthropic', config: { routing: { retries: 0, maxRetryAfterMs: 5_000 } } });
  });
  afterAll(() => harness.close());

  it('reaches an Anthropic caller as 529 overloaded_error with its retry-after, streamed or not', async () => {
    for (const stream of [false, true]) {
      harness.fake.setMode({ kind: 'error', status: 529, retryAfter: 7 }, { times: 1 });
      const answer = await harness.messages({ model: 'fake-model', max_tokens: 10, stream, messages: [{ role: 'user', content: `overloaded ${stream}` }] });
      expect(answer.status).toBe(529);
      expect(answer.headers.get('retry-after')).toBe('7');
      expect(answer.headers.get('x-should-retry')).toBeNull();
      const body = (await answer.json()) as { type: string; error: { type: string; message: string } };
      expect(body).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
      expect(body.error.message).toContain('The upstream provider (anthropic) failed with HTTP 529');
    }
  });

  it('must NOT reach an OpenAI caller as 529 (no OpenAI client knows it), nor turn another 5xx into one', async () => {
    harness.fake.setMode({ kind: 'error', status: 529 }, { times: 1 });
    const chat = await harness.chat({ model: 'fake-model', messages: [{ role: 'user', content: 'overloaded, chat caller' }] });
    expect(chat.status).toBe(502);
    expect(((await chat.json()) as { error: { code: string } }).error.code).toBe('upstream_server_error');
    harness.fake.setMode({ kind: 'error', status: 500 }, { times: 1 });
    const failed = await harness.messages({ model: 'fake-model', max_tokens: 10, messages: [{ role: 'user', content: 'a plain server error' }] });
    expect(failed.status).toBe(502);
    expect(((await failed.json()) as { error: { type: string } }).error.type).toBe('api_error');
  });
});
