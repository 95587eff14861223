import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function client(h: Harness, apiKey = 'isartor-local'): OpenAI {
  return new OpenAI({ baseURL: `${h.url}/v1`, apiKey, maxRetries: 0 });
}

describe('the official openai SDK as a client of the gateway', () => {
  it('creates a completion, then gets the same one from L1a', async () => {
    harness = await startHarness();
    const openai = client(harness);
    const request = { model: 'anything', messages: [{ role: 'user' as const, content: 'Say hello' }] };
    const first = await openai.chat.completions.create(request).withResponse();
    expect(first.response.headers.get('x-isartor-layer')).toBe('l3');
    expect(first.data.choices[0]?.message.content).toBe('Echo: Say hello');
    expect(first.data.usage?.total_tokens).toBeGreaterThan(0);
    const second = await openai.chat.completions.create(request).withResponse();
    expect(second.response.headers.get('x-isartor-layer')).toBe('l1a');
    expect(second.data).toEqual(first.data);
  });

  it('streams a completion through L3 and replays it from L1a', async () => {
    harness = await startHarness();
    const openai = client(harness);
    const collect = async (): Promise<{ text: string; usage: number | undefined; finish: string | null | undefined }> => {
      const stream = await openai.chat.completions.create({
        model: 'anything',
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'count to five please' }],
      });
      let text = '';
      let usage: number | undefined;
      let finish: string | null | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
        if (chunk.usage) usage = chunk.usage.total_tokens;
      }
      return { text, usage, finish };
    };
    const live = await collect();
    const replayed = await collect();
    expect(live.text).toBe('Echo: count to five please');
    expect(replayed).toEqual(live);
    expect(live.finish).toBe('stop');
    expect(harness.upstreamChatCalls()).toBe(1);
  });

  it("assembles a replayed tool call with the SDK's stream helper", async () => {
    harness = await startHarness();
    harness.fake.setMode({ kind: 'toolCall', name: 'search', arguments: { query: 'isartor', limit: 3 } });
    const request = {
      model: 'anything',
      messages: [{ role: 'user' as const, content: 'find it' }],
      tools: [{ type: 'function' as const, function: { name: 'search', parameters: { type: 'object', properties: {} } } }],
    };
    for (const expectedLayer of ['l3', 'l1a']) {
      const runner = client(harness).chat.completions.stream(request);
      const final = await runner.finalChatCompletion();
      const call = final.choices[0]?.message.tool_calls?.[0];
      expect(call?.type === 'function' && call.function.name, expectedLayer).toBe('search');
      expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ query: 'isartor', limit: 3 });
    }
    expect(harness.upstreamChatCalls()).toBe(1);
  });

  it('raises the SDK error classes for gateway and upstream errors', async () => {
    harness = await startHarness({ gatewayApiKey: 'right-key' });
    const request = { model: 'anything', messages: [{ role: 'user' as const, content: 'x' }] };
    await expect(client(harness, 'wrong-key').chat.completions.create(request)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);

    harness.fake.setMode({ kind: 'error', status: 500 });
    const failure = await client(harness, 'right-key').chat.completions.create(request).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((failure as InstanceType<typeof OpenAI.APIError>).message).toContain('HTTP 500');

    harness.fake.setMode({ kind: 'error', status: 400, message: 'bad temperature' });
    const badRequest = await client(harness, 'right-key').chat.completions.create(request).catch((error: unknown) => error);
    expect(badRequest).toBeInstanceOf(OpenAI.BadRequestError);
    expect((badRequest as Error).message).toContain('bad temperature');
  });

  it('lists models', async () => {
    harness = await startHarness();
    const page = await client(harness).models.list();
    expect(page.data.map((m) => m.id)).toEqual(['fake-model']);
  });
});
