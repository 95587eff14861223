// Fuzzing (fast-check): random malformed bodies on every route in both protocols, and random malformed
// provider answers (streamed and whole, both upstream protocols, both caller protocols). The gateway must
// stay up, answer 4xx/502 in the caller's protocol (never 500), and cache nothing it could not replay.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCompleteAnswer } from '../../source/protocols/complete-answer.js';
import { mutated } from './fuzz-mutations.js';
import { startHarness, type Harness } from './harness.js';

const master = 'master-key-for-fuzzing-1';
const runs = Number(process.env.ISARTOR_FUZZ_RUNS ?? 60);

// ---------------------------------------------------------------------------------------------------
// Requests

const openAIRequest = {
  model: 'fake-model',
  messages: [
    { role: 'system', content: 'be brief' },
    { role: 'user', content: [{ type: 'text', text: 'hi' }] },
    { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
    { role: 'tool', tool_call_id: 'c1', content: 'ok' },
    { role: 'user', content: 'and then?' },
  ],
  tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }],
  stream: false,
};
const anthropicRequest = {
  model: 'fake-model',
  max_tokens: 20,
  system: [{ type: 'text', text: 'be brief' }],
  messages: [
    { role: 'user', content: [{ type: 'text', text: 'hi' }] },
    { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: {} }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'ok' }, { type: 'text', text: 'and then?' }] },
  ],
  tools: [{ name: 'f', input_schema: { type: 'object', properties: {} } }],
};
const keyRequest = { key_alias: 'fuzz', models: ['fake-model'], max_budget: 5, budget_duration: '30d', duration: '1h', metadata: { team: 'x' } };

const rawBody = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.json({ maxDepth: 3 }),
  fc.constant('{"model":"a","model":"b","messages":[]}'),
  fc.integer({ min: 200, max: 3000 }).map((depth) => `{"messages":${'['.repeat(depth)}${']'.repeat(depth)}}`),
);

const bodyFor = (base: object) => fc.oneof(mutated(base).map((value) => JSON.stringify(value) ?? 'null'), rawBody);

const routes: Array<{ method: string; path: string; caller: 'openai' | 'anthropic'; body?: fc.Arbitrary<string> }> = [
  { method: 'POST', path: '/v1/chat/completions', caller: 'openai', body: bodyFor(openAIRequest) },
  { method: 'POST', path: '/v1/messages', caller: 'anthropic', body: bodyFor(anthropicRequest) },
  { method: 'POST', path: '/v1/messages/count_tokens', caller: 'anthropic', body: bodyFor(anthropicRequest) },
  { method: 'POST', path: '/key/generate', caller: 'openai', body: bodyFor(keyRequest) },
  { method: 'POST', path: '/key/update', caller: 'openai', body: bodyFor({ key: 'fuzz', ...keyRequest }) },
  { method: 'POST', path: '/key/delete', caller: 'openai', body: bodyFor({ keys: ['x'], key_aliases: ['fuzz'] }) },
  { method: 'GET', path: '/stats?since=', caller: 'openai' },
  { method: 'GET', path: '/key/info?key=', caller: 'openai' },
  { method: 'GET', path: '/key/list?key_alias=', caller: 'openai' },
  { method: 'GET', path: '/v1/models?', caller: 'openai' },
];

function inCallerProtocol(caller: 'openai' | 'anthropic', body: unknown): boolean {
  const b = body as { type?: unknown; error?: { message?: unknown } } | null;
  return typeof b?.error?.message === 'string' && (caller === 'openai' || b.type === 'error');
}

describe('fuzz: random malformed requests on every route', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ gatewayApiKey: master });
  });
  afterAll(() => harness.close());

  for (const route of routes) {
    it(`${route.method} ${route.path.replace(/[?=].*$/, '')}: never a 500, errors in the caller's protocol`, async () => {
      const body = route.body ?? fc.string({ maxLength: 30 }).map(encodeURIComponent);
      await fc.assert(
        fc.asyncProperty(body, async (sample) => {
          const post = route.method === 'POST';
          const response = await fetch(`${harness.url}${post ? route.path : `${route.path}${sample}`}`, {
            method: route.method,
            headers: { authorization: `Bearer ${master}`, 'content-type': 'application/json', ...(route.caller === 'anthropic' ? { 'anthropic-version': '2023-06-01' } : {}) },
            ...(post ? { body: sample } : {}),
          });
          const text = await response.text();
          expect(response.status, `${route.path} ${sample.slice(0, 200)} -> ${text.slice(0, 300)}`).not.toBeGreaterThanOrEqual(500);
          if (response.status >= 400) expect(inCallerProtocol(route.caller, JSON.parse(text)), text.slice(0, 300)).toBe(true);
        }),
        { numRuns: runs },
      );
      expect((await fetch(`${harness.url}/health`)).status).toBe(200);
    }, 120_000);
  }
});

// ---------------------------------------------------------------------------------------------------
// Provider answers

const openAIChunks = [
  { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
  { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'Hello' }, finish_reason: null }] },
  { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'k', function: { name: 'f', arguments: '{"a"' } }] }, finish_reason: null }] },
  { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
  { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } },
];
const openAIWhole = {
  id: 'c',
  object: 'chat.completion',
  created: 1,
  model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello', tool_calls: [{ id: 'k', type: 'function', function: { name: 'f', arguments: '{}' } }] }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
};
const anthropicWhole = {
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'm',
  content: [{ type: 'text', text: 'Hello' }, { type: 'tool_use', id: 't', name: 'f', input: { a: 1 } }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 3, output_tokens: 2 },
};
const anthropicEvents = [
  { type: 'message_start', message: { ...anthropicWhole, content: [], stop_reason: null } },
  { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } },
  { type: 'content_block_stop', index: 0 },
  { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 't', name: 'f', input: {} } },
  { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"a":1}' } },
  { type: 'content_block_stop', index: 1 },
  { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 2 } },
  { type: 'message_stop' },
];

const openAIStream = fc.tuple(mutated(openAIChunks), fc.boolean()).map(([chunks, done]) =>
  (chunks as unknown[]).map((chunk) => `data: ${JSON.stringify(chunk) ?? 'null'}\n\n`).join('') + (done ? 'data: [DONE]\n\n' : ''),
);
const anthropicStream = mutated(anthropicEvents).map((events) =>
  (events as unknown[]).map((event) => `event: ${String((event as { type?: unknown } | null)?.type ?? 'x')}\ndata: ${JSON.stringify(event) ?? 'null'}\n\n`).join(''),
);

for (const upstream of ['openai', 'anthropic'] as const) {
  describe(`fuzz: random malformed answers from a ${upstream} provider`, () => {
    let harness: Harness;
    let counter = 0;
    beforeAll(async () => {
      harness = await startHarness({ provider: upstream === 'openai' ? 'openai-compatible' : 'anthropic' });
    });
    afterAll(() => harness.close());

    for (const stream of [true, false]) {
      it(`${stream ? 'streamed' : 'whole'}: 200/502 in the caller's protocol, and any cached answer is a complete one`, async () => {
        const answer = stream
          ? (upstream === 'openai' ? openAIStream : anthropicStream)
          : mutated(upstream === 'openai' ? openAIWhole : anthropicWhole).map((value) => JSON.stringify(value) ?? 'null');
        await fc.assert(
          fc.asyncProperty(answer, fc.constantFrom('openai' as const, 'anthropic' as const), async (body, caller) => {
            counter += 1;
            const text = `fuzz answer ${counter}`;
            harness.fake.setMode({ kind: 'raw', contentType: stream ? 'text/event-stream' : 'application/json', body }, { times: 1 });
            const request = () =>
              caller === 'openai'
                ? harness.chat({ model: 'fake-model', stream, messages: [{ role: 'user', content: text }] })
                : harness.messages({ model: 'fake-model', max_tokens: 20, stream, messages: [{ role: 'user', content: text }] });
            const first = await request();
            const firstText = await first.text();
            expect([200, 502], firstText.slice(0, 300)).toContain(first.status);
            if (first.status === 502) expect(inCallerProtocol(caller, JSON.parse(firstText))).toBe(true);
            // Ask again with the provider healthy: a hit must be a complete answer in the caller's protocol.
            const again = await request();
            const againText = await again.text();
            expect(again.status).toBe(200);
            if (again.headers.get('x-isartor-cache') === 'hit' && !stream) expect(isCompleteAnswer(caller, JSON.parse(againText))).toBe(true);
          }),
          { numRuns: runs },
        );
        expect((await fetch(`${harness.url}/health`)).status).toBe(200);
      }, 180_000);
    }
  });
}
