// Round 5 faults as the official SDKs see them (openai and @anthropic-ai/sdk, which real tools are built
// on): a provider that fails right after its opening event reaches the SDK as an APIError with a status
// it can act on (Claude Code's fallback model on 529), not a broken stream; a provider that streams to a
// request for a whole answer still gives the SDK its JSON; empty SSE data events and a declared Latin-1
// charset do not change the text; a 422 in the other protocol's shape is still an APIError with its message.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { jsonText, sseBody, streamEventsOf, wholeAnswerOf } from '../support/fake-upstream/fault-matrix.js';
import type { FakeMode } from '../support/fake-upstream/types.js';
import { sdkGatewayBefore } from './sdk-gateway.js';

const later = (...pieces: string[]): FakeMode => ({ kind: 'raw', contentType: 'text/event-stream', body: () => pieces, pauseMs: 50 });

describe('the Anthropic SDK in front of an Anthropic provider (passed through)', () => {
  const sdk = sdkGatewayBefore('anthropic');

  it('message_start, an empty text block and a ping, then overloaded_error in a later read: an APIError with status 529', async () => {
    const [start, block] = streamEventsOf('anthropic', { text: 'never sent' });
    sdk.harness.fake.setMode(later(sseBody('anthropic', [start!, block!, { type: 'ping' }]), 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded (fault injection)"}}\n\n'), { times: 1 });
    const failure = await sdk.anthropic.messages
      .stream({ model: 'fake-model', max_tokens: 100, messages: [{ role: 'user', content: 'Overloaded after the start, SDK.' }] })
      .finalMessage()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.APIError);
    expect((failure as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    expect(String((failure as Error).message)).toContain('Overloaded (fault injection)');
  });

  it('a 422 in OpenAI\'s shape: an APIError carrying the provider\'s message', async () => {
    sdk.harness.fake.setMode({ kind: 'raw', status: 422, contentType: 'application/json', body: '{"error":{"message":"Unprocessable (fault injection).","type":"invalid_request_error"}}' }, { times: 1 });
    const failure = await sdk.anthropic.messages.create({ model: 'fake-model', max_tokens: 100, messages: [{ role: 'user', content: '422, SDK.' }] }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.APIError);
    expect((failure as InstanceType<typeof Anthropic.APIError>).status).toBe(422);
    expect(String((failure as Error).message)).toContain('Unprocessable (fault injection).');
  });

  it('a stream sent to a request for a whole answer: messages.create() gets the message', async () => {
    sdk.harness.fake.setMode({ kind: 'raw', contentType: 'text/event-stream', body: sseBody('anthropic', streamEventsOf('anthropic', { text: 'Streamed anyway.' })) }, { times: 1 });
    const message = await sdk.anthropic.messages.create({ model: 'fake-model', max_tokens: 100, messages: [{ role: 'user', content: 'Whole, please, SDK.' }] });
    expect(message.content).toEqual([{ type: 'text', text: 'Streamed anyway.' }]);
  });
});

describe('the openai SDK in front of a chat completions provider (passed through)', () => {
  const sdk = sdkGatewayBefore('chat');

  it('empty data events between the chunks: the SDK (which would choke on them) gets the text', async () => {
    const body = streamEventsOf('chat', { text: 'Past the empty events.' })
      .map((event, index) => (index > 0 ? 'data: \n\n' : '') + sseBody('chat', [event]))
      .join('');
    sdk.harness.fake.setMode({ kind: 'raw', contentType: 'text/event-stream', body }, { times: 1 });
    const stream = await sdk.openai.chat.completions.create({ model: 'fake-model', stream: true, messages: [{ role: 'user', content: 'Empty events, SDK.' }] });
    let text = '';
    const failure = await (async () => {
      for await (const part of stream) text += part.choices[0]?.delta?.content ?? '';
    })().catch((error: unknown) => error);
    // Passed through as they came: the SDK reads them itself; either it gets the whole text or it raises, never less text.
    if (failure === undefined) expect(text).toBe('Past the empty events.');
    else expect(failure).toBeInstanceOf(Error);
  });

  it('a stream sent to a request for a whole answer: chat.completions.create() gets the completion', async () => {
    sdk.harness.fake.setMode({ kind: 'raw', contentType: 'text/event-stream', body: sseBody('chat', streamEventsOf('chat', { text: 'Streamed anyway, chat.' })) }, { times: 1 });
    const completion = await sdk.openai.chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: 'Whole, please, chat SDK.' }] });
    expect(completion.choices[0]?.message.content).toBe('Streamed anyway, chat.');
  });

  it('Latin-1 bytes under charset=iso-8859-1: the SDK reads "Café", not U+FFFD', async () => {
    const body = Buffer.from(jsonText(wholeAnswerOf('chat', { text: 'Un café, s’il vous plaît' }).valueOf()).replace('’', "'"), 'latin1');
    sdk.harness.fake.setMode({ kind: 'raw', contentType: 'application/json; charset=iso-8859-1', body: () => [body] }, { times: 1 });
    const completion = await sdk.openai.chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: 'Latin-1, SDK.' }] });
    expect(completion.choices[0]?.message.content).toBe("Un café, s'il vous plaît");
  });
});

describe('the openai SDK in front of an Anthropic provider (translated)', () => {
  const sdk = sdkGatewayBefore('anthropic');

  it('empty data events between the events: the translated stream has the whole text', async () => {
    const body = streamEventsOf('anthropic', { text: 'Translated past the empty events.' })
      .map((event, index) => (index > 0 ? 'data:\n\n' : '') + sseBody('anthropic', [event]))
      .join('');
    sdk.harness.fake.setMode({ kind: 'raw', contentType: 'text/event-stream', body }, { times: 1 });
    const stream = await sdk.openai.chat.completions.create({ model: 'fake-model', stream: true, messages: [{ role: 'user', content: 'Empty events translated, SDK.' }] });
    let text = '';
    for await (const part of stream) text += part.choices[0]?.delta?.content ?? '';
    expect(text).toBe('Translated past the empty events.');
  });

  it('Responses: message_start, then overloaded_error in a later read: an APIError (502), not a failed stream', async () => {
    const [start] = streamEventsOf('anthropic', { text: 'never sent' });
    sdk.harness.fake.setMode(later(sseBody('anthropic', [start!]), 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded (fault injection)"}}\n\n'), { times: 1 });
    const failure = await sdk.openai.responses
      .stream({ model: 'fake-model', input: 'Overloaded after the start, Responses SDK.', store: false })
      .finalResponse()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect(String((failure as Error).message)).toContain('Overloaded (fault injection)');
  });
});
