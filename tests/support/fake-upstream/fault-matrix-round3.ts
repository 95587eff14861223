// Provider faults, round 3: answers that are odd rather than broken, at the three levels a provider can be
// odd at. SSE framing (CRLF or CR line ends, comments, multi-line data, events without data, a BOM, id and
// retry fields, a missing or early end marker, one huge event), JSON (duplicate keys, numbers as strings,
// null for objects, unknown fields, empty choices, unknown finish reasons, tool arguments cut inside a
// character or an escape, usage late or never) and HTTP (compression, a missing or wrong content-type, 204,
// redirects, every error status with and without retry-after, a connection closed mid-header, a
// content-length that lies, trailers). Each is built from a good answer in the provider's own protocol.
// Used by tests/gateway/provider-fault-round3.test.ts through the checks of the first matrix.
import { stream, whole, good, goodBody, type Json, type Event } from './fault-answers.js';
import { byteSlices, jsonText, sseBody, sseEvent, streamEventsOf, wholeAnswerOf, type GoodAnswer, type MatrixFault, type Wire } from './fault-matrix.js';
import type { FakeMode } from './types.js';

const goodMode = (wire: Wire, isStream: boolean, answer: GoodAnswer, extra: Partial<Extract<FakeMode, { kind: 'raw' }>> = {}): FakeMode =>
  isStream ? stream(goodBody(wire, true, answer), extra) : whole(goodBody(wire, false, answer), extra);

/** Whether an event carries a piece of the answer's text. */
function isTextDelta(wire: Wire, event: Event): boolean {
  if (typeof event === 'string') return false;
  if (wire === 'chat') return typeof event.choices?.[0]?.delta?.content === 'string' && event.choices[0].delta.content !== '';
  if (wire === 'anthropic') return event.type === 'content_block_delta';
  return event.type === 'response.output_text.delta';
}

/** The SSE text of a stream with each event edited by `edit` (its text as the wire writes it). */
function editedStream(wire: Wire, text: string, edit: (eventText: string, event: Event, index: number) => string): string {
  return streamEventsOf(wire, good(text))
    .map((event, index) => edit(sseEvent(wire, event), event, index))
    .join('');
}

/** The tool arguments of the tool-call faults: escapes, a character outside the BMP (a surrogate pair) and umlauts, so that any cut into 4-character pieces falls inside something. */
export const trickyArguments = JSON.stringify({ city: 'München 😀', note: 'say "hi"\\n\ttab', path: 'C:\\Temp\\ü', emoji: '👍🏽' });

export const bigText = 'ü'.repeat(700 * 1024);

/** The stream with its whole text in its first text delta (one event as large as the answer). */
function inOneDelta(wire: Wire, events: Event[]): Event[] {
  const first = events.findIndex((event) => isTextDelta(wire, event));
  return events.flatMap((event, index) => {
    if (index !== first) return isTextDelta(wire, event) ? [] : [event];
    const e = event as Json;
    if (wire === 'chat') return [{ ...e, choices: [{ ...e.choices[0], delta: { content: bigText } }] }];
    if (wire === 'anthropic') return [{ ...e, delta: { type: 'text_delta', text: bigText } }];
    return [{ ...e, delta: bigText }];
  });
}

/** Raw HTTP bytes written straight to the socket: for what node's own server will not send. */
const socket = (bytes: string, end: 'close' | 'end' = 'end'): FakeMode => ({ kind: 'socket', bytes, end });

/** A good answer with `field` written twice: first `decoy`, then the real value (JSON.parse keeps the last, as every client does). */
function withDuplicateKey(wire: Wire, isStream: boolean, text: string): string {
  const body = goodBody(wire, isStream, good(text));
  const field = isStream ? (wire === 'chat' ? 'content' : wire === 'anthropic' ? 'text' : 'delta') : wire === 'responses' ? 'text' : wire === 'chat' ? 'content' : 'text';
  const first = JSON.stringify(isStream ? text.slice(0, 4) : text);
  return body.replace(`"${field}":${first}`, `"${field}":"DECOY","${field}":${first}`);
}

const statusFaults: MatrixFault[] = [401, 403, 404, 408, 409, 413, 422, 429, 500, 502, 503, 529].flatMap((status) =>
  [undefined, 1].map(
    (retryAfter): MatrixFault => ({
      name: `HTTP ${status}${retryAfter ? ' with retry-after 1' : ''}`,
      streams: [true, false],
      mode: () => ({ kind: 'error', status, retryAfter }),
      expect: 'fail',
      cache: 'never',
    }),
  ),
);

export const round3Faults: MatrixFault[] = [
  // --- SSE framing ------------------------------------------------------------------------------
  {
    name: 'SSE with CRLF line ends',
    streams: [true],
    mode: (wire, _s, text) => stream(goodBody(wire, true, good(text)).replace(/\n/g, '\r\n')),
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  {
    name: 'SSE with CR-only line ends',
    streams: [true],
    mode: (wire, _s, text) => stream(goodBody(wire, true, good(text)).replace(/\n/g, '\r')),
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  {
    name: 'SSE comments (": ping") between events',
    streams: [true],
    mode: (wire, _s, text) => stream(': connected\n\n' + editedStream(wire, text, (e) => `${e}: ping\n\n`)),
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  {
    name: 'SSE data split over several data: lines',
    streams: [true],
    mode: (wire, _s, text) =>
      stream(
        editedStream(wire, text, (e) => {
          const at = e.indexOf('",');
          return at < 0 ? e : `${e.slice(0, at + 2)}\ndata: ${e.slice(at + 2)}`;
        }),
      ),
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  {
    name: 'SSE events with an event: line and no data',
    streams: [true],
    mode: (wire, _s, text) => stream(editedStream(wire, text, (e) => `event: keepalive\n\n${e}`)),
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  {
    name: 'SSE data: without the space',
    streams: [true],
    mode: (wire, _s, text) => stream(goodBody(wire, true, good(text)).replace(/^data: /gm, 'data:').replace(/^event: /gm, 'event:')),
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  {
    name: 'a whole JSON answer to a stream request (the provider ignored stream: true)',
    streams: [true],
    mode: (wire, _s, text) => whole(goodBody(wire, false, good(text))),
    // The client asked for a stream and gets one (a JSON body would read as an empty stream).
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  {
    name: 'a byte order mark at the start of the stream',
    streams: [true],
    mode: (wire, _s, text) => stream('\uFEFF' + goodBody(wire, true, good(text))),
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  {
    name: 'SSE id: and retry: fields',
    streams: [true],
    mode: (wire, _s, text) => stream('retry: 3000\n\n' + editedStream(wire, text, (e, _event, index) => `id: ${index}\nretry: 3000\n${e}`)),
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  {
    name: 'a chat stream that ends cleanly after its usage chunk without [DONE]',
    streams: [true],
    mode: (wire, _s, text) => (wire === 'chat' ? stream(sseBody(wire, streamEventsOf(wire, good(text)).filter((e) => e !== '[DONE]'))) : undefined),
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  {
    name: 'more data after the end marker',
    streams: [true],
    mode: (wire, _s, text) => {
      const events = streamEventsOf(wire, good(text));
      const extra = streamEventsOf(wire, good('EXTRA AFTER THE END')).filter((event) => isTextDelta(wire, event));
      return stream(sseBody(wire, [...events, ...extra]));
    },
    // Whatever reaches the client, the text after the end is not part of the answer (an SDK stops reading at
    // the end marker); translated, it never reaches the client, and no replay carries it.
    expect: 'serve',
    cache: 'any',
    afterEndIgnored: true,
  },
  {
    name: 'one event larger than 1 MB',
    streams: [true],
    mode: (wire) => stream(sseBody(wire, inOneDelta(wire, streamEventsOf(wire, good(bigText))))),
    expect: 'serve',
    cache: 'kept',
    big: true,
    servedText: bigText,
  },

  // --- JSON oddities ------------------------------------------------------------------------------
  {
    name: 'a duplicate key in the answer (the last one counts)',
    streams: [true, false],
    mode: (wire, isStream, text) => (isStream ? stream(withDuplicateKey(wire, true, text)) : whole(withDuplicateKey(wire, false, text))),
    expect: 'serve',
    cache: 'kept',
  },
  {
    name: 'numbers sent as strings (index, created)',
    streams: [true, false],
    mode: (wire, isStream, text) =>
      (isStream ? stream : whole)(goodBody(wire, isStream, good(text)).replace(/"(index|output_index|content_index|created|created_at)":(\d+)/g, '"$1":"$2"')),
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'null where an object may be (delta null on the finish chunk, usage null on every other chunk)',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      if (wire !== 'chat') return undefined;
      if (!isStream) return whole(jsonText({ ...wholeAnswerOf(wire, good(text)), system_fingerprint: null, service_tier: null }).replace('"logprobs":null', '"logprobs":null,"refusal":null'));
      const events = streamEventsOf(wire, good(text)).map((event) => {
        if (typeof event === 'string' || !event.choices?.length) return event;
        const choice = event.choices[0];
        return { ...event, usage: null, choices: [choice.finish_reason ? { ...choice, delta: null } : choice] };
      });
      return stream(sseBody(wire, events));
    },
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  {
    name: 'usage null on message_delta (Anthropic)',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      if (wire !== 'anthropic') return undefined;
      if (!isStream) return whole(jsonText({ ...wholeAnswerOf(wire, good(text)), usage: null }));
      return stream(sseBody(wire, streamEventsOf(wire, good(text)).map((event) => (typeof event === 'object' && event.type === 'message_delta' ? { ...event, usage: null } : event))));
    },
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'a whole answer whose message is null',
    streams: [false],
    mode: (wire, _s, text) => {
      const answer = wholeAnswerOf(wire, good(text));
      if (wire === 'chat') answer.choices[0].message = null;
      else if (wire === 'anthropic') answer.content = null;
      else answer.output = null;
      return whole(jsonText(answer));
    },
    // Same protocol, the provider's answer may pass as it came (when in doubt, forward); never cached.
    expect: 'fail-or-pass',
    cache: 'never',
  },
  {
    name: 'unknown extra fields (OpenRouter, Groq, Azure style)',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      const extra = { provider: 'Fake', x_groq: { id: 'req_1' }, prompt_filter_results: [{ prompt_index: 0, content_filter_results: {} }] };
      if (!isStream) return whole(jsonText({ ...wholeAnswerOf(wire, good(text)), ...extra }));
      return stream(sseBody(wire, streamEventsOf(wire, good(text)).map((event) => (typeof event === 'object' ? { ...event, ...extra } : event))));
    },
    expect: 'serve',
    cache: 'any',
  },
  {
    name: 'a chat stream that opens with an empty choices chunk (Azure content filter results)',
    streams: [true],
    mode: (wire, _s, text) =>
      wire === 'chat'
        ? stream(sseBody(wire, [{ id: '', object: '', created: 0, model: '', choices: [], prompt_filter_results: [{ prompt_index: 0, content_filter_results: {} }] }, ...streamEventsOf(wire, good(text))]))
        : undefined,
    expect: 'serve',
    cache: 'any',
    usage: 'provider',
  },
  {
    name: 'a whole chat answer with no choices',
    streams: [false],
    mode: (wire, _s, text) => (wire === 'chat' ? whole(jsonText({ ...wholeAnswerOf(wire, good(text)), choices: [] })) : undefined),
    expect: 'fail-or-pass',
    cache: 'never',
  },
  {
    name: 'an unknown finish reason',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      const body = goodBody(wire, isStream, good(text));
      if (wire === 'chat') return (isStream ? stream : whole)(body.replace('"finish_reason":"stop"', '"finish_reason":"eos_token"'));
      if (wire === 'anthropic') return (isStream ? stream : whole)(body.replace('"stop_reason":"end_turn"', '"stop_reason":"model_context_window_exceeded"'));
      return undefined;
    },
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'tool arguments cut inside escapes and surrogate pairs, bytes cut inside characters',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      const answer: GoodAnswer = { text, tool: { name: 'get_weather', arguments: trickyArguments } };
      let body = goodBody(wire, isStream, answer);
      if (wire === 'anthropic' && !isStream) {
        // Anthropic's whole answers carry the input as JSON itself.
        const message = wholeAnswerOf(wire, { ...answer, tool: { name: 'get_weather', arguments: '{}' } });
        message.content[0].input = JSON.parse(trickyArguments);
        body = JSON.stringify(message);
      }
      return (isStream ? stream : whole)(() => byteSlices(body), { pauseMs: 1 });
    },
    expect: 'serve',
    cache: 'any',
    toolCall: true,
    toolArguments: trickyArguments,
  },
  {
    name: 'Anthropic usage only on message_delta (none on message_start)',
    streams: [true],
    mode: (wire, _s, text) =>
      wire === 'anthropic'
        ? stream(
            sseBody(
              wire,
              streamEventsOf(wire, good(text)).map((event) => {
                if (typeof event !== 'object') return event;
                if (event.type === 'message_start') return { ...event, message: { ...event.message, usage: undefined } };
                if (event.type === 'message_delta') return { ...event, usage: { input_tokens: 12, output_tokens: 5 } };
                return event;
              }),
            ),
          )
        : undefined,
    expect: 'serve',
    cache: 'any',
  },

  // --- HTTP oddities ------------------------------------------------------------------------------
  ...(['br', 'deflate'] as const).map(
    (encoding): MatrixFault => ({
      name: `a ${encoding}-encoded answer`,
      streams: [true, false],
      mode: (wire, isStream, text) => goodMode(wire, isStream, good(text), { encoding }),
      expect: 'serve',
      cache: 'kept',
      usage: 'provider',
    }),
  ),
  {
    name: 'a raw-deflate answer labelled deflate (no zlib header)',
    streams: [true, false],
    mode: (wire, isStream, text) => goodMode(wire, isStream, good(text), { encoding: 'deflate-raw' }),
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  {
    name: 'no content-type',
    streams: [true, false],
    mode: (wire, isStream, text) => goodMode(wire, isStream, good(text), { contentType: null }),
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  {
    name: 'content-type text/plain',
    streams: [true, false],
    mode: (wire, isStream, text) => goodMode(wire, isStream, good(text), { contentType: 'text/plain; charset=utf-8' }),
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  {
    name: 'HTTP 200 with an HTML page (a captive portal)',
    streams: [true, false],
    mode: () => whole('<!DOCTYPE html><html><head><title>Sign in</title></head><body><form>Wi-Fi login</form></body></html>', { contentType: 'text/html' }),
    expect: 'fail',
    cache: 'never',
  },
  {
    name: 'HTTP 204 without a body',
    streams: [true, false],
    mode: () => whole('', { status: 204, contentType: null }),
    expect: 'fail',
    cache: 'never',
  },
  ...[301, 302, 307, 308].map(
    (status): MatrixFault => ({
      name: `a ${status} redirect`,
      streams: [true, false],
      mode: () => whole('', { status, contentType: null, headers: { location: 'http://127.0.0.1:9/v1/elsewhere' } }),
      expect: 'fail',
      cache: 'never',
    }),
  ),
  ...statusFaults,
  {
    name: 'an error status with an HTML body',
    streams: [true, false],
    mode: () => whole('<html><body><h1>502 Bad Gateway</h1>nginx</body></html>', { status: 502, contentType: 'text/html' }),
    expect: 'fail',
    cache: 'never',
  },
  {
    name: 'the connection closed in the middle of the headers',
    streams: [true, false],
    mode: () => socket('HTTP/1.1 200 OK\r\nContent-Type: appl', 'close'),
    expect: 'fail',
    cache: 'never',
  },
  {
    name: 'a content-length shorter than the body',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      const body = goodBody(wire, isStream, good(text));
      return socket(`HTTP/1.1 200 OK\r\nContent-Type: ${isStream ? 'text/event-stream' : 'application/json'}\r\nContent-Length: ${Math.floor(Buffer.byteLength(body) / 2)}\r\nConnection: close\r\n\r\n${body}`);
    },
    expect: 'fail',
    cache: 'never',
  },
  {
    name: 'a content-length longer than the body',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      const body = goodBody(wire, isStream, good(text));
      return socket(`HTTP/1.1 200 OK\r\nContent-Type: ${isStream ? 'text/event-stream' : 'application/json'}\r\nContent-Length: ${Buffer.byteLength(body) + 100}\r\n\r\n${body}`);
    },
    // A whole answer is cut; a stream may have carried every event before the connection closed short.
    expect: (_wire, isStream) => (isStream ? 'either' : 'fail'),
    cache: 'any',
  },
  {
    name: 'HTTP trailers after the body',
    streams: [true, false],
    mode: (wire, isStream, text) => goodMode(wire, isStream, good(text), { trailers: { 'x-upstream-status': 'ok', 'server-timing': 'total;dur=12' } }),
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
];
