// Empty SSE data events (`data:` or `data: ` alone, some proxies' keep-alive) in a stream passed through
// unchanged (same protocol both sides) as the official SDKs read it: the openai SDK JSON.parses every
// event's data and throws on an empty one, so the gateway drops those events (they carry nothing) and the
// SDK gets the whole text. Comments (`: ping`) stay: SDKs skip them and they keep a connection alive.
import { describe, expect, it } from 'vitest';
import { sseBody, streamEventsOf, type Wire } from '../support/fake-upstream/fault-matrix.js';
import type { FakeMode } from '../support/fake-upstream/types.js';
import { sdkGatewayBefore } from './sdk-gateway.js';

/** The good stream with an empty data event (in one of several spellings) before every event but the first. */
function withEmptyEvents(wire: Wire, text: string): FakeMode {
  const spellings = ['data:\n\n', 'data: \n\n', 'data:\r\n\r\n', ': ping\n\ndata:  \n\n', 'event: ping\ndata:\n\n'];
  const body = streamEventsOf(wire, { text })
    .map((event, index) => (index > 0 ? spellings[index % spellings.length]! : '') + sseBody(wire, [event]))
    .join('');
  return { kind: 'raw', contentType: 'text/event-stream', body };
}

describe('the openai SDK in front of a chat completions provider whose stream holds empty data events', () => {
  const sdk = sdkGatewayBefore('chat');

  it('the SDK reads the whole text without throwing, and the comments still reach it', async () => {
    sdk.harness.fake.setMode(withEmptyEvents('chat', 'Past the empty events, round 6.'), { times: 1 });
    const stream = await sdk.openai.chat.completions.create({ model: 'fake-model', stream: true, messages: [{ role: 'user', content: 'Empty events, round 6.' }] });
    let text = '';
    for await (const part of stream) text += part.choices[0]?.delta?.content ?? '';
    expect(text).toBe('Past the empty events, round 6.');
  });

  it('on the wire: no event with blank data is left, every other byte is the provider\'s', async () => {
    sdk.harness.fake.setMode(withEmptyEvents('chat', 'Bytes on the wire.'), { times: 1 });
    const response = await sdk.harness.chat({ model: 'fake-model', stream: true, messages: [{ role: 'user', content: 'Wire check, round 6.' }] });
    const body = await response.text();
    expect(body).not.toMatch(/^data: ?\r?$/m);
    expect(body).toContain(': ping\n\n');
    expect(body.replace(/: ping\n\n/g, '')).toBe(sseBody('chat', streamEventsOf('chat', { text: 'Bytes on the wire.' })));
  });
});

describe('the Anthropic SDK in front of an Anthropic provider whose stream holds empty data events', () => {
  const sdk = sdkGatewayBefore('anthropic');

  it('the SDK\'s final message holds the whole text', async () => {
    sdk.harness.fake.setMode(withEmptyEvents('anthropic', 'Anthropic past the empty events.'), { times: 1 });
    const message = await sdk.anthropic.messages.stream({ model: 'fake-model', max_tokens: 100, messages: [{ role: 'user', content: 'Empty events, Anthropic.' }] }).finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: 'Anthropic past the empty events.' }]);
  });
});

describe('the openai SDK\'s Responses stream in front of a Responses provider whose stream holds empty data events', () => {
  const sdk = sdkGatewayBefore('responses');

  it('the SDK reads the whole text', async () => {
    sdk.harness.fake.setMode(withEmptyEvents('responses', 'Responses past the empty events.'), { times: 1 });
    const stream = await sdk.openai.responses.create({ model: 'fake-model', stream: true, store: false, input: 'Empty events, Responses.' });
    let text = '';
    for await (const event of stream) if (event.type === 'response.output_text.delta') text += event.delta;
    expect(text).toBe('Responses past the empty events.');
  });
});
