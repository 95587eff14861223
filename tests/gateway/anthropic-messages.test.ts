import { existsSync, readFileSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const anthropicClient = (h: Harness, apiKey = 'isartor-local'): Anthropic => new Anthropic({ baseURL: h.url, apiKey, maxRetries: 0 });
const openaiClient = (h: Harness): OpenAI => new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'isartor-local', maxRetries: 0 });
const lastUpstream = (h: Harness) => h.fake.requests.at(-1)!;
const captures = new URL('../../../shared/data/openclaw-captures/', import.meta.url);

describe('Anthropic caller, OpenAI-compatible upstream (translated)', () => {
  it('messages.create: the request is translated and the answer comes back as an Anthropic message', async () => {
    harness = await startHarness();
    const message = await anthropicClient(harness).messages.create({
      model: 'claude-sonnet-4-5-20250929',
      max_tokens: 256,
      system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'What is 2+2?' }],
      stop_sequences: ['END'],
    });
    expect(message.type).toBe('message');
    expect(message.model).toBe('claude-sonnet-4-5-20250929');
    expect(message.content).toEqual([{ type: 'text', text: 'Echo: What is 2+2?' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.output_tokens).toBeGreaterThan(0);

    const sent = lastUpstream(harness);
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.body.model).toBe('fake-model');
    expect(sent.body.messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
    expect(sent.body.max_tokens).toBe(256);
    expect(sent.body.stop).toEqual(['END']);
  });

  it('messages.stream: events are translated as they arrive, and a repeat is replayed from L1a as Anthropic SSE', async () => {
    harness = await startHarness();
    const request = { model: 'claude-x', max_tokens: 100, messages: [{ role: 'user' as const, content: 'stream this please' }] };
    for (const expectedLayer of ['l3', 'l1a']) {
      const stream = anthropicClient(harness).messages.stream(request);
      const seen: string[] = [];
      stream.on('streamEvent', (event) => seen.push(event.type));
      const final = await stream.finalMessage();
      expect(final.content, expectedLayer).toEqual([{ type: 'text', text: 'Echo: stream this please' }]);
      expect(final.stop_reason).toBe('end_turn');
      expect(seen[0]).toBe('message_start');
      expect(seen.at(-1)).toBe('message_stop');
      expect(seen).toContain('content_block_delta');
    }
    expect(harness.upstreamChatCalls()).toBe(1);
  });

  it('a tool use round trip: tool_use comes back with its input, tool_result goes up as a tool message', async () => {
    harness = await startHarness();
    harness.fake.setMode({ kind: 'toolCall', name: 'get_weather', arguments: { city: 'Paris', unit: 'celsius' } }, { times: 1 });
    const tools = [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } } }];
    const client = anthropicClient(harness);
    const first = await client.messages.stream({ model: 'c', max_tokens: 100, tools, messages: [{ role: 'user', content: 'Weather in Paris?' }] }).finalMessage();
    expect(first.stop_reason).toBe('tool_use');
    const toolUse = first.content.find((block) => block.type === 'tool_use');
    expect(toolUse?.type === 'tool_use' && toolUse.input).toEqual({ city: 'Paris', unit: 'celsius' });
    expect(lastUpstream(harness).body.tools[0].function).toMatchObject({ name: 'get_weather', parameters: tools[0]!.input_schema });

    const second = await client.messages.create({
      model: 'c',
      max_tokens: 100,
      tools,
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse!.id, content: '18 degrees' }] },
      ],
    });
    expect(second.stop_reason).toBe('end_turn');
    const upstreamMessages = lastUpstream(harness).body.messages as Array<{ role: string; tool_call_id?: string; tool_calls?: Array<{ id: string }> }>;
    const toolMessage = upstreamMessages.find((m) => m.role === 'tool');
    expect(toolMessage?.tool_call_id).toBe(toolUse!.id);
    expect(upstreamMessages.find((m) => m.tool_calls)?.tool_calls?.[0]?.id).toBe(toolUse!.id);
  });

  it('errors reach Anthropic callers in Anthropic format', async () => {
    harness = await startHarness({ gatewayApiKey: 'gw-key' });
    await expect(anthropicClient(harness, 'wrong').messages.create({ model: 'c', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(
      Anthropic.AuthenticationError,
    );
    const missingMaxTokens = await harness.messages({ model: 'c', messages: [{ role: 'user', content: 'x' }] }, { 'x-api-key': 'gw-key' });
    expect(missingMaxTokens.status).toBe(400);
    expect(await missingMaxTokens.json()).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('max_tokens') } });

    harness.fake.setMode({ kind: 'error', status: 503 });
    const failure = await anthropicClient(harness, 'gw-key').messages.create({ model: 'c', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Anthropic.APIError);
    expect((failure as InstanceType<typeof Anthropic.APIError>).status).toBe(502);
  });

  it.skipIf(!existsSync(new URL('anthropic-messages-agent-turn.json', captures)))('carries the real OpenClaw request over without losing a tool or system text', async () => {
    harness = await startHarness();
    const capture = JSON.parse(readFileSync(new URL('anthropic-messages-agent-turn.json', captures), 'utf8')) as { body: { tools: Array<{ name: string; input_schema: unknown }>; system: Array<{ text: string }> } };
    const response = await harness.messages(capture.body);
    expect(response.status).toBe(200);
    await response.text();
    const sent = lastUpstream(harness).body as { tools: Array<{ function: { name: string; parameters: unknown } }>; messages: Array<{ role: string; content: string }> };
    expect(sent.tools.map((t) => t.function.name)).toEqual(capture.body.tools.map((t) => t.name));
    sent.tools.forEach((tool, i) => expect(tool.function.parameters).toEqual(capture.body.tools[i]!.input_schema));
    for (const block of capture.body.system) expect(sent.messages[0]!.content).toContain(block.text);
  });
});

describe('Anthropic caller, Anthropic upstream (passed through)', () => {
  it('forwards the body byte for byte with anthropic-version, anthropic-beta, ?beta=true and cache_control intact', async () => {
    harness = await startHarness({ provider: 'anthropic', model: 'fake-model' });
    const raw = JSON.stringify({
      model: 'fake-model',
      max_tokens: 50,
      system: [{ type: 'text', text: 'Long stable prompt', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral' } }] }],
    });
    const response = await fetch(`${harness.url}/v1/messages?beta=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'anthropic-beta': 'prompt-caching-2024-07-31' },
      body: raw,
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { content: Array<{ text: string }> }).content[0]?.text).toBe('Echo: hi');
    const sent = lastUpstream(harness);
    expect(sent.url).toBe('/v1/messages?beta=true');
    expect(sent.rawBody).toBe(raw);
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.headers['anthropic-beta']).toBe('prompt-caching-2024-07-31');
    expect(sent.headers['x-api-key']).toBeDefined();
  });

  it('streams through and replays from L1a', async () => {
    harness = await startHarness({ provider: 'anthropic', model: 'fake-model' });
    const request = { model: 'fake-model', max_tokens: 50, messages: [{ role: 'user' as const, content: 'pass me through' }] };
    for (const layer of ['l3', 'l1a']) {
      const final = await anthropicClient(harness).messages.stream(request).finalMessage();
      expect(final.content, layer).toEqual([{ type: 'text', text: 'Echo: pass me through' }]);
    }
    expect(harness.upstreamChatCalls()).toBe(1);
  });
});

describe('OpenAI caller, Anthropic upstream (translated)', () => {
  it('chat.completions.create and stream work through the Messages protocol', async () => {
    harness = await startHarness({ provider: 'anthropic', model: 'fake-model' });
    const client = openaiClient(harness);
    const completion = await client.chat.completions.create({
      model: 'gpt-whatever',
      messages: [{ role: 'system', content: 'Be terse.' }, { role: 'user', content: 'hello anthropic' }],
    });
    expect(completion.choices[0]?.message.content).toBe('Echo: hello anthropic');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    const sent = lastUpstream(harness);
    expect(sent.path).toBe('/v1/messages');
    expect(sent.body.system).toBe('Be terse.');
    expect(typeof sent.body.max_tokens).toBe('number');

    let text = '';
    const stream = await client.chat.completions.create({ model: 'gpt-whatever', stream: true, messages: [{ role: 'user', content: 'stream from anthropic' }] });
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Echo: stream from anthropic');
  });

  it('tool calls come back as OpenAI tool_calls', async () => {
    harness = await startHarness({ provider: 'anthropic', model: 'fake-model' });
    harness.fake.setMode({ kind: 'toolCall', name: 'lookup', arguments: { id: 42 } });
    const final = await openaiClient(harness)
      .chat.completions.stream({
        model: 'x',
        messages: [{ role: 'user', content: 'look it up' }],
        tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }],
      })
      .finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.name).toBe('lookup');
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ id: 42 });
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
  });
});

describe('POST /v1/messages/count_tokens', () => {
  const request = {
    model: 'claude-x',
    system: 'You are terse.',
    messages: [{ role: 'user' as const, content: 'How many tokens is this sentence?' }],
    tools: [{ name: 'read', description: 'Read a file', input_schema: { type: 'object' as const, properties: { path: { type: 'string' } } } }],
  };

  it('estimates locally for an OpenAI-compatible upstream, and says it is an estimate', async () => {
    harness = await startHarness();
    const response = await fetch(`${harness.url}/v1/messages/count_tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify(request),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-isartor-token-count')).toBe('estimate-o200k');
    const { input_tokens: tokens } = (await response.json()) as { input_tokens: number };
    expect(tokens).toBeGreaterThan(20);
    expect(tokens).toBeLessThan(120);
    expect(harness.fake.requests).toHaveLength(0);

    const longer = await anthropicClient(harness).messages.countTokens({ ...request, messages: [{ role: 'user' as const, content: 'word '.repeat(500) }] });
    expect(longer.input_tokens).toBeGreaterThan(tokens + 400);
  });

  it('counts text that spells a special token as ordinary text instead of failing', async () => {
    harness = await startHarness();
    const counted = await anthropicClient(harness).messages.countTokens({ model: 'c', messages: [{ role: 'user' as const, content: 'what does <|endoftext|> mean?' }] });
    expect(counted.input_tokens).toBeGreaterThan(5);
  });

  it('asks an Anthropic upstream, which counts exactly', async () => {
    harness = await startHarness({ provider: 'anthropic', model: 'fake-model' });
    const counted = await anthropicClient(harness).messages.countTokens(request);
    expect(counted.input_tokens).toBeGreaterThan(0);
    const sent = lastUpstream(harness);
    expect(sent.path).toBe('/v1/messages/count_tokens');
    expect(sent.body.model).toBe('fake-model');
  });
});

describe('GET /v1/models for Anthropic callers', () => {
  it('answers in the shape the Anthropic SDK reads', async () => {
    harness = await startHarness({ config: { aliases: { 'claude-sonnet-4-5-20250929': 'openai-compatible/fake-model-large' } } });
    const page = await anthropicClient(harness).models.list();
    expect(page.data.map((m) => m.id)).toEqual(['claude-sonnet-4-5-20250929', 'fake-model']);
  });
});
