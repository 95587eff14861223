// Provider faults, round 4: what rounds 1-3 left out. SSE event types nobody announced, all of round 3's
// odd framing at once, an answer trickled a byte at a time, bytes that are not UTF-8 cut across chunks,
// usage in numeric strings or fractions, an Anthropic delta for a block never started, numbers past what
// a double holds, and a connection closed before any header. Each is built from a good answer in the
// provider's own protocol. Used by tests/gateway/provider-fault-round4.test.ts with the first matrix's checks.
import { stream, whole, good, goodBody, type Event } from './fault-answers.js';
import { sseEvent, streamEventsOf, type MatrixFault, type Wire } from './fault-matrix.js';
import type { FakeMode } from './types.js';

/** An event of a type this wire never announced, as a newer version of its API might send. */
function unknownEventOf(wire: Wire, n: number): string {
  if (wire === 'chat') return `event: heartbeat\ndata: {"type":"heartbeat","n":${n}}\n\n`;
  if (wire === 'anthropic') return `event: content_block_annotation\ndata: {"type":"content_block_annotation","index":0,"annotation":{"n":${n}}}\n\n`;
  return `event: response.future_event\ndata: {"type":"response.future_event","sequence_number":${900 + n},"note":"${n}"}\n\n`;
}

/** The body's bytes, the first `slow` one at a time, the rest in pieces of 64. */
function* trickled(body: string, slow: number): Generator<Buffer> {
  const bytes = Buffer.from(body);
  for (let i = 0; i < bytes.length; ) {
    const size = i < slow ? 1 : 64;
    yield bytes.subarray(i, i + size);
    i += size;
  }
}

/** The body with the start of a 3-byte character (E2 82) ending one chunk and a byte that cannot continue it ('A') starting the next, inside the text. */
function withCutInvalidUtf8(body: string, text: string): () => Iterable<Buffer> {
  const at = body.indexOf(text.slice(0, 4));
  return () => [Buffer.concat([Buffer.from(body.slice(0, at)), Buffer.from([0xe2, 0x82])]), Buffer.from(body.slice(at))];
}

/** A good stream with `stray` written after the first text delta. */
function withAfterFirstDelta(wire: Wire, text: string, stray: string): string {
  const events = streamEventsOf(wire, good(text));
  const first = events.findIndex((event) => typeof event !== 'string' && event.type === 'content_block_delta');
  return events.map((event: Event, index) => sseEvent(wire, event) + (index === first ? stray : '')).join('');
}

const withUsage = (usage: { input: number | string; output: number | string }) => (wire: Wire, isStream: boolean, text: string): FakeMode =>
  isStream ? stream(goodBody(wire, true, { text, usage })) : whole(goodBody(wire, false, { text, usage }));

export const round4Faults: MatrixFault[] = [
  {
    name: 'SSE events of a type never announced, between the events',
    streams: [true],
    mode: (wire, _s, text) => stream(streamEventsOf(wire, good(text)).map((event, index) => (index > 0 ? unknownEventOf(wire, index) : '') + sseEvent(wire, event)).join('')),
    expect: 'serve',
    // A Responses caller's answer is kept only when its replay gives the events the client got, which it cannot here.
    cache: ({ caller }) => (caller === 'responses' ? 'never' : 'kept'),
    usage: 'provider',
  },
  {
    name: 'all odd framing at once (BOM, CR-only line ends, comments, id: and retry:, data over two lines)',
    streams: [true],
    mode: (wire, _s, text) => {
      const odd = streamEventsOf(wire, good(text))
        .map((event, index) => {
          const plain = sseEvent(wire, event);
          const cut = plain.indexOf(',"');
          const twoLines = cut === -1 ? plain : `${plain.slice(0, cut + 1)}\ndata: ${plain.slice(cut + 1)}`;
          return `: keep-alive ${index}\nid: ${index}\nretry: 3000\n${twoLines}`;
        })
        .join('');
      return stream(`\uFEFF${odd.replace(/\n/g, '\r')}`);
    },
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  {
    name: 'an answer trickled one byte at a time',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      const body = goodBody(wire, isStream, good(text));
      return (isStream ? stream : whole)(() => trickled(body, 260), { pauseMs: 1 });
    },
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  {
    name: 'bytes that are not UTF-8, cut across chunks (a lead byte, then a byte that cannot follow it)',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      const body = goodBody(wire, isStream, good(text));
      return isStream ? stream(withCutInvalidUtf8(body, text), { pauseMs: 1 }) : whole(withCutInvalidUtf8(body, text), { pauseMs: 1 });
    },
    expect: 'serve',
    exactText: false,
    cache: 'never',
  },
  ...(
    [
      ['numeric strings ("12")', { input: '"12"', output: '"5"' }],
      ['fractions', { input: 12.5, output: 5.25 }],
      ['null', { input: 'null', output: 'null' }],
    ] as const
  ).map(
    ([label, usage]): MatrixFault => ({
      name: `usage odd: ${label}`,
      streams: [true, false],
      mode: withUsage(usage),
      expect: 'serve',
      cache: 'any',
      usage: 'estimated',
    }),
  ),
  {
    name: 'an Anthropic delta for a content block never started',
    streams: [true],
    mode: (wire, _s, text) =>
      wire === 'anthropic' ? stream(withAfterFirstDelta(wire, text, `event: content_block_delta\ndata: {"type":"content_block_delta","index":7,"delta":{"type":"text_delta","text":"STRAY"}}\n\n`)) : undefined,
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'an Anthropic delta of an unknown type',
    streams: [true],
    mode: (wire, _s, text) =>
      wire === 'anthropic' ? stream(withAfterFirstDelta(wire, text, `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"future_delta","value":"STRAY"}}\n\n`)) : undefined,
    expect: 'serve',
    cache: 'any',
  },
  {
    name: 'numbers past what a double holds (created, index of a usage detail)',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      const body = goodBody(wire, isStream, good(text));
      const big = '123456789012345678901234567890';
      if (wire === 'chat') return (isStream ? stream : whole)(body.replace(/"created":\d+/g, `"created":${big}`));
      if (wire === 'anthropic') return (isStream ? stream : whole)(body.replace(/"stop_sequence":null/g, `"stop_sequence":null,"x_counter":${big}e300`));
      return (isStream ? stream : whole)(body.replace(/"created_at":\d+/g, `"created_at":${big}`));
    },
    expect: 'serve',
    cache: 'any',
  },
  {
    name: 'JSON nested 100,000 levels deep in a field nobody reads',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
      const body = goodBody(wire, isStream, good(text));
      // Into the first event (or the whole answer) that has an "id", as an extra field.
      return (isStream ? stream : whole)(body.replace(/"id":/, `"x_nested":${deep},"id":`));
    },
    expect: 'either',
    cache: 'any',
  },
  {
    name: 'an informational 103 Early Hints before the answer',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      const body = goodBody(wire, isStream, good(text));
      const type = isStream ? 'text/event-stream' : 'application/json';
      return { kind: 'socket', bytes: `HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`, end: 'end' };
    },
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  {
    name: 'an HTTP/1.0 answer without a length, ended by closing the connection',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      const body = goodBody(wire, isStream, good(text));
      return { kind: 'socket', bytes: `HTTP/1.0 200 OK\r\nContent-Type: ${isStream ? 'text/event-stream' : 'application/json'}\r\n\r\n${body}`, end: 'end' };
    },
    expect: 'serve',
    cache: 'kept',
    usage: 'provider',
  },
  {
    name: 'broken chunked framing after the first chunk',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      const body = goodBody(wire, isStream, good(text));
      const first = body.slice(0, Math.floor(body.length / 3));
      return { kind: 'socket', bytes: `HTTP/1.1 200 OK\r\nContent-Type: ${isStream ? 'text/event-stream' : 'application/json'}\r\nTransfer-Encoding: chunked\r\n\r\n${Buffer.byteLength(first).toString(16)}\r\n${first}\r\nzz\r\nnot a chunk\r\n`, end: 'end' };
    },
    expect: 'fail',
    cache: 'never',
  },
  {
    name: 'a header line of 100 KB',
    streams: [true, false],
    mode: (wire, isStream, text) => {
      const body = goodBody(wire, isStream, good(text));
      return { kind: 'socket', bytes: `HTTP/1.1 200 OK\r\nX-Padding: ${'p'.repeat(100 * 1024)}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`, end: 'end' };
    },
    expect: 'fail',
    cache: 'never',
  },
  {
    name: 'a body labelled gzip that is not gzip',
    streams: [true, false],
    mode: (wire, isStream, text) => (isStream ? stream : whole)(goodBody(wire, isStream, good(text)), { headers: { 'content-encoding': 'gzip' } }),
    expect: 'fail',
    cache: 'never',
  },
  {
    name: 'the connection closed before any header',
    streams: [true, false],
    mode: () => ({ kind: 'socket', bytes: '', end: 'close' }),
    // On a kept-alive connection this is, on the wire, a provider closing it as the request went out (round
    // 5, provider-keep-alive.test.ts): sent once more on a fresh connection, which then answers (the fake's
    // fault was for one request). On a fresh connection it fails. Either way never a wrong answer.
    expect: 'either',
    // What the fake answers the retry: its usual echo of the case's question.
    servedText: (text) => text.replace(/^River (\d+): the Isar flows through Munich\.$/, 'Echo: Name one river in country number $1.'),
    cache: 'any',
  },
  {
    name: 'a status line and no more, then a clean end',
    streams: [true, false],
    mode: () => ({ kind: 'socket', bytes: 'HTTP/1.1 200 OK\r\n', end: 'end' }),
    expect: 'fail',
    cache: 'never',
  },
];
