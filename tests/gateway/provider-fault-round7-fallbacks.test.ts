// Round 7, faults before any of the answer reached the client, in a fallback chain: a 429 or 503 with
// Retry-After (in other providers' error shapes), a 200 whose body or first stream event is an error
// without a type, a legacy completions answer, a failed finish, and a stream request that never gets its
// headers. The fallback answers at once, in every caller protocol, streamed and whole; the headers say
// who and after how many attempts; one record, of the fallback's answer; the key is charged that answer
// only; nothing of the failure is cached.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import type { FakeMode } from '../support/fake-upstream/types.js';
import { paths, readAnswer, requestBody, spendOf, virtualKey, type Caller } from './fault-matrix-check.js';
import { startHarness, upstreamKey, type Harness } from './harness.js';

const master = 'sk-master-fault-matrix-0123456789';
const sse = (body: string): FakeMode => ({ kind: 'raw', contentType: 'text/event-stream', body });
const json = (status: number, body: string, headers: Record<string, string> = {}): FakeMode => ({ kind: 'raw', status, contentType: 'application/json', headers, body });
const roleChunk = 'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"fake-model","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n';

interface Fault {
  name: string;
  mode: FakeMode;
  streams: boolean[];
}

const setups: Array<{ primary: 'openai-compatible' | 'anthropic'; fallback: string; faults: Fault[] }> = [
  {
    primary: 'openai-compatible',
    fallback: 'anthropic',
    faults: [
      { name: 'a 429 with Retry-After in Groq\'s shape', mode: json(429, '{"error":{"message":"Rate limit reached (fault injection)","type":"tokens","code":"rate_limit_exceeded"}}', { 'retry-after': '1' }), streams: [true, false] },
      { name: 'a 503 with Retry-After in TGI\'s shape', mode: json(503, '{"error":"Model is overloaded (fault injection)","error_type":"overloaded"}', { 'retry-after': '2' }), streams: [true, false] },
      { name: 'a 200 whose body is Google\'s list of errors', mode: json(200, '[{"error":{"code":429,"message":"Resource has been exhausted (fault injection)","status":"RESOURCE_EXHAUSTED"}}]'), streams: [true, false] },
      { name: 'a stream whose first event is {"error":"..."}', mode: sse('data: {"error":"The model crashed while loading (fault injection)."}\n\n'), streams: [true] },
      { name: 'a legacy completions stream (choices[].text)', mode: sse('data: {"id":"cmpl-1","object":"text_completion","created":1,"model":"fake-model","choices":[{"text":"Hello","index":0,"finish_reason":null}]}\n\ndata: [DONE]\n\n'), streams: [true] },
      { name: 'a role chunk, then finish_reason "error"', mode: sse(`${roleChunk}data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"fake-model","choices":[{"index":0,"delta":{},"finish_reason":"error"}]}\n\ndata: [DONE]\n\n`), streams: [true] },
      { name: 'a stream request read and never answered, not even with headers', mode: { kind: 'hang' }, streams: [true] },
    ],
  },
  {
    primary: 'anthropic',
    fallback: 'openai-compatible',
    faults: [
      { name: 'a 429 with Retry-After in LiteLLM\'s shape', mode: json(429, '{"error":{"message":"litellm.RateLimitError (fault injection)","type":null,"param":null,"code":"429"}}', { 'retry-after': '1' }), streams: [true, false] },
      { name: 'a 200 whose body is vLLM\'s error', mode: json(200, '{"object":"error","message":"The model does not exist (fault injection).","type":"NotFoundError","code":404}'), streams: [true, false] },
      { name: 'a stream whose first event is {"error":"..."} with no event name', mode: sse('data: {"error":"The model crashed while loading (fault injection)."}\n\n'), streams: [true] },
      { name: 'a stream request read and never answered, not even with headers', mode: { kind: 'hang' }, streams: [true] },
    ],
  },
];

const callers: Caller[] = ['chat', 'messages', 'responses'];

for (const setup of setups) {
  describe(`a ${setup.primary} provider that fails before its answer began: the fallback (${setup.fallback}) answers, and only its answer is counted`, () => {
    let harness: Harness;
    let fallback: FakeUpstream;
    let key: string;
    beforeAll(async () => {
      fallback = await startFakeUpstream({ apiKey: upstreamKey });
      const fallbackBase = setup.fallback === 'anthropic' ? fallback.anthropicBaseUrl : fallback.openaiBaseUrl;
      harness = await startHarness({
        provider: setup.primary,
        gatewayApiKey: master,
        // A stream request's headers must come within idleTimeoutMs; the whole exchange's limit is far away.
        upstream: { timeoutMs: 120_000, idleTimeoutMs: 800 },
        config: {
          pricing: { 'fake-model': { input: 1000, output: 2000 }, 'fake-model-large': { input: 3000, output: 5000 } },
          routing: { retries: 0, maxRetryAfterMs: 30_000 },
          providers: { [setup.fallback]: { baseUrl: fallbackBase, apiKey: upstreamKey, model: 'fake-model-large' } },
          fallbacks: { default: [`${setup.fallback}/fake-model-large`] },
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
    for (const fault of setup.faults) {
      for (const caller of callers) {
        for (const stream of fault.streams) {
          it(`${fault.name} (${stream ? 'stream' : 'whole'}), asked in ${caller}`, async () => {
            n += 1;
            const question = `Who answers question ${n} after ${fault.name}?`;
            await harness.gateway.drained();
            const recordsBefore = harness.records!.length;
            const spendBefore = await spendOf(harness, key);
            const fallbackCalls = fallback.requests.length;
            harness.fake.setMode(fault.mode, { times: 1 });
            const ask = () =>
              fetch(`${harness.url}${paths[caller]}`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', authorization: `Bearer ${key}` },
                body: JSON.stringify(requestBody(caller, stream, question)),
              });
            const response = await ask();
            const body = await response.text();
            expect(response.status, body.slice(0, 300)).toBe(200);
            expect(response.headers.get('x-isartor-upstream')).toBe(`${setup.fallback}/fake-model-large`);
            expect(response.headers.get('x-isartor-attempts')).toBe('2');
            const read = readAnswer(caller, stream, body);
            expect(read.endsWithError, body.slice(-300)).toBe(false);
            expect(read.text).toBe(`Echo: ${question}`);
            expect(body).not.toContain('fault injection');
            expect(fallback.requests.length).toBe(fallbackCalls + 1);
            // One record, of the fallback's answer, and the key charged exactly its cost (the failure cost nothing).
            await harness.gateway.drained();
            expect(harness.records!.length).toBe(recordsBefore + 1);
            const record = harness.records!.at(-1)!;
            expect(record).toMatchObject({ status: 200, provider: setup.fallback, model: 'fake-model-large' });
            expect(record.costUsd).toBeGreaterThan(0);
            expect(await spendOf(harness, key)).toBeCloseTo(spendBefore + record.costUsd!, 9);
            // The fallback's answer is kept like any other: the same question is a hit, the failure is not what is replayed.
            const again = await ask();
            const againBody = await again.text();
            expect(again.headers.get('x-isartor-cache')).toBe('hit');
            expect(readAnswer(caller, stream, againBody).text).toBe(`Echo: ${question}`);
          });
        }
      }
    }
  });
}
