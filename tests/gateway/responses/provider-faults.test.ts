// A Responses caller in front of a faulty provider: the answer is passed on (or becomes an error in
// OpenAI's format) but is never cached, and the gateway never falls over. Passed through from a
// provider that speaks the Responses API, and translated from the chat and Anthropic faults of issue 15.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providerFaults } from '../../support/fake-upstream/faults.js';
import type { FakeMode } from '../../support/fake-upstream/types.js';
import type { RequestRecord } from '../../../source/stats/request-record.js';
import { startHarness, type Harness } from '../harness.js';
import { finalResponse, responseEvents, sseOf } from './openai-streams.js';

const ask = (harness: Harness, stream: boolean, text: string): Promise<Response> =>
  fetch(`${harness.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'fake-model', input: text, stream }) });

interface ResponsesFault {
  name: string;
  stream: boolean;
  mode: FakeMode;
  /**
   * pass (default): the provider's bytes reach the client unchanged (an error event may follow). fail: a
   * 502 or an error event in OpenAI's format. either: that, or a good answer from a retry (a connection
   * cut before the answer began is retried, and the good answer may be cached).
   */
  outcome?: 'pass' | 'fail' | 'either';
}

const stream = (body: string, cut = false): FakeMode => ({ kind: 'raw', contentType: 'text/event-stream', body, cut });
const json = (body: unknown): FakeMode => ({ kind: 'raw', body: typeof body === 'string' ? body : JSON.stringify(body) });
const message = { type: 'message', id: 'msg_f', status: 'completed', role: 'assistant', content: [{ type: 'output_text', annotations: [], logprobs: [], text: 'Fine.' }] };
const good = finalResponse([message]);
const events = (final: Record<string, any> = good) => responseEvents(final);
const raw = (...data: string[]) => data.map((d) => `data: ${d}\n\n`).join('');
/** The good stream with its response.completed replaced by `completed`. */
const withCompleted = (completed: unknown) => sseOf(events().map((event) => (event.type === 'response.completed' ? { ...event, response: completed } : event)));
const withEvent = (type: string, edit: (event: Record<string, any> & { type: string }) => Record<string, any>) => sseOf(events().map((event) => (event.type === type ? (edit(event) as typeof event) : event)));

const faults: ResponsesFault[] = [
  // Streamed
  { name: 'stream: data: null', stream: true, mode: stream(raw('null')) },
  { name: 'stream: data: 5', stream: true, mode: stream(raw('5')) },
  { name: 'stream: not JSON', stream: true, mode: stream(raw('{"type":"response.created",')) },
  { name: 'stream: response.created with response null', stream: true, mode: stream(withEvent('response.created', (e) => ({ ...e, response: null }))) },
  { name: 'stream: completed response without output', stream: true, mode: stream(withCompleted({ ...good, output: undefined })) },
  { name: 'stream: completed response null', stream: true, mode: stream(withCompleted(null)) },
  { name: 'stream: function call without call_id', stream: true, mode: stream(withCompleted({ ...good, output: [{ type: 'function_call', id: 'fc_1', name: 'f', arguments: '{}' }] })) },
  { name: 'stream: message content 5', stream: true, mode: stream(withCompleted({ ...good, output: [{ ...message, content: 5 }] })) },
  { name: 'stream: output [null]', stream: true, mode: stream(withCompleted({ ...good, output: [null] })) },
  { name: 'stream: delta 5', stream: true, mode: stream(withEvent('response.output_text.delta', (e) => ({ ...e, delta: 5 }))) },
  { name: 'stream: output_index "0"', stream: true, mode: stream(withEvent('response.output_item.added', (e) => ({ ...e, output_index: '0' }))) },
  { name: 'stream: usage a string', stream: true, mode: stream(withCompleted({ ...good, usage: 'lots' })) },
  { name: 'stream: negative usage', stream: true, mode: stream(withCompleted({ ...good, usage: { ...good.usage, input_tokens: -50, output_tokens: -7 } })) },
  { name: 'stream: absurd usage', stream: true, mode: stream(withCompleted({ ...good, usage: { ...good.usage, input_tokens: 1e300, total_tokens: 1e300 } })) },
  { name: 'stream: cut after three events', stream: true, mode: stream(sseOf(events().slice(0, 3)), true), outcome: 'either' },
  { name: 'stream: ends cleanly without response.completed', stream: true, mode: stream(sseOf(events().slice(0, -1))), outcome: 'fail' },
  // Failed before any byte reached the client (the whole stream came in one read): a 502, which a fallback would have replaced.
  { name: 'stream: an error event mid-stream', stream: true, mode: stream(sseOf([...events().slice(0, 4), { type: 'error', code: 'server_error', message: 'The model crashed.', param: null, sequence_number: 4 }])), outcome: 'fail' },
  { name: 'stream: response.failed', stream: true, mode: stream(withEvent('response.completed', (e) => ({ ...e, type: 'response.failed', response: { ...e.response, status: 'failed', error: { code: 'server_error', message: 'no' } } }))), outcome: 'fail' },
  { name: 'stream: an event after response.completed', stream: true, mode: stream(sseOf(events()) + raw('{"type":"response.output_text.delta","delta":"late"}')) },
  // Whole answers
  // Not an answer at all: a 502 in OpenAI's format (a fallback, when there is one, answers instead).
  { name: 'json: null', stream: false, mode: json('null'), outcome: 'fail' },
  { name: 'json: 5', stream: false, mode: json('5'), outcome: 'fail' },
  { name: 'json: not JSON', stream: false, mode: json('<html>Bad gateway</html>'), outcome: 'fail' },
  { name: 'json: a 200 with an error body', stream: false, mode: json({ error: { message: 'The server had an error while processing your request.', type: 'server_error', code: null } }), outcome: 'fail' },
  { name: 'json: without output', stream: false, mode: json({ ...good, output: undefined }) },
  { name: 'json: still in progress', stream: false, mode: json({ ...good, status: 'in_progress' }) },
  { name: 'json: output [null]', stream: false, mode: json({ ...good, output: [null] }) },
  { name: 'json: reasoning summary 5', stream: false, mode: json({ ...good, output: [{ type: 'reasoning', id: 'rs_1', summary: 5 }] }) },
  { name: 'json: negative usage', stream: false, mode: json({ ...good, usage: { ...good.usage, output_tokens: -1 } }) },
  { name: 'json: absurd usage', stream: false, mode: json({ ...good, usage: { ...good.usage, output_tokens: 1e300 } }) },
  { name: 'json: usage numbers as strings', stream: false, mode: json({ ...good, usage: { ...good.usage, input_tokens: '12' } }) },
  { name: 'json: truncated', stream: false, mode: { kind: 'raw', body: JSON.stringify(good).slice(0, 200), cut: true }, outcome: 'either' },
];

function expectOpenAIFailure(status: number, text: string): void {
  if (status !== 200) {
    expect(status).toBe(502);
    expect(typeof JSON.parse(text).error.message).toBe('string');
    return;
  }
  expect(text).toMatch(/event: error\ndata: \{"type":"error"|event: response\.failed\n/);
}

function expectSaneRecords(records: RequestRecord[]): void {
  for (const record of records) {
    for (const count of [record.inputTokens, record.outputTokens, record.tokensSaved]) {
      expect(Number.isFinite(count)).toBe(true);
      expect(count).toBeGreaterThanOrEqual(0);
      expect(count).toBeLessThan(1e9);
    }
  }
}

describe('a faulty provider that speaks the Responses API: passed on, never cached, never fatal', () => {
  let harness: Harness;
  beforeAll(async () => {
    // No second try: an unusable answer ends the attempt, and a retry would hide what the client is told.
    harness = await startHarness({ config: { providers: { 'openai-compatible': { responsesApi: true } }, routing: { retries: 0, maxRetryAfterMs: 30_000 } } });
    harness.records = [];
  });
  afterAll(() => harness.close());

  for (const fault of faults) {
    it(fault.name, async () => {
      const text = `${fault.name}, passed through`;
      harness.fake.setMode(fault.mode, { times: 1 });
      const first = await ask(harness, fault.stream, text);
      const firstText = await first.text();
      const body = fault.mode.kind === 'raw' && typeof fault.mode.body === 'string' ? fault.mode.body : '';
      const outcome = fault.outcome ?? 'pass';
      const retried = first.status === 200 && Number(first.headers.get('x-isartor-attempts') ?? 1) > 1;
      if (outcome === 'pass') {
        expect(first.status).toBe(200);
        // Unchanged: the provider's own bytes (a stream may end with the gateway's error event).
        expect(firstText.startsWith(body)).toBe(true);
      } else if (!(outcome === 'either' && retried)) expectOpenAIFailure(first.status, firstText);
      if (retried) return;

      const calls = harness.upstreamChatCalls();
      const second = await ask(harness, fault.stream, text);
      await second.text();
      expect(second.status).toBe(200);
      expect(second.headers.get('x-isartor-cache')).not.toBe('hit');
      expect(harness.upstreamChatCalls()).toBe(calls + 1);
      expect((await fetch(`${harness.url}/health`)).status).toBe(200);
    });
  }

  it('tells the client when a stream ends without a terminal event, and says nothing more after a complete one', async () => {
    harness.fake.setMode(stream(sseOf(events().slice(0, -1))), { times: 1 });
    const cut = await (await ask(harness, true, 'a stream that stops early')).text();
    expect(cut).toMatch(/event: error\ndata: \{"type":"error","code":"upstream_incomplete_stream"/);
    const body = sseOf(events());
    harness.fake.setMode(stream(body), { times: 1 });
    const whole = await (await ask(harness, true, 'a stream that ends well')).text();
    expect(whole).toBe(body);
  });

  it('still answers /health and normal requests afterwards, and never counted negative or absurd tokens', async () => {
    const ok = await ask(harness, false, 'a normal question after the faults');
    expect(ok.status).toBe(200);
    await harness.gateway.drained();
    expect(harness.records!.length).toBeGreaterThan(faults.length);
    expectSaneRecords(harness.records!);
  });
});

for (const upstream of ['openai', 'anthropic'] as const) {
  describe(`a faulty ${upstream} provider in front of a Responses caller (translated)`, () => {
    let harness: Harness;
    beforeAll(async () => {
      harness = await startHarness({ provider: upstream === 'openai' ? 'openai-compatible' : 'anthropic', config: { routing: { retries: 0, maxRetryAfterMs: 30_000 } } });
      harness.records = [];
    });
    afterAll(() => harness.close());

    const translatedFaults = providerFaults.filter((fault) => fault.upstream === upstream);
    for (const fault of translatedFaults) {
      it(fault.name, async () => {
        const text = `${fault.name}, asked as a response`;
        harness.fake.setMode(fault.mode, { times: 1 });
        const first = await ask(harness, fault.stream, text);
        const firstText = await first.text();
        const outcome = fault.outcome ?? 'fail';
        if (outcome === 'serve') expect(first.status).toBe(200);
        else if (outcome === 'fail' || first.status !== 200) expectOpenAIFailure(first.status, firstText);
        const retried = first.status === 200 && Number(first.headers.get('x-isartor-attempts') ?? 1) > 1;
        const calls = harness.upstreamChatCalls();
        const second = await ask(harness, fault.stream, text);
        await second.text();
        expect(second.status).toBe(200);
        if (!retried && outcome !== 'either' && !fault.cacheable) {
          expect(second.headers.get('x-isartor-cache')).not.toBe('hit');
          expect(harness.upstreamChatCalls()).toBe(calls + 1);
        }
      });
    }

    it('never counted negative tokens', async () => {
      await harness.gateway.drained();
      expectSaneRecords(harness.records!);
    });
  });
}
