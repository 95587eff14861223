// Provider faults, round 7: classes rounds 1-6 left out (see their notes). Errors in the shapes other
// providers and the servers in front of them write (Ollama, vLLM, TGI, Azure, OpenRouter, Groq, LiteLLM,
// Google's errors array, an error nested in an error, FastAPI's detail), whose words must reach the
// client; the same shapes under a 200, whole and as a stream's event (first or mid-stream, `event: error`
// with text that is not JSON, OpenRouter's error chunk with finish_reason "error"); answers in another
// API's shape (a legacy completions `text`, Ollama's native /api/chat, an Anthropic message on a chat
// wire): never an empty success; the legacy OpenAI `function_call` (no `tool_calls`); thinking blocks
// with their signatures, OpenRouter's `reasoning`, logprobs on every chunk, refusals; tool calls that
// share an id or whose arguments are empty; a stream whose opening comes again mid-answer; a Responses
// `response.failed` after text. Each is built from a good answer in the provider's own protocol. Used by
// tests/gateway/provider-fault-round7.test.ts with the first matrix's checks.
import { expect } from 'vitest';
import { jsonText, sseBody, sseEvent, streamEventsOf, wholeAnswerOf, type GoodAnswer, type MatrixFault, type Wire } from './fault-matrix.js';
import type { FakeMode } from './types.js';

type Json = Record<string, any>;
type Event = Json | '[DONE]';

const stream = (body: string | (() => Iterable<string | Buffer>), extra: Partial<Extract<FakeMode, { kind: 'raw' }>> = {}): FakeMode => ({ kind: 'raw', contentType: 'text/event-stream', body, ...extra });
const whole = (body: string | (() => Iterable<string | Buffer>), extra: Partial<Extract<FakeMode, { kind: 'raw' }>> = {}): FakeMode => ({ kind: 'raw', body, ...extra });
const either = (isStream: boolean) => (isStream ? stream : whole);
const good = (text: string): GoodAnswer => ({ text });
const goodBody = (wire: Wire, isStream: boolean, answer: GoodAnswer): string => (isStream ? sseBody(wire, streamEventsOf(wire, answer)) : jsonText(wholeAnswerOf(wire, answer)));
const edited = (wire: Wire, text: string, edit: (events: Event[]) => Event[]): string => sseBody(wire, edit(streamEventsOf(wire, good(text))));
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Index of the first event that carries answer text. */
function firstTextIndex(wire: Wire, events: Event[]): number {
  return events.findIndex((event) => {
    if (typeof event === 'string') return false;
    if (wire === 'chat') return typeof event.choices?.[0]?.delta?.content === 'string' && event.choices[0].delta.content !== '';
    if (wire === 'anthropic') return event.type === 'content_block_delta';
    return event.type === 'response.output_text.delta';
  });
}

/** The good stream's events up to and including its second text event, then `tail` (raw SSE text). */
function twoTextEventsThen(wire: Wire, text: string, tail: string): string {
  const events = streamEventsOf(wire, good(text));
  const at = firstTextIndex(wire, events) + 1;
  return sseBody(wire, events.slice(0, at + 1)) + tail;
}

const weatherArguments = '{"city":"Paris","days":3}';

// ---------------------------------------------------------------------------------------------------
// Error bodies as other providers write them: [status, provider, body, words the client must read]

const foreignErrors: ReadonlyArray<readonly [number, string, string, string]> = [
  [404, 'Ollama (error as a string)', '{"error":"model \\"llama3.3\\" not found, try pulling it first"}', 'try pulling it first'],
  [404, 'vLLM (object: error at the top)', '{"object":"error","message":"The model `fake-model` does not exist.","type":"NotFoundError","param":null,"code":404}', 'does not exist'],
  [503, 'TGI (error string with error_type)', '{"error":"Model is overloaded","error_type":"overloaded"}', 'Model is overloaded'],
  [404, 'Azure (DeploymentNotFound)', '{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again."}}', 'API deployment for this resource does not exist'],
  [502, 'OpenRouter (numeric code, metadata)', '{"error":{"message":"Provider returned error","code":502,"metadata":{"raw":"upstream overloaded","provider_name":"Fake"}},"user_id":"user_1"}', 'Provider returned error'],
  [413, 'Groq (request too large)', '{"error":{"message":"Request too large for model `fake-model` in organization `org_1` on tokens per minute (TPM): Limit 6000, Requested 9000.","type":"tokens","code":"rate_limit_exceeded"}}', 'Request too large for model'],
  [429, 'Google (an errors array)', '[{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}}]', 'Resource has been exhausted'],
  [500, 'a proxy (an error nested in an error)', '{"error":{"error":{"message":"Nested upstream failure from the proxy.","type":"server_error"}}}', 'Nested upstream failure'],
  [422, 'FastAPI (detail as a list)', '{"detail":[{"loc":["body","messages"],"msg":"field required","type":"value_error.missing"}]}', 'field required'],
  [400, 'LiteLLM (code as a string, type null)', '{"error":{"message":"litellm.BadRequestError: OpenAIException - context window exceeded","type":null,"param":null,"code":"400"}}', 'context window exceeded'],
];

/** The provider's words, somewhere in what the client got (a message may be reworded around them, never lost). */
const wordsReachClient = (words: string) => (_response: Response, body: string) => expect(body).toContain(words);

export const round7Faults: MatrixFault[] = [
  // ---- errors in other providers' shapes: the words reach the client ------------------------------
  ...foreignErrors.map(
    ([status, provider, body, words]): MatrixFault => ({
      name: `HTTP ${status} from ${provider}: its words reach the client`,
      streams: [true, false],
      mode: () => ({ kind: 'raw', status, contentType: 'application/json', body }),
      expect: 'fail',
      cache: 'never',
      check: wordsReachClient(words),
    }),
  ),
  // The same shapes under a 200: not an answer, and the words still reach the client.
  ...foreignErrors
    .filter(([, provider]) => /Ollama|vLLM|OpenRouter|Google|nested/.test(provider))
    .map(
      ([, provider, body, words]): MatrixFault => ({
        name: `HTTP 200 whose whole body is an error from ${provider}`,
        streams: [false],
        mode: () => whole(body, { contentType: 'application/json' }),
        expect: 'fail',
        cache: 'never',
        check: wordsReachClient(words),
      }),
    ),
  {
    name: 'a stream whose first event is an error as a string ({"error":"..."}), no event name',
    streams: [true],
    mode: () => stream('data: {"error":"The upstream model crashed while loading (fault injection)."}\n\n'),
    expect: 'fail',
    cache: 'never',
    check: wordsReachClient('crashed while loading'),
  },
  {
    name: 'an error as a string after some text (data: {"error":"..."} mid-stream)',
    streams: [true],
    mode: (wire, _s, text) => stream(twoTextEventsThen(wire, text, 'data: {"error":"Lost the GPU mid-answer (fault injection)."}\n\n')),
    expect: 'fail',
    cache: 'never',
  },
  {
    name: 'event: error whose data is plain text, after some text',
    streams: [true],
    mode: (wire, _s, text) => stream(twoTextEventsThen(wire, text, 'event: error\ndata: Internal Server Error\n\n')),
    // An Anthropic caller may get it as it came (its SDK reads a plain-text error event as an error); the record says failed.
    expect: 'fail-or-pass',
    cache: 'never',
  },
  {
    name: 'event: error with an error nested in an error, after some text',
    streams: [true],
    mode: (wire, _s, text) => stream(twoTextEventsThen(wire, text, 'event: error\ndata: {"error":{"error":{"message":"Nested failure mid-stream (fault injection)."}}}\n\n')),
    expect: 'fail',
    cache: 'never',
  },
  {
    name: 'OpenRouter\'s mid-stream error: a chunk with an error and finish_reason "error"',
    streams: [true],
    mode: (wire, _s, text) => {
      if (wire !== 'chat') return undefined;
      const chunk = { id: 'gen-1', object: 'chat.completion.chunk', created: 1, model: 'fake-model', provider: 'Fake', error: { code: 502, message: 'Provider disconnected (fault injection).' }, choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error', native_finish_reason: 'error' }] };
      return stream(twoTextEventsThen(wire, text, `data: ${JSON.stringify(chunk)}\n\ndata: [DONE]\n\n`));
    },
    expect: 'fail',
    cache: 'never',
  },
  {
    name: 'finish_reason "error" with no error object, after some text, then [DONE]',
    streams: [true],
    mode: (wire, _s, text) => {
      if (wire !== 'chat') return undefined;
      return stream(
        edited(wire, text, (events) => events.map((event) => (typeof event !== 'string' && event.choices?.[0]?.finish_reason ? { ...event, choices: [{ ...event.choices[0], finish_reason: 'error' }] } : event))),
      );
    },
    expect: 'either',
    cache: 'never',
  },
  {
    name: 'a Responses stream that fails (response.failed) after some text',
    streams: [true],
    mode: (wire, _s, text) => {
      if (wire !== 'responses') return undefined;
      const failed = { type: 'response.failed', sequence_number: 99, response: { id: 'resp_1', object: 'response', status: 'failed', error: { code: 'server_error', message: 'The model failed mid-answer (fault injection).' }, output: [] } };
      return stream(twoTextEventsThen(wire, text, sseEvent(wire, failed)));
    },
    expect: 'fail',
    cache: 'never',
  },
  // ---- answers in another API's shape (a base URL pointing at the wrong endpoint) ------------------
  {
    name: 'a legacy completions answer (choices[].text, object text_completion)',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      if (wire !== 'chat') return undefined;
      if (!isStream) return whole(JSON.stringify({ id: 'cmpl-1', object: 'text_completion', created: 1, model: 'fake-model', choices: [{ text, index: 0, logprobs: null, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 } }));
      const chunks = [text.slice(0, 10), text.slice(10)].map((piece) => ({ id: 'cmpl-1', object: 'text_completion', created: 1, model: 'fake-model', choices: [{ text: piece, index: 0, logprobs: null, finish_reason: null }] }));
      return stream(sseBody('chat', [...chunks, { id: 'cmpl-1', object: 'text_completion', created: 1, model: 'fake-model', choices: [{ text: '', index: 0, logprobs: null, finish_reason: 'stop' }] }, '[DONE]']));
    },
    // Never an empty success: the text where a chat answer has none.
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'Ollama\'s native /api/chat answer (message and done at the top, NDJSON when streamed)',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      if (wire === 'responses') return undefined;
      const line = (content: string, done: boolean) => JSON.stringify({ model: 'fake-model', created_at: '2026-11-27T00:00:00Z', message: { role: 'assistant', content }, done, ...(done ? { done_reason: 'stop', eval_count: 5 } : {}) });
      if (!isStream) return whole(line(text, true));
      return { kind: 'raw', contentType: 'application/x-ndjson', body: `${line(text.slice(0, 10), false)}\n${line(text.slice(10), false)}\n${line('', true)}\n` };
    },
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'an answer in the other protocol (an Anthropic message on a chat wire, a chat completion on an Anthropic one)',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      if (wire === 'responses') return undefined;
      const other: Wire = wire === 'chat' ? 'anthropic' : 'chat';
      return either(isStream)(goodBody(other, isStream, good(text)));
    },
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'a chat stream whose text comes in delta.text instead of delta.content',
    streams: [true],
    mode: (wire, _s, text) => {
      if (wire !== 'chat') return undefined;
      return stream(edited(wire, text, (events) => events.map((event) => (typeof event !== 'string' && typeof event.choices?.[0]?.delta?.content === 'string' && event.choices[0].delta.content !== '' ? { ...event, choices: [{ ...event.choices[0], delta: { text: event.choices[0].delta.content } }] } : event))));
    },
    expect: 'either',
    cache: 'any',
  },
  // ---- the legacy OpenAI function_call (no tool_calls) -------------------------------------------
  {
    name: 'a legacy function_call answer (message.function_call, finish_reason function_call)',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      if (wire !== 'chat') return undefined;
      const answer: GoodAnswer = { text, tool: { name: 'get_weather', arguments: weatherArguments } };
      if (!isStream) {
        const body = wholeAnswerOf(wire, answer);
        const message = body.choices[0].message;
        message.function_call = message.tool_calls[0].function;
        delete message.tool_calls;
        body.choices[0].finish_reason = 'function_call';
        return whole(jsonText(body));
      }
      return stream(
        sseBody(
          wire,
          streamEventsOf(wire, answer).map((event) => {
            if (typeof event === 'string') return event;
            const choice = event.choices?.[0];
            if (!choice) return event;
            const copy = clone(event);
            const call = choice.delta?.tool_calls?.[0];
            if (call) copy.choices[0].delta = { function_call: call.function };
            if (choice.finish_reason === 'tool_calls') copy.choices[0].finish_reason = 'function_call';
            return copy;
          }),
        ),
      );
    },
    // Same protocol both sides the caller reads its own function_call; translated, it is a tool call.
    expect: 'either',
    toolCall: true,
    toolArguments: weatherArguments,
    cache: 'any',
  },
  // ---- reasoning and other fields beside the text ----------------------------------------------
  {
    name: 'a thinking block with its signature (thinking_delta, signature_delta) before the text',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      if (wire !== 'anthropic') return undefined;
      if (!isStream) {
        const body = wholeAnswerOf(wire, good(text));
        body.content = [{ type: 'thinking', thinking: 'Rivers of Bavaria. THOUGHT', signature: 'EqQBCgIYAhIM1gbcDa9GJwZA' }, ...body.content];
        return whole(jsonText(body));
      }
      return stream(
        edited(wire, text, (events) => {
          const shifted = events.map((event) => (typeof event !== 'string' && typeof event.index === 'number' ? { ...event, index: event.index + 1 } : event));
          const thinking: Event[] = [
            { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } },
            { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Rivers of Bavaria. THOUGHT' } },
            { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'EqQBCgIYAhIM1gbcDa9GJwZA' } },
            { type: 'content_block_stop', index: 0 },
          ];
          return [shifted[0]!, ...thinking, ...shifted.slice(1)];
        }),
      );
    },
    expect: 'serve',
    cache: 'any',
    check: (_response, body) => expect(body.includes('THOUGHT') && !body.includes('thinking')).toBe(false),
  },
  {
    name: 'a redacted_thinking block before the text',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      if (wire !== 'anthropic') return undefined;
      if (!isStream) {
        const body = wholeAnswerOf(wire, good(text));
        body.content = [{ type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4a' }, ...body.content];
        return whole(jsonText(body));
      }
      return stream(
        edited(wire, text, (events) => {
          const shifted = events.map((event) => (typeof event !== 'string' && typeof event.index === 'number' ? { ...event, index: event.index + 1 } : event));
          return [shifted[0]!, { type: 'content_block_start', index: 0, content_block: { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4a' } }, { type: 'content_block_stop', index: 0 }, ...shifted.slice(1)];
        }),
      );
    },
    expect: 'serve',
    cache: 'any',
  },
  {
    name: 'OpenRouter\'s reasoning and reasoning_details beside the text',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      if (wire !== 'chat') return undefined;
      const details = [{ type: 'reasoning.text', text: 'Bavaria has rivers.', format: 'unknown', index: 0 }];
      if (!isStream) {
        const body = wholeAnswerOf(wire, good(text));
        Object.assign(body.choices[0].message, { reasoning: 'Bavaria has rivers.', reasoning_details: details });
        return whole(jsonText(body));
      }
      return stream(
        edited(wire, text, (events) => {
          const first = events[0] as Json;
          const reasoning: Json = { ...first, choices: [{ index: 0, delta: { role: 'assistant', content: '', reasoning: 'Bavaria has rivers.', reasoning_details: details }, logprobs: null, finish_reason: null }] };
          return [events[0]!, reasoning, ...events.slice(1)];
        }),
      );
    },
    expect: 'serve',
    cache: 'any',
  },
  {
    name: 'logprobs on every chunk (and on the whole answer)',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      if (wire !== 'chat') return undefined;
      const logprobs = (token: string) => ({ content: [{ token, logprob: -0.01, bytes: [...Buffer.from(token)], top_logprobs: [] }], refusal: null });
      if (!isStream) {
        const body = wholeAnswerOf(wire, good(text));
        body.choices[0].logprobs = logprobs(text);
        return whole(jsonText(body));
      }
      return stream(edited(wire, text, (events) => events.map((event) => (typeof event !== 'string' && typeof event.choices?.[0]?.delta?.content === 'string' && event.choices[0].delta.content !== '' ? { ...event, choices: [{ ...event.choices[0], logprobs: logprobs(event.choices[0].delta.content) }] } : event))));
    },
    expect: 'serve',
    cache: 'any',
  },
  {
    name: 'a refusal (message.refusal, content null)',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      if (wire !== 'chat') return undefined;
      const refusal = 'I can not help with rivers today (REFUSAL).';
      if (!isStream) {
        const body = wholeAnswerOf(wire, good(text));
        body.choices[0].message = { role: 'assistant', content: null, refusal };
        return whole(jsonText(body));
      }
      return stream(
        edited(wire, text, (events) =>
          events
            .filter((event) => !(typeof event !== 'string' && typeof event.choices?.[0]?.delta?.content === 'string' && event.choices[0].delta.content !== ''))
            .flatMap((event, index) => (index === 0 ? [event, { ...(event as Json), choices: [{ index: 0, delta: { refusal }, logprobs: null, finish_reason: null }] }] : [event])),
        ),
      );
    },
    // Never an empty success: the refusal's words reach every caller (as a refusal where its protocol has one).
    expect: 'either',
    servedText: (_text, caller) => (caller === 'messages' ? 'I can not help with rivers today (REFUSAL).' : ''),
    cache: 'any',
    check: (response, body) => {
      if (response.status === 200) expect(body).toContain('(REFUSAL)');
    },
  },
  // ---- tool calls in shapes some providers use --------------------------------------------------
  {
    name: 'two parallel tool calls with the same id',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      if (wire === 'responses') return undefined;
      const answer: GoodAnswer = { text, tool: { name: 'get_weather', arguments: weatherArguments } };
      if (!isStream) {
        const body = wholeAnswerOf(wire, answer);
        if (wire === 'chat') body.choices[0].message.tool_calls.push(clone(body.choices[0].message.tool_calls[0]));
        else body.content.push(clone(body.content[0]));
        return whole(jsonText(body));
      }
      return stream(
        edited(wire, text, () => {
          const events = streamEventsOf(wire, answer);
          if (wire === 'chat') {
            const calls = events.filter((event) => typeof event !== 'string' && event.choices?.[0]?.delta?.tool_calls);
            const second = calls.map((event) => {
              const copy = clone(event) as Json;
              copy.choices[0].delta.tool_calls[0].index = 1;
              return copy;
            });
            const end = events.findIndex((event) => typeof event !== 'string' && event.choices?.[0]?.finish_reason);
            return [...events.slice(0, end), ...second, ...events.slice(end)];
          }
          const blocks = events.filter((event) => typeof event !== 'string' && ['content_block_start', 'content_block_delta', 'content_block_stop'].includes(event.type));
          const second = blocks.map((event) => ({ ...(event as Json), index: 1 }));
          const end = events.findIndex((event) => typeof event !== 'string' && event.type === 'message_delta');
          return [...events.slice(0, end), ...second, ...events.slice(end)];
        }),
      );
    },
    // (Each client reads both calls; the check reads the first call's name.)
    expect: 'either',
    toolCall: true,
    servedText: '',
    cache: 'any',
  },
  {
    name: 'a tool call whose arguments are an empty string (a tool without parameters)',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      if (wire !== 'chat') return undefined;
      const answer: GoodAnswer = { text, tool: { name: 'get_weather', arguments: '' } };
      if (!isStream) return whole(jsonText(wholeAnswerOf(wire, answer)));
      return stream(sseBody(wire, streamEventsOf(wire, answer).filter((event) => !(typeof event !== 'string' && event.choices?.[0]?.delta?.tool_calls?.[0]?.function?.arguments === '' && !event.choices[0].delta.tool_calls[0].function.name))));
    },
    // Translated to Anthropic or Responses the input is {}; a chat caller gets the empty text as it came.
    expect: 'either',
    toolCall: true,
    servedText: '',
    cache: 'any',
  },
  // ---- a stream that starts over ------------------------------------------------------------------
  {
    name: 'the opening again in the middle of the answer (a role chunk, message_start, response.created after text)',
    streams: [true],
    mode: (wire, _s, text) =>
      stream(
        edited(wire, text, (events) => {
          const at = firstTextIndex(wire, events) + 1;
          return [...events.slice(0, at), events[0]!, ...events.slice(at)];
        }),
      ),
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'a chat stream that restarts: its text from the start again after a second role chunk',
    streams: [true],
    mode: (wire, _s, text) => {
      if (wire !== 'chat') return undefined;
      return stream(
        edited(wire, text, (events) => {
          const at = firstTextIndex(wire, events);
          return [...events.slice(0, at + 2), events[0]!, ...events.slice(at)];
        }),
      );
    },
    // The text twice (what the provider sent) or an error, never a plausible half.
    expect: 'either',
    servedText: (text) => `${pieceOf(text, 0, 2)}${text}`,
    cache: 'any',
  },
];

/** The first `count` 4-character pieces of the text (how the matrix's good chat stream splits it). */
function pieceOf(text: string, from: number, count: number): string {
  return text.slice(from * 4, (from + count) * 4);
}

/** Faults that need a provider with short timeouts (upstream.idleTimeoutMs 800, timeoutMs 3000). */
export const round7SlowFaults: MatrixFault[] = [
  {
    // A stream's headers come at once from every provider (the answer follows as it is made): a silence
    // before them is a provider that is not answering, bounded by the idle limit, not the whole exchange's.
    name: 'a stream request accepted and read, and never a header: upstream.idleTimeoutMs bounds it',
    streams: [true],
    mode: () => ({ kind: 'hang' }),
    expect: 'fail',
    cache: 'never',
    check: (response, body) => {
      expect(response.status).toBeGreaterThanOrEqual(500);
      expect(body).toContain('idleTimeoutMs');
    },
  },
];
