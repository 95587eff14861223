// Round 7 faults as the official SDKs read them: a chat provider's legacy function_call reaches the
// Anthropic SDK as a tool_use block and the openai SDK's Responses API as a function_call item (streamed
// and whole), and an error without a type inside an Anthropic provider's stream (`data: {"error": "..."}`)
// reaches the Anthropic SDK as an error with the provider's words, not as a short answer.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonText, sseBody, streamEventsOf, wholeAnswerOf } from '../support/fake-upstream/fault-matrix.js';
import type { FakeMode } from '../support/fake-upstream/types.js';
import { startHarness, type Harness } from './harness.js';

type Json = Record<string, any>;
const weather = { name: 'get_weather', arguments: '{"city":"Paris","days":3}' };

/** A chat provider's answer with the legacy function_call in place of tool_calls. */
function legacyFunctionCall(stream: boolean): FakeMode {
  const answer = { text: '', tool: weather };
  if (!stream) {
    const body = wholeAnswerOf('chat', answer);
    body.choices[0].message = { role: 'assistant', content: null, function_call: body.choices[0].message.tool_calls[0].function };
    body.choices[0].finish_reason = 'function_call';
    return { kind: 'raw', body: jsonText(body) };
  }
  const events = streamEventsOf('chat', answer).map((event) => {
    if (typeof event === 'string' || !event.choices?.[0]) return event;
    const copy = JSON.parse(JSON.stringify(event)) as Json;
    const call = copy.choices[0].delta?.tool_calls?.[0];
    if (call) copy.choices[0].delta = { function_call: call.function };
    if (copy.choices[0].finish_reason === 'tool_calls') copy.choices[0].finish_reason = 'function_call';
    return copy;
  });
  return { kind: 'raw', contentType: 'text/event-stream', body: sseBody('chat', events) };
}

const tools = [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object' as const, properties: { city: { type: 'string' }, days: { type: 'number' } } } }];

describe('SDKs in front of a chat provider that answers with a legacy function_call', () => {
  let harness: Harness;
  let anthropic: Anthropic;
  let openai: OpenAI;
  beforeAll(async () => {
    harness = await startHarness({ config: { routing: { retries: 0, maxRetryAfterMs: 0 } } });
    anthropic = new Anthropic({ baseURL: harness.url, apiKey: 'isartor-local', maxRetries: 0 });
    openai = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'isartor-local', maxRetries: 0 });
  });
  afterAll(() => harness.close());

  for (const stream of [true, false]) {
    it(`the Anthropic SDK gets a tool_use block with the call's input (${stream ? 'stream' : 'whole'})`, async () => {
      harness.fake.setMode(legacyFunctionCall(stream), { times: 1 });
      const request = { model: 'fake-model', max_tokens: 100, tools, messages: [{ role: 'user' as const, content: `Weather in Paris? (${stream})` }] };
      const message = stream ? await anthropic.messages.stream(request).finalMessage() : await anthropic.messages.create(request);
      expect(message.stop_reason).toBe('tool_use');
      expect(message.content).toEqual([expect.objectContaining({ type: 'tool_use', name: 'get_weather', input: { city: 'Paris', days: 3 } })]);
    });

    it(`the openai SDK's Responses API gets a function_call item (${stream ? 'stream' : 'whole'})`, async () => {
      harness.fake.setMode(legacyFunctionCall(stream), { times: 1 });
      const request = { model: 'fake-model', store: false, input: `Weather in Paris, Responses? (${stream})`, tools: [{ type: 'function' as const, name: 'get_weather', parameters: { type: 'object' }, strict: false }] };
      const response = stream ? await openai.responses.stream(request).finalResponse() : await openai.responses.create(request);
      const call = response.output.find((item) => item.type === 'function_call');
      expect(call).toMatchObject({ type: 'function_call', name: 'get_weather', arguments: weather.arguments });
    });
  }
});

describe('the Anthropic SDK in front of an Anthropic provider whose stream carries an error without a type', () => {
  let harness: Harness;
  let anthropic: Anthropic;
  beforeAll(async () => {
    harness = await startHarness({ provider: 'anthropic', config: { routing: { retries: 0, maxRetryAfterMs: 0 } } });
    anthropic = new Anthropic({ baseURL: harness.url, apiKey: 'isartor-local', maxRetries: 0 });
  });
  afterAll(() => harness.close());

  it('after some text: the SDK throws with the provider\'s words (it skipped the event as it came, and took the text for the answer)', async () => {
    const events = streamEventsOf('anthropic', { text: 'River: the Isar flows through Munich.' });
    const at = events.findIndex((event) => typeof event !== 'string' && event.type === 'content_block_delta');
    const body = sseBody('anthropic', events.slice(0, at + 2)) + 'data: {"error":"Lost the GPU mid-answer (fault injection)."}\n\n';
    harness.fake.setMode({ kind: 'raw', contentType: 'text/event-stream', body }, { times: 1 });
    const reading = anthropic.messages.stream({ model: 'fake-model', max_tokens: 100, messages: [{ role: 'user', content: 'Rivers, round 7.' }] }).finalMessage();
    await expect(reading).rejects.toThrow(/Lost the GPU mid-answer/);
  });
});
