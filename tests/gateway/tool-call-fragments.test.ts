// A chat completions provider's tool calls, streamed in fragments as providers really send them: parallel
// calls whose argument pieces interleave, index gaps, a first call at index 3, two calls in one chunk,
// calls without an index (each with its own id), an id that changes on a later piece of the same call, and
// text around a call. Every caller gets every call, whole and in order, with its own arguments (Anthropic's
// blocks cannot interleave: a call that starts while another is still open is sent whole once that one is
// done); a replay from the cache gives the same calls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, paths, requestBody, type Caller } from './fault-matrix-check.js';
import { startHarness, type Harness } from './harness.js';

type Json = Record<string, any>;
const head = { id: 'chatcmpl-frag', object: 'chat.completion.chunk', created: 1_764_000_000, model: 'fake-model' };
const chunk = (delta: Json, finish: string | null = null): Json => ({ ...head, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
const call = (index: number | undefined, fields: Json): Json => chunk({ tool_calls: [{ ...(index === undefined ? {} : { index }), ...fields }] });
const named = (index: number | undefined, id: string, name: string, args: string): Json => call(index, { id, type: 'function', function: { name, arguments: args } });
const piece = (index: number, args: string): Json => call(index, { function: { arguments: args } });
const usage = { ...head, choices: [], usage: { prompt_tokens: 9, completion_tokens: 5, total_tokens: 14 } };
const sse = (list: Json[]): string => list.map((event) => `data: ${JSON.stringify(event)}\n\n`).join('') + 'data: [DONE]\n\n';
const opening = chunk({ role: 'assistant', content: null });
const finish = chunk({}, 'tool_calls');

interface Case {
  name: string;
  chunks: Json[];
  calls: Array<[string, Json]>;
  text?: string;
}

const cases: Case[] = [
  {
    name: 'two parallel calls whose argument pieces interleave',
    chunks: [opening, named(0, 'call_1', 'read_file', '{"path":'), named(1, 'call_2', 'list_dir', '{"dir":'), piece(0, '"a.md"}'), piece(1, '"src"}'), finish, usage],
    calls: [['read_file', { path: 'a.md' }], ['list_dir', { dir: 'src' }]],
  },
  {
    name: 'three calls, the second one\'s pieces after the third began',
    chunks: [opening, named(0, 'call_1', 'a', '{"n":1}'), named(1, 'call_2', 'b', '{"n":'), named(2, 'call_3', 'c', '{"n":3}'), piece(1, '2}'), finish, usage],
    calls: [['a', { n: 1 }], ['b', { n: 2 }], ['c', { n: 3 }]],
  },
  {
    name: 'an index gap (calls 0 and 2)',
    chunks: [opening, named(0, 'call_1', 'a', '{"x":1}'), named(2, 'call_3', 'c', '{"z":3}'), finish, usage],
    calls: [['a', { x: 1 }], ['c', { z: 3 }]],
  },
  {
    name: 'a first call at index 3, its arguments in a later piece',
    chunks: [opening, named(3, 'call_4', 'd', ''), piece(3, '{"w":'), piece(3, '4}'), finish, usage],
    calls: [['d', { w: 4 }]],
  },
  {
    name: 'two calls in one chunk',
    chunks: [opening, chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'a', arguments: '{"x":1}' } }, { index: 1, id: 'call_2', type: 'function', function: { name: 'b', arguments: '{"y":2}' } }] }), finish, usage],
    calls: [['a', { x: 1 }], ['b', { y: 2 }]],
  },
  {
    name: 'calls without an index, each with its own id',
    chunks: [opening, named(undefined, 'call_1', 'a', '{"x":1}'), named(undefined, 'call_2', 'b', '{"y":2}'), finish, usage],
    calls: [['a', { x: 1 }], ['b', { y: 2 }]],
  },
  {
    name: 'every call at index 0, each with its own id',
    chunks: [opening, named(0, 'call_1', 'a', '{"x":'), piece(0, '1}'), named(0, 'call_2', 'b', '{"y":'), piece(0, '2}'), finish, usage],
    calls: [['a', { x: 1 }], ['b', { y: 2 }]],
  },
  {
    name: 'an id that changes on a later piece of the same call',
    chunks: [opening, named(0, 'call_1', 'a', '{"x":'), call(0, { id: 'call_other', function: { arguments: '1}' } }), finish, usage],
    calls: [['a', { x: 1 }]],
  },
  {
    name: 'text before and after a call',
    chunks: [chunk({ role: 'assistant', content: 'Let me check. ' }), named(0, 'call_1', 'a', '{"x":1}'), chunk({ content: 'Done.' }), finish, usage],
    calls: [['a', { x: 1 }]],
    text: 'Let me check. Done.',
  },
];

/** The calls (name and parsed arguments) and text a client's SDK assembles from a stream in `caller`'s protocol. */
function assembled(caller: Caller, body: string): { calls: Array<[string, Json]>; text: string; error: boolean } {
  const list = events(body).filter((event): event is Json => event !== '[DONE]');
  const last = list.at(-1);
  if (caller === 'chat') {
    const byIndex = new Map<number, { name: string; args: string }>();
    let text = '';
    for (const event of list) {
      const delta = event.choices?.[0]?.delta ?? {};
      if (typeof delta.content === 'string') text += delta.content;
      for (const piece of delta.tool_calls ?? []) {
        // As the OpenAI SDK assembles them: by index (a chat client cannot tell calls at one index apart).
        const entry = byIndex.get(piece.index ?? 0) ?? { name: '', args: '' };
        entry.name ||= piece.function?.name ?? '';
        entry.args += piece.function?.arguments ?? '';
        byIndex.set(piece.index ?? 0, entry);
      }
    }
    const calls = [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, entry]): [string, Json] => [entry.name, safeParse(entry.args)]);
    return { calls, text, error: typeof last?.error?.message === 'string' };
  }
  if (caller === 'messages') {
    const blocks: Array<{ type: string; name?: string; json: string; text: string }> = [];
    for (const event of list) {
      if (event.type === 'content_block_start') blocks[event.index] = { type: event.content_block.type, name: event.content_block.name, json: '', text: event.content_block.text ?? '' };
      if (event.type === 'content_block_delta' && event.delta.type === 'input_json_delta') blocks[event.index]!.json += event.delta.partial_json;
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') blocks[event.index]!.text += event.delta.text;
    }
    const calls = blocks.filter((block) => block.type === 'tool_use').map((block): [string, Json] => [block.name!, safeParse(block.json)]);
    return { calls, text: blocks.filter((block) => block.type === 'text').map((block) => block.text).join(''), error: last?.type === 'error' };
  }
  const completed = list.find((event) => event.type === 'response.completed');
  const output: Json[] = completed?.response.output ?? [];
  const calls = output.filter((item) => item.type === 'function_call').map((item): [string, Json] => [item.name, safeParse(item.arguments)]);
  const text = output.filter((item) => item.type === 'message').flatMap((item) => item.content).map((part: Json) => part.text).join('');
  return { calls, text, error: !completed };
}

function safeParse(text: string): Json {
  try {
    return JSON.parse(text);
  } catch {
    return { unparsable: text };
  }
}

describe('tool calls in fragments from a chat completions provider', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.close());

  let n = 0;
  for (const fragments of cases) {
    for (const caller of ['chat', 'messages', 'responses'] as const) {
      // A chat client assembles calls by index: calls that share one are the provider's to tell apart, passed on as they came.
      if (caller === 'chat' && /without an index|every call at index 0/.test(fragments.name)) continue;
      it(`${fragments.name}, asked in ${caller}`, async () => {
        n += 1;
        const ask = () =>
          fetch(`${harness.url}${paths[caller]}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
            body: JSON.stringify(requestBody(caller, true, `Which tools for case ${n}?`)),
          });
        harness.fake.setMode({ kind: 'raw', contentType: 'text/event-stream', body: sse(fragments.chunks) }, { times: 1 });
        const first = await ask();
        const body = await first.text();
        expect(first.status).toBe(200);
        expect(first.headers.get('x-isartor-attempts'), 'answered by the first attempt').toBeNull();
        const got = assembled(caller, body);
        expect(got.error, body.slice(-300)).toBe(false);
        expect(got.calls).toEqual(fragments.calls);
        expect(got.text).toBe(fragments.text ?? '');
        // A replay, if the answer was kept, gives the same calls.
        const again = await ask();
        const replay = await again.text();
        if (again.headers.get('x-isartor-cache') === 'hit') expect(assembled(caller, replay).calls).toEqual(fragments.calls);
      });
    }
  }
});
