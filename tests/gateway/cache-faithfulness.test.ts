import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { AnthropicStreamAccumulator } from '../../source/protocols/anthropic-stream.js';
import { ChatCompletionStreamAccumulator } from '../../source/protocols/openai-stream.js';
import { startHarness, type Harness } from './harness.js';
import { richAnthropic, richOpenAI, startRichUpstream, type RichUpstream } from './rich-upstream.js';

// What the caches must never mix up (issue 14): answers made under other forwarded headers or query,
// other tool results that only differ by a session id, and replays that lose what the provider sent.
let harness: Harness | undefined;
let upstream: RichUpstream | undefined;
afterEach(async () => {
  await harness?.close();
  await upstream?.close();
  harness = undefined;
  upstream = undefined;
});

async function start(provider: 'openai-compatible' | 'anthropic'): Promise<Harness> {
  upstream = await startRichUpstream();
  harness = await startHarness({
    provider,
    upstreamBaseUrl: provider === 'anthropic' ? upstream.anthropicBaseUrl : upstream.openaiBaseUrl,
    nearDuplicateCache: {},
  });
  return harness;
}

const layerOf = async (response: Response): Promise<string> => {
  await response.arrayBuffer();
  return `${response.headers.get('x-isartor-layer')}/${response.headers.get('x-isartor-cache')}`;
};
const post = (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(`${harness!.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers }, body: JSON.stringify(body) });

const anthropicQuestion = (question: string, extra: Record<string, unknown> = {}) => ({ model: 'fake-model', max_tokens: 100, messages: [{ role: 'user', content: question }], ...extra });
const openAIQuestion = (question: string, extra: Record<string, unknown> = {}) => ({ model: 'fake-model', messages: [{ role: 'user', content: question }], ...extra });

describe('forwarded headers and query are part of both cache keys', () => {
  it('Anthropic callers: another anthropic-beta or anthropic-version is another answer, in L1a and L1b', async () => {
    await start('anthropic');
    const beta = { 'anthropic-beta': 'interleaved-thinking-2025-05-14' };
    expect(await layerOf(await post('/v1/messages', anthropicQuestion("What's the capital of France?"), beta))).toBe('l3/miss');
    expect(await layerOf(await post('/v1/messages', anthropicQuestion("What's the capital of France?"), beta))).toBe('l1a/hit');
    expect(await layerOf(await post('/v1/messages', anthropicQuestion('what is the capital of France'), beta))).toBe('l1b/hit');
    expect(await layerOf(await post('/v1/messages', anthropicQuestion("What's the capital of France?")))).toBe('l3/miss');
    expect(await layerOf(await post('/v1/messages', anthropicQuestion('what is the capital of France'), { 'anthropic-beta': 'effort-2025-11-24' }))).toBe('l3/miss');
    expect(await layerOf(await post('/v1/messages', anthropicQuestion('what is the capital of France'), { ...beta, 'anthropic-version': '2023-01-01' }))).toBe('l3/miss');
    // The header reached the provider as the caller sent it.
    expect(upstream!.received.map((r) => r.headers['anthropic-beta'])).toContain('interleaved-thinking-2025-05-14');
  });

  it('OpenAI callers: anthropic headers sent along split the keys too', async () => {
    await start('openai-compatible');
    expect(await layerOf(await post('/v1/chat/completions', openAIQuestion("What's the capital of France?")))).toBe('l3/miss');
    expect(await layerOf(await post('/v1/chat/completions', openAIQuestion("What's the capital of France?"), { 'anthropic-beta': 'x' }))).toBe('l3/miss');
    expect(await layerOf(await post('/v1/chat/completions', openAIQuestion('what is the capital of France'), { 'anthropic-beta': 'x' }))).toBe('l1b/hit');
  });

  it('another query string is another answer, in both protocols', async () => {
    await start('anthropic');
    expect(await layerOf(await post('/v1/messages?beta=true', anthropicQuestion('What is a monad?')))).toBe('l3/miss');
    expect(await layerOf(await post('/v1/messages?beta=true', anthropicQuestion('What is a monad?')))).toBe('l1a/hit');
    expect(await layerOf(await post('/v1/messages', anthropicQuestion('What is a monad?')))).toBe('l3/miss');
    expect(await layerOf(await post('/v1/messages', anthropicQuestion('what is a monad')))).toBe('l1b/hit');
    expect(await layerOf(await post('/v1/messages?beta=true', anthropicQuestion('what is a monad')))).toBe('l1b/hit');
    expect(upstream!.received[0]!.url).toBe('/v1/messages?beta=true');
    await harness!.close();
    await upstream!.close();
    await start('openai-compatible');
    expect(await layerOf(await post('/v1/chat/completions?tenant=a', openAIQuestion('What is a monad?')))).toBe('l3/miss');
    expect(await layerOf(await post('/v1/chat/completions?tenant=b', openAIQuestion('What is a monad?')))).toBe('l3/miss');
    expect(await layerOf(await post('/v1/chat/completions?tenant=b', openAIQuestion('what is a monad')))).toBe('l1b/hit');
  });
});

describe('session ids are masked only where the client puts them', () => {
  const sessionA = randomUUID();
  const sessionB = randomUUID();
  const runtime = (id: string) => `\n\nRuntime: agent=main | session=agent:main:main | sessionId=${id} | host=vm`;

  it('OpenAI: the same turn in another OpenClaw session hits; a tool result that differs by a session id does not', async () => {
    await start('openai-compatible');
    const turn = (session: string, inToolResult: string) => ({
      model: 'fake-model',
      messages: [
        { role: 'system', content: 'You are OpenClaw.' },
        { role: 'user', content: `[Sat 2026-11-21 19:08 UTC] show the session log${runtime(session)}` },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'read', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: `transcript of the last run:${runtime(inToolResult)}` },
      ],
    });
    expect(await layerOf(await post('/v1/chat/completions', turn(sessionA, sessionA)))).toBe('l3/miss');
    expect(await layerOf(await post('/v1/chat/completions', turn(sessionB, sessionA)))).toBe('l1a/hit');
    expect(await layerOf(await post('/v1/chat/completions', turn(sessionA, sessionB)))).toBe('l3/miss');
  });

  it('Anthropic: the same, with the Runtime line in the system prompt and a tool_result block', async () => {
    await start('anthropic');
    const turn = (session: string, inToolResult: string) => ({
      model: 'fake-model',
      max_tokens: 100,
      system: [{ type: 'text', text: `You are OpenClaw.${runtime(session)}` }],
      messages: [
        { role: 'user', content: 'show the session log' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'read', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: `transcript of the last run:${runtime(inToolResult)}` }] },
      ],
    });
    expect(await layerOf(await post('/v1/messages', turn(sessionA, sessionA)))).toBe('l3/miss');
    expect(await layerOf(await post('/v1/messages', turn(sessionB, sessionA)))).toBe('l1a/hit');
    expect(await layerOf(await post('/v1/messages', turn(sessionA, sessionB)))).toBe('l3/miss');
  });

  it('Claude Code: a new run (another session id in metadata.user_id) finds the question before its trailing system block', async () => {
    await start('anthropic');
    const run = (session: string, question: string) => ({
      model: 'fake-model',
      max_tokens: 100,
      metadata: { user_id: JSON.stringify({ device_id: 'd'.repeat(64), account_uuid: '', session_id: session }) },
      system: [{ type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.332.862; cc_entrypoint=sdk-cli;' }, { type: 'text', text: 'You are a Claude agent.' }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: '<system-reminder>\nAttribution...\n</system-reminder>\n' }, { type: 'text', text: question }] },
        { role: 'system', content: [{ type: 'text', text: "# Environment\nToday's date is 2026-11-26." }], output_config: { effort: 'medium' } },
      ],
    });
    const headers = { 'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14' };
    expect(await layerOf(await post('/v1/messages?beta=true', run(sessionA, "What's a monad?"), headers))).toBe('l3/miss');
    expect(await layerOf(await post('/v1/messages?beta=true', run(sessionB, "What's a monad?"), headers))).toBe('l1a/hit');
    expect(await layerOf(await post('/v1/messages?beta=true', run(randomUUID(), 'what is a monad'), headers))).toBe('l1b/hit');
  });
});

describe('replays give back everything the provider sent', () => {
  const readOpenAIStream = async (response: Response) => {
    const accumulator = new ChatCompletionStreamAccumulator();
    accumulator.push(Buffer.from(await response.arrayBuffer()));
    return accumulator.result();
  };
  const readAnthropicStream = async (response: Response) => {
    const accumulator = new AnthropicStreamAccumulator();
    accumulator.push(Buffer.from(await response.arrayBuffer()));
    return accumulator.result();
  };

  it('OpenAI: logprobs, reasoning_content, fingerprint, service tier and usage survive L1a and L1b replays, streamed or not', async () => {
    await start('openai-compatible');
    const streamed = openAIQuestion("What's the capital of France?", { stream: true, stream_options: { include_usage: true } });
    expect(await readOpenAIStream(await post('/v1/chat/completions', streamed))).toEqual(richOpenAI(1));
    const replay = await post('/v1/chat/completions', streamed);
    expect(replay.headers.get('x-isartor-layer')).toBe('l1a');
    expect(await readOpenAIStream(replay)).toEqual(richOpenAI(1));
    const nearDuplicate = await post('/v1/chat/completions', openAIQuestion('what is the capital of France', { stream: true, stream_options: { include_usage: true } }));
    expect(nearDuplicate.headers.get('x-isartor-layer')).toBe('l1b');
    expect(await readOpenAIStream(nearDuplicate)).toEqual(richOpenAI(1));
    const whole = await post('/v1/chat/completions', openAIQuestion('What is the capital of France?'));
    expect(whole.headers.get('x-isartor-layer')).toBe('l1b');
    expect(await whole.json()).toEqual(richOpenAI(1));
    expect(upstream!.calls).toBe(1);
  });

  it('Anthropic: thinking with its signature, redacted thinking and cache usage survive L1a and L1b replays, streamed or not', async () => {
    await start('anthropic');
    const whole = await post('/v1/messages', anthropicQuestion("What's the capital of France?"));
    expect(await whole.json()).toEqual(richAnthropic(1));
    const streamed = await post('/v1/messages', anthropicQuestion('what is the capital of France', { stream: true }));
    expect(streamed.headers.get('x-isartor-layer')).toBe('l1b');
    expect(await readAnthropicStream(streamed)).toEqual(richAnthropic(1));
    const live = await readAnthropicStream(await post('/v1/messages', anthropicQuestion('Why is the sky blue?', { stream: true })));
    expect(live).toEqual(richAnthropic(2));
    const again = await post('/v1/messages', anthropicQuestion('Why is the sky blue?', { stream: true }));
    expect(again.headers.get('x-isartor-layer')).toBe('l1a');
    expect(await readAnthropicStream(again)).toEqual(richAnthropic(2));
    const asJson = await post('/v1/messages', anthropicQuestion('why is the sky blue'));
    expect(asJson.headers.get('x-isartor-layer')).toBe('l1b');
    expect(await asJson.json()).toEqual(richAnthropic(2));
    expect(upstream!.calls).toBe(2);
  });
});

describe('questions in a language L1b cannot read', () => {
  it('are compared exactly, and only within the minute they were asked (their time dependence is read from a word list only)', async () => {
    await start('openai-compatible');
    const turn = (question: string, minute: string) => ({
      model: 'fake-model',
      messages: [
        { role: 'system', content: 'You are OpenClaw.' },
        { role: 'user', content: `[Sat 2026-11-21 ${minute} UTC] ${question}\n\nRuntime: agent=main | sessionId=${randomUUID()} | host=vm` },
      ],
    });
    expect(await layerOf(await post('/v1/chat/completions', turn('¿Qué es una mónada?', '10:00')))).toBe('l3/miss');
    expect(await layerOf(await post('/v1/chat/completions', turn('¿Qué es una mónada?', '10:00')))).toBe('l1a/hit');
    expect(await layerOf(await post('/v1/chat/completions', turn('¿Qué  es una mónada?', '10:00')))).toBe('l1b/hit');
    expect(await layerOf(await post('/v1/chat/completions', turn('¿Qué es una mónada?', '21:00')))).toBe('l3/miss');
    expect(await layerOf(await post('/v1/chat/completions', turn('¿qué es una mónada?', '10:00')))).toBe('l3/miss');
  });

  it('a time question in one of them is kept by no cache, even asked again within the minute', async () => {
    await start('openai-compatible');
    for (const question of ['¿Qué hora es?', '现在几点？']) {
      expect(await layerOf(await post('/v1/chat/completions', openAIQuestion(question))), question).toBe('l3/miss');
      expect(await layerOf(await post('/v1/chat/completions', openAIQuestion(question))), question).toBe('l3/miss');
    }
  });
});

describe('L1b says when it stays out', () => {
  it('x-isartor-skipped: l1b:time for a time-dependent question, in any wording, and l1b:size past the limit', async () => {
    await start('openai-compatible');
    for (const question of ['What time is it in Tokyo?', "what's the time in Tokyo", 'Is the Louvre open?']) {
      const first = await post('/v1/chat/completions', openAIQuestion(question));
      expect(first.headers.get('x-isartor-skipped'), question).toBe('l1b:time');
      await first.arrayBuffer();
    }
    const long = await post('/v1/chat/completions', openAIQuestion(`Explain ${'this '.repeat(600)}`));
    expect(long.headers.get('x-isartor-skipped')).toBe('l1b:size');
    await long.arrayBuffer();
    const plain = await post('/v1/chat/completions', openAIQuestion('What is a monad?'));
    expect(plain.headers.get('x-isartor-skipped')).toBeNull();
    await plain.arrayBuffer();
  });
});

describe('an answer that depends on when it was asked is kept by no cache', () => {
  // The same bytes an hour later are another question: "hours until midnight?" at 10:00 and at 21:00.
  const timeQuestions = ['How many hours until midnight?', 'Should I say good morning or good evening?', 'How much is Tesla stock worth?'];

  it('OpenAI callers: a byte-identical time-dependent request goes to the provider again; a plain one hits L1a', async () => {
    await start('openai-compatible');
    for (const question of timeQuestions) {
      expect(await layerOf(await post('/v1/chat/completions', openAIQuestion(question))), question).toBe('l3/miss');
      expect(await layerOf(await post('/v1/chat/completions', openAIQuestion(question))), question).toBe('l3/miss');
    }
    expect(await layerOf(await post('/v1/chat/completions', openAIQuestion('What is a monad?')))).toBe('l3/miss');
    expect(await layerOf(await post('/v1/chat/completions', openAIQuestion('What is a monad?')))).toBe('l1a/hit');
  });

  it('with L1b turned off, L1a still reads each question for time (OpenAI, Anthropic and Responses callers)', async () => {
    // The plain fake upstream: its answers translate faithfully to every caller protocol, so L1a keeps them.
    harness = await startHarness();
    const responsesQuestion = (question: string) => ({ model: 'fake-model', input: question });
    const asked = [
      ['/v1/chat/completions', openAIQuestion],
      ['/v1/messages', anthropicQuestion],
      ['/v1/responses', responsesQuestion],
    ] as const;
    for (const [path, body] of asked) {
      for (const question of [...timeQuestions, 'Tell me what time it is in Tokyo']) {
        expect(await layerOf(await post(path, body(question))), question).toBe('l3/miss');
        expect(await layerOf(await post(path, body(question))), question).toBe('l3/miss');
      }
      expect(await layerOf(await post(path, body('What is a monad?'))), path).toBe('l3/miss');
      expect(await layerOf(await post(path, body('What is a monad?'))), path).toBe('l1a/hit');
    }
  });

  it('Anthropic callers: the same', async () => {
    await start('anthropic');
    for (const question of timeQuestions) {
      expect(await layerOf(await post('/v1/messages', anthropicQuestion(question))), question).toBe('l3/miss');
      expect(await layerOf(await post('/v1/messages', anthropicQuestion(question))), question).toBe('l3/miss');
    }
    expect(await layerOf(await post('/v1/messages', anthropicQuestion('What is a monad?')))).toBe('l3/miss');
    expect(await layerOf(await post('/v1/messages', anthropicQuestion('What is a monad?')))).toBe('l1a/hit');
  });
});

describe('answers holding what the provider looked up while answering', () => {
  /** An Anthropic answer that ran the server-side web search (as Claude Code's WebSearch tool asks for), streamed or whole. */
  function searchedAnswer(stream: boolean): { kind: 'raw'; contentType: string; body: string } {
    const blocks = [
      { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'isartor' } },
      { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [{ type: 'web_search_result', title: 'Isartor', url: 'https://example.com/', encrypted_content: 'abc', page_age: '1 day' }] },
      { type: 'text', text: 'Isartor is a gateway.' },
    ];
    const usage = { input_tokens: 10, output_tokens: 20, server_tool_use: { web_search_requests: 1 } };
    const message = { id: 'msg_1', type: 'message', role: 'assistant', model: 'fake-model', content: blocks, stop_reason: 'end_turn', stop_sequence: null, usage };
    if (!stream) return { kind: 'raw', contentType: 'application/json', body: JSON.stringify(message) };
    const events = [
      { type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } } },
      ...blocks.flatMap((block, index) => [{ type: 'content_block_start', index, content_block: block }, { type: 'content_block_stop', index }]),
      { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 20 } },
      { type: 'message_stop' },
    ];
    return { kind: 'raw', contentType: 'text/event-stream', body: events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join('') };
  }
  const searchTools = { tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 2 }] };

  it('an Anthropic answer with a server-side web search is kept by neither cache (a search may find otherwise next time); the same request answered without one is', async () => {
    harness = await startHarness({ provider: 'anthropic', nearDuplicateCache: {} });
    for (const stream of [true, false]) {
      harness.fake.setMode(searchedAnswer(stream));
      const question = stream ? 'What is isartor, the gateway?' : 'What is isartor, the router?';
      expect(await layerOf(await post('/v1/messages', anthropicQuestion(question, { ...searchTools, stream })))).toBe('l3/miss');
      expect(await layerOf(await post('/v1/messages', anthropicQuestion(question, { ...searchTools, stream })))).toBe('l3/miss');
      expect(await layerOf(await post('/v1/messages', anthropicQuestion(question.toLowerCase(), { ...searchTools, stream })))).toBe('l3/miss');
      // The model answered without searching: that answer is kept as any other.
      harness.fake.setMode({ kind: 'ok' });
      expect(await layerOf(await post('/v1/messages', anthropicQuestion(`${question} Briefly.`, { ...searchTools, stream })))).toBe('l3/miss');
      expect(await layerOf(await post('/v1/messages', anthropicQuestion(`${question} Briefly.`, { ...searchTools, stream })))).toBe('l1a/hit');
    }
  });
});
