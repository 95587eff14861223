import OpenAI from 'openai';
import type { ResponseInputItem, Tool } from 'openai/resources/responses/responses';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type HarnessOptions } from '../harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function client(h: Harness): OpenAI {
  return new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'isartor-local', maxRetries: 0 });
}

const tools: Tool[] = [
  {
    type: 'function',
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
    strict: true,
  },
];

/** The three upstreams a Responses caller can meet: translated to chat, to Anthropic, or passed through. */
const upstreams: Array<[string, HarnessOptions, string]> = [
  ['an OpenAI-compatible chat upstream', {}, '/v1/chat/completions'],
  ['an Anthropic upstream', { provider: 'anthropic' }, '/v1/messages'],
  ['a Responses upstream (passed through)', { config: { providers: { 'openai-compatible': { responsesApi: true } } } }, '/v1/responses'],
];

describe.each(upstreams)('openai.responses over %s', (_name, options, upstreamPath) => {
  it('runs a two-turn function-calling loop with responses.create, and replays a turn from L1a', async () => {
    harness = await startHarness(options);
    harness.fake.setMode({ kind: 'toolLoop', name: 'get_weather', arguments: { city: 'Munich' } });
    const openai = client(harness);
    const input: ResponseInputItem[] = [{ role: 'user', content: 'What should I pack for Munich?' }];

    const first = await openai.responses.create({ model: 'fake-model', instructions: 'Be brief.', input, tools, store: false }).withResponse();
    expect(first.response.headers.get('x-isartor-layer')).toBe('l3');
    const call = first.data.output.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({ type: 'function_call', name: 'get_weather', status: 'completed' });
    expect(JSON.parse(call!.type === 'function_call' ? call!.arguments : '')).toEqual({ city: 'Munich' });
    expect(first.data.status).toBe('completed');
    expect(first.data.usage?.input_tokens).toBeGreaterThan(0);
    expect(harness.fake.requests.at(-1)?.path).toBe(upstreamPath);

    const followUp: ResponseInputItem[] = [...input, ...(first.data.output as ResponseInputItem[]), { type: 'function_call_output', call_id: call!.type === 'function_call' ? call!.call_id : '', output: '{"celsius":21}' }];
    const second = await openai.responses.create({ model: 'fake-model', instructions: 'Be brief.', input: followUp, tools, store: false });
    expect(second.output_text).toBe('Echo: What should I pack for Munich?');
    expect(second.output.every((item) => item.type === 'message')).toBe(true);

    const again = await openai.responses.create({ model: 'fake-model', instructions: 'Be brief.', input, tools, store: false }).withResponse();
    expect(again.response.headers.get('x-isartor-layer')).toBe('l1a');
    expect(again.data).toEqual(first.data);
    expect(harness.upstreamChatCalls()).toBe(2);
  });

  it('runs the same loop with responses.stream, events in order, and replays the stream from L1a', async () => {
    harness = await startHarness(options);
    harness.fake.setMode({ kind: 'toolLoop', name: 'get_weather', arguments: { city: 'Munich' } });
    const openai = client(harness);
    const input: ResponseInputItem[] = [{ role: 'user', content: [{ type: 'input_text', text: 'Packing list for Munich?' }] }];
    const streamed = async (items: ResponseInputItem[]) => {
      const stream = openai.responses.stream({ model: 'fake-model', input: items, tools });
      const types: string[] = [];
      let argumentText = '';
      let text = '';
      for await (const event of stream) {
        types.push(event.type);
        if (event.type === 'response.function_call_arguments.delta') argumentText += event.delta;
        if (event.type === 'response.output_text.delta') text += event.delta;
      }
      return { types, argumentText, text, final: await stream.finalResponse() };
    };

    const first = await streamed(input);
    expect(first.types.slice(0, 3)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added']);
    expect(first.types).toContain('response.function_call_arguments.delta');
    expect(first.types).toContain('response.function_call_arguments.done');
    expect(first.types).toContain('response.output_item.done');
    expect(first.types.at(-1)).toBe('response.completed');
    expect(JSON.parse(first.argumentText)).toEqual({ city: 'Munich' });
    const call = first.final.output.find((item) => item.type === 'function_call');
    expect(call?.type === 'function_call' && JSON.parse(call.arguments)).toEqual({ city: 'Munich' });
    expect(first.final.usage?.output_tokens).toBeGreaterThan(0);

    const second = await streamed([...input, ...(first.final.output as ResponseInputItem[]), { type: 'function_call_output', call_id: call?.type === 'function_call' ? call.call_id : '', output: 'sunny' }]);
    expect(second.text).toBe('Echo: Packing list for Munich?');
    expect(second.final.output_text).toBe('Echo: Packing list for Munich?');
    expect(second.types).toEqual(expect.arrayContaining(['response.content_part.added', 'response.output_text.delta', 'response.output_text.done', 'response.content_part.done']));

    const replayed = await streamed(input);
    expect(replayed.final).toEqual(first.final);
    expect(replayed.argumentText).toBe(first.argumentText);
    expect(harness.upstreamChatCalls()).toBe(2);
  });
});

describe('openai.models.retrieve through the gateway', () => {
  it('retrieves a model the gateway serves and gets a NotFoundError for one it does not', async () => {
    harness = await startHarness();
    const openai = client(harness);
    const model = await openai.models.retrieve('fake-model');
    expect(model).toMatchObject({ id: 'fake-model', object: 'model' });
    const missing = await openai.models.retrieve('no-such-model').catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect((missing as InstanceType<typeof OpenAI.NotFoundError>).message).toContain('no-such-model');
  });
});
