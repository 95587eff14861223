// Provider faults, round 5: classes rounds 1-4 left out (listed in the round's notes). Labels that lie or
// say more than "utf-8" (charsets, case, quotes, JSON called a stream and a stream called JSON), SSE that is
// legal but unusual (comments inside an event, empty data events, extra blank lines, fields nobody knows),
// event sequences a parser does not expect (a start event twice, a stop for a block never opened, usage on
// every chunk, text and usage in the finish chunk, a second choice nobody asked for, content after the
// finish), an error right after the start event in a later read, error bodies of odd shapes, retry-after
// in odd forms, and odd HTTP (304, an unsolicited 100 Continue, an empty 200, doubled or folded headers,
// both Transfer-Encoding and Content-Length). Each is built from a good answer in the provider's own
// protocol. Used by tests/gateway/provider-fault-round5.test.ts with the first matrix's checks.
import { gzipSync } from 'node:zlib';
import { expect } from 'vitest';
import { stream, whole, either, good, goodBody, edited, firstTextIndex, type Json, type Event } from './fault-answers.js';
import { jsonText, multiByteText, sseBody, sseEvent, streamEventsOf, wholeAnswerOf, type MatrixFault } from './fault-matrix.js';
import type { FakeMode } from './types.js';

/** A socket answer: status line, headers as given (in order, duplicates kept), the body with its length. */
function socketAnswer(head: string[], body: string | Buffer, options: { prefix?: string; length?: boolean } = {}): FakeMode {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const lines = [...head, ...(options.length === false ? [] : [`Content-Length: ${bytes.length}`])];
  return { kind: 'socket', bytes: `${options.prefix ?? ''}HTTP/1.1 200 OK\r\n${lines.join('\r\n')}\r\n\r\n${bytes.toString('latin1')}`, end: 'end' };
}

/** The retry-after a client gets is one it can read: whole seconds or an HTTP date, never negative or words. */
function retryAfterReadable(response: Response): void {
  const value = response.headers.get('retry-after');
  if (value === null) return;
  expect(/^\d+$/.test(value) || !Number.isNaN(Date.parse(value)), `retry-after: ${value}`).toBe(true);
}

/** Nothing the provider wrote inside a header value becomes a header of the client's answer. */
function noInjectedHeader(response: Response): void {
  expect(response.headers.get('set-cookie')).toBeNull();
  expect(response.headers.get('x-injected')).toBeNull();
}

const wrongAnswerBody = (status: number, body: string, contentType = 'application/json'): FakeMode => ({ kind: 'raw', status, contentType, body });

export const round5Faults: MatrixFault[] = [
  // ---- labels ------------------------------------------------------------------------------------
  {
    name: 'content-type in capitals with a quoted charset (Application/JSON; Charset="UTF-8")',
    streams: [true, false],
    mode: (wire, isStream, text) => either(isStream)(goodBody(wire, isStream, good(text)), { contentType: isStream ? 'Text/Event-Stream; Charset="UTF-8"' : 'Application/JSON; Charset="UTF-8"' }),
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  {
    name: 'charset=iso-8859-1 on an answer that is plain ASCII',
    streams: [true, false],
    mode: (wire, isStream, text) => either(isStream)(goodBody(wire, isStream, good(text)), { contentType: `${isStream ? 'text/event-stream' : 'application/json'}; charset=iso-8859-1` }),
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  {
    name: 'charset=iso-8859-1 with a Latin-1 byte in the text (é as 0xE9): the text as meant, or an error, never U+FFFD',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      const body = Buffer.from(goodBody(wire, isStream, good(`${text} Café`)), 'latin1');
      return either(isStream)(() => [body], { contentType: `${isStream ? 'text/event-stream' : 'application/json'}; charset=iso-8859-1` });
    },
    expect: 'either',
    servedText: (text) => `${text} Café`,
    cache: 'any',
  },
  {
    name: 'charset=iso-8859-1 on an answer that is really UTF-8 (a server\'s default label): the UTF-8 text, never mojibake',
    streams: [true, false],
    mode: (wire, isStream) =>
      either(isStream)(goodBody(wire, isStream, good(multiByteText)), { contentType: `${isStream ? 'text/event-stream' : 'application/json'}; charset=ISO-8859-1` }),
    expect: 'serve',
    servedText: multiByteText,
    cache: 'kept',
    usage: 'provider',
  },
  {
    name: 'UTF-16LE with a BOM, labelled charset=utf-16le: the text as meant, or an error',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      const body = Buffer.from(`\uFEFF${goodBody(wire, isStream, good(text))}`, 'utf16le');
      return either(isStream)(() => [body], { contentType: `${isStream ? 'text/event-stream' : 'application/json'}; charset=utf-16le` });
    },
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'a stream labelled application/json',
    streams: [true],
    mode: (wire, _s, text) => stream(goodBody(wire, true, good(text)), { contentType: 'application/json' }),
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'a whole JSON answer labelled text/event-stream',
    streams: [false],
    mode: (wire, _s, text) => whole(goodBody(wire, false, good(text)), { contentType: 'text/event-stream' }),
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'a stream labelled application/octet-stream',
    streams: [true],
    mode: (wire, _s, text) => stream(goodBody(wire, true, good(text)), { contentType: 'application/octet-stream' }),
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'an SSE stream to a whole request (the provider ignored stream: false)',
    streams: [false],
    mode: (wire, _s, text) => stream(goodBody(wire, true, good(text))),
    // The whole answer the client asked for, gathered from the stream (never SSE where JSON was asked for).
    expect: 'serve',
    cache: 'any',
    usage: 'provider',
  },
  ...(
    [
      ['whitespace and newlines around a whole answer', (body: string) => `\r\n\t ${body} \r\n\r\n`, 'serve'],
      ['a second JSON object after a whole answer', (body: string) => `${body}{"id":"extra","choices":[]}`, 'either'],
      ['a NUL byte after a whole answer', (body: string) => `${body}\u0000`, 'either'],
    ] as const
  ).map(
    ([label, wrap, expectation]): MatrixFault => ({
      name: label,
      streams: [false],
      mode: (wire, _s, text) => whole(wrap(goodBody(wire, false, good(text)))),
      expect: expectation,
      cache: 'any',
    }),
  ),
  {
    name: 'an empty answer (no text, no tool call, a normal finish)',
    streams: [true, false],
    mode: (wire, isStream) => either(isStream)(goodBody(wire, isStream, good(''))),
    expect: 'either',
    servedText: '',
    cache: 'any',
  },
  // ---- SSE that is legal but unusual -------------------------------------------------------------
  {
    name: 'SSE comment lines inside every event (between its lines)',
    streams: [true],
    mode: (wire, _s, text) => stream(goodBody(wire, true, good(text)).replace(/\n(?=data:)/g, '\n: keep-alive\n').replace(/(data: [^\n]*\n)(?=\n)/g, '$1: ping\n')),
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  {
    name: 'empty data events (data: with nothing) between the events',
    streams: [true],
    mode: (wire, _s, text) =>
      stream(
        streamEventsOf(wire, good(text))
          .map((event, index) => (index > 0 ? (index % 2 ? 'data:\n\n' : 'data: \n\n') : '') + sseEvent(wire, event))
          .join(''),
      ),
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  {
    name: 'several blank lines between events, and before the first',
    streams: [true],
    mode: (wire, _s, text) => stream(`\n\n\n${goodBody(wire, true, good(text)).replace(/\n\n/g, '\n\n\n\n')}`),
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  {
    name: 'SSE fields nobody knows inside events (foo:, a bare field name, event: in capitals)',
    streams: [true],
    mode: (wire, _s, text) => stream(goodBody(wire, true, good(text)).replace(/(^|\n\n)(?=(event|data):)/g, '$1x-trace: 7\nflush\n')),
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  {
    name: 'every event in its own read, a keep-alive comment written between each',
    streams: [true],
    mode: (wire, _s, text) => {
      const pieces = streamEventsOf(wire, good(text)).flatMap((event) => [sseEvent(wire, event), ': keep-alive\n\n']);
      return stream(() => pieces, { pauseMs: 1 });
    },
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  // ---- event sequences a parser does not expect ---------------------------------------------------
  {
    name: 'the start event twice (role chunk, message_start, response.created)',
    streams: [true],
    mode: (wire, _s, text) => stream(edited(wire, text, (events) => [events[0]!, ...events])),
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'a stop for a block never opened (content_block_stop 5, output_item.done of an unknown item, finish of choice 3)',
    streams: [true],
    mode: (wire, _s, text) =>
      stream(
        edited(wire, text, (events) => {
          const at = firstTextIndex(wire, events) + 1;
          const stray: Json =
            wire === 'chat'
              ? { ...(events[1] as Json), choices: [{ index: 3, delta: {}, finish_reason: 'stop' }] }
              : wire === 'anthropic'
                ? { type: 'content_block_stop', index: 5 }
                : { type: 'response.output_item.done', sequence_number: 990, output_index: 7, item: { type: 'message', id: 'msg_stray', status: 'completed', role: 'assistant', content: [] } };
          return [...events.slice(0, at), stray, ...events.slice(at)];
        }),
      ),
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'usage on every chunk, cumulative (vLLM continuous usage, Anthropic message_delta repeated)',
    streams: [true],
    mode: (wire, _s, text) => {
      if (wire === 'responses') return undefined;
      return stream(
        edited(wire, text, (events) => {
          if (wire === 'chat') {
            let n = 0;
            return events.map((event) => {
              if (typeof event === 'string' || event.usage) return event;
              n += 1;
              return { ...event, usage: { prompt_tokens: 12, completion_tokens: Math.min(n, 5), total_tokens: 12 + Math.min(n, 5) } };
            });
          }
          const stop = events.findIndex((event) => typeof event !== 'string' && event.type === 'message_delta');
          const partial = (output: number): Json => ({ type: 'message_delta', delta: { stop_reason: null, stop_sequence: null }, usage: { output_tokens: output } });
          return [...events.slice(0, stop), partial(2), partial(4), ...events.slice(stop)];
        }),
      );
    },
    expect: 'serve',
    cache: 'any',
    usage: 'provider',
    tokens: { input: 12, output: 5 },
  },
  {
    name: 'all usage on the start event only (message_start with the final counts, message_delta without)',
    streams: [true],
    mode: (wire, _s, text) => {
      if (wire !== 'anthropic') return undefined;
      return stream(
        edited(wire, text, (events) =>
          events.map((event) => {
            if (typeof event === 'string') return event;
            if (event.type === 'message_start') return { ...event, message: { ...event.message, usage: { input_tokens: 12, output_tokens: 5 } } };
            if (event.type === 'message_delta') return { type: 'message_delta', delta: event.delta };
            return event;
          }),
        ),
      );
    },
    expect: 'serve',
    cache: 'any',
  },
  {
    name: 'the last text, the finish reason and the usage in one chunk (chat), text after the finish chunk (chat)',
    streams: [true],
    mode: (wire, _s, text) => {
      if (wire !== 'chat') return undefined;
      return stream(
        edited(wire, text, (events) => {
          const finish = events.findIndex((event) => typeof event !== 'string' && event.choices?.[0]?.finish_reason);
          const last = events[finish - 1] as Json;
          const merged = { ...last, choices: [{ ...last.choices[0], finish_reason: 'stop' }], usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 } };
          return [...events.slice(0, finish - 1), merged, '[DONE]'];
        }),
      );
    },
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
    tokens: { input: 12, output: 5 },
  },
  {
    name: 'a second choice nobody asked for (index 1), interleaved with the first',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      if (wire !== 'chat') return undefined;
      if (!isStream) {
        const answer = wholeAnswerOf(wire, good(text));
        answer.choices.push({ index: 1, message: { role: 'assistant', content: 'SECOND CHOICE' }, logprobs: null, finish_reason: 'stop' });
        return whole(jsonText(answer));
      }
      return stream(
        edited(wire, text, (events) =>
          events.flatMap((event) => {
            if (typeof event === 'string' || !event.choices?.[0]?.delta?.content) return [event];
            return [event, { ...event, choices: [{ index: 1, delta: { content: 'SECOND ' }, logprobs: null, finish_reason: null }] }];
          }),
        ),
      );
    },
    // Translated, only the first choice can reach the client; passed through, both do (the client asked).
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'an error right after the start event, in a later read',
    streams: [true],
    mode: (wire, _s, text) => {
      const start = sseEvent(wire, streamEventsOf(wire, good(text))[0]!);
      const error =
        wire === 'chat'
          ? `data: ${JSON.stringify({ error: { message: 'Rate limit reached (fault injection).', type: 'rate_limit_error', code: 'rate_limit_exceeded' } })}\n\n`
          : wire === 'anthropic'
            ? `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded (fault injection).' } })}\n\n`
            : `event: response.failed\ndata: ${JSON.stringify({ type: 'response.failed', sequence_number: 1, response: { id: 'resp_x', object: 'response', status: 'failed', error: { code: 'server_error', message: 'The model failed (fault injection).' }, output: [] } })}\n\n`;
      return stream(() => [start, error], { pauseMs: 30 });
    },
    expect: 'fail',
    cache: 'never',
  },
  {
    name: 'event: names that disagree with the data\'s type (event: ping over a text delta)',
    streams: [true],
    mode: (wire, _s, text) => {
      if (wire === 'chat') return undefined;
      const events = streamEventsOf(wire, good(text));
      const at = firstTextIndex(wire, events);
      return stream(events.map((event, index) => (index === at ? sseEvent(wire, event).replace(/^event: [^\n]*/, 'event: ping') : sseEvent(wire, event))).join(''));
    },
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'a final snapshot that disagrees with the streamed deltas (response.completed with other text)',
    streams: [true],
    mode: (wire, _s, text) => {
      if (wire !== 'responses') return undefined;
      return stream(
        edited(wire, text, (events) =>
          events.map((event) => {
            if (typeof event === 'string' || event.type !== 'response.completed') return event;
            return JSON.parse(JSON.stringify(event).split(text).join('A DIFFERENT FINAL TEXT')) as Json;
          }),
        ),
      );
    },
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'chat content as an array of text parts',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      if (wire !== 'chat') return undefined;
      if (!isStream) {
        const answer = wholeAnswerOf(wire, good(text));
        answer.choices[0].message.content = [{ type: 'text', text }];
        return whole(jsonText(answer));
      }
      return stream(
        edited(wire, text, (events) =>
          events.map((event) => {
            if (typeof event === 'string' || typeof event.choices?.[0]?.delta?.content !== 'string' || event.choices[0].delta.content === '') return event;
            return { ...event, choices: [{ ...event.choices[0], delta: { content: [{ type: 'text', text: event.choices[0].delta.content }] } }] };
          }),
        ),
      );
    },
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'a content block of a type nobody knows before the text (whole Anthropic answer, Responses output item)',
    streams: [false],
    mode: (wire, _s, text) => {
      if (wire === 'chat') return undefined;
      const answer = wholeAnswerOf(wire, good(text));
      if (wire === 'anthropic') answer.content.unshift({ type: 'future_block', payload: { n: 1 } });
      else answer.output.unshift({ type: 'future_item', id: 'fi_1', payload: { n: 1 } });
      return whole(jsonText(answer));
    },
    expect: 'either',
    cache: 'any',
  },
  // ---- content codings isartor cannot decode, or stacked ----------------------------------------------
  {
    name: 'content-encoding zstd (a coding isartor cannot decode) over bytes that are not the answer',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      // Bytes in the coding's place: a client that cannot read zstd must never get them under a 200 as the answer.
      const body = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.from(goodBody(wire, isStream, good(text))).reverse()]);
      return either(isStream)(() => [body], { headers: { 'content-encoding': 'zstd' } });
    },
    expect: 'fail',
    cache: 'never',
  },
  {
    name: 'content-encoding "gzip, gzip" (compressed twice, labelled so)',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      const twice = gzipSync(gzipSync(Buffer.from(goodBody(wire, isStream, good(text)))));
      return either(isStream)(() => [twice], { headers: { 'content-encoding': 'gzip, gzip' } });
    },
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'content-encoding identity, in capitals',
    streams: [true, false],
    mode: (wire, isStream, text) => either(isStream)(goodBody(wire, isStream, good(text)), { headers: { 'content-encoding': 'IDENTITY' } }),
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  // ---- error bodies and retry-after in odd forms --------------------------------------------------
  ...(
    [
      [429, 'an error that is a string', '{"error":"rate limited, slow down"}'],
      [500, 'error: null', '{"error":null}'],
      [400, 'a message that is an object', '{"error":{"message":{"text":"bad"},"type":"invalid_request_error"}}'],
      [503, 'an empty body', ''],
      [502, 'a JSON array', '[{"error":{"message":"upstream"}}]'],
      [429, 'an error body of 1 MB', `{"error":{"message":"${'x'.repeat(1024 * 1024)}"}}`],
      [422, 'an error in a different protocol (Anthropic shape to a chat wire, OpenAI shape to Anthropic)', ''],
    ] as const
  ).map(
    ([status, label, body]): MatrixFault => ({
      name: `HTTP ${status} with ${label}`,
      streams: [true, false],
      mode: (wire) => {
        if (label.startsWith('an error in a different protocol'))
          return wrongAnswerBody(status, wire === 'anthropic' ? '{"error":{"message":"Unprocessable (OpenAI shape).","type":"invalid_request_error"}}' : '{"type":"error","error":{"type":"invalid_request_error","message":"Unprocessable (Anthropic shape)."}}');
        return wrongAnswerBody(status, body);
      },
      expect: 'fail',
      cache: 'never',
      check: (response, text) => {
        // The message the client reads is a string of bounded size.
        if (response.status !== 200) expect(text.length).toBeLessThan(128 * 1024);
      },
    }),
  ),
  ...(['-1', 'soon', '1e400', '3.5', 'Wed, 21 Oct 2015 07:28:00 GMT', '99999999999999999999'] as const).map(
    (value): MatrixFault => ({
      name: `HTTP 429 with retry-after "${value}"`,
      streams: [true, false],
      mode: (wire) => ({
        kind: 'raw',
        status: 429,
        contentType: 'application/json',
        headers: { 'retry-after': value },
        body: wire === 'anthropic' ? '{"type":"error","error":{"type":"rate_limit_error","message":"Slow down (fault injection)."}}' : '{"error":{"message":"Slow down (fault injection).","type":"rate_limit_error"}}',
      }),
      expect: 'fail',
      cache: 'never',
      check: retryAfterReadable,
    }),
  ),
  // ---- odd HTTP ------------------------------------------------------------------------------------
  {
    name: 'HTTP 304 Not Modified',
    streams: [true, false],
    mode: () => ({ kind: 'socket', bytes: 'HTTP/1.1 304 Not Modified\r\nETag: "x"\r\n\r\n', end: 'end' }),
    expect: 'fail',
    cache: 'never',
  },
  {
    name: 'an unsolicited 100 Continue before the answer',
    streams: [true, false],
    mode: (wire, isStream, text) => socketAnswer([`Content-Type: ${isStream ? 'text/event-stream' : 'application/json'}`], goodBody(wire, isStream, good(text)), { prefix: 'HTTP/1.1 100 Continue\r\n\r\n' }),
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  {
    name: 'HTTP 200 with an empty body (content-length 0)',
    streams: [true, false],
    mode: (_wire, isStream) => socketAnswer([`Content-Type: ${isStream ? 'text/event-stream' : 'application/json'}`], ''),
    expect: 'fail',
    cache: 'never',
  },
  {
    name: 'two content-type headers (the stream type and JSON)',
    streams: [true, false],
    mode: (wire, isStream, text) =>
      socketAnswer(isStream ? ['Content-Type: text/event-stream', 'Content-Type: application/json'] : ['Content-Type: application/json', 'Content-Type: text/event-stream'], goodBody(wire, isStream, good(text))),
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'both Transfer-Encoding: chunked and a Content-Length',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      const body = goodBody(wire, isStream, good(text));
      const chunked = `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;
      return socketAnswer([`Content-Type: ${isStream ? 'text/event-stream' : 'application/json'}`, 'Transfer-Encoding: chunked', `Content-Length: ${Buffer.byteLength(body)}`], chunked, { length: false });
    },
    expect: 'either',
    cache: 'any',
    check: noInjectedHeader,
  },
  {
    name: 'a header folded over two lines that would smuggle set-cookie (obs-fold)',
    streams: [true, false],
    mode: (wire, isStream, text) =>
      socketAnswer([`Content-Type: ${isStream ? 'text/event-stream' : 'application/json'}`, 'Retry-After: 1', ' Set-Cookie: session=stolen', 'X-Request-Id: abc', '\tX-Injected: yes'], goodBody(wire, isStream, good(text))),
    expect: 'either',
    cache: 'any',
    check: noInjectedHeader,
  },
  {
    name: 'a 429 whose retry-after holds a bare CR and Latin-1 bytes',
    streams: [true, false],
    mode: (wire) => {
      const body = wire === 'anthropic' ? '{"type":"error","error":{"type":"rate_limit_error","message":"Slow down."}}' : '{"error":{"message":"Slow down.","type":"rate_limit_error"}}';
      return { kind: 'socket', bytes: `HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nRetry-After: 2\rSet-Cookie: a=b \xe9\r\nContent-Length: ${body.length}\r\n\r\n${body}`, end: 'end' };
    },
    expect: 'fail',
    cache: 'never',
    check: (response) => {
      noInjectedHeader(response);
      retryAfterReadable(response);
    },
  },
];

/** Faults that need a provider with a short idle timeout (upstream.idleTimeoutMs): the provider stops sending. */
export const round5SlowFaults: MatrixFault[] = [
  {
    name: 'the opening event (role chunk, message_start and ping, response.created), then silence',
    streams: [true, false],
    mode: (wire, _s, text) => {
      const events = streamEventsOf(wire, good(text));
      const opening = wire === 'anthropic' ? events.slice(0, 1).concat([{ type: 'ping' }]) : events.slice(0, 1);
      return stream(sseBody(wire, opening), { hang: true });
    },
    expect: 'fail',
    cache: 'never',
    slow: true,
    // The client is told in its own format that the provider stopped, and which setting bounds the wait.
    check: (response, body) => {
      expect(response.status, body.slice(0, 300)).toBeGreaterThanOrEqual(500);
      expect(body).toMatch(/idleTimeoutMs|timed? ?out/i);
    },
  },
];
