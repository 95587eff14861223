import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sseData, startHarness, streamedText, userMessage, type Harness } from './harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function layerOf(response: Response): Promise<string> {
  await response.arrayBuffer();
  return `${response.headers.get('x-isartor-layer')}/${response.headers.get('x-isartor-cache')}`;
}

describe('L1a exact cache', () => {
  it('answers a repeated request from the cache with the same answer and one upstream call', async () => {
    harness = await startHarness();
    const first = await harness.chat(userMessage('capital of France?'));
    const firstBody = await first.json();
    const second = await harness.chat(userMessage('capital of France?'));
    expect(second.headers.get('x-isartor-layer')).toBe('l1a');
    expect(second.headers.get('x-isartor-cache')).toBe('hit');
    expect(await second.json()).toEqual(firstBody);
    expect(harness.upstreamChatCalls()).toBe(1);
  });

  it('does not serve a near-miss: a different question goes upstream', async () => {
    harness = await startHarness();
    await layerOf(await harness.chat(userMessage('capital of France?')));
    const other = await harness.chat(userMessage('capital of Germany?'));
    expect(other.headers.get('x-isartor-layer')).toBe('l3');
    expect(((await other.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content).toBe('Echo: capital of Germany?');
  });

  it('keys on every answer-shaping field', async () => {
    harness = await startHarness();
    const base = userMessage('same words');
    await layerOf(await harness.chat(base));
    const variants: Array<Record<string, unknown>> = [
      { temperature: 0.9 },
      { top_p: 0.5 },
      { seed: 7 },
      { stop: ['\n'] },
      { n: 2 },
      { max_tokens: 5 },
      { max_completion_tokens: 5 },
      { response_format: { type: 'json_object' } },
      { tools: [{ type: 'function', function: { name: 't', parameters: { type: 'object' } } }] },
      { tool_choice: 'none' },
      { messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'same words' }] },
    ];
    for (const variant of variants) {
      expect(await layerOf(await harness.chat({ ...base, ...variant })), JSON.stringify(variant)).toBe('l3/miss');
    }
    expect(harness.upstreamChatCalls()).toBe(1 + variants.length);
  });

  it('keys on the exact bytes: a request serialised differently is its own entry, never a wrong answer', async () => {
    harness = await startHarness();
    await layerOf(await harness.chat({ model: 'a', temperature: 0, messages: [{ role: 'user', content: 'order' }] }));
    const reordered = await harness.chat({ temperature: 0, model: 'a', messages: [{ role: 'user', content: 'order' }] });
    expect(await layerOf(reordered)).toBe('l3/miss');
    const streamed = await harness.chat({ model: 'a', temperature: 0, messages: [{ role: 'user', content: 'order' }], stream: true });
    expect(await layerOf(streamed)).toBe('l3/miss');
  });

  it('replays a hit on a stream request as valid SSE, with the usage chunk it asked for', async () => {
    harness = await startHarness();
    const request = userMessage('stream me please', { stream: true, stream_options: { include_usage: true } });
    const live = await (await harness.chat(request)).text();

    const replay = await harness.chat(request);
    expect(replay.headers.get('x-isartor-layer')).toBe('l1a');
    expect(replay.headers.get('content-type')).toContain('text/event-stream');
    const text = await replay.text();
    const data = sseData(text);
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d));
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0].finish_reason).toBe('stop');
    expect(chunks.at(-1).choices).toEqual([]);
    expect(chunks.at(-1).usage.total_tokens).toBeGreaterThan(0);
    expect(streamedText(text)).toBe('Echo: stream me please');
    expect(streamedText(text)).toBe(streamedText(live));
    expect(harness.upstreamChatCalls()).toBe(1);
  });

  it('replays a stream hit without a usage chunk when none was asked for', async () => {
    harness = await startHarness();
    const request = userMessage('no usage please', { stream: true });
    await (await harness.chat(request)).text();
    const replay = await harness.chat(request);
    expect(replay.headers.get('x-isartor-layer')).toBe('l1a');
    const data = sseData(await replay.text());
    expect(data.at(-1)).toBe('[DONE]');
    expect(data.some((d) => d !== '[DONE]' && JSON.parse(d).usage)).toBe(false);
  });

  it('replays a hit on a non-stream request as the stored JSON', async () => {
    harness = await startHarness();
    const first = (await (await harness.chat(userMessage('json please'))).json()) as Record<string, unknown>;
    const hit = await harness.chat(userMessage('json please'));
    expect(hit.headers.get('x-isartor-layer')).toBe('l1a');
    expect(hit.headers.get('content-type')).toBe('application/json');
    expect(await hit.json()).toEqual(first);
  });

  it('replays cached tool calls', async () => {
    harness = await startHarness();
    harness.fake.setMode({ kind: 'toolCall', name: 'get_weather', arguments: { city: 'Paris' } });
    const request = userMessage('Paris, please', { stream: true, tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }] });
    await (await harness.chat(request)).text();
    const replay = await harness.chat(request);
    expect(replay.headers.get('x-isartor-layer')).toBe('l1a');
    const chunks = sseData(await replay.text()).slice(0, -1).map((d) => JSON.parse(d));
    const call = chunks.flatMap((c) => c.choices[0]?.delta?.tool_calls ?? [])[0];
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'tool_calls')).toBe(true);
  });

  it('never stores an interrupted stream', async () => {
    harness = await startHarness();
    harness.fake.setMode({ kind: 'drop', afterChunks: 3 }, { times: 1 });
    const broken = await harness.chat(userMessage('fragile answer here', { stream: true }));
    await broken.text().catch(() => '');
    const again = await harness.chat(userMessage('fragile answer here', { stream: true }));
    expect(again.headers.get('x-isartor-layer')).toBe('l3');
    expect(streamedText(await again.text())).toBe('Echo: fragile answer here');
    expect(harness.upstreamChatCalls()).toBe(2);
  });

  it('never stores a failed answer', async () => {
    harness = await startHarness({ config: { routing: { retries: 0, maxRetryAfterMs: 0 } } });
    harness.fake.setMode({ kind: 'error', status: 500 }, { times: 1 });
    expect((await harness.chat(userMessage('flaky'))).status).toBe(502);
    const again = await harness.chat(userMessage('flaky'));
    expect(again.status).toBe(200);
    expect(await layerOf(again)).toBe('l3/miss');
  });

  it('honours Cache-Control: no-cache (skip lookup, still store) and no-store (do not keep)', async () => {
    harness = await startHarness();
    await layerOf(await harness.chat(userMessage('cc')));
    expect(await layerOf(await harness.chat(userMessage('cc'), { 'cache-control': 'no-cache' }))).toBe('l3/bypass');
    expect(await layerOf(await harness.chat(userMessage('cc')))).toBe('l1a/hit');

    expect(await layerOf(await harness.chat(userMessage('ns'), { 'cache-control': 'no-store' }))).toBe('l3/miss');
    expect(await layerOf(await harness.chat(userMessage('ns')))).toBe('l3/miss');
  });

  it('is off when disabled in config', async () => {
    harness = await startHarness({ exactCache: { enabled: false } });
    await layerOf(await harness.chat(userMessage('off')));
    const second = await harness.chat(userMessage('off'));
    expect(second.headers.get('x-isartor-layer')).toBe('l3');
    expect(second.headers.get('x-isartor-cache')).toBeNull();
    const health = (await (await fetch(`${harness.url}/health`)).json()) as { layers: { l1a: boolean } };
    expect(health.layers.l1a).toBe(false);
  });

  it('survives a restart through its file in the state dir, which only its owner can read', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'isartor-l1a-')), 'cache', 'l1a.jsonl');
    harness = await startHarness({ exactCacheFile: file });
    // The provider's base URL is part of the key, so the second run must reach it at the same port.
    const port = Number(new URL(harness.fake.url).port);
    await layerOf(await harness.chat(userMessage('remember me')));
    await harness.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toContain('Echo: remember me');

    harness = await startHarness({ exactCacheFile: file, fake: { port } });
    const after = await harness.chat(userMessage('remember me'));
    expect(after.headers.get('x-isartor-layer')).toBe('l1a');
    expect(harness.upstreamChatCalls()).toBe(0);
  });
});
