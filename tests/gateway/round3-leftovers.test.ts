// What round 3 of the fault work left open: a CR-only stream relayed as it comes (not at its end); the
// Responses translations naming what they drop in x-isartor-dropped; a request only another route of the
// chain can take going to that route instead of being refused; request bodies decompressed off the event
// loop, with `deflate` read raw or zlib-wrapped as answers are.
import { deflateRawSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodedBody } from '../../source/gateway/request-encoding.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { sseBody, streamEventsOf, type Wire } from '../support/fake-upstream/fault-matrix.js';
import { paths, readAnswer, requestBody, type Caller } from './fault-matrix-check.js';
import { startHarness, upstreamKey, userMessage, type Harness } from './harness.js';

describe('a provider whose stream ends its lines with a lone CR', () => {
  const full = 'Streaming with carriage returns only.';
  for (const [wire, caller] of [
    ['chat', 'chat'],
    ['anthropic', 'messages'],
    ['responses', 'responses'],
    ['chat', 'messages'],
  ] as Array<[Wire, Caller]>) {
    it(`${wire} provider, asked in ${caller}: the client gets the first events while the provider is still sending`, async () => {
      // Held to its end, the stream would reach the client only when the idle limit gives up on the provider.
      const harness = await startHarness({
        upstream: { idleTimeoutMs: 10_000 },
        provider: wire === 'anthropic' ? 'anthropic' : 'openai-compatible',
        ...(wire === 'responses' ? { config: { providers: { 'openai-compatible': { responsesApi: true } } } } : {}),
      });
      try {
        const events = streamEventsOf(wire, { text: full });
        // The first half of the events, then the provider goes quiet (and never ends).
        harness.fake.setMode({ kind: 'raw', contentType: 'text/event-stream', body: sseBody(wire, events.slice(0, Math.floor(events.length / 2))).replace(/\n/g, '\r'), hang: true }, { times: 1 });
        const leaving = new AbortController();
        const response = await fetch(`${harness.url}${paths[caller]}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
          body: JSON.stringify(requestBody(caller, true, 'Say it with CRs.')),
          signal: leaving.signal,
        });
        expect(response.status).toBe(200);
        const reader = response.body!.getReader();
        let seen = '';
        while (readAnswer(caller, true, seen).text.length < 8) {
          const { value, done } = await reader.read();
          if (done) break;
          seen += Buffer.from(value).toString('utf8');
        }
        const text = readAnswer(caller, true, seen).text;
        expect(text.length).toBeGreaterThanOrEqual(8);
        expect(full.startsWith(text)).toBe(true);
        // The provider is still in the middle of its answer.
        expect(harness.fake.inFlight).toBe(1);
        leaving.abort();
      } finally {
        await harness.close();
      }
    });
  }
});

describe('a provider whose stream ends its lines with a lone CR, translated', () => {
  const full = 'Translated with carriage returns only.';
  /** The text the wire's events carry. */
  const textOf = (wire: Wire, list: ReturnType<typeof streamEventsOf>): string =>
    list
      .map((event) => (typeof event === 'string' ? '' : wire === 'chat' ? (event.choices?.[0]?.delta?.content ?? '') : event.type === 'content_block_delta' ? event.delta.text : ''))
      .join('');
  for (const [wire, caller] of [
    ['chat', 'messages'],
    ['chat', 'responses'],
    ['anthropic', 'chat'],
    ['anthropic', 'responses'],
  ] as Array<[Wire, Caller]>) {
    it(`${wire} provider, asked in ${caller}: the last event before the provider pauses reaches the client, not only after the pause`, async () => {
      const harness = await startHarness({ upstream: { idleTimeoutMs: 10_000 }, provider: wire === 'anthropic' ? 'anthropic' : 'openai-compatible' });
      try {
        const events = streamEventsOf(wire, { text: full });
        const sent = events.slice(0, Math.floor(events.length / 2));
        const expected = textOf(wire, sent);
        harness.fake.setMode({ kind: 'raw', contentType: 'text/event-stream', body: sseBody(wire, sent).replace(/\n/g, '\r'), hang: true }, { times: 1 });
        const leaving = new AbortController();
        const response = await fetch(`${harness.url}${paths[caller]}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
          body: JSON.stringify(requestBody(caller, true, 'Translate my CRs.')),
          signal: leaving.signal,
        });
        const reader = response.body!.getReader();
        let seen = '';
        while (readAnswer(caller, true, seen).text.length < expected.length) {
          const { value, done } = await reader.read();
          if (done) break;
          seen += Buffer.from(value).toString('utf8');
        }
        expect(readAnswer(caller, true, seen).text).toBe(expected);
        expect(harness.fake.inFlight).toBe(1);
        leaving.abort();
      } finally {
        await harness.close();
      }
    });
  }
});

describe('a Responses request translated for a chat or Anthropic provider', () => {
  const settings = { text: { verbosity: 'low' }, truncation: 'auto', max_tool_calls: 3, reasoning: { effort: 'high' } };
  for (const provider of ['openai-compatible', 'anthropic'] as const) {
    it(`${provider}: the settings the translation drops are named in x-isartor-dropped; a request without them has none`, async () => {
      const harness = await startHarness({ provider });
      try {
        const ask = (extra: object) =>
          fetch(`${harness.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'fake-model', store: false, input: `Dropped settings for ${provider}?`, ...extra }) });
        const dropped = await ask(settings);
        expect(dropped.status).toBe(200);
        expect(dropped.headers.get('x-isartor-dropped')).toBe(provider === 'anthropic' ? 'text.verbosity, truncation, max_tool_calls, reasoning' : 'text.verbosity, truncation, max_tool_calls');
        const sent = harness.fake.requests.at(-1)!.body;
        expect(sent).not.toHaveProperty('truncation');
        expect(sent).not.toHaveProperty('verbosity');
        // What the translation carries (reasoning effort to a chat provider) or what is the default is not named.
        const plain = await ask({ truncation: 'disabled', reasoning: provider === 'anthropic' ? { effort: 'none' } : { effort: 'high' } });
        expect(plain.status).toBe(200);
        expect(plain.headers.get('x-isartor-dropped')).toBeNull();
      } finally {
        await harness.close();
      }
    });
  }
});

describe('a request only a fallback route can take as asked', () => {
  let harness: Harness;
  let anthropic: FakeUpstream;
  beforeAll(async () => {
    anthropic = await startFakeUpstream({ apiKey: upstreamKey });
    harness = await startHarness({
      config: {
        providers: { anthropic: { baseUrl: anthropic.anthropicBaseUrl, apiKey: upstreamKey, model: 'fake-model-large' } },
        fallbacks: { default: ['anthropic/fake-model-large'] },
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await anthropic.close();
  });

  it('an Anthropic server tool, with an OpenAI-compatible primary and an Anthropic fallback: answered by the fallback, the tool passed on', async () => {
    const before = harness.upstreamChatCalls();
    const response = await harness.messages({
      model: 'fake-model',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Search the web for the Isar.' }],
      tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 3 }],
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-isartor-upstream')).toBe('anthropic/fake-model-large');
    expect(response.headers.get('x-isartor-attempts')).toBeNull();
    expect(anthropic.requests.at(-1)!.body.tools).toEqual([{ type: 'web_search_20250305', name: 'web_search', max_uses: 3 }]);
    // The primary, which cannot run the tool, was not asked.
    expect(harness.upstreamChatCalls()).toBe(before);
  });

  it('a plain request still goes to the primary', async () => {
    const response = await harness.messages({ model: 'fake-model', max_tokens: 100, messages: [{ role: 'user', content: 'No tools.' }] });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-isartor-upstream')).toBe('openai-compatible/fake-model');
  });

  it('the mirror: response_format json_schema, with an Anthropic primary and an OpenAI-compatible fallback, is answered by the fallback', async () => {
    const openai = await startFakeUpstream({ apiKey: upstreamKey });
    const mirror = await startHarness({
      provider: 'anthropic',
      config: {
        providers: { 'openai-compatible': { baseUrl: openai.openaiBaseUrl, apiKey: upstreamKey, model: 'fake-model-large' } },
        fallbacks: { default: ['openai-compatible/fake-model-large'] },
      },
    });
    try {
      const schema = { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object', properties: { city: { type: 'string' } } } } };
      const response = await mirror.chat(userMessage('Which city?', { response_format: schema }));
      expect(response.status).toBe(200);
      expect(response.headers.get('x-isartor-upstream')).toBe('openai-compatible/fake-model-large');
      expect(openai.requests.at(-1)!.body.response_format).toEqual(schema);
    } finally {
      await mirror.close();
      await openai.close();
    }
  });
});

describe('compressed request bodies', () => {
  it('deflate without its zlib header (raw deflate, as some clients send it) is read, as an answer labelled so is', async () => {
    const harness = await startHarness();
    try {
      const json = JSON.stringify(userMessage('raw deflate hello'));
      const response = await fetch(`${harness.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'deflate' }, body: deflateRawSync(json) });
      expect(response.status).toBe(200);
      expect(harness.fake.requests.at(-1)!.rawBody).toBe(json);
    } finally {
      await harness.close();
    }
  });

  it('is decompressed off the event loop: other work runs while a large body inflates', async () => {
    const body = gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x20));
    let ranMeanwhile = false;
    setImmediate(() => {
      ranMeanwhile = true;
    });
    const decoded = decodedBody('gzip', body, 16 * 1024 * 1024);
    expect(ranMeanwhile).toBe(false);
    const result = await decoded;
    // The immediate ran between two pieces of the inflation: it did not wait for all of it.
    expect(ranMeanwhile).toBe(true);
    expect(result.kind).toBe('ok');
    expect(result.kind === 'ok' && result.body.length).toBe(8 * 1024 * 1024);
    expect(await decodedBody('gzip', body, 1024 * 1024)).toEqual({ kind: 'too-large' });
    expect(await decodedBody('br', Buffer.from('not brotli at all'), 1024)).toEqual({ kind: 'corrupt', encoding: 'br' });
  });
});
