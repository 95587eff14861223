// Round 4, faults that decide between the primary provider and its fallback: a stream whose first thing is
// the provider's error (Anthropic's overloaded_error with 200, OpenRouter's `data: {"error":...}`) reached the
// client as nothing yet, so the fallback answers it; a client that leaves in the middle of the fallback's
// stream is recorded as gone (499), charged what it got, and nothing is cached.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import type { FakeMode } from '../support/fake-upstream/types.js';
import { readAnswer, requestBody, paths, isCallerError, type Caller } from './fault-matrix-check.js';
import { startHarness, upstreamKey, type Harness } from './harness.js';

const sse = (body: string): FakeMode => ({ kind: 'raw', contentType: 'text/event-stream', body });
const overloaded = 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded (fault injection)"}}\n\n';
const chatError = 'data: {"error":{"message":"Provider returned error (fault injection)","type":"rate_limit_error","code":429}}\n\n';
const messageStart = 'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"fake-model","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":1}}}\n\n';
const roleChunk = 'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"fake-model","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n';
/** Pieces written apart (each its own read at the gateway): the start event first, the error later. */
const later = (...pieces: string[]): FakeMode => ({ kind: 'raw', contentType: 'text/event-stream', body: () => pieces, pauseMs: 50 });
const ping = 'event: ping\ndata: {"type":"ping"}\n\n';
const responsesCreated = 'event: response.created\ndata: {"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","created_at":1,"status":"in_progress","model":"fake-model","output":[]}}\n\n';
const textBlockStart = 'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n';
const messageItemAdded = 'event: response.output_item.added\ndata: {"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"type":"message","id":"msg_1","status":"in_progress","role":"assistant","content":[]}}\n\n';
const responsesError = 'event: error\ndata: {"type":"error","code":"server_error","message":"The model crashed (fault injection)","param":null,"sequence_number":0}\n\n';

/** Primary providers of each protocol, with their fallback of another one; each fault is the primary's first answer. */
const setups = [
  {
    primary: 'openai-compatible' as const,
    fallback: 'anthropic',
    callers: ['chat', 'messages', 'responses'] as Caller[],
    faults: [
      ['an error event as the first thing', sse(chatError)],
      ['a role chunk and an error event in one write', sse(roleChunk + chatError)],
      ['a role chunk, then the error event in a later read', later(roleChunk, ': keep-alive\n\n', chatError)],
    ] as const,
  },
  {
    primary: 'anthropic' as const,
    fallback: 'openai-compatible',
    callers: ['chat', 'messages', 'responses'] as Caller[],
    faults: [
      ['overloaded_error as the first event', sse(overloaded)],
      ['message_start and overloaded_error in one write', sse(messageStart + overloaded)],
      ['message_start and a ping, then overloaded_error in a later read', later(messageStart, ping, overloaded)],
      ['message_start, an empty text block and a ping in one read, then overloaded_error in a later read', later(messageStart + textBlockStart + ping, overloaded)],
    ] as const,
  },
  {
    primary: 'openai-compatible' as const,
    responsesApi: true,
    fallback: 'anthropic',
    callers: ['responses'] as Caller[],
    faults: [
      ['an error event as the first thing', sse(responsesError)],
      ['response.created, then the error event in a later read', later(responsesCreated, responsesError)],
      ['response.created and an empty message item, then the error event in a later read', later(responsesCreated + messageItemAdded, responsesError)],
    ] as const,
  },
];

for (const setup of setups) {
  describe(`a ${setup.primary}${setup.responsesApi ? ' (Responses API)' : ''} provider whose stream opens with its error: the fallback (${setup.fallback}) answers`, () => {
    let harness: Harness;
    let fallback: FakeUpstream;
    beforeAll(async () => {
      fallback = await startFakeUpstream({ apiKey: upstreamKey });
      const fallbackBase = setup.fallback === 'anthropic' ? fallback.anthropicBaseUrl : fallback.openaiBaseUrl;
      harness = await startHarness({
        provider: setup.primary,
        config: {
          routing: { retries: 0, maxRetryAfterMs: 0 },
          providers: {
            ...(setup.responsesApi ? { 'openai-compatible': { responsesApi: true } } : {}),
            [setup.fallback]: { baseUrl: fallbackBase, apiKey: upstreamKey, model: 'fake-model-large' },
          },
          fallbacks: { default: [`${setup.fallback}/fake-model-large`] },
        },
      });
      harness.records = [];
    });
    afterAll(async () => {
      await harness.close();
      await fallback.close();
    });

    let n = 0;
    for (const [name, mode] of setup.faults) {
      for (const caller of setup.callers) {
        it(`${name}, asked in ${caller}`, async () => {
          n += 1;
          const question = `Who answers question ${n} after ${name}?`;
          await harness.gateway.drained();
          const recordsBefore = harness.records!.length;
          harness.fake.setMode(mode, { times: 1 });
          const response = await fetch(`${harness.url}${paths[caller]}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
            body: JSON.stringify(requestBody(caller, true, question)),
          });
          const body = await response.text();
          expect(response.status, body.slice(0, 300)).toBe(200);
          expect(response.headers.get('x-isartor-upstream')).toBe(`${setup.fallback}/fake-model-large`);
          const read = readAnswer(caller, true, body);
          expect(read.endsWithError, body.slice(-300)).toBe(false);
          expect(read.text).toBe(`Echo: ${question}`);
          // One record, of the fallback's answer.
          await harness.gateway.drained();
          expect(harness.records!.length).toBe(recordsBefore + 1);
          expect(harness.records!.at(-1)).toMatchObject({ status: 200, provider: setup.fallback, model: 'fake-model-large' });
        });
      }
    }

    it('without a fallback to take over, the client gets the provider\'s error in its own protocol, and nothing is cached', async () => {
      const alone = await startHarness({ provider: setup.primary, config: { routing: { retries: 0, maxRetryAfterMs: 0 }, ...(setup.responsesApi ? { providers: { 'openai-compatible': { responsesApi: true } } } : {}) } });
      try {
        for (const caller of setup.callers) {
          const question = `Nobody else answers for ${caller}.`;
          alone.fake.setMode(setup.faults[0][1], { times: 1 });
          const ask = () =>
            fetch(`${alone.url}${paths[caller]}`, { method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' }, body: JSON.stringify(requestBody(caller, true, question)) });
          const failed = await ask();
          const text = await failed.text();
          if (failed.status === 200) expect(readAnswer(caller, true, text).endsWithError, text).toBe(true);
          else expect(isCallerError(caller, text), text).toBe(true);
          expect(text).toMatch(/fault injection/);
          const again = await ask();
          expect(readAnswer(caller, true, await again.text()).text).toBe(`Echo: ${question}`);
          expect(again.headers.get('x-isartor-cache')).not.toBe('hit');
        }
      } finally {
        await alone.close();
      }
    });
  });
}

describe('an Anthropic provider whose stream opens with overloaded_error, and no fallback', () => {
  it('is a 529 overloaded_error for an Anthropic caller (Claude Code then uses its --fallback-model), a 502 for the others', async () => {
    const alone = await startHarness({ provider: 'anthropic', config: { routing: { retries: 0, maxRetryAfterMs: 0 } } });
    try {
      const statuses: Record<string, number> = {};
      for (const caller of ['messages', 'chat', 'responses'] as const) {
        alone.fake.setMode(sse(overloaded), { times: 1 });
        const failed = await fetch(`${alone.url}${paths[caller]}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
          body: JSON.stringify(requestBody(caller, true, `Overloaded for ${caller}?`)),
        });
        const text = await failed.text();
        statuses[caller] = failed.status;
        expect(isCallerError(caller, text), text).toBe(true);
        if (caller === 'messages') expect(JSON.parse(text)).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
      }
      expect(statuses).toEqual({ messages: 529, chat: 502, responses: 502 });
    } finally {
      await alone.close();
    }
  });
});

describe('a client that leaves in the middle of the fallback\'s stream', () => {
  let harness: Harness;
  let fallback: FakeUpstream;
  beforeAll(async () => {
    fallback = await startFakeUpstream({ apiKey: upstreamKey, chunkDelayMs: 20 });
    harness = await startHarness({
      config: {
        pricing: { 'fake-model-large': { input: 1000, output: 2000 } },
        routing: { retries: 0, maxRetryAfterMs: 0 },
        providers: { anthropic: { baseUrl: fallback.anthropicBaseUrl, apiKey: upstreamKey, model: 'fake-model-large' } },
        fallbacks: { default: ['anthropic/fake-model-large'] },
      },
    });
    harness.records = [];
  });
  afterAll(async () => {
    await harness.close();
    await fallback.close();
  });

  for (const caller of ['chat', 'messages', 'responses'] as const) {
    it(`asked in ${caller}: the fallback's request is cancelled, the record says 499 with the fallback's provider, nothing is cached`, async () => {
      const question = `A long answer the ${caller} client will not wait for: ${'word '.repeat(60)}`;
      harness.fake.setMode({ kind: 'error', status: 503 }, { times: 1 });
      await harness.gateway.drained();
      const recordsBefore = harness.records!.length;
      const aborted = fallback.abortedByClient;
      const leaving = new AbortController();
      const response = await fetch(`${harness.url}${paths[caller]}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify(requestBody(caller, true, question)),
        signal: leaving.signal,
      });
      expect(response.headers.get('x-isartor-upstream')).toBe('anthropic/fake-model-large');
      // Read until some of the answer's text has come, then leave.
      const reader = response.body!.getReader();
      let seen = '';
      while (!/Echo: A long/.test(readAnswer(caller, true, seen).text)) {
        const { value, done } = await reader.read();
        if (done) break;
        seen += Buffer.from(value).toString('utf8');
      }
      leaving.abort();
      await vi.waitFor(() => expect(fallback.abortedByClient).toBe(aborted + 1));
      await harness.gateway.drained();
      const added = harness.records!.slice(recordsBefore);
      expect(added).toHaveLength(1);
      expect(added[0]).toMatchObject({ status: 499, provider: 'anthropic', model: 'fake-model-large' });
      expect(added[0]!.outputTokens).toBeGreaterThan(0);
      // Not kept: the same question reaches a provider again.
      const calls = fallback.requests.length + harness.upstreamChatCalls();
      const again = await fetch(`${harness.url}${paths[caller]}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify(requestBody(caller, true, question)),
      });
      expect(readAnswer(caller, true, await again.text()).text).toBe(`Echo: ${question}`);
      expect(again.headers.get('x-isartor-cache')).not.toBe('hit');
      expect(fallback.requests.length + harness.upstreamChatCalls()).toBe(calls + 1);
    });
  }
});
