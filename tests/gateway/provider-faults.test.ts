import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hugeJsonAnswer, hugeOpenAIStream, providerFaults, type ProviderFault } from '../support/fake-upstream/faults.js';
import type { RequestRecord } from '../../source/stats/request-record.js';
import { startHarness, type Harness } from './harness.js';

type Caller = 'openai' | 'anthropic';

/** A request in the caller's protocol; each gets its own text so that no earlier answer can serve it. */
function ask(harness: Harness, caller: Caller, stream: boolean, text: string): Promise<Response> {
  return caller === 'openai'
    ? harness.chat({ model: 'fake-model', stream, messages: [{ role: 'user', content: text }] })
    : harness.messages({ model: 'fake-model', max_tokens: 50, stream, messages: [{ role: 'user', content: text }] });
}

function isCallerError(caller: Caller, body: unknown): boolean {
  const b = body as { type?: unknown; error?: { message?: unknown } };
  return typeof b?.error?.message === 'string' && (caller === 'openai' || b.type === 'error');
}

/** What a client gets when the provider misbehaves: a 502 in its protocol, or a stream that ends with an error event. */
function expectFailureInCallerProtocol(caller: Caller, status: number, text: string): void {
  if (status !== 200) {
    expect(status).toBe(502);
    expect(isCallerError(caller, JSON.parse(text))).toBe(true);
    return;
  }
  // A stream whose headers had left: the error comes as the last event, in the caller's protocol.
  const errorEvent = caller === 'anthropic' ? /event: error\ndata: \{"type":"error"/ : /data: \{"error":\{"message"/;
  expect(text).toMatch(errorEvent);
}

for (const upstream of ['openai', 'anthropic'] as const) {
  describe(`a faulty ${upstream} provider fails one request, never the gateway, and nothing wrong is cached`, () => {
    let harness: Harness;
    beforeAll(async () => {
      // No second try: an unusable answer ends the attempt, and a retry would hide what the client is told.
      harness = await startHarness({ provider: upstream === 'openai' ? 'openai-compatible' : 'anthropic', config: { routing: { retries: 0, maxRetryAfterMs: 30_000 } } });
      harness.records = [];
    });
    afterAll(() => harness.close());

    const faults = providerFaults.filter((fault) => fault.upstream === upstream);
    for (const fault of faults) {
      for (const caller of ['openai', 'anthropic'] as const) {
        it(`${fault.name}, asked in ${caller}`, async () => {
          await checkFault(harness, fault, caller);
        });
      }
    }

    it('still answers /health, /metrics and normal requests afterwards, and never counted negative tokens', async () => {
      expect((await fetch(`${harness.url}/health`)).status).toBe(200);
      const metrics = await fetch(`${harness.url}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(/isartor_nodejs_eventloop_lag_p99_seconds \d/);
      const ok = await ask(harness, 'openai', false, 'a normal question after the faults');
      expect(ok.status).toBe(200);
      await harness.gateway.drained();
      const records = harness.records as RequestRecord[];
      expect(records.length).toBeGreaterThan(faults.length);
      for (const record of records) {
        expect(record.inputTokens).toBeGreaterThanOrEqual(0);
        expect(record.outputTokens).toBeGreaterThanOrEqual(0);
        expect(record.tokensSaved).toBeGreaterThanOrEqual(0);
      }
    });
  });
}

async function checkFault(harness: Harness, fault: ProviderFault, caller: Caller): Promise<void> {
  const text = `${fault.name} / ${caller}`;
  harness.fake.setMode(fault.mode, { times: 1 });
  const first = await ask(harness, caller, fault.stream, text);
  const firstText = await first.text();
  const translated = caller !== fault.upstream;
  const outcome = fault.outcome ?? 'fail';
  if (outcome === 'serve') expect(first.status).toBe(200);
  else if (outcome === 'fail' && (translated || first.status !== 200)) expectFailureInCallerProtocol(caller, first.status, firstText);
  else if (outcome === 'either' && first.status !== 200) expectFailureInCallerProtocol(caller, first.status, firstText);
  // (Same protocol both sides, a 200 passes on what the provider sent unchanged: when in doubt, forward.)

  // The same question again, with the provider healthy: a faulty answer was not cached.
  const callsBefore = harness.upstreamChatCalls();
  const second = await ask(harness, caller, fault.stream, text);
  await second.text();
  expect(second.status).toBe(200);
  // A retry after the cut connection got a good answer, and a good answer may be kept.
  const retried = first.status === 200 && Number(first.headers.get('x-isartor-attempts') ?? 1) > 1;
  if (outcome !== 'serve' && !retried) {
    expect(second.headers.get('x-isartor-cache')).not.toBe('hit');
    expect(harness.upstreamChatCalls()).toBe(callsBefore + 1);
  }
  expect((await fetch(`${harness.url}/health`)).status).toBe(200);
}

describe('an answer larger than upstream.maxAnswerBytes', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ upstream: { maxAnswerBytes: 4 * 1024 * 1024 }, config: { routing: { retries: 0, maxRetryAfterMs: 30_000 } } });
  });
  afterAll(() => harness.close());

  it('is cut with a 502 (whole answer) or an error event (stream), though the provider offers 600 MB, and the memory stays flat', async () => {
    const rssBefore = process.memoryUsage().rss;
    harness.fake.setMode({ kind: 'raw', body: hugeJsonAnswer() }, { times: 1 });
    const whole = await harness.chat({ model: 'fake-model', messages: [{ role: 'user', content: 'huge please' }] });
    expect(whole.status).toBe(502);
    expect(((await whole.json()) as { error: { code: string } }).error.code).toBe('upstream_answer_too_large');

    harness.fake.setMode({ kind: 'raw', contentType: 'text/event-stream', body: hugeOpenAIStream() }, { times: 1 });
    const streamed = await harness.messages({ model: 'fake-model', max_tokens: 5, stream: true, messages: [{ role: 'user', content: 'huge stream' }] });
    expect(streamed.status).toBe(200);
    expect(await streamed.text()).toMatch(/event: error\ndata: .*larger than 4 MB/);
    // Generous: the point is that 600 MB never sat in memory.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(256 * 1024 * 1024);
    expect((await harness.chat({ model: 'fake-model', messages: [{ role: 'user', content: 'small again' }] })).status).toBe(200);
  });
});
