import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream, type FakeUpstreamOptions } from './fake-upstream.js';

const servers: FakeUpstream[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(options?: FakeUpstreamOptions): Promise<FakeUpstream> {
  const up = await startFakeUpstream(options);
  servers.push(up);
  return up;
}

function client(up: FakeUpstream, extra: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}): OpenAI {
  return new OpenAI({ baseURL: up.openaiBaseUrl, apiKey: 'k', maxRetries: 0, ...extra });
}

async function waitFor(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('waitFor: condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const userMessage = (content: string) => [{ role: 'user' as const, content }];

/** Parses an SSE body into events with their `event:` name and parsed `data:` JSON. */
function parseSse(text: string): { event: string | undefined; data: any }[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
      const data = lines.find((l) => l.startsWith('data: '))!.slice(6);
      return { event, data: data === '[DONE]' ? data : JSON.parse(data) };
    });
}

function anthropicFetch(up: FakeUpstream, body: unknown, headers: Record<string, string> = {}, path = '/v1/messages') {
  return fetch(`${up.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('fake upstream: OpenAI protocol via the real openai SDK', () => {
  it('lists models, with and without the /v1 prefix', async () => {
    const up = await start();
    const ids: string[] = [];
    for await (const model of client(up).models.list()) ids.push(model.id);
    expect(ids).toEqual(['fake-model', 'fake-model-large']);

    const res = await fetch(`${up.url}/models`);
    const body = (await res.json()) as any;
    expect(body.object).toBe('list');
    expect(body.data[1]).toMatchObject({ id: 'fake-model-large', object: 'model', owned_by: 'fake' });
    expect(typeof body.data[1].created).toBe('number');

    const one = await client(up).models.retrieve('fake-model');
    expect(one.id).toBe('fake-model');
    await expect(client(up).models.retrieve('nope')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('answers a non-streaming completion and records the request', async () => {
    const up = await start();
    const completion = await client(up).chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'system', content: 'be nice' }, ...userMessage('hello there')],
    });
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('fake-model');
    expect(completion.choices).toHaveLength(1);
    expect(completion.choices[0]).toMatchObject({
      index: 0,
      message: { role: 'assistant', content: 'Echo: hello there', refusal: null },
      logprobs: null,
      finish_reason: 'stop',
    });
    // 'be nice\nhello there' = 19 chars -> 5 tokens; 'Echo: hello there' = 17 chars -> 5 tokens
    expect(completion.usage).toEqual({ prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 });
    expect(completion.system_fingerprint).toBeTruthy();

    expect(up.requests).toHaveLength(1);
    const rec = up.requests[0]!;
    expect(rec.method).toBe('POST');
    expect(rec.path).toBe('/v1/chat/completions');
    expect(rec.headers.authorization).toBe('Bearer k');
    expect(rec.body.messages[1].content).toBe('hello there');
    await waitFor(() => up.completedResponses === 1 && up.inFlight === 0);
  });

  it('supports text parts, n > 1, a custom reply and paths without /v1', async () => {
    const up = await start({ reply: (req) => `model=${req.body.model}` });
    const sdk = new OpenAI({ baseURL: up.url, apiKey: 'k', maxRetries: 0 });
    const completion = await sdk.chat.completions.create({
      model: 'fake-model-large',
      n: 3,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'part one' }] }],
    });
    expect(completion.choices.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(completion.choices.every((c) => c.message.content === 'model=fake-model-large')).toBe(true);
    expect(up.requests[0]!.path).toBe('/chat/completions');
  });

  it('streams word by word with usage when include_usage is set', async () => {
    const up = await start();
    const stream = await client(up).chat.completions.create({
      model: 'fake-model',
      messages: userMessage('one two three'),
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: '' });
    const contents = chunks.flatMap((c) => (c.choices[0]?.delta.content ? [c.choices[0].delta.content] : []));
    expect(contents).toEqual(['Echo:', ' one', ' two', ' three']);
    expect(contents.join('')).toBe('Echo: one two three');
    const finish = chunks.find((c) => c.choices[0]?.finish_reason);
    expect(finish!.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual({ prompt_tokens: 4, completion_tokens: 5, total_tokens: 9 });
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.id === chunks[0]!.id)).toBe(true);
    await waitFor(() => up.completedResponses === 1);
  });

  it('omits the usage chunk without include_usage and ends with [DONE] on the wire', async () => {
    const up = await start();
    const res = await fetch(`${up.openaiBaseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake-model', messages: userMessage('hi'), stream: true }),
    });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const events = parseSse(await res.text());
    expect(events.at(-1)!.data).toBe('[DONE]');
    const json = events.slice(0, -1).map((e) => e.data);
    expect(json.every((c) => c.choices.length === 1 && !('usage' in c))).toBe(true);
    expect(json.at(-1).choices[0].finish_reason).toBe('stop');
  });

  it('writes chunks as they are produced (no buffering)', async () => {
    const up = await start({ chunkDelayMs: 80, reply: () => 'a b c d e' });
    const started = Date.now();
    const stream = await client(up).chat.completions.create({ model: 'fake-model', messages: userMessage('x'), stream: true });
    const arrivals: number[] = [];
    for await (const _ of stream) arrivals.push(Date.now() - started);
    // 7 chunks (role, 5 words, finish) spaced ~80ms apart: the first arrives long before the last.
    expect(arrivals).toHaveLength(7);
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThanOrEqual(400);
  });

  it('lets the SDK stream helper assemble a tool call', async () => {
    const up = await start();
    const args = { city: 'Berlin', units: 'metric', days: [1, 2, 3] };
    up.setMode({ kind: 'toolCall', name: 'get_weather', arguments: args });
    const stream = await client(up).chat.completions.create({
      model: 'fake-model',
      messages: userMessage('weather?'),
      stream: true,
      stream_options: { include_usage: true },
    });
    let assembled = '';
    let name = '';
    let id = '';
    let pieces = 0;
    let finishReason: string | null = null;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      for (const call of choice?.delta.tool_calls ?? []) {
        expect(call.index).toBe(0);
        if (call.id) id = call.id;
        if (call.function?.name) name = call.function.name;
        if (call.function?.arguments) {
          assembled += call.function.arguments;
          pieces++;
        }
      }
      if (choice?.finish_reason) finishReason = choice.finish_reason;
    }
    expect(id).toMatch(/^call_/);
    expect(name).toBe('get_weather');
    expect(pieces).toBeGreaterThan(3);
    expect(assembled).toBe(JSON.stringify(args));
    expect(JSON.parse(assembled)).toEqual(args);
    expect(finishReason).toBe('tool_calls');

    // The SDK's own accumulator agrees.
    const final = await client(up).chat.completions.stream({ model: 'fake-model', messages: userMessage('again') }).finalChatCompletion();
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    expect(JSON.parse(final.choices[0]!.message.tool_calls![0]!.type === 'function' ? final.choices[0]!.message.tool_calls![0]!.function.arguments : '')).toEqual(args);
  });

  it('toolLoop: a tool call first, text once the conversation ends with the tool result (OpenAI and Anthropic)', async () => {
    const up = await start();
    up.setMode({ kind: 'toolLoop', name: 'Bash', arguments: { command: 'echo hi' } });
    const first = await client(up).chat.completions.create({ model: 'fake-model', messages: userMessage('run it') });
    const call = first.choices[0]!.message.tool_calls![0]!;
    expect(first.choices[0]!.finish_reason).toBe('tool_calls');
    const second = await client(up).chat.completions.create({
      model: 'fake-model',
      messages: [...userMessage('run it'), first.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: 'hi' }],
    });
    expect(second.choices[0]!.finish_reason).toBe('stop');
    const post = (messages: unknown[]) =>
      anthropicFetch(up, { model: 'fake-model', max_tokens: 50, messages }).then((r) => r.json() as Promise<{ stop_reason: string; content: Array<{ id?: string }> }>);
    // A trailing system message (as Claude Code sends) is not a tool result: still a tool call.
    const tool = await post([{ role: 'user', content: 'run it' }, { role: 'system', content: 'env' }]);
    expect(tool.stop_reason).toBe('tool_use');
    const text = await post([{ role: 'user', content: 'run it' }, { role: 'assistant', content: tool.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: tool.content[0]!.id, content: 'hi' }] }]);
    expect(text.stop_reason).toBe('end_turn');
  });

  it('toolLoop with rounds: that many tool calls in a row after the user wrote, then text; a new user message starts over', async () => {
    const up = await start();
    up.setMode({ kind: 'toolLoop', name: 'Bash', arguments: { command: 'echo hi' }, rounds: 2 });
    const call = { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'Bash', arguments: '{}' } }] } as const;
    const result = { role: 'tool', tool_call_id: 'call_1', content: 'hi' } as const;
    const finish = async (messages: any[]) => (await client(up).chat.completions.create({ model: 'fake-model', messages })).choices[0]!.finish_reason;
    expect(await finish(userMessage('run it'))).toBe('tool_calls');
    expect(await finish([...userMessage('run it'), call, result])).toBe('tool_calls');
    expect(await finish([...userMessage('run it'), call, result, call, result])).toBe('stop');
    expect(await finish([...userMessage('run it'), call, result, call, result, { role: 'assistant', content: 'done' }, ...userMessage('again'), call, result])).toBe('tool_calls');
    // OpenClaw's context after the tool results is not the user writing.
    const context = { role: 'user', content: [{ type: 'text', text: '<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>\nnone\n<<<END_OPENCLAW_INTERNAL_CONTEXT>>>' }] };
    expect(await finish([...userMessage('run it'), call, result, context])).toBe('tool_calls');
    expect(await finish([...userMessage('run it'), call, result, call, result, context])).toBe('stop');
    // Anthropic: tool results come back in user turns, which do not count as the user writing.
    const post = (messages: unknown[]) => anthropicFetch(up, { model: 'fake-model', max_tokens: 50, messages }).then((r) => r.json() as Promise<{ stop_reason: string }>);
    const use = { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: {} }] };
    const toolResult = { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'hi' }, { type: 'text', text: '<system-reminder>x</system-reminder>' }] };
    expect((await post([{ role: 'user', content: 'run it' }, use, toolResult])).stop_reason).toBe('tool_use');
    expect((await post([{ role: 'user', content: 'run it' }, use, toolResult, use, toolResult])).stop_reason).toBe('end_turn');
  });

  it('toolLoop with onlyWhen: the tool call only in a conversation whose user text holds the string, text in any other', async () => {
    const up = await start();
    up.setMode({ kind: 'toolLoop', name: 'Agent', arguments: { prompt: 'Say sub' }, onlyWhen: 'Delegate' });
    const finish = async (text: string) => (await client(up).chat.completions.create({ model: 'fake-model', messages: userMessage(text) })).choices[0]!.finish_reason;
    expect(await finish('Delegate this to an agent')).toBe('tool_calls');
    expect(await finish('Say sub')).toBe('stop');
    const post = (content: unknown) => anthropicFetch(up, { model: 'fake-model', max_tokens: 50, messages: [{ role: 'user', content }] }).then((r) => r.json() as Promise<{ stop_reason: string }>);
    expect((await post([{ type: 'text', text: '<system-reminder>x</system-reminder>' }, { type: 'text', text: 'Delegate it' }])).stop_reason).toBe('tool_use');
    expect((await post('Say sub')).stop_reason).toBe('end_turn');
  });

  it('answers a non-streaming tool call', async () => {
    const up = await start();
    up.setMode({ kind: 'toolCall', name: 'lookup', arguments: { q: 'x' } });
    const completion = await client(up).chat.completions.create({ model: 'fake-model', messages: userMessage('hi') });
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    const call = choice.message.tool_calls![0]!;
    expect(call.id).toMatch(/^call_/);
    expect(call.type).toBe('function');
    if (call.type !== 'function') throw new Error('expected a function call');
    expect(call.function).toEqual({ name: 'lookup', arguments: '{"q":"x"}' });
  });

  it('rejects a wrong key with AuthenticationError and accepts all supported key headers', async () => {
    const up = await start({ apiKey: 'secret' });
    const err = await client(up, { apiKey: 'wrong' })
      .chat.completions.create({ model: 'fake-model', messages: userMessage('hi') })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err as InstanceType<typeof OpenAI.AuthenticationError>).status).toBe(401);
    expect((err as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('invalid_api_key');
    await expect(client(up, { apiKey: 'wrong' }).models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);

    const ok = await client(up, { apiKey: 'secret' }).chat.completions.create({ model: 'fake-model', messages: userMessage('hi') });
    expect(ok.choices[0]!.message.content).toBe('Echo: hi');
    for (const header of ['x-api-key', 'api-key']) {
      const res = await fetch(`${up.openaiBaseUrl}/models`, { headers: { [header]: 'secret' } });
      expect(res.status).toBe(200);
    }
    const noKey = await fetch(`${up.openaiBaseUrl}/models`);
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toEqual({
      error: { message: 'Incorrect API key provided', type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
    });
  });

  it('error mode: 503 raises InternalServerError with an OpenAI error body', async () => {
    const up = await start();
    up.setMode({ kind: 'error', status: 503 });
    const err = await client(up)
      .chat.completions.create({ model: 'fake-model', messages: userMessage('hi') })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((err as InstanceType<typeof OpenAI.APIError>).type).toBe('server_error');
    // Listing models honours error mode too; the mode persists until changed.
    await expect(client(up).models.list()).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    up.setMode({ kind: 'ok' });
    await expect(client(up).models.list()).resolves.toBeTruthy();
  });

  it('error mode: 429 sets retry-after and raises RateLimitError', async () => {
    const up = await start();
    up.setMode({ kind: 'error', status: 429, message: 'slow down', retryAfter: 7 }, { times: 2 });
    const res = await fetch(`${up.openaiBaseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake-model', messages: userMessage('hi') }),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(await res.json()).toEqual({ error: { message: 'slow down', type: 'rate_limit_exceeded', param: null, code: 'rate_limit_exceeded' } });
    const err = await client(up)
      .chat.completions.create({ model: 'fake-model', messages: userMessage('hi') })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).message).toContain('slow down');
  });

  it('setMode with times reverts to the previous mode afterwards', async () => {
    const up = await start();
    const create = () => client(up).chat.completions.create({ model: 'fake-model', messages: userMessage('hi') });
    up.setMode({ kind: 'error', status: 500 }, { times: 1 });
    await expect(create()).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    expect((await create()).choices[0]!.message.content).toBe('Echo: hi');

    up.setMode({ kind: 'toolCall', name: 'f', arguments: {} });
    up.setMode({ kind: 'error', status: 502 }, { times: 2 });
    await expect(create()).rejects.toMatchObject({ status: 502 });
    await expect(create()).rejects.toMatchObject({ status: 502 });
    expect((await create()).choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('drop mode: a stream ends abruptly after the configured chunks; non-stream gets no answer', async () => {
    const up = await start();
    up.setMode({ kind: 'drop' });
    const stream = await client(up).chat.completions.create({ model: 'fake-model', messages: userMessage('a b c d'), stream: true });
    const received: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
      })(),
    ).rejects.toThrow();
    expect(received).toEqual(['', 'Echo:']); // role chunk + first word, then the socket dies

    up.setMode({ kind: 'drop', afterChunks: 0 });
    await expect(client(up).chat.completions.create({ model: 'fake-model', messages: userMessage('x') })).rejects.toBeInstanceOf(
      OpenAI.APIConnectionError,
    );
    await waitFor(() => up.inFlight === 0);
    expect(up.abortedByClient).toBe(0); // the server dropped them, not the client
    expect(up.completedResponses).toBe(0);
  });

  it('slow mode delays the answer', async () => {
    const up = await start();
    up.setMode({ kind: 'slow', delayMs: 300 }, { times: 1 });
    const started = Date.now();
    const completion = await client(up).chat.completions.create({ model: 'fake-model', messages: userMessage('hi') });
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(completion.choices[0]!.message.content).toBe('Echo: hi');
  });

  it('hang mode: the client times out and the server counts the abort', async () => {
    const up = await start();
    up.setMode({ kind: 'hang' });
    const started = Date.now();
    await expect(
      client(up, { timeout: 200 }).chat.completions.create({ model: 'fake-model', messages: userMessage('hi') }),
    ).rejects.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect(Date.now() - started).toBeLessThan(2000);
    await waitFor(() => up.abortedByClient === 1 && up.inFlight === 0);
    expect(up.completedResponses).toBe(0);
    expect(up.requests[0]!.body.model).toBe('fake-model');
  });

  it('counts a client abort in the middle of a stream', async () => {
    const up = await start({ chunkDelayMs: 30, reply: () => 'w '.repeat(50).trim() });
    const controller = new AbortController();
    const stream = await client(up).chat.completions.create(
      { model: 'fake-model', messages: userMessage('x'), stream: true },
      { signal: controller.signal },
    );
    let seen = 0;
    try {
      for await (const _ of stream) {
        if (++seen === 3) controller.abort();
      }
    } catch (e) {
      expect(e).toBeInstanceOf(OpenAI.APIUserAbortError);
    }
    expect(seen).toBeLessThan(10);
    await waitFor(() => up.abortedByClient === 1);
    expect(up.inFlight).toBe(0);
    expect(up.completedResponses).toBe(0);
  });

  it('validates requests: bad JSON, missing fields, unknown model, unknown route', async () => {
    const up = await start();
    const post = (body: string) =>
      fetch(`${up.openaiBaseUrl}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

    const malformed = await post('{nope');
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as any).error.type).toBe('invalid_request_error');

    const noModel = await post(JSON.stringify({ messages: [] }));
    expect(noModel.status).toBe(400);
    expect(await noModel.json()).toEqual({
      error: { message: expect.stringContaining('model'), type: 'invalid_request_error', param: null, code: null },
    });

    const noMessages = await post(JSON.stringify({ model: 'fake-model' }));
    expect(noMessages.status).toBe(400);
    expect(((await noMessages.json()) as any).error).toMatchObject({ type: 'invalid_request_error', param: 'messages' });

    const err = await client(up)
      .chat.completions.create({ model: 'gpt-nope', messages: userMessage('hi') })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');

    const unknown = await fetch(`${up.url}/v1/embeddings`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as any).error).toMatchObject({ type: 'invalid_request_error', message: expect.stringContaining('/v1/embeddings') });
  });

  it('reset clears requests, counters and mode; close ends hanging requests', async () => {
    const up = await start();
    up.setMode({ kind: 'error', status: 500 });
    await fetch(`${up.url}/api/tags`);
    expect(up.requests).toHaveLength(1);
    up.reset();
    expect(up.requests).toHaveLength(0);
    expect(up.completedResponses).toBe(0);
    expect((await fetch(`${up.url}/api/tags`)).status).toBe(200);

    up.setMode({ kind: 'hang' });
    const pending = fetch(`${up.openaiBaseUrl}/chat/completions`, { method: 'POST', body: '{}' }).catch((e: unknown) => e);
    await waitFor(() => up.inFlight === 1);
    await up.close();
    expect(await pending).toBeInstanceOf(Error);
    expect(up.abortedByClient).toBe(0);
  });
});

describe('fake upstream: Anthropic protocol', () => {
  it('answers a non-streaming message', async () => {
    const up = await start({ apiKey: 'k' });
    const res = await anthropicFetch(up, {
      model: 'fake-model',
      max_tokens: 100,
      system: 'sys',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hello claude' }] }],
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = (await res.json()) as any;
    expect(body).toEqual({
      id: expect.stringMatching(/^msg_/),
      type: 'message',
      role: 'assistant',
      model: 'fake-model',
      content: [{ type: 'text', text: 'Echo: hello claude' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      // 'sys\nhello claude' = 16 chars -> 4; 'Echo: hello claude' = 18 chars -> 5
      usage: { input_tokens: 4, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    });
    expect(up.requests[0]!.headers['anthropic-version']).toBe('2023-06-01');
  });

  it('streams events in protocol order', async () => {
    const up = await start();
    const res = await anthropicFetch(
      up,
      { model: 'fake-model', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'a b' }] },
      {},
      '/v1/messages?beta=true',
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const events = parseSse(await res.text());
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events.every((e) => e.event === e.data.type)).toBe(true);
    const start0 = events[0]!.data.message;
    expect(start0).toMatchObject({ type: 'message', role: 'assistant', content: [], stop_reason: null, usage: { output_tokens: 1 } });
    expect(start0.usage.input_tokens).toBe(1);
    expect(events[1]!.data).toEqual({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    const text = events.filter((e) => e.event === 'content_block_delta').map((e) => e.data.delta.text).join('');
    expect(text).toBe('Echo: a b');
    expect(events[7]!.data).toEqual({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 3 } });
    expect(up.requests[0]!.path).toBe('/v1/messages');
    expect(up.requests[0]!.url).toBe('/v1/messages?beta=true');
  });

  it('answers tool calls, streamed and not, and truncates with max_tokens 1', async () => {
    const up = await start();
    const input = { path: '/tmp/x', recursive: true };
    up.setMode({ kind: 'toolCall', name: 'list_files', arguments: input }, { times: 2 });
    const plain = (await (await anthropicFetch(up, { model: 'fake-model', max_tokens: 50, messages: [{ role: 'user', content: 'ls' }] })).json()) as any;
    expect(plain.stop_reason).toBe('tool_use');
    expect(plain.content).toEqual([{ type: 'tool_use', id: expect.stringMatching(/^toolu_/), name: 'list_files', input }]);

    const streamed = parseSse(
      await (await anthropicFetch(up, { model: 'fake-model', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'ls' }] })).text(),
    );
    expect(streamed[1]!.data.content_block).toEqual({ type: 'tool_use', id: expect.stringMatching(/^toolu_/), name: 'list_files', input: {} });
    const deltas = streamed.filter((e) => e.event === 'content_block_delta').map((e) => e.data.delta);
    expect(deltas.length).toBeGreaterThan(2);
    expect(deltas.every((d) => d.type === 'input_json_delta')).toBe(true);
    expect(JSON.parse(deltas.map((d) => d.partial_json).join(''))).toEqual(input);
    expect(streamed.find((e) => e.event === 'message_delta')!.data.delta.stop_reason).toBe('tool_use');

    const short = (await (await anthropicFetch(up, { model: 'fake-model', max_tokens: 1, messages: [{ role: 'user', content: 'long answer here' }] })).json()) as any;
    expect(short.content).toEqual([{ type: 'text', text: 'Echo:' }]);
    expect(short.stop_reason).toBe('max_tokens');
  });

  it('returns Anthropic-shaped errors', async () => {
    const up = await start({ apiKey: 'k' });
    const msg = { model: 'fake-model', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };
    const expectError = async (res: Response, status: number, type: string) => {
      expect(res.status).toBe(status);
      const body = (await res.json()) as any;
      expect(body).toEqual({ type: 'error', error: { type, message: expect.any(String) } });
      return body;
    };

    await expectError(await anthropicFetch(up, msg, { 'x-api-key': 'bad' }), 401, 'authentication_error');
    const noVersion = await expectError(await anthropicFetch(up, msg, { 'anthropic-version': '' }), 400, 'invalid_request_error');
    expect(noVersion.error.message).toContain('anthropic-version');
    const noMax = await expectError(await anthropicFetch(up, { ...msg, max_tokens: undefined }), 400, 'invalid_request_error');
    expect(noMax.error.message).toContain('max_tokens');
    await expectError(await anthropicFetch(up, '{bad json'), 400, 'invalid_request_error');
    await expectError(await anthropicFetch(up, { ...msg, model: 'claude-nope' }), 404, 'not_found_error');
    // Bearer auth is accepted too.
    expect((await anthropicFetch(up, msg, { 'x-api-key': '', authorization: 'Bearer k' })).status).toBe(200);

    for (const [status, type] of [[429, 'rate_limit_error'], [500, 'api_error'], [529, 'overloaded_error']] as const) {
      up.setMode({ kind: 'error', status, retryAfter: 3 }, { times: 1 });
      const res = await anthropicFetch(up, { ...msg, stream: true });
      if (status === 429) expect(res.headers.get('retry-after')).toBe('3');
      await expectError(res, status, type);
    }
    expect((await anthropicFetch(up, msg)).status).toBe(200);
  });

  it('counts tokens', async () => {
    const up = await start();
    const res = await anthropicFetch(up, { model: 'fake-model', messages: [{ role: 'user', content: '12345678' }] }, {}, '/v1/messages/count_tokens');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ input_tokens: 2 });
  });
});

describe('fake upstream: Ollama', () => {
  it('lists models at /api/tags', async () => {
    const up = await start({ models: ['llama3:8b'] });
    const res = await fetch(`${up.url}/api/tags`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.models).toHaveLength(1);
    expect(body.models[0]).toMatchObject({ name: 'llama3:8b', model: 'llama3:8b', size: expect.any(Number) });
    expect(body.models[0].digest).toMatch(/^[0-9a-f]{64}$/);
    expect(Number.isNaN(Date.parse(body.models[0].modified_at))).toBe(false);
  });
});
