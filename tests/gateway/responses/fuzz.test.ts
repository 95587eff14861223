// Fuzzing (fast-check) the Responses API route, which tests/gateway/fuzz.test.ts does not reach: random
// malformed Codex-like requests, and random malformed provider answers (chat and Anthropic providers the
// request is translated for, streamed and whole, and a Responses provider it passes through to). The
// gateway must stay up, answer 4xx/502 in OpenAI's error format (never a 500), end every stream it
// started with a terminal event, and replay from its cache only an answer it got whole.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mutated as mutatedWith, oddValue as anyOddValue } from '../fuzz-mutations.js';
import { startHarness, type Harness } from '../harness.js';

const runs = Number(process.env.ISARTOR_FUZZ_RUNS ?? 20);

/** Odd values, and the Responses API's own type names where another is expected. */
const oddValue = fc.oneof(anyOddValue, fc.constantFrom('function_call', 'message', 'input_text', 'output_text', 'reasoning', 'custom', 'namespace'));
const mutated = (base: unknown) => mutatedWith(base, oddValue);

/** A Codex-like turn: instructions, a question, a shell call and its output, a freeform apply_patch call. */
const codexRequest = {
  model: 'fake-model',
  instructions: 'You are a coding agent.',
  input: [
    { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'Sandbox: workspace-write.' }] },
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Fix the build' }] },
    { type: 'reasoning', summary: [{ type: 'summary_text', text: 'look first' }], encrypted_content: 'gAAA' },
    { type: 'function_call', call_id: 'call_1', name: 'exec_command', arguments: '{"cmd":"npm run build"}' },
    { type: 'function_call_output', call_id: 'call_1', output: 'error TS2304: Cannot find name x' },
    { type: 'custom_tool_call', call_id: 'call_2', name: 'apply_patch', input: '*** Begin Patch\n*** End Patch' },
    { type: 'custom_tool_call_output', call_id: 'call_2', output: 'Done' },
  ],
  tools: [
    { type: 'function', name: 'exec_command', parameters: { type: 'object', properties: { cmd: { type: 'string' } } } },
    { type: 'custom', name: 'apply_patch', description: 'Apply a patch', format: { type: 'grammar', syntax: 'lark', definition: 'start: /.+/' } },
  ],
  tool_choice: 'auto',
  parallel_tool_calls: true,
  reasoning: { effort: 'medium', summary: 'auto' },
  store: false,
  stream: true,
  include: ['reasoning.encrypted_content'],
  prompt_cache_key: 'session-1',
};

const rawBody = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.json({ maxDepth: 3 }),
  fc.constant('{"model":"a","input":"x","input":[]}'),
  fc.integer({ min: 200, max: 3000 }).map((depth) => `{"input":${'['.repeat(depth)}${']'.repeat(depth)}}`),
);

const inOpenAIFormat = (body: unknown): boolean => typeof (body as { error?: { message?: unknown } } | null)?.error?.message === 'string';

/** The SSE events of a stream body, as parsed JSON (a `data:` that is not JSON fails the test). */
function eventsOf(text: string): Array<{ type?: string; response?: { status?: string } }> {
  return text
    .split('\n\n')
    .map((block) => block.split('\n').filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trim()).join('\n'))
    .filter((data) => data !== '' && data !== '[DONE]')
    .map((data) => JSON.parse(data) as unknown)
    // A provider's own odd events (`data: null`) pass through to a same-protocol caller as they came.
    .filter((event): event is { type?: string } => typeof event === 'object' && event !== null && !Array.isArray(event));
}

const terminal = new Set(['response.completed', 'response.incomplete', 'response.failed', 'error']);

describe('fuzz: random malformed requests on POST /v1/responses', () => {
  for (const provider of ['openai-compatible', 'anthropic', 'responses'] as const) {
    it(`to a${provider === 'anthropic' ? 'n Anthropic' : provider === 'responses' ? ' Responses' : ' chat'} provider: never a 500, errors in OpenAI's format`, async () => {
      const harness = await startHarness(
        provider === 'responses'
          ? { config: { providers: { 'openai-compatible': { responsesApi: true } } } as never, nearDuplicateCache: {}, trimming: true }
          : { provider, nearDuplicateCache: {}, trimming: true },
      );
      try {
        await fc.assert(
          fc.asyncProperty(fc.oneof(mutated(codexRequest).map((value) => JSON.stringify(value) ?? 'null'), rawBody), async (sample) => {
            const response = await fetch(`${harness.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: sample });
            const text = await response.text();
            expect(response.status, `${sample.slice(0, 300)} -> ${text.slice(0, 300)}`).toBeLessThan(500);
            if (response.status >= 400) expect(inOpenAIFormat(JSON.parse(text)), text.slice(0, 300)).toBe(true);
            else if ((response.headers.get('content-type') ?? '').includes('text/event-stream')) {
              const types = eventsOf(text).map((event) => event.type);
              expect(terminal.has(types.at(-1) ?? ''), `${sample.slice(0, 300)} -> ${types.join(',')}`).toBe(true);
            }
          }),
          { numRuns: runs },
        );
        expect((await fetch(`${harness.url}/health`)).status).toBe(200);
      } finally {
        await harness.close();
      }
    }, 180_000);
  }
});

// ---------------------------------------------------------------------------------------------------
// Provider answers

const chatChunks = [
  { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
  { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'Hello' }, finish_reason: null }] },
  { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'k', type: 'function', function: { name: 'exec_command', arguments: '{"cmd"' } }] }, finish_reason: null }] },
  { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: ':"ls"}' } }] }, finish_reason: null }] },
  { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
  { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } },
];
const chatWhole = {
  id: 'c',
  object: 'chat.completion',
  created: 1,
  model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello', tool_calls: [{ id: 'k', type: 'function', function: { name: 'exec_command', arguments: '{"cmd":"ls"}' } }] }, finish_reason: 'tool_calls' }],
  usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
};
const anthropicWhole = {
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'm',
  content: [{ type: 'text', text: 'Hello' }, { type: 'tool_use', id: 't', name: 'exec_command', input: { cmd: 'ls' } }],
  stop_reason: 'tool_use',
  stop_sequence: null,
  usage: { input_tokens: 3, output_tokens: 2 },
};
const anthropicEvents = [
  { type: 'message_start', message: { ...anthropicWhole, content: [], stop_reason: null } },
  { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } },
  { type: 'content_block_stop', index: 0 },
  { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 't', name: 'exec_command', input: {} } },
  { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"cmd":"ls"}' } },
  { type: 'content_block_stop', index: 1 },
  { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 2 } },
  { type: 'message_stop' },
];
const responseObject = (status: string, output: unknown[]) => ({
  id: 'resp_1',
  object: 'response',
  created_at: 1,
  status,
  model: 'm',
  output,
  usage: status === 'completed' ? { input_tokens: 3, output_tokens: 2, total_tokens: 5 } : null,
});
const message = { type: 'message', id: 'msg_1', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Hello', annotations: [] }] };
const call = { type: 'function_call', id: 'fc_1', call_id: 'call_9', name: 'exec_command', arguments: '{"cmd":"ls"}', status: 'completed' };
const responsesEvents = [
  { type: 'response.created', sequence_number: 0, response: responseObject('in_progress', []) },
  { type: 'response.output_item.added', sequence_number: 1, output_index: 0, item: { ...message, status: 'in_progress', content: [] } },
  { type: 'response.content_part.added', sequence_number: 2, output_index: 0, item_id: 'msg_1', content_index: 0, part: { type: 'output_text', text: '', annotations: [] } },
  { type: 'response.output_text.delta', sequence_number: 3, output_index: 0, item_id: 'msg_1', content_index: 0, delta: 'Hello' },
  { type: 'response.output_text.done', sequence_number: 4, output_index: 0, item_id: 'msg_1', content_index: 0, text: 'Hello' },
  { type: 'response.content_part.done', sequence_number: 5, output_index: 0, item_id: 'msg_1', content_index: 0, part: { type: 'output_text', text: 'Hello', annotations: [] } },
  { type: 'response.output_item.done', sequence_number: 6, output_index: 0, item: message },
  { type: 'response.output_item.added', sequence_number: 7, output_index: 1, item: { ...call, status: 'in_progress', arguments: '' } },
  { type: 'response.function_call_arguments.delta', sequence_number: 8, output_index: 1, item_id: 'fc_1', delta: '{"cmd":"ls"}' },
  { type: 'response.function_call_arguments.done', sequence_number: 9, output_index: 1, item_id: 'fc_1', arguments: '{"cmd":"ls"}' },
  { type: 'response.output_item.done', sequence_number: 10, output_index: 1, item: call },
  { type: 'response.completed', sequence_number: 11, response: responseObject('completed', [message, call]) },
];

const sse = (events: unknown, named: boolean) =>
  (events as unknown[])
    .map((event) => `${named ? `event: ${String((event as { type?: unknown } | null)?.type ?? 'x')}\n` : ''}data: ${JSON.stringify(event) ?? 'null'}\n\n`)
    .join('');

const answers = {
  'openai-compatible': {
    stream: fc.tuple(mutated(chatChunks), fc.boolean()).map(([chunks, done]) => sse(chunks, false) + (done ? 'data: [DONE]\n\n' : '')),
    whole: mutated(chatWhole).map((value) => JSON.stringify(value) ?? 'null'),
  },
  anthropic: { stream: mutated(anthropicEvents).map((events) => sse(events, true)), whole: mutated(anthropicWhole).map((value) => JSON.stringify(value) ?? 'null') },
  responses: {
    stream: mutated(responsesEvents).map((events) => sse(events, true)),
    whole: mutated(responseObject('completed', [message, call])).map((value) => JSON.stringify(value) ?? 'null'),
  },
};

for (const provider of ['openai-compatible', 'anthropic', 'responses'] as const) {
  describe(`fuzz: random malformed answers from a ${provider} provider to a Responses caller`, () => {
    let harness: Harness;
    let counter = 0;
    beforeAll(async () => {
      harness = await startHarness(provider === 'responses' ? { config: { providers: { 'openai-compatible': { responsesApi: true } } } as never } : { provider });
    });
    afterAll(() => harness.close());

    for (const stream of [true, false]) {
      it(`${stream ? 'streamed' : 'whole'}: 200 or 502, streams end with a terminal event, a replay is never worse than the first answer`, async () => {
        await fc.assert(
          fc.asyncProperty(stream ? answers[provider].stream : answers[provider].whole, async (body) => {
            counter += 1;
            const request = () =>
              fetch(`${harness.url}/v1/responses`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ model: 'fake-model', stream, store: false, input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: `fuzz answer ${counter}` }] }] }),
              });
            harness.fake.setMode({ kind: 'raw', contentType: stream ? 'text/event-stream' : 'application/json', body }, { times: 1 });
            const first = await request();
            const firstText = await first.text();
            expect([200, 502], firstText.slice(0, 300)).toContain(first.status);
            if (first.status === 502) expect(inOpenAIFormat(JSON.parse(firstText)), firstText.slice(0, 300)).toBe(true);
            if (first.status === 200 && stream) {
              const types = eventsOf(firstText).map((event) => event.type);
              expect(terminal.has(types.at(-1) ?? ''), `${body.slice(0, 400)} -> ${types.join(',')}`).toBe(true);
            }
            // Ask again with the provider healthy: a hit must be a completed response.
            const again = await request();
            const againText = await again.text();
            expect(again.status, againText.slice(0, 300)).toBe(200);
            if (again.headers.get('x-isartor-cache') === 'hit') {
              const status = stream ? eventsOf(againText).at(-1)?.response?.status : (JSON.parse(againText) as { status?: string }).status;
              expect(status, `${body.slice(0, 400)} replayed as ${againText.slice(0, 400)}`).toBe('completed');
            }
          }),
          { numRuns: runs },
        );
        expect((await fetch(`${harness.url}/health`)).status).toBe(200);
      }, 180_000);
    }
  });
}
