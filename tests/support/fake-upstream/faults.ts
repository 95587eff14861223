// The provider faults the gateway must survive (issue 15), as fake-upstream 'raw' modes: each is one
// malformed, cut, negative or oversized answer, streamed or whole, in the protocol the upstream speaks.
//   up.setMode(fault.mode, { times: 1 });
import type { FakeMode } from './types.js';
import type { Protocol } from './shared.js';

export interface ProviderFault {
  name: string;
  /** The protocol the faulty upstream speaks. */
  upstream: Protocol;
  /** A streamed answer (the client asked for stream: true) or a whole one. */
  stream: boolean;
  mode: FakeMode;
  /**
   * What the client may get. fail (default): a 502 or an error event in its protocol (or, same protocol
   * both sides, the bytes passed on unchanged). either: that, or a good answer (a connection cut before
   * the answer began is retried; a stream that only lacks [DONE] is complete enough to serve). serve: the
   * answer is well-formed apart from its numbers, which must never be counted negative.
   * In no case is a faulty answer cached.
   */
  outcome?: 'fail' | 'either' | 'serve';
  /** A served answer that is whole and right (only its usage is missing): it may be cached. */
  cacheable?: boolean;
}

const sse = (...events: unknown[]): string => events.map((data) => `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`).join('');
const named = (...events: Array<{ type: string } & Record<string, unknown>>): string => events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('');
const stream = (body: string, cut = false): FakeMode => ({ kind: 'raw', contentType: 'text/event-stream', body, cut });
const json = (body: unknown): FakeMode => ({ kind: 'raw', body: typeof body === 'string' ? body : JSON.stringify(body) });

const head = { id: 'chatcmpl-fault', object: 'chat.completion.chunk', created: 1, model: 'fake-model' };
const chunk = (choices: unknown, extra: object = {}) => ({ ...head, choices, ...extra });
const okChoice = (delta: unknown, finish: unknown = null) => ({ index: 0, delta, finish_reason: finish });
const completion = (choices: unknown, extra: object = {}) => ({ id: 'chatcmpl-fault', object: 'chat.completion', created: 1, model: 'fake-model', choices, ...extra });
const message = (extra: object = {}) => ({
  id: 'msg_fault',
  type: 'message',
  role: 'assistant',
  model: 'fake-model',
  content: [{ type: 'text', text: 'hi' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 3, output_tokens: 1 },
  ...extra,
});
const start = { type: 'message_start', message: { ...message(), content: [], stop_reason: null } };

/** 600 MB of one streamed answer, made as it is sent (never held in memory). */
export function hugeOpenAIStream(totalBytes = 600 * 1024 * 1024): () => Iterable<string> {
  return function* () {
    const piece = sse(chunk([okChoice({ content: 'x'.repeat(64 * 1024) })]));
    for (let sent = 0; sent < totalBytes; sent += piece.length) yield piece;
    yield sse(chunk([okChoice({}, 'stop')]), '[DONE]');
  };
}

/** 600 MB of one JSON answer, made as it is sent. */
export function hugeJsonAnswer(totalBytes = 600 * 1024 * 1024): () => Iterable<string> {
  return function* () {
    yield '{"id":"chatcmpl-huge","object":"chat.completion","created":1,"model":"fake-model","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"';
    const piece = 'x'.repeat(1024 * 1024);
    for (let sent = 0; sent < totalBytes; sent += piece.length) yield piece;
    yield '"}}]}';
  };
}

export const providerFaults: ProviderFault[] = [
  // OpenAI-compatible upstream, streamed
  { name: 'openai stream: data: null', upstream: 'openai', stream: true, mode: stream(sse('null', '[DONE]')) },
  { name: 'openai stream: data: 5', upstream: 'openai', stream: true, mode: stream(sse('5', '[DONE]')) },
  { name: 'openai stream: choices: 5', upstream: 'openai', stream: true, mode: stream(sse(chunk(5), '[DONE]')) },
  { name: 'openai stream: choices: [null]', upstream: 'openai', stream: true, mode: stream(sse(chunk([null]), '[DONE]')) },
  { name: 'openai stream: delta: 5', upstream: 'openai', stream: true, mode: stream(sse(chunk([okChoice(5)]), '[DONE]')) },
  { name: 'openai stream: delta.tool_calls: [null]', upstream: 'openai', stream: true, mode: stream(sse(chunk([okChoice({ tool_calls: [null] })]), chunk([okChoice({}, 'tool_calls')]), '[DONE]')) },
  {
    name: 'openai stream: tool_calls function null',
    upstream: 'openai',
    stream: true,
    mode: stream(sse(chunk([okChoice({ tool_calls: [{ index: 0, id: 'call_1', function: null }] })]), chunk([okChoice({}, 'tool_calls')]), '[DONE]')),
  },
  { name: 'openai stream: finish_reason: 5', upstream: 'openai', stream: true, mode: stream(sse(chunk([okChoice({ content: 'a' }, 5)]), '[DONE]')) },
  { name: 'openai stream: not JSON', upstream: 'openai', stream: true, mode: stream(sse('{"choices":[', '[DONE]')) },
  { name: 'openai stream: cut after the first chunk', upstream: 'openai', stream: true, mode: stream(sse(chunk([okChoice({ content: 'par' })])), true), outcome: 'either' },
  // Every choice finished and the stream ended cleanly: a whole answer (some servers send no [DONE]), served and kept.
  { name: 'openai stream: ends without [DONE]', upstream: 'openai', stream: true, mode: stream(sse(chunk([okChoice({ content: 'a' })]), chunk([okChoice({}, 'stop')]))), outcome: 'serve', cacheable: true },
  {
    name: 'openai stream: negative usage',
    upstream: 'openai',
    stream: true,
    outcome: 'serve',
    mode: stream(sse(chunk([okChoice({ content: 'a' })]), chunk([okChoice({}, 'stop')]), chunk([], { usage: { prompt_tokens: -50, completion_tokens: -7, total_tokens: -57 } }), '[DONE]')),
  },
  // OpenAI-compatible upstream, whole answers
  { name: 'openai json: null', upstream: 'openai', stream: false, mode: json('null') },
  { name: 'openai json: choices: 5', upstream: 'openai', stream: false, mode: json(completion(5)) },
  { name: 'openai json: choices: [null]', upstream: 'openai', stream: false, mode: json(completion([null])) },
  { name: 'openai json: message null', upstream: 'openai', stream: false, mode: json(completion([{ index: 0, message: null, finish_reason: 'stop' }])) },
  {
    name: 'openai json: tool_calls function null',
    upstream: 'openai',
    stream: false,
    mode: json(completion([{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: null }] }, finish_reason: 'tool_calls' }])),
  },
  { name: 'openai json: content 5', upstream: 'openai', stream: false, mode: json(completion([{ index: 0, message: { role: 'assistant', content: 5 }, finish_reason: 'stop' }])) },
  { name: 'openai json: not JSON', upstream: 'openai', stream: false, mode: json('<html>gateway error</html>') },
  { name: 'openai json: truncated', upstream: 'openai', stream: false, mode: { kind: 'raw', body: '{"choices":[{"message":{"content":"hal', cut: true }, outcome: 'either' },
  {
    name: 'openai json: negative usage',
    upstream: 'openai',
    stream: false,
    outcome: 'serve',
    mode: json(completion([{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }], { usage: { prompt_tokens: -5, completion_tokens: -1e12, total_tokens: 3 } })),
  },
  // Anthropic upstream, streamed
  { name: 'anthropic stream: message_start without message', upstream: 'anthropic', stream: true, mode: stream(named({ type: 'message_start' }, { type: 'message_stop' })) },
  { name: 'anthropic stream: data: null', upstream: 'anthropic', stream: true, mode: stream('event: message_start\ndata: null\n\n') },
  { name: 'anthropic stream: content_block_start without block', upstream: 'anthropic', stream: true, mode: stream(named(start, { type: 'content_block_start', index: 0 }, { type: 'message_stop' })) },
  {
    name: 'anthropic stream: delta null',
    upstream: 'anthropic',
    stream: true,
    mode: stream(named(start, { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, { type: 'content_block_delta', index: 0, delta: null }, { type: 'message_stop' })),
  },
  {
    name: 'anthropic stream: text_delta text 5',
    upstream: 'anthropic',
    stream: true,
    mode: stream(named(start, { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 5 } }, { type: 'message_stop' })),
  },
  { name: 'anthropic stream: message_delta without delta', upstream: 'anthropic', stream: true, mode: stream(named(start, { type: 'message_delta' }, { type: 'message_stop' })) },
  {
    name: 'anthropic stream: tool_use without name',
    upstream: 'anthropic',
    stream: true,
    mode: stream(named(start, { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_1' } }, { type: 'message_stop' })),
  },
  { name: 'anthropic stream: cut after message_start', upstream: 'anthropic', stream: true, mode: stream(named(start), true), outcome: 'either' },
  {
    name: 'anthropic stream: negative usage',
    upstream: 'anthropic',
    stream: true,
    outcome: 'serve',
    mode: stream(
      named(
        { type: 'message_start', message: { ...message(), content: [], stop_reason: null, usage: { input_tokens: -40, output_tokens: 1 } } },
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'hi' } },
        { type: 'content_block_stop', index: 0 },
        { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: -9 } },
        { type: 'message_stop' },
      ),
    ),
  },
  // Anthropic upstream, whole answers
  { name: 'anthropic json: null', upstream: 'anthropic', stream: false, mode: json('null') },
  { name: 'anthropic json: content 5', upstream: 'anthropic', stream: false, mode: json(message({ content: 5 })) },
  { name: 'anthropic json: content [null]', upstream: 'anthropic', stream: false, mode: json(message({ content: [null] })) },
  { name: 'anthropic json: tool_use input null', upstream: 'anthropic', stream: false, mode: json(message({ content: [{ type: 'tool_use', id: 't', name: 'n', input: null }], stop_reason: 'tool_use' })) },
  // Usage is for stats only: an answer without it is served (and counted by the tokenizer).
  { name: 'anthropic json: usage missing', upstream: 'anthropic', stream: false, mode: json(message({ usage: undefined })), outcome: 'serve', cacheable: true },
  { name: 'anthropic json: not JSON', upstream: 'anthropic', stream: false, mode: json('Internal Server Error') },
  { name: 'anthropic json: negative usage', upstream: 'anthropic', stream: false, outcome: 'serve', mode: json(message({ usage: { input_tokens: -3, output_tokens: -1 } })) },
];
