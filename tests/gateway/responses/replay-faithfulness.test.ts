// A cached Responses answer is replayed event for event as the client got it the first time, or not
// at all: through a real gateway, passed through from a provider that speaks the API, and translated
// from chat completions and Anthropic streams. Each case shows what the cache keeps next to what it
// must not keep (the trust rule: a replay never differs from what the provider sent).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../harness.js';
import { anthropicSse, chatSse } from '../../protocols/responses/sse-events.js';
import { comparable, finalResponse, parseEvents, responseEvents, sseOf } from './openai-streams.js';

let question = 0;
const ask = (harness: Harness, stream: boolean, text: string): Promise<Response> =>
  fetch(`${harness.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'fake-model', input: text, stream }) });

/** Sends one raw upstream answer to a fresh question, then asks again: the first answer and the second, with their layers. */
async function askTwice(harness: Harness, body: string, options: { stream?: boolean; contentType?: string } = {}) {
  const stream = options.stream ?? true;
  harness.fake.setMode({ kind: 'raw', contentType: options.contentType ?? (stream ? 'text/event-stream' : 'application/json'), body }, { times: 1 });
  const text = `question number ${(question += 1)}, asked for the replay test`;
  const first = await ask(harness, stream, text);
  const firstText = await first.text();
  const calls = harness.upstreamChatCalls();
  const second = await ask(harness, stream, text);
  const secondText = await second.text();
  return { first, firstText, second, secondText, secondWentUpstream: harness.upstreamChatCalls() === calls + 1 };
}

async function expectFaithfulReplay(harness: Harness, body: string): Promise<ReturnType<typeof parseEvents>> {
  const { first, firstText, second, secondText } = await askTwice(harness, body);
  expect(first.status).toBe(200);
  expect(first.headers.get('x-isartor-layer')).toBe('l3');
  expect(second.headers.get('x-isartor-layer')).toBe('l1a');
  const original = parseEvents(firstText);
  const replay = parseEvents(secondText);
  expect(comparable(replay)).toEqual(comparable(original));
  // The final response is the provider's, byte for byte in content.
  expect(replay.at(-1)!.response).toEqual(original.at(-1)!.response);
  return original;
}

async function expectNotCached(harness: Harness, body: string, options: { stream?: boolean; contentType?: string } = {}): Promise<string> {
  const { first, firstText, second, secondWentUpstream } = await askTwice(harness, body, options);
  expect(first.status).toBe(200);
  expect(second.headers.get('x-isartor-layer')).toBe('l3');
  expect(secondWentUpstream).toBe(true);
  return firstText;
}

const message = (id: string, ...content: Array<Record<string, unknown>>) => ({ type: 'message', id, status: 'completed', role: 'assistant', content });
const text = (value: string) => ({ type: 'output_text', annotations: [], logprobs: [], text: value });
const refusal = (value: string) => ({ type: 'refusal', refusal: value });
const reasoning = (id: string, ...summary: string[]) => ({ type: 'reasoning', id, encrypted_content: `gAAAA-${id}`, summary: summary.map((t) => ({ type: 'summary_text', text: t })) });
const call = (id: string, name: string, args: string, extra: Record<string, unknown> = {}) => ({ type: 'function_call', id, call_id: `call_${id}`, name, arguments: args, status: 'completed', ...extra });

describe('a provider that speaks the Responses API (passed through)', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ config: { providers: { 'openai-compatible': { responsesApi: true } } } });
  });
  afterAll(() => harness.close());

  const shapes: Array<[string, Array<Record<string, unknown>>]> = [
    ['text', [message('msg_t', text('Paris is the capital of France. It has been since the 10th century, with a few interruptions.'))]],
    ['function calls (one namespaced)', [call('fc_a', 'exec_command', '{"cmd":"ls -la"}'), call('fc_b', 'close_agent', '{"target":"a"}', { namespace: 'multi_agent_v1' })]],
    ['a reasoning item with two summary parts and encrypted content', [reasoning('rs_r', '**Thinking**\n\nAbout it.', '**More**\n\nStill thinking.'), message('msg_r', text('Done thinking.'))]],
    ['a refusal', [message('msg_x', refusal("I'm sorry, I can't help with that."))]],
    [
      "a custom (freeform) tool call, as Codex's apply_patch streams it",
      [{ type: 'custom_tool_call', id: 'ctc_p', call_id: 'call_p', name: 'apply_patch', input: '*** Begin Patch\n*** Update File: a.txt\n@@\n-old\n+new\n*** End Patch\n' }],
    ],
    [
      'several output items, one message with text and a refusal',
      [reasoning('rs_m'), message('msg_m1', text('First I look.')), call('fc_m', 'exec_command', '{"cmd":"cat README.md"}'), message('msg_m2', text('Some of it. '), refusal('The rest I will not.'))],
    ],
  ];
  for (const [name, output] of shapes) {
    it(`replays ${name} event for event as the client got it`, async () => {
      const events = await expectFaithfulReplay(harness, sseOf(responseEvents(finalResponse(output))));
      // The stream really had what the replay must give back (obfuscation, a snapshot that changed).
      expect(events.some((event) => typeof event.obfuscation === 'string')).toBe(true);
      expect(events[0]!.response.service_tier).toBe('auto');
    });
  }

  it('replays a whole JSON answer as it came', async () => {
    const final = finalResponse([reasoning('rs_j', 'why'), message('msg_j', text('An answer.'), refusal('And a refusal.')), call('fc_j', 'f', '{}')]);
    const { first, firstText, second, secondText } = await askTwice(harness, JSON.stringify(final), { stream: false });
    expect(first.status).toBe(200);
    expect(second.headers.get('x-isartor-layer')).toBe('l1a');
    expect(JSON.parse(secondText)).toEqual(JSON.parse(firstText));
    expect(JSON.parse(secondText)).toEqual(final);
  });

  const output = [message('msg_n', text('The answer, with a source.'))];
  const plain = finalResponse(output);
  const edits: Array<[string, string]> = [
    [
      'annotations (the stream places them in the text; a replay cannot)',
      sseOf(
        responseEvents(finalResponse([message('msg_n', { ...text('The answer, with a source.'), annotations: [{ type: 'url_citation', url: 'https://example.org', start_index: 0, end_index: 3 }] })]), (events) => {
          const at = events.findIndex((event) => event.type === 'response.output_text.done');
          return [...events.slice(0, at), { type: 'response.output_text.annotation.added', item_id: 'msg_n', output_index: 0, content_index: 0, annotation_index: 0, annotation: { type: 'url_citation' } }, ...events.slice(at)];
        }),
      ),
    ],
    [
      'an event type the replay does not rebuild (a web search)',
      sseOf(
        responseEvents(finalResponse([{ type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'x' } }, ...output]), (events) => [
          ...events.slice(0, 3),
          { type: 'response.web_search_call.searching', item_id: 'ws_1', output_index: 0 },
          ...events.slice(3),
        ]),
      ),
    ],
    [
      'encrypted reasoning that changes between its added, done and completed events (as OpenAI sends it)',
      sseOf(
        responseEvents(finalResponse([reasoning('rs_e'), ...output]), (events) =>
          events.map((event) => (event.type === 'response.output_item.added' && event.item.type === 'reasoning' ? { ...event, item: { ...event.item, encrypted_content: 'gAAAA-other' } } : event)),
        ),
      ),
    ],
    [
      'a final response whose text differs from what was streamed',
      sseOf(responseEvents(plain, (events) => events.map((event) => (event.type === 'response.output_text.delta' ? { ...event, delta: event.delta.toUpperCase() } : event)))),
    ],
    ['an event after response.completed', sseOf(responseEvents(plain, (events) => [...events, { type: 'response.output_text.delta', item_id: 'msg_n', output_index: 0, content_index: 0, delta: 'more' }]))],
    [
      'a delta field the replay does not write',
      sseOf(responseEvents(plain, (events) => events.map((event) => (event.type === 'response.output_text.delta' ? { ...event, logprobs: [{ token: 'x', logprob: -1 }] } : event)))),
    ],
    [
      'function_call_arguments.done without the name (older API versions)',
      sseOf(responseEvents(finalResponse([call('fc_o', 'f', '{"a":1}')]), (events) => events.map(({ name: _name, ...event }) => (event.type === 'response.function_call_arguments.done' ? (event as typeof events[number]) : { name: _name, ...event } as typeof events[number])))),
    ],
  ];
  for (const [name, body] of edits) {
    it(`does not cache an answer with ${name}, and passes it on unchanged`, async () => {
      const firstText = await expectNotCached(harness, body);
      expect(firstText).toBe(body);
    });
  }

  it('does not cache an incomplete answer', async () => {
    const incomplete = finalResponse(output, { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    const events = responseEvents(incomplete).map((event) => (event.type === 'response.completed' ? { ...event, type: 'response.incomplete' } : event));
    await expectNotCached(harness, sseOf(events));
  });
});

describe('a chat completions provider (translated)', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.close());

  const head = { id: 'chatcmpl-r', object: 'chat.completion.chunk', created: 1_764_000_000, model: 'fake-model' };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) => ({ ...head, choices: [{ index: 0, delta, finish_reason: finish }], ...extra });
  const usage = { ...head, choices: [], usage: { prompt_tokens: 9, completion_tokens: 5, total_tokens: 14 } };
  const tool = (index: number, fields: Record<string, unknown>) => chunk({ tool_calls: [{ index, ...fields }] });

  const shapes: Array<[string, object[]]> = [
    ['text', [chunk({ role: 'assistant', content: '' }), chunk({ content: 'Paris is the capital ' }), chunk({ content: 'of France.' }), chunk({}, 'stop'), usage]],
    ['reasoning, then text', [chunk({ reasoning_content: 'Let me think. ' }), chunk({ reasoning_content: 'Done.' }), chunk({ content: 'Paris.' }), chunk({}, 'stop'), usage]],
    ['a refusal', [chunk({ refusal: "I can't " }), chunk({ refusal: 'help with that.' }), chunk({}, 'stop'), usage]],
    [
      'text and two tool calls whose arguments interleave',
      [
        chunk({ content: 'Looking.' }),
        tool(0, { id: 'call_1', type: 'function', function: { name: 'exec_command', arguments: '{"cmd":' } }),
        tool(1, { id: 'call_2', type: 'function', function: { name: 'read_file', arguments: '{"path":' } }),
        tool(0, { function: { arguments: '"ls"}' } }),
        tool(1, { function: { arguments: '"a.md"}' } }),
        chunk({}, 'tool_calls'),
        usage,
      ],
    ],
  ];
  for (const [name, chunks] of shapes) {
    it(`replays ${name} event for event as the client got it`, async () => {
      const events = await expectFaithfulReplay(harness, chatSse(chunks));
      if (name === 'a refusal') expect(events.at(-1)!.response.output[0].content).toEqual([{ type: 'refusal', refusal: "I can't help with that." }]);
    });
  }

  const lossy: Array<[string, object[]]> = [
    ["OpenRouter's `reasoning` (the translation does not carry it)", [chunk({ reasoning: 'hidden thoughts' }), chunk({ content: 'Paris.' }), chunk({}, 'stop'), usage]],
    ['logprobs', [{ ...head, choices: [{ index: 0, delta: { content: 'Paris.' }, logprobs: { content: [{ token: 'Paris', logprob: -0.1 }] }, finish_reason: null }] }, chunk({}, 'stop'), usage]],
    ['a second choice', [chunk({ content: 'Paris.' }), { ...head, choices: [{ index: 1, delta: { content: 'Lyon.' }, finish_reason: null }] }, chunk({}, 'stop'), usage]],
    ['chunk-level citations', [chunk({ content: 'Paris.' }, null, { citations: ['https://example.org'] }), chunk({}, 'stop'), usage]],
  ];
  for (const [name, chunks] of lossy) {
    it(`does not cache an answer with ${name}`, async () => {
      const text = await expectNotCached(harness, chatSse(chunks));
      expect(text).toContain('event: response.completed');
    });
  }

  it('never serves (or caches) an answer whose tool call never gets a name: failed before any byte reached the client, it is asked again', async () => {
    const { first, firstText } = await askTwice(harness, chatSse([tool(0, { id: 'call_1', function: { arguments: '{}' } }), chunk({}, 'tool_calls'), usage]));
    expect(first.status).toBe(200);
    expect(first.headers.get('x-isartor-attempts')).toBe('2');
    expect(firstText).not.toContain('call_1');
    expect(firstText).toContain('event: response.completed');
  });

  it('a whole completion with a refusal comes back as a refusal part, and one with reasoning from OpenRouter is not cached', async () => {
    const completion = (message: Record<string, unknown>) =>
      JSON.stringify({ id: 'chatcmpl-w', object: 'chat.completion', created: 1, model: 'fake-model', choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } });
    const { firstText, second } = await askTwice(harness, completion({ content: null, refusal: 'No.' }), { stream: false });
    expect(JSON.parse(firstText).output[0].content).toEqual([{ type: 'refusal', refusal: 'No.' }]);
    expect(second.headers.get('x-isartor-layer')).toBe('l1a');
    await expectNotCached(harness, completion({ content: 'Paris.', reasoning: 'thoughts' }), { stream: false });
  });
});

describe('an Anthropic provider (translated)', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ provider: 'anthropic' });
  });
  afterAll(() => harness.close());

  const start = { type: 'message_start', message: { id: 'msg_a', type: 'message', role: 'assistant', model: 'fake-model', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 9, output_tokens: 1 } } };
  const stop = (reason: string) => [{ type: 'message_delta', delta: { stop_reason: reason, stop_sequence: null }, usage: { output_tokens: 7 } }, { type: 'message_stop' }];
  const textBlock = (index: number, ...pieces: string[]) => [
    { type: 'content_block_start', index, content_block: { type: 'text', text: '' } },
    ...pieces.map((piece) => ({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } })),
    { type: 'content_block_stop', index },
  ];
  const toolBlock = (index: number, name: string, json: string) => [
    { type: 'content_block_start', index, content_block: { type: 'tool_use', id: `toolu_${index}`, name, input: {} } },
    { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: json } },
    { type: 'content_block_stop', index },
  ];

  it('replays text and two tool calls event for event as the client got it', async () => {
    await expectFaithfulReplay(harness, anthropicSse([start, ...textBlock(0, 'Let me ', 'look.'), ...toolBlock(1, 'exec_command', '{"cmd":"ls"}'), ...toolBlock(2, 'read_file', '{"path":"a"}'), ...stop('tool_use')]));
  });

  it('does not cache an answer with thinking, or with citations, which the translation leaves out', async () => {
    const thinking = [
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Hmm.' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig' } },
      { type: 'content_block_stop', index: 0 },
    ];
    await expectNotCached(harness, anthropicSse([start, ...thinking, ...textBlock(1, 'Paris.'), ...stop('end_turn')]));
    const cited = [
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '', citations: [] } },
      { type: 'content_block_delta', index: 0, delta: { type: 'citations_delta', citation: { type: 'char_location', cited_text: 'x' } } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Paris.' } },
      { type: 'content_block_stop', index: 0 },
    ];
    await expectNotCached(harness, anthropicSse([start, ...cited, ...stop('end_turn')]));
  });
});
