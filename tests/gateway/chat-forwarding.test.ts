import { afterEach, describe, expect, it } from 'vitest';
import { sseData, startHarness, streamedText, upstreamKey, userMessage, type Harness } from './harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('L3: forwarding chat completions', () => {
  it('forwards a non-stream request with the configured model and key, and says so in headers', async () => {
    harness = await startHarness();
    const response = await harness.chat(userMessage('hello there', { model: 'whatever-the-client-says' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-isartor-layer')).toBe('l3');
    expect(response.headers.get('x-isartor-cache')).toBe('miss');
    expect(response.headers.get('x-isartor-upstream')).toBe('openai-compatible/fake-model');
    expect(Number(response.headers.get('x-isartor-overhead-ms'))).toBeGreaterThanOrEqual(0);
    const body = (await response.json()) as { object: string; choices: Array<{ message: { content: string } }> };
    expect(body.object).toBe('chat.completion');
    expect(body.choices[0]?.message.content).toBe('Echo: hello there');

    const received = harness.fake.requests.at(-1);
    expect(received?.body.model).toBe('fake-model');
    expect(received?.headers.authorization).toBe(`Bearer ${upstreamKey}`);
    expect(received?.headers['user-agent']).toMatch(/^isartor\//);
  });

  it('sends the client body byte for byte when its model is already the configured one', async () => {
    harness = await startHarness();
    const raw = '{ "model" : "fake-model", "messages": [ {"role":"user","content":"spacing kept"} ], "temperature": 0.25 }';
    const response = await harness.chat(raw);
    expect(response.status).toBe(200);
    expect(harness.fake.requests.at(-1)?.rawBody).toBe(raw);
  });

  it("forwards the client's model when no model is configured", async () => {
    harness = await startHarness({ model: null });
    const response = await harness.chat(userMessage('hi', { model: 'fake-model-large' }));
    expect(response.status).toBe(200);
    expect(harness.fake.requests.at(-1)?.body.model).toBe('fake-model-large');
    expect(response.headers.get('x-isartor-upstream')).toBe('openai-compatible/fake-model-large');
  });

  it('accepts /chat/completions without /v1 for clients whose base URL lacks it', async () => {
    harness = await startHarness();
    const response = await fetch(`${harness.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(userMessage('no v1')),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content).toBe('Echo: no v1');
  });

  it('streams chunk by chunk: the client holds the first chunk while the upstream is still sending', async () => {
    harness = await startHarness({ fake: { chunkDelayMs: 40 } });
    const words = Array.from({ length: 25 }, (_, i) => `w${i}`).join(' ');
    const response = await harness.chat(userMessage(words, { stream: true }));
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    // Ordering, not timing: the upstream has not finished when the first bytes reach the client.
    expect(harness.fake.inFlight).toBe(1);
    let rest = '';
    for (let next = await reader.read(); !next.done; next = await reader.read()) rest += new TextDecoder().decode(next.value);
    const all = new TextDecoder().decode(first.value) + rest;
    expect(streamedText(all)).toBe(`Echo: ${words}`);
    expect(sseData(all).at(-1)).toBe('[DONE]');
  });

  it('passes streamed tool calls through intact', async () => {
    harness = await startHarness();
    harness.fake.setMode({ kind: 'toolCall', name: 'read_file', arguments: { path: '/etc/hosts', lines: 10 } });
    const response = await harness.chat(
      userMessage('read it', { stream: true, tools: [{ type: 'function', function: { name: 'read_file', parameters: { type: 'object' } } }] }),
    );
    const chunks = sseData(await response.text()).filter((d) => d !== '[DONE]').map((d) => JSON.parse(d));
    const args = chunks
      .flatMap((c) => c.choices)
      .flatMap((c: { delta: { tool_calls?: Array<{ function?: { arguments?: string } }> } }) => c.delta.tool_calls ?? [])
      .map((t: { function?: { arguments?: string } }) => t.function?.arguments ?? '')
      .join('');
    expect(JSON.parse(args)).toEqual({ path: '/etc/hosts', lines: 10 });
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'tool_calls')).toBe(true);
  });

  it('writes one log line per request without prompt text or keys', async () => {
    harness = await startHarness({ gatewayApiKey: 'gw-secret-key-42' });
    await harness.chat(userMessage('a secret prompt'), { authorization: 'Bearer gw-secret-key-42' });
    await fetch(`${harness.url}/health`);
    // Lines are written when a response closes, which can be just after its client has it; once both
    // requests are drained, /health would have its line by now (it must have none).
    await harness.gateway.drained();
    expect(harness.logLines).toHaveLength(1);
    expect(harness.logLines[0]).toMatch(/ 200 POST \/v1\/chat\/completions l3 miss .* model=fake-model json upstream=openai-compatible/);
    expect(harness.logLines[0]).not.toContain('secret');
  });
});

describe('GET /v1/models and /health', () => {
  it('lists the configured model in OpenAI list format', async () => {
    harness = await startHarness();
    for (const path of ['/v1/models', '/models']) {
      const response = await fetch(`${harness.url}${path}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        object: 'list',
        data: [{ id: 'fake-model', object: 'model', created: 0, owned_by: 'openai-compatible' }],
      });
    }
  });

  it("shows the provider's own list when no model is configured", async () => {
    harness = await startHarness({ model: null });
    const body = (await (await fetch(`${harness.url}/v1/models`)).json()) as { data: Array<{ id: string }> };
    expect(body.data.map((m) => m.id)).toEqual(['fake-model', 'fake-model-large']);
  });

  it('reports status, version, uptime, provider, model and layers on /health', async () => {
    harness = await startHarness({ gatewayApiKey: 'k' });
    const health = (await (await fetch(`${harness.url}/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({
      status: 'ok',
      provider: 'openai-compatible',
      model: 'fake-model',
      pid: process.pid,
      layers: { l0: true, l1a: true, l3: true },
    });
    expect(health.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(typeof health.uptimeSeconds).toBe('number');
  });
});
