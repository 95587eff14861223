// Provider faults, round 6: classes rounds 1-5 left out (see their notes). Content codings that break
// (a compressed answer cut short, a wrong checksum, junk after it, compressed bytes without a label, a
// bomb, several members, a compressed error body), HTTP framing at its edges (two lengths, chunk
// extensions, a chunk size past belief, transfer codings nobody does, 101/102 and many 103s, 2xx that are
// not 200, status codes past 599, no status line at all, header values with NUL, thousands of headers),
// JSON a strict parser refuses or that says odd things (NaN from Python, BOMs, raw control characters,
// lone surrogates, text that looks like SSE, an event with junk or a second object, one event that is not
// JSON in the middle), types where objects belong, and event sequences out of order (the end marker
// before the finish, blocks started backwards or twice, a Responses stream without its start or with
// indexes elsewhere). Each is built from a good answer in the provider's own protocol. Used by
// tests/gateway/provider-fault-round6.test.ts with the first matrix's checks.
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { expect } from 'vitest';
import { stream, whole, either, good, goodBody, edited, firstTextIndex, type Json, type Event } from './fault-answers.js';
import { jsonText, sseBody, sseEvent, streamEventsOf, wholeAnswerOf, type GoodAnswer, type MatrixFault, type Wire } from './fault-matrix.js';
import type { FakeMode } from './types.js';

const contentType = (isStream: boolean): string => (isStream ? 'text/event-stream' : 'application/json');

/** Bytes straight onto the socket: a status line (HTTP/1.1 200 OK unless given), headers, the body (binary kept). */
function socketAnswer(head: string[], body: string | Buffer, options: { status?: string; prefix?: string; length?: boolean } = {}): FakeMode {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const lines = [...head, ...(options.length === false ? [] : [`Content-Length: ${bytes.length}`])];
  const top = Buffer.from(`${options.prefix ?? ''}${options.status ?? 'HTTP/1.1 200 OK'}\r\n${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return { kind: 'socket', bytes: Buffer.concat([top, bytes]), end: 'end' };
}

/** A body in chunked framing, pieces of `size` bytes, each size line written by `sizeLine`. */
function chunked(body: string, size: number, sizeLine: (length: number) => string): Buffer {
  const bytes = Buffer.from(body);
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) {
    const piece = bytes.subarray(i, i + size);
    parts.push(Buffer.from(`${sizeLine(piece.length)}\r\n`), piece, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`${sizeLine(0)}\r\n\r\n`));
  return Buffer.concat(parts);
}

const errorBodyOf = (wire: Wire, message: string): string =>
  wire === 'anthropic' ? JSON.stringify({ type: 'error', error: { type: 'rate_limit_error', message } }) : JSON.stringify({ error: { message, type: 'rate_limit_error' } });

/** The good body's events with the event carrying the first text replaced by `replace(original event's SSE text)`. */
function withFirstTextEvent(wire: Wire, text: string, replace: (sse: string, event: Json) => string): string {
  const events = streamEventsOf(wire, good(text));
  const at = firstTextIndex(wire, events);
  return events.map((event, index) => (index === at ? replace(sseEvent(wire, event), event as Json) : sseEvent(wire, event))).join('');
}

/** An event that carries no text of the answer, inserted after the first text event (a second copy of the start with text zeroed). */
function insertAfterFirstText(wire: Wire, text: string, stray: string): string {
  const events = streamEventsOf(wire, good(text));
  const at = firstTextIndex(wire, events);
  return events.map((event, index) => sseEvent(wire, event) + (index === at ? stray : '')).join('');
}

const weatherArguments = '{"city":"Paris","days":3}';

const oddText = (text: string): string => `${text} \u0000 \u2028\u2029 "\\" \n\ndata: [DONE]\n\nevent: message_stop\n\n`;

export const round6Faults: MatrixFault[] = [
  // ---- content codings that break ---------------------------------------------------------------
  ...(
    [
      ['gzip', gzipSync],
      ['br', brotliCompressSync],
      ['deflate', deflateSync],
    ] as const
  ).map(
    ([coding, compress]): MatrixFault => ({
      name: `a ${coding} answer cut short (half of the compressed bytes, then a clean end)`,
      streams: [true, false],
      mode: (wire, isStream, text) => {
        const packed = compress(Buffer.from(goodBody(wire, isStream, good(text))));
        return either(isStream)(() => [packed.subarray(0, Math.floor(packed.length / 2))], { headers: { 'content-encoding': coding } });
      },
      expect: 'fail',
      cache: 'never',
    }),
  ),
  {
    name: 'a gzip answer whose checksum is wrong (the body intact)',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      const packed = Buffer.from(gzipSync(Buffer.from(goodBody(wire, isStream, good(text)))));
      packed[packed.length - 6] = packed[packed.length - 6]! ^ 0xff;
      return either(isStream)(() => [packed], { headers: { 'content-encoding': 'gzip' } });
    },
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'junk bytes after a gzip answer',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      const packed = Buffer.concat([gzipSync(Buffer.from(goodBody(wire, isStream, good(text)))), Buffer.from('JUNK AFTER THE GZIP MEMBER\n')]);
      return either(isStream)(() => [packed], { headers: { 'content-encoding': 'gzip' } });
    },
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'gzip bytes without a content-encoding label',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      const packed = gzipSync(Buffer.from(goodBody(wire, isStream, good(text))));
      return either(isStream)(() => [packed]);
    },
    expect: 'fail',
    cache: 'never',
  },
  ...(['x-gzip', 'GZIP', ' gzip '] as const).map(
    (label): MatrixFault => ({
      name: `a gzip answer labelled "${label}"`,
      streams: [true, false],
      mode: (wire, isStream, text) => {
        const packed = gzipSync(Buffer.from(goodBody(wire, isStream, good(text))));
        return either(isStream)(() => [packed], { headers: { 'content-encoding': label } });
      },
      expect: 'either',
      cache: 'any',
    }),
  ),
  {
    name: 'a gzip bomb (2 KB that unpack to 8 MB, past upstream.maxAnswerBytes)',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      const padding = isStream ? `: ${'x'.repeat(8 * 1024 * 1024)}\n\n` : ' '.repeat(8 * 1024 * 1024);
      const packed = gzipSync(Buffer.from(padding + goodBody(wire, isStream, good(text))));
      return either(isStream)(() => [packed], { headers: { 'content-encoding': 'gzip' } });
    },
    expect: 'fail',
    cache: 'never',
    check: (_response, body) => expect(body.length).toBeLessThan(64 * 1024),
  },
  {
    name: 'a gzip answer in two gzip members, one after the other',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      const body = Buffer.from(goodBody(wire, isStream, good(text)));
      const middle = Math.floor(body.length / 2);
      const packed = Buffer.concat([gzipSync(body.subarray(0, middle)), gzipSync(body.subarray(middle))]);
      return either(isStream)(() => [packed], { headers: { 'content-encoding': 'gzip' } });
    },
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'a 429 whose error body is gzip-compressed: the provider\'s words reach the client',
    streams: [true, false],
    mode: (wire) => ({ kind: 'raw', status: 429, contentType: 'application/json', headers: { 'content-encoding': 'gzip' }, body: () => [gzipSync(Buffer.from(errorBodyOf(wire, 'Slow down, compressed (fault injection).')))] }),
    expect: 'fail',
    cache: 'never',
    check: (response, body) => {
      expect(response.status).toBe(429);
      expect(body).toContain('Slow down, compressed');
    },
  },
  {
    name: 'a content coding nobody knows ("compress") over the plain answer',
    streams: [true, false],
    mode: (wire, isStream, text) => either(isStream)(goodBody(wire, isStream, good(text)), { headers: { 'content-encoding': 'compress' } }),
    expect: 'either',
    cache: 'any',
  },
  // ---- HTTP framing at its edges ------------------------------------------------------------------
  {
    name: 'two content-length headers that disagree',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      const body = goodBody(wire, isStream, good(text));
      return socketAnswer([`Content-Type: ${contentType(isStream)}`, `Content-Length: ${Buffer.byteLength(body)}`, `Content-Length: ${Buffer.byteLength(body) - 7}`], body, { length: false });
    },
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'a content-length that is not a number',
    streams: [true, false],
    mode: (wire, isStream, text) => socketAnswer([`Content-Type: ${contentType(isStream)}`, 'Content-Length: twelve'], goodBody(wire, isStream, good(text)), { length: false }),
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'chunk extensions on every chunk (legal, rarely sent)',
    streams: [true, false],
    mode: (wire, isStream, text) => socketAnswer([`Content-Type: ${contentType(isStream)}`, 'Transfer-Encoding: chunked'], chunked(goodBody(wire, isStream, good(text)), 40, (n) => `${n.toString(16)};name=value;flag`), { length: false }),
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'chunk sizes in capital hex with leading zeros',
    streams: [true, false],
    mode: (wire, isStream, text) => socketAnswer([`Content-Type: ${contentType(isStream)}`, 'Transfer-Encoding: chunked'], chunked(goodBody(wire, isStream, good(text)), 37, (n) => `000${n.toString(16).toUpperCase()}`), { length: false }),
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  {
    name: 'a chunk size past belief (FFFFFFFFFFFFFFFF) after the first chunk',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      const body = goodBody(wire, isStream, good(text));
      const first = body.slice(0, Math.floor(body.length / 3));
      return socketAnswer([`Content-Type: ${contentType(isStream)}`, 'Transfer-Encoding: chunked'], `${Buffer.byteLength(first).toString(16)}\r\n${first}\r\nFFFFFFFFFFFFFFFF\r\n${body.slice(first.length)}`, { length: false });
    },
    // The bytes after the size line are the rest of the answer: whole, or an error, never a part for the whole.
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'Transfer-Encoding: gzip, chunked (a transfer coding besides chunked)',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      const packed = gzipSync(Buffer.from(goodBody(wire, isStream, good(text))));
      const framed = Buffer.concat([Buffer.from(`${packed.length.toString(16)}\r\n`), packed, Buffer.from('\r\n0\r\n\r\n')]);
      return socketAnswer([`Content-Type: ${contentType(isStream)}`, 'Transfer-Encoding: gzip, chunked'], framed, { length: false });
    },
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'an unsolicited 101 Switching Protocols',
    streams: [true, false],
    mode: (wire, isStream, text) => socketAnswer(['Connection: Upgrade', 'Upgrade: websocket'], goodBody(wire, isStream, good(text)), { status: 'HTTP/1.1 101 Switching Protocols', length: false }),
    expect: 'fail',
    cache: 'never',
  },
  {
    name: 'a 102 Processing, then the answer',
    streams: [true, false],
    mode: (wire, isStream, text) => socketAnswer([`Content-Type: ${contentType(isStream)}`], goodBody(wire, isStream, good(text)), { prefix: 'HTTP/1.1 102 Processing\r\n\r\n' }),
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'three 103 Early Hints, then the answer',
    streams: [true, false],
    mode: (wire, isStream, text) => socketAnswer([`Content-Type: ${contentType(isStream)}`], goodBody(wire, isStream, good(text)), { prefix: 'HTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\n'.repeat(3) }),
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  ...(
    [
      ['201 Created', 'either'],
      ['203 Non-Authoritative Information', 'either'],
      ['206 Partial Content', 'either'],
      ['299 Whatever', 'either'],
      ['600 Beyond', 'fail'],
      ['999 Unknown', 'fail'],
    ] as const
  ).map(
    ([status, expectation]): MatrixFault => ({
      name: `HTTP ${status} carrying a good answer`,
      streams: [true, false],
      mode: (wire, isStream, text) => socketAnswer([`Content-Type: ${contentType(isStream)}`], goodBody(wire, isStream, good(text)), { status: `HTTP/1.1 ${status}` }),
      expect: expectation,
      cache: 'any',
    }),
  ),
  {
    name: 'a status line without a reason phrase (HTTP/1.1 200)',
    streams: [true, false],
    mode: (wire, isStream, text) => socketAnswer([`Content-Type: ${contentType(isStream)}`], goodBody(wire, isStream, good(text)), { status: 'HTTP/1.1 200' }),
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  {
    name: 'no status line at all (HTTP/0.9 style: the body straight away)',
    streams: [true, false],
    mode: (wire, isStream, text) => ({ kind: 'socket', bytes: goodBody(wire, isStream, good(text)), end: 'end' }),
    expect: 'fail',
    cache: 'never',
  },
  {
    name: 'a status line of HTTP/2 (text where binary frames belong)',
    streams: [true, false],
    mode: (wire, isStream, text) => socketAnswer([`Content-Type: ${contentType(isStream)}`], goodBody(wire, isStream, good(text)), { status: 'HTTP/2 200' }),
    expect: 'fail',
    cache: 'never',
  },
  {
    name: 'a header value with a NUL byte',
    streams: [true, false],
    mode: (wire, isStream, text) => socketAnswer([`Content-Type: ${contentType(isStream)}`, 'X-Request-Id: abc\u0000def'], goodBody(wire, isStream, good(text))),
    expect: 'either',
    cache: 'any',
  },
  {
    name: '2,000 small headers',
    streams: [true, false],
    mode: (wire, isStream, text) =>
      socketAnswer([`Content-Type: ${contentType(isStream)}`, ...Array.from({ length: 2000 }, (_, i) => `X-H${i}: ${i}`)], goodBody(wire, isStream, good(text))),
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'a second, unasked answer after the answer on the same connection',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      const stray = goodBody(wire, isStream, good('STRAY ANSWER nobody asked for.'));
      const mode = socketAnswer([`Content-Type: ${contentType(isStream)}`], goodBody(wire, isStream, good(text)));
      const extra = `HTTP/1.1 200 OK\r\nContent-Type: ${contentType(isStream)}\r\nContent-Length: ${Buffer.byteLength(stray)}\r\n\r\n${stray}`;
      return { ...mode, bytes: Buffer.concat([mode.kind === 'socket' ? Buffer.from(mode.bytes) : Buffer.alloc(0), Buffer.from(extra)]) } as FakeMode;
    },
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  // ---- JSON a strict parser refuses, or that says odd things --------------------------------------
  {
    name: 'bare NaN and Infinity in the usage (Python\'s json.dumps)',
    streams: [true, false],
    mode: (wire, isStream, text) => either(isStream)(goodBody(wire, isStream, { text, usage: { input: 'NaN', output: 'Infinity' } })),
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'usage of the wrong types (usage an array, a token count true, another an object)',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      const body = goodBody(wire, isStream, { text, usage: { input: 'true', output: '{"n":5}' } });
      return either(isStream)(wire === 'chat' && isStream ? body.replace(/"usage":\{[^}]*\}\}/, '"usage":[]') : body);
    },
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'usage of -0 and 5e0 (numbers a strict integer check may refuse)',
    streams: [true, false],
    mode: (wire, isStream, text) => either(isStream)(goodBody(wire, isStream, { text, usage: { input: '-0', output: '5e0' } })),
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'a byte order mark before a whole JSON answer',
    streams: [false],
    mode: (wire, _s, text) => whole(`\uFEFF${goodBody(wire, false, good(text))}`),
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'a byte order mark at the start of every data payload',
    streams: [true],
    mode: (wire, _s, text) => stream(goodBody(wire, true, good(text)).replace(/data: /g, 'data: \uFEFF')),
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'raw control characters (a tab, a bell) unescaped inside a JSON string',
    streams: [true, false],
    mode: (wire, isStream, text) => either(isStream)(goodBody(wire, isStream, good(text)).replace('fake-model', 'fake\tmodel\u0007')),
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'a lone surrogate escape (\\ud83d) in the text',
    streams: [true, false],
    mode: (wire, isStream, text) => either(isStream)(goodBody(wire, isStream, good(`${text}!`)).replace(/!/g, '\\ud83d')),
    expect: 'either',
    // As it came (JSON.parse keeps a lone surrogate), never U+FFFD in one reading and the surrogate in another.
    servedText: (text) => `${text}\ud83d`,
    cache: 'any',
  },
  {
    name: 'text holding NUL, U+2028/U+2029, quotes, backslashes and lines that look like SSE events',
    streams: [true, false],
    mode: (wire, isStream, text) => either(isStream)(goodBody(wire, isStream, good(oddText(text)))),
    expect: 'serve',
    servedText: oddText,
    cache: 'kept',
    usage: 'provider',
  },
  {
    name: 'the whole text written as \\u escapes',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      const body = goodBody(wire, isStream, good(text));
      const escaped = (value: string): string => [...value].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
      return either(isStream)(body.replace(/"(content|text|delta)":"([^"\\]+)"/g, (_match, key: string, value: string) => `"${key}":"${escaped(value)}"`));
    },
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  {
    name: 'keys in an unusual order (the type last, choices before id) and pretty-printed over several data lines',
    streams: [true],
    mode: (wire, _s, text) =>
      stream(
        streamEventsOf(wire, good(text))
          .map((event) => {
            if (typeof event === 'string') return sseEvent(wire, event);
            const reversed = Object.fromEntries(Object.entries(event).reverse());
            const lines = JSON.stringify(reversed, null, 2).split('\n').map((line) => `data: ${line}`).join('\n');
            return `${wire === 'chat' ? '' : `event: ${event.type}\n`}${lines}\n\n`;
          })
          .join(''),
      ),
    expect: 'serve',
    cache: ({ caller }) => (caller === 'responses' ? 'any' : 'kept'),
    usage: 'provider',
  },
  {
    name: 'junk after the JSON inside the event that carries the first text',
    streams: [true],
    mode: (wire, _s, text) => stream(withFirstTextEvent(wire, text, (sse) => sse.replace(/\n\n$/, ' trailing junk}\n\n'))),
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'two JSON objects in one data event (the first text, then another chunk)',
    streams: [true],
    mode: (wire, _s, text) => stream(withFirstTextEvent(wire, text, (sse) => sse.replace(/\n\n$/, `${sse.slice(sse.indexOf('data: ') + 6)}`))),
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'the event that carries the first text is not JSON (a trailing comma)',
    streams: [true],
    mode: (wire, _s, text) => stream(withFirstTextEvent(wire, text, (sse) => sse.replace(/}\n\n$/, ',}\n\n'))),
    expect: 'either',
    cache: 'any',
  },
  ...(
    [
      ['a JSON array', '[1,2,3]'],
      ['a number', '42'],
      ['a string', '"hello"'],
      ['null', 'null'],
    ] as const
  ).map(
    ([label, data]): MatrixFault => ({
      name: `an event whose data is ${label}, after the first text`,
      streams: [true],
      mode: (wire, _s, text) => stream(insertAfterFirstText(wire, text, wire === 'chat' ? `data: ${data}\n\n` : `event: ${wire === 'anthropic' ? 'content_block_delta' : 'response.output_text.delta'}\ndata: ${data}\n\n`)),
      expect: 'either',
      cache: 'any',
    }),
  ),
  // ---- types where objects belong -----------------------------------------------------------------
  {
    name: 'null where the start event\'s object belongs (choices [null], content_block null, response null)',
    streams: [true],
    mode: (wire, _s, text) =>
      stream(
        edited(wire, text, (events) => {
          const stray: Json =
            wire === 'chat'
              ? { ...(events[0] as Json), choices: [null] }
              : wire === 'anthropic'
                ? { type: 'content_block_start', index: 0, content_block: null }
                : { type: 'response.in_progress', sequence_number: 0, response: null };
          return [events[0]!, stray, ...events.slice(1)];
        }),
      ),
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'a text delta of the wrong type (a number, then null) between the real ones',
    streams: [true],
    mode: (wire, _s, text) => {
      const events = streamEventsOf(wire, good(text));
      const at = firstTextIndex(wire, events);
      const base = events[at] as Json;
      const wrong = (value: unknown): Json =>
        wire === 'chat'
          ? { ...base, choices: [{ ...base.choices[0], delta: { content: value } }] }
          : wire === 'anthropic'
            ? { ...base, delta: { type: 'text_delta', text: value } }
            : { ...base, delta: value };
      return stream(sseBody(wire, [...events.slice(0, at + 1), wrong(42), wrong(null), ...events.slice(at + 1)]));
    },
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'the finish reason as a number (finish_reason 1, stop_reason 1)',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      if (wire === 'responses') return undefined;
      const body = goodBody(wire, isStream, good(text));
      return either(isStream)(body.replace('"finish_reason":"stop"', '"finish_reason":1').replace('"stop_reason":"end_turn"', '"stop_reason":1'));
    },
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'no finish reason at the end (finish_reason "", stop_reason null on message_delta)',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      if (wire === 'responses') return undefined;
      const body = goodBody(wire, isStream, good(text));
      return either(isStream)(body.replace('"finish_reason":"stop"', '"finish_reason":""').replace('"stop_reason":"end_turn"', '"stop_reason":null'));
    },
    expect: 'either',
    cache: 'any',
  },
  // ---- event sequences out of order ---------------------------------------------------------------
  {
    name: 'the end marker right after the first text, then the rest of the answer ([DONE], message_stop early)',
    streams: [true],
    mode: (wire, _s, text) => {
      // (A Responses stream's early response.completed carries the whole answer in its snapshot: not this fault.)
      if (wire === 'responses') return undefined;
      return stream(
        edited(wire, text, (events) => {
          const at = firstTextIndex(wire, events) + 1;
          const end: Event = wire === 'chat' ? '[DONE]' : { type: 'message_stop' };
          return [...events.slice(0, at), end, ...events.slice(at)];
        }),
      );
    },
    // What came before the marker is not the answer: a client must never take it for a whole one.
    expect: 'fail-or-pass',
    cache: 'never',
  },
  {
    name: 'a content chunk before the start event (chat role chunk second, Anthropic ping first, Responses in_progress first)',
    streams: [true],
    mode: (wire, _s, text) =>
      stream(
        edited(wire, text, (events) => {
          if (wire === 'chat') return [events[1]!, events[0]!, ...events.slice(2)];
          if (wire === 'anthropic') return [{ type: 'ping' }, ...events];
          return [{ type: 'response.in_progress', sequence_number: 0, response: (events[0] as Json).response }, ...events];
        }),
      ),
    expect: 'either',
    exactText: false,
    cache: 'any',
  },
  {
    name: 'no start event at all (no role chunk, no message_start, no response.created)',
    streams: [true],
    mode: (wire, _s, text) => stream(edited(wire, text, (events) => events.slice(1))),
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'the same content block started twice (Anthropic), the same output item added twice (Responses)',
    streams: [true],
    mode: (wire, _s, text) => {
      if (wire === 'chat') return undefined;
      return stream(
        edited(wire, text, (events) => {
          const at = events.findIndex((event) => typeof event !== 'string' && (event.type === 'content_block_start' || event.type === 'response.output_item.added'));
          return [...events.slice(0, at + 1), events[at]!, ...events.slice(at + 1)];
        }),
      );
    },
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'a content_block_stop before its content_block_start',
    streams: [true],
    mode: (wire, _s, text) => {
      if (wire !== 'anthropic') return undefined;
      return stream(edited(wire, text, (events) => [events[0]!, { type: 'content_block_stop', index: 0 }, ...events.slice(1)]));
    },
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'Responses text deltas whose output_index and content_index point at nothing',
    streams: [true],
    mode: (wire, _s, text) => {
      if (wire !== 'responses') return undefined;
      return stream(edited(wire, text, (events) => events.map((event) => (typeof event !== 'string' && event.type === 'response.output_text.delta' ? { ...event, output_index: 3, content_index: 2 } : event))));
    },
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'Responses sequence numbers going backwards and repeated',
    streams: [true],
    mode: (wire, _s, text) => {
      if (wire !== 'responses') return undefined;
      return stream(edited(wire, text, (events) => events.map((event) => (typeof event === 'string' ? event : { ...event, sequence_number: 5 }))));
    },
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'the finish twice (chat finish chunk repeated, Anthropic message_delta twice with different stop reasons)',
    streams: [true],
    mode: (wire, _s, text) => {
      if (wire === 'responses') return undefined;
      return stream(
        edited(wire, text, (events) => {
          const at = events.findIndex((event) => typeof event !== 'string' && (event.choices?.[0]?.finish_reason || event.type === 'message_delta'));
          const again = wire === 'chat' ? events[at]! : { ...(events[at] as Json), delta: { stop_reason: 'max_tokens', stop_sequence: null } };
          return [...events.slice(0, at + 1), again, ...events.slice(at + 1)];
        }),
      );
    },
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'the end marker with a blank after it (data: [DONE] , a trailing space)',
    streams: [true],
    mode: (wire, _s, text) => (wire === 'chat' ? stream(goodBody(wire, true, good(text)).replace('data: [DONE]\n', 'data: [DONE] \n')) : undefined),
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'no choice index on any chunk (some small servers leave it out)',
    streams: [true, false],
    mode: (wire, isStream, text) => (wire === 'chat' ? either(isStream)(goodBody(wire, isStream, good(text)).replace(/"index":0,/g, '')) : undefined),
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  {
    name: 'the text in the reasoning field first, then in content (a reasoning model\'s chat stream)',
    streams: [true],
    mode: (wire, _s, text) => {
      if (wire !== 'chat') return undefined;
      return stream(
        edited(wire, text, (events) => {
          const first = events[0] as Json;
          const thinking: Json = { ...first, choices: [{ index: 0, delta: { reasoning_content: 'Thinking it over first.' }, logprobs: null, finish_reason: null }] };
          return [events[0]!, thinking, thinking, ...events.slice(1)];
        }),
      );
    },
    // Reasoning is not the answer's text: the text the client reads is the content, exactly.
    expect: 'either',
    cache: 'any',
  },
  // ---- tool calls in shapes some providers use --------------------------------------------------
  {
    name: 'a tool call\'s name streamed in two pieces (get_, then weather)',
    streams: [true],
    mode: (wire, _s, text) => {
      if (wire !== 'chat') return undefined;
      const events = streamEventsOf(wire, { text, tool: { name: 'get_weather', arguments: weatherArguments } });
      const at = events.findIndex((event) => typeof event !== 'string' && event.choices?.[0]?.delta?.tool_calls?.[0]?.function?.name);
      const first = JSON.parse(JSON.stringify(events[at])) as Json;
      first.choices[0].delta.tool_calls[0].function.name = 'get_';
      const rest: Json = { ...first, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { name: 'weather' } }] }, logprobs: null, finish_reason: null }] };
      return stream(sseBody(wire, [...events.slice(0, at), first, rest, ...events.slice(at + 1)]));
    },
    expect: 'either',
    toolCall: true,
    toolArguments: weatherArguments,
    cache: 'any',
  },
  {
    name: 'tool call arguments as a JSON object instead of a string',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      if (wire !== 'chat') return undefined;
      const answer: GoodAnswer = { text, tool: { name: 'get_weather', arguments: weatherArguments } };
      if (!isStream) {
        const whole_ = wholeAnswerOf(wire, answer);
        whole_.choices[0].message.tool_calls[0].function.arguments = JSON.parse(weatherArguments);
        return whole(jsonText(whole_));
      }
      const events = streamEventsOf(wire, answer).filter((event) => typeof event === 'string' || !(event.choices?.[0]?.delta?.tool_calls?.[0]?.function?.arguments && !event.choices[0].delta.tool_calls[0].function.name));
      const at = events.findIndex((event) => typeof event !== 'string' && event.choices?.[0]?.delta?.tool_calls?.[0]?.function?.name);
      const first = JSON.parse(JSON.stringify(events[at])) as Json;
      first.choices[0].delta.tool_calls[0].function.arguments = JSON.parse(weatherArguments);
      return stream(sseBody(wire, [...events.slice(0, at), first, ...events.slice(at + 1)]));
    },
    expect: 'either',
    toolCall: true,
    toolArguments: weatherArguments,
    cache: 'any',
  },
  {
    name: 'an Anthropic tool_use whose start carries the whole input, and deltas that repeat it',
    streams: [true],
    mode: (wire, _s, text) => {
      if (wire !== 'anthropic') return undefined;
      const events = streamEventsOf(wire, { text, tool: { name: 'get_weather', arguments: weatherArguments } });
      return stream(sseBody(wire, events.map((event) => (typeof event !== 'string' && event.type === 'content_block_start' ? { ...event, content_block: { ...event.content_block, input: JSON.parse(weatherArguments) } } : event))));
    },
    expect: 'either',
    toolCall: true,
    toolArguments: weatherArguments,
    cache: 'any',
  },
];

/** Faults that need a provider with short timeouts (upstream.idleTimeoutMs, timeoutMs): the provider never finishes. */
export const round6SlowFaults: MatrixFault[] = [
  {
    name: 'the whole answer with its end marker, then the connection stays open',
    streams: [true],
    mode: (wire, _s, text) => stream(goodBody(wire, true, good(text)), { hang: true }),
    // The answer is whole once its last event came: the client need not wait for the provider to close.
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  {
    name: 'the opening, then keep-alives (comments, Anthropic pings) forever and never any text',
    streams: [true, false],
    mode: (wire, _s, text) => {
      const opening = sseEvent(wire, streamEventsOf(wire, good(text))[0]!);
      const ping = wire === 'anthropic' ? 'event: ping\ndata: {"type":"ping"}\n\n' : ': keep-alive\n\n';
      return stream(
        function* () {
          yield opening;
          for (;;) yield ping;
        },
        { pauseMs: 50 },
      );
    },
    expect: 'fail',
    cache: 'never',
    check: (response, body) => expect(`${response.status} ${body}`).toMatch(/timeoutMs|timed? ?out/i),
  },
  {
    // (A whole request waits timeoutMs; a stream request idleTimeoutMs since round 7, as its headers come at once.)
    name: 'the connection accepted, the request read, and never a header: timeoutMs bounds it',
    streams: [true, false],
    mode: () => ({ kind: 'hang' }),
    expect: 'fail',
    cache: 'never',
    check: (response, body) => {
      expect(response.status).toBeGreaterThanOrEqual(500);
      expect(body).toMatch(/timeoutMs|timed? ?out/i);
    },
  },
];
