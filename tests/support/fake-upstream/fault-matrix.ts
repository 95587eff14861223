// Provider faults for every wire protocol a provider may speak (chat completions, Anthropic messages, the
// Responses API), streamed or whole: each fault is built from a good answer in that protocol, so the same
// fault (a cut stream, a wrong type, absurd usage...) reaches every caller protocol through every
// translation. Used by tests/gateway/provider-fault-matrix.test.ts.
import { finalResponse, responseEvents } from '../../gateway/responses/openai-streams.js';
import type { FakeMode } from './types.js';

export type Wire = 'chat' | 'anthropic' | 'responses';

/** Usage as the provider reports it; a string is written into the JSON as it is (`1e400`, `"NaN"`). */
export interface WireUsage {
  input: number | string;
  output: number | string;
}

export interface GoodAnswer {
  text: string;
  /** 'missing': the answer carries no usage at all. */
  usage?: WireUsage | 'missing';
  /** A tool call instead of text; `arguments` is sent as it is (it may not be JSON). */
  tool?: { name: string; arguments: string };
  /** Cut short by the token limit (chat `length`, Anthropic `max_tokens`, a Responses `incomplete` answer). */
  truncated?: boolean;
}

type Json = Record<string, any>;

const raw = (value: string): string => `@@raw:${value}@@`;
/** JSON text with the `raw()` markers replaced by their bare text (numbers JSON.stringify cannot write). */
export const jsonText = (value: unknown): string => JSON.stringify(value).replace(/"@@raw:(.*?)@@"/g, (_, text: string) => text.replace(/\\"/g, '"'));
const usageNumber = (value: number | string): number | string => (typeof value === 'string' ? raw(value) : value);

/** Splits a string into pieces of at most `size` characters. */
function pieces(text: string, size = 4): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [''];
}

// ---------------------------------------------------------------------------------------------------
// Good answers, event by event

const chatHead = { id: 'chatcmpl-matrix', object: 'chat.completion.chunk', created: 1_764_000_000, model: 'fake-model' };

function chatUsage(usage: GoodAnswer['usage']): Json | undefined {
  if (usage === 'missing') return undefined;
  const { input, output } = usage ?? { input: 12, output: 5 };
  return { prompt_tokens: usageNumber(input), completion_tokens: usageNumber(output), total_tokens: typeof input === 'number' && typeof output === 'number' ? input + output : usageNumber(input) };
}

function anthropicUsage(usage: GoodAnswer['usage']): Json | undefined {
  if (usage === 'missing') return undefined;
  const { input, output } = usage ?? { input: 12, output: 5 };
  return { input_tokens: usageNumber(input), output_tokens: usageNumber(output) };
}

function responsesUsage(usage: GoodAnswer['usage']): Json | null {
  if (usage === 'missing') return null;
  const { input, output } = usage ?? { input: 12, output: 5 };
  return {
    input_tokens: usageNumber(input),
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: usageNumber(output),
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: typeof input === 'number' && typeof output === 'number' ? input + output : usageNumber(input),
  };
}

/** The events of a streamed answer (objects; `'[DONE]'` for chat's end marker), in order. */
export function streamEventsOf(wire: Wire, answer: GoodAnswer): Array<Json | '[DONE]'> {
  if (wire === 'chat') {
    const chunk = (delta: Json, finish: string | null = null): Json => ({ ...chatHead, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
    const events: Array<Json | '[DONE]'> = [chunk({ role: 'assistant', content: answer.tool ? null : '' })];
    if (answer.tool) {
      events.push(chunk({ tool_calls: [{ index: 0, id: 'call_matrix', type: 'function', function: { name: answer.tool.name, arguments: '' } }] }));
      for (const piece of pieces(answer.tool.arguments)) events.push(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }));
    } else for (const piece of pieces(answer.text)) events.push(chunk({ content: piece }));
    events.push(chunk({}, answer.tool ? 'tool_calls' : answer.truncated ? 'length' : 'stop'));
    const usage = chatUsage(answer.usage);
    if (usage) events.push({ ...chatHead, choices: [], usage });
    events.push('[DONE]');
    return events;
  }
  if (wire === 'anthropic') {
    const usage = anthropicUsage(answer.usage);
    const start: Json = { id: 'msg_matrix', type: 'message', role: 'assistant', model: 'fake-model', content: [], stop_reason: null, stop_sequence: null };
    if (usage) start.usage = { ...usage, output_tokens: 1 };
    const block = answer.tool ? { type: 'tool_use', id: 'toolu_matrix', name: answer.tool.name, input: {} } : { type: 'text', text: '' };
    const deltas = answer.tool
      ? pieces(answer.tool.arguments).map((partial_json) => ({ type: 'input_json_delta', partial_json }))
      : pieces(answer.text).map((text) => ({ type: 'text_delta', text }));
    return [
      { type: 'message_start', message: start },
      { type: 'content_block_start', index: 0, content_block: block },
      { type: 'ping' },
      ...deltas.map((delta) => ({ type: 'content_block_delta', index: 0, delta })),
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: answer.tool ? 'tool_use' : answer.truncated ? 'max_tokens' : 'end_turn', stop_sequence: null }, ...(usage ? { usage: { output_tokens: usage.output_tokens } } : {}) },
      { type: 'message_stop' },
    ];
  }
  const final = wholeAnswerOf('responses', answer);
  return responseEvents(final, (events) => (answer.truncated ? events.map((event) => (event.type === 'response.completed' ? { ...event, type: 'response.incomplete' } : event)) : events));
}

/** A whole (non-streamed) answer. */
export function wholeAnswerOf(wire: Wire, answer: GoodAnswer): Json {
  if (wire === 'chat') {
    const message = answer.tool
      ? { role: 'assistant', content: null, tool_calls: [{ id: 'call_matrix', type: 'function', function: { name: answer.tool.name, arguments: answer.tool.arguments } }] }
      : { role: 'assistant', content: answer.text };
    const usage = chatUsage(answer.usage);
    const finish = answer.tool ? 'tool_calls' : answer.truncated ? 'length' : 'stop';
    return { id: 'chatcmpl-matrix', object: 'chat.completion', created: 1_764_000_000, model: 'fake-model', choices: [{ index: 0, message, logprobs: null, finish_reason: finish }], ...(usage ? { usage } : {}) };
  }
  if (wire === 'anthropic') {
    const usage = anthropicUsage(answer.usage);
    const content = answer.tool ? [{ type: 'tool_use', id: 'toolu_matrix', name: answer.tool.name, input: raw(answer.tool.arguments) }] : [{ type: 'text', text: answer.text }];
    const stop = answer.tool ? 'tool_use' : answer.truncated ? 'max_tokens' : 'end_turn';
    return { id: 'msg_matrix', type: 'message', role: 'assistant', model: 'fake-model', content, stop_reason: stop, stop_sequence: null, ...(usage ? { usage } : {}) };
  }
  const item = answer.tool
    ? { type: 'function_call', id: 'fc_matrix', call_id: 'call_matrix', name: answer.tool.name, arguments: answer.tool.arguments, status: 'completed' }
    : { type: 'message', id: 'msg_matrix', status: 'completed', role: 'assistant', content: [{ type: 'output_text', annotations: [], logprobs: [], text: answer.text }] };
  const cut = answer.truncated ? { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } } : {};
  return finalResponse([item], { usage: responsesUsage(answer.usage), ...cut });
}

/** One SSE event as the wire writes it: chat without event names, the others with `event: <type>`. */
export function sseEvent(wire: Wire, event: Json | '[DONE]' | string): string {
  if (typeof event === 'string') return `data: ${event}\n\n`;
  const data = jsonText(event);
  return wire === 'chat' ? `data: ${data}\n\n` : `event: ${event.type}\ndata: ${data}\n\n`;
}

export const sseBody = (wire: Wire, events: Array<Json | string>): string => events.map((event) => sseEvent(wire, event)).join('');

/** How many events end the stream (chat: finish + usage + [DONE]; Anthropic: message_delta + stop; Responses: completed). */
function tailLength(wire: Wire, events: Array<Json | string>): number {
  if (wire === 'chat') return events.length - events.findIndex((event) => typeof event === 'object' && event.choices?.[0]?.finish_reason);
  return wire === 'anthropic' ? 2 : 1;
}

// ---------------------------------------------------------------------------------------------------
// Faults

const stream = (body: string | (() => Iterable<string | Buffer>), extra: Partial<Extract<FakeMode, { kind: 'raw' }>> = {}): FakeMode => ({ kind: 'raw', contentType: 'text/event-stream', body, ...extra });
const whole = (body: string | (() => Iterable<string | Buffer>), extra: Partial<Extract<FakeMode, { kind: 'raw' }>> = {}): FakeMode => ({ kind: 'raw', body, ...extra });
const good = (text: string): GoodAnswer => ({ text });

/** any: a hit or not, but a hit replays exactly what the first client got. */
export type CacheOutcome = 'never' | 'kept' | 'any';

/** Where a fault is met: the provider's wire, the caller's protocol (the same or translated), streamed or not. */
export interface Combination {
  wire: Wire;
  /** The caller speaks the provider's protocol: bytes pass through. */
  same: boolean;
  caller: 'chat' | 'messages' | 'responses';
  stream: boolean;
}

/** What the client must get. */
export type Expectation =
  /** 200 with the answer's text (or tool call) intact. */
  | 'serve'
  /** An error in the caller's protocol: a 4xx/5xx body, or a stream that ends with an error event. */
  | 'fail'
  /** Translated: 'fail'. Same protocol both sides: 'fail', or the provider's bytes passed on unchanged. */
  | 'fail-or-pass'
  /** Either the faithful answer ('serve') or an error in the caller's protocol ('fail'): never a wrong answer. */
  | 'either';

export interface MatrixFault {
  name: string;
  /** Whether the fault exists for streamed answers, whole ones, or both. */
  streams: Array<boolean>;
  /** The fault as this wire sends it; undefined when the fault does not exist on this wire. */
  mode(wire: Wire, stream: boolean, text: string): FakeMode | undefined;
  expect: Expectation | ((wire: Wire, stream: boolean) => Expectation);
  /** never: the next identical request reaches the provider. kept: it is a cache hit. */
  cache: CacheOutcome | ((at: Combination) => CacheOutcome);
  /** For 'serve': the text must be exactly the provider's (false: bytes that were not UTF-8 were replaced). */
  exactText?: boolean;
  /** Whether the provider's usage could be trusted (else the record's tokens are estimated). */
  usage?: 'provider' | 'estimated';
  /** A tool call is what is served. */
  toolCall?: boolean;
  /** The tool call's arguments as the provider meant them (compared as JSON). */
  toolArguments?: string;
  /** Needs a provider that allows answers of several MB (upstream.maxAnswerBytes). */
  big?: boolean;
  /** The provider sends text after its end marker: the client may get it only as passed-on bytes, never as part of a translated or cached answer. */
  afterEndIgnored?: boolean;
  /** For 'serve': the text the client must get, when it is not the question's usual answer (a function: from the usual one). */
  servedText?: string | ((text: string, caller: Combination['caller']) => string);
  /** The tokens the record must count (the provider's final usage, not a sum over chunks). */
  tokens?: { input: number; output: number };
  /** More checks on what the client got (its headers, say). */
  check?(response: Response, body: string): void;
  /** Needs a provider with a short timeout (a stream that never ends). */
  slow?: boolean;
}

/** Good answer bytes, split into 1-7 byte pieces so that multi-byte characters are cut in the middle. */
export function* byteSlices(text: string): Generator<Buffer> {
  const bytes = Buffer.from(text);
  const sizes = [3, 1, 5, 2, 7, 4];
  for (let i = 0, k = 0; i < bytes.length; k++) {
    const size = sizes[k % sizes.length]!;
    yield bytes.subarray(i, i + size);
    i += size;
  }
}

/** The body with two bytes that are not UTF-8 written into the first string that holds `text`. */
function withInvalidUtf8(body: string, text: string): () => Iterable<Buffer> {
  const at = body.indexOf(text.slice(0, 4));
  return () => [Buffer.from(body.slice(0, at)), Buffer.from([0xff, 0xfe]), Buffer.from(body.slice(at))];
}

function goodStream(wire: Wire, answer: GoodAnswer): string {
  return sseBody(wire, streamEventsOf(wire, answer));
}

function errorBodyOf(wire: Wire): Json {
  return wire === 'anthropic'
    ? { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded (fault injection).' } }
    : { error: { message: 'The server had an error while processing your request (fault injection).', type: 'server_error', param: null, code: null } };
}

function errorEventOf(wire: Wire): string {
  if (wire === 'chat') return `data: ${JSON.stringify(errorBodyOf('chat'))}\n\n`;
  if (wire === 'anthropic') return `event: error\ndata: ${JSON.stringify(errorBodyOf('anthropic'))}\n\n`;
  return `event: error\ndata: ${JSON.stringify({ type: 'error', code: 'server_error', message: 'The model crashed (fault injection).', param: null, sequence_number: 9 })}\n\n`;
}

/** A good answer's first text delta with `value` in place of its text. */
function withWrongType(wire: Wire, events: Array<Json | '[DONE]'>, value: unknown): Array<Json | '[DONE]'> {
  let done = false;
  return events.map((event) => {
    if (done || typeof event === 'string') return event;
    if (wire === 'chat' && typeof event.choices?.[0]?.delta?.content === 'string' && event.choices[0].delta.content !== '') {
      done = true;
      return { ...event, choices: [{ ...event.choices[0], delta: { content: value } }] };
    }
    if (wire === 'anthropic' && event.type === 'content_block_delta') {
      done = true;
      return { ...event, delta: { type: 'text_delta', text: value } };
    }
    if (wire === 'responses' && event.type === 'response.output_text.delta') {
      done = true;
      return { ...event, delta: value };
    }
    return event;
  });
}

function wholeWithWrongType(wire: Wire, text: string): Json {
  const answer = wholeAnswerOf(wire, good(text));
  if (wire === 'chat') answer.choices[0].message.content = 5;
  else if (wire === 'anthropic') answer.content[0].text = 5;
  else answer.output[0].content[0].text = 5;
  return answer;
}

const huge = (wire: Wire, stream: boolean): FakeMode => {
  const text = 'x'.repeat(64 * 1024);
  if (!stream) return whole(jsonText(wholeAnswerOf(wire, good(text.repeat(16)))));
  const events = streamEventsOf(wire, good(text.repeat(16)));
  return stream_(sseBody(wire, events));
};
const stream_ = stream;

const withUsage = (usage: WireUsage | 'missing') => (wire: Wire, isStream: boolean, text: string): FakeMode =>
  isStream ? stream(goodStream(wire, { text, usage })) : whole(jsonText(wholeAnswerOf(wire, { text, usage })));

export const multiByteText = 'Grüße aus München: 東京タワー 😀👍🏽 — ça va? ℵ₀ Ωμέγα';

export const matrixFaults: MatrixFault[] = [
  {
    name: 'control: a good answer',
    streams: [true, false],
    mode: (wire, isStream, text) => (isStream ? stream(goodStream(wire, good(text))) : whole(jsonText(wholeAnswerOf(wire, good(text))))),
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  {
    name: 'control: an answer cut short by the token limit',
    streams: [true, false],
    mode: (wire, isStream, text) => (isStream ? stream(goodStream(wire, { text, truncated: true })) : whole(jsonText(wholeAnswerOf(wire, { text, truncated: true })))),
    expect: 'serve',
    // Whole as the provider meant it; a Responses answer that is `incomplete` is served and counted, not kept.
    cache: ({ caller }) => (caller === 'responses' ? 'never' : 'kept'),
    usage: 'provider',
  },
  {
    name: 'a body that is not JSON, with 200',
    streams: [true, false],
    mode: (_wire, isStream) => (isStream ? stream('data: <html><body>502 Bad Gateway</body></html>\n\n') : whole('<html><body>502 Bad Gateway</body></html>')),
    expect: (_wire, isStream) => (isStream ? 'fail-or-pass' : 'fail'),
    cache: 'never',
  },
  {
    name: 'JSON of the wrong shape',
    streams: [true, false],
    mode: (wire, isStream) =>
      isStream
        ? stream(sseBody(wire, wire === 'chat' ? [{ status: 'ok', result: [1, 2] }, '[DONE]'] : [{ type: 'status', status: 'ok' }, { type: 'status', status: 'done' }]))
        : whole(JSON.stringify({ status: 'ok', result: [1, 2] })),
    expect: (_wire, isStream) => (isStream ? 'fail-or-pass' : 'fail'),
    cache: 'never',
  },
  {
    name: 'JSON null',
    streams: [false],
    mode: () => whole('null'),
    expect: 'fail',
    cache: 'never',
  },
  {
    name: 'wrong types in a chunk',
    streams: [true, false],
    mode: (wire, isStream, text) => (isStream ? stream(sseBody(wire, withWrongType(wire, streamEventsOf(wire, good(text)), 5))) : whole(jsonText(wholeWithWrongType(wire, text)))),
    expect: 'fail-or-pass',
    cache: 'never',
  },
  {
    name: 'an SSE stream cut in the middle of an event',
    streams: [true],
    mode: (wire, _isStream, text) => {
      const events = streamEventsOf(wire, good(text)).map((event) => sseEvent(wire, event));
      const third = events[3]!;
      return stream(events.slice(0, 3).join('') + third.slice(0, Math.floor(third.length / 2)), { cut: true });
    },
    expect: 'fail',
    cache: 'never',
  },
  {
    name: 'a whole answer cut in the middle',
    streams: [false],
    mode: (wire, _isStream, text) => {
      const body = jsonText(wholeAnswerOf(wire, good(text)));
      return whole(body.slice(0, Math.floor(body.length / 2)), { cut: true });
    },
    expect: 'fail',
    cache: 'never',
  },
  {
    name: 'a stream that ends cleanly before its final event',
    streams: [true],
    mode: (wire, _isStream, text) => {
      const events = streamEventsOf(wire, good(text));
      return stream(sseBody(wire, events.slice(0, events.length - tailLength(wire, events))));
    },
    expect: 'fail',
    cache: 'never',
  },
  {
    name: 'a stream that stops sending and never ends',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      if (!isStream) return whole(jsonText(wholeAnswerOf(wire, good(text))).slice(0, 20), { hang: true });
      const events = streamEventsOf(wire, good(text));
      return stream(sseBody(wire, events.slice(0, 3)), { hang: true });
    },
    expect: 'fail',
    cache: 'never',
    slow: true,
  },
  {
    name: 'bytes that are not UTF-8 inside the text',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      const body = isStream ? goodStream(wire, good(text)) : jsonText(wholeAnswerOf(wire, good(text)));
      return isStream ? stream(withInvalidUtf8(body, text)) : whole(withInvalidUtf8(body, text));
    },
    expect: 'serve',
    exactText: false,
    cache: 'never',
  },
  {
    name: 'multi-byte characters split across chunks',
    streams: [true, false],
    mode: (wire, isStream) => {
      const answer = good(multiByteText);
      const body = isStream ? goodStream(wire, answer) : jsonText(wholeAnswerOf(wire, answer));
      return isStream ? stream(() => byteSlices(body), { pauseMs: 1 }) : whole(() => byteSlices(body), { pauseMs: 1 });
    },
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  {
    name: 'an error event in the middle of a stream',
    streams: [true],
    mode: (wire, _isStream, text) => {
      const events = streamEventsOf(wire, good(text)).map((event) => sseEvent(wire, event));
      return stream(events.slice(0, 3).join('') + errorEventOf(wire));
    },
    expect: 'fail',
    cache: 'never',
  },
  {
    name: 'HTTP 200 carrying an error object',
    streams: [true, false],
    mode: (wire) => whole(JSON.stringify(errorBodyOf(wire))),
    expect: 'fail',
    cache: 'never',
  },
  ...[429, 500, 503].flatMap((status): MatrixFault[] =>
    [undefined, 2].map((retryAfter) => ({
      name: `HTTP ${status}${retryAfter ? ` with retry-after ${retryAfter}` : ''}`,
      streams: [true, false],
      mode: () => ({ kind: 'error', status, retryAfter }),
      expect: 'fail',
      cache: 'never',
    })),
  ),
  {
    name: 'an answer larger than upstream.maxAnswerBytes',
    streams: [true, false],
    mode: (wire, isStream) => huge(wire, isStream),
    expect: 'fail',
    cache: 'never',
  },
  {
    name: 'usage missing',
    streams: [true, false],
    mode: withUsage('missing'),
    expect: 'serve',
    // A chat caller that asked for usage (stream_options.include_usage) gets no replay without it.
    // Translated answers carry usage (of zeros); a passed-through one has none to replay to them.
    cache: ({ caller, stream, same }) => (caller === 'chat' && stream && same ? 'never' : 'kept'),
    usage: 'estimated',
  },
  ...(
    [
      ['negative', { input: -40, output: -7 }],
      ['1e12', { input: 12, output: 1e12 }],
      ['Infinity (1e400)', { input: '1e400', output: 5 }],
      ['"NaN" strings', { input: '"NaN"', output: '"NaN"' }],
    ] as const
  ).map(([label, usage]): MatrixFault => ({
    name: `usage absurd: ${label}`,
    streams: [true, false],
    mode: withUsage(usage),
    expect: 'serve',
    // Translated, counts that are not numbers become 0, which a replay may repeat; numbers pass as they came.
    cache: ({ same }) => (same || [usage.input, usage.output].some((count) => typeof count === 'number' && (count < 0 || count > 1e7)) ? 'never' : 'kept'),
    usage: 'estimated',
  })),
  {
    name: 'the final event twice',
    streams: [true],
    mode: (wire, _isStream, text) => {
      const events = streamEventsOf(wire, good(text));
      return stream(sseBody(wire, [...events, events.at(-1)!]));
    },
    expect: 'serve',
    // A passed-through Responses stream gave its client an event after the end: not what a replay gives.
    cache: ({ wire, same }) => (wire === 'responses' && same ? 'never' : 'kept'),
    usage: 'provider',
  },
  {
    name: 'content-type text/html',
    streams: [true, false],
    mode: () => whole('<!doctype html><title>502 Bad Gateway</title><h1>Bad Gateway</h1>', { contentType: 'text/html; charset=utf-8' }),
    expect: 'fail',
    cache: 'never',
  },
  {
    name: 'headers, then a reset',
    streams: [true, false],
    mode: (_wire, isStream) => (isStream ? stream('', { cut: true }) : whole('', { cut: true })),
    expect: 'fail',
    cache: 'never',
  },
  {
    name: 'a gzip-encoded answer',
    streams: [true, false],
    mode: (wire, isStream, text) => (isStream ? stream(goodStream(wire, good(text)), { encoding: 'gzip' }) : whole(jsonText(wholeAnswerOf(wire, good(text))), { encoding: 'gzip' })),
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  {
    name: 'a tool call whose arguments are not JSON',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      const answer: GoodAnswer = { text, tool: { name: 'get_weather', arguments: '{"city": "Par' } };
      // Anthropic's whole answers carry input as JSON itself: there it is a string, not an object.
      const body = isStream ? goodStream(wire, answer) : jsonText(wholeAnswerOf(wire, { ...answer, tool: { name: 'get_weather', arguments: '"{\\"city\\": \\"Par"' } }));
      return isStream ? stream(body) : whole(body);
    },
    expect: (wire, isStream) => (wire === 'anthropic' && !isStream ? 'fail-or-pass' : 'serve'),
    cache: 'never',
    toolCall: true,
  },
];
