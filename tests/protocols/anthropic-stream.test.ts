import { describe, expect, it } from 'vitest';
import type { AnthropicMessage } from '../../source/protocols/anthropic.js';
import { isFaithful } from '../../source/protocols/answer-fidelity.js';
import { AnthropicStreamAccumulator, encodeAnthropicMessageAsSse } from '../../source/protocols/anthropic-stream.js';

/** Anthropic SSE text from events, in the API's own framing. */
const sse = (...events: Array<Record<string, unknown> & { type: string }>): string =>
  events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('');

/** The events of an SSE text, as [event name, data]. */
function readSse(text: string): Array<[string, Record<string, unknown>]> {
  return text
    .split('\n\n')
    .filter((frame) => frame.trim() !== '')
    .map((frame) => {
      const event = /^event: (.*)$/m.exec(frame)?.[1] ?? '';
      const data = /^data: (.*)$/m.exec(frame)?.[1] ?? 'null';
      return [event, JSON.parse(data) as Record<string, unknown>];
    });
}

function accumulate(text: string, size: number): AnthropicMessage | undefined {
  const accumulator = new AnthropicStreamAccumulator();
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) accumulator.push(bytes.subarray(i, i + size));
  return accumulator.result();
}

const base = { id: 'msg_01', type: 'message', role: 'assistant', model: 'claude-x', stop_sequence: null } as const;

const richMessage: AnthropicMessage = {
  ...base,
  content: [
    { type: 'thinking', thinking: 'Let me think about Grüße and 🌍 for a while, at some length so that it splits into pieces.', signature: 'sig-abc==' },
    { type: 'redacted_thinking', data: 'opaque-bytes' },
    { type: 'text', text: 'Grüße aus München 🌍! '.repeat(12) },
    { type: 'tool_use', id: 'toolu_1', name: 'read', input: { path: '/tmp/ü.txt', options: { lines: [1, 2, 3], note: 'x'.repeat(150) } } },
    { type: 'tool_use', id: 'toolu_2', name: 'list', input: {} },
  ],
  stop_reason: 'tool_use',
  usage: { input_tokens: 120, output_tokens: 48, cache_creation_input_tokens: 10, cache_read_input_tokens: 900 },
};

describe('encodeAnthropicMessageAsSse', () => {
  it('replays a message in the order and shape the API streams it', () => {
    const events = readSse(encodeAnthropicMessageAsSse(richMessage));
    for (const [name, data] of events) expect(data.type).toBe(name);
    const start = events[0]?.[1] as { message: AnthropicMessage };
    expect(events[0]?.[0]).toBe('message_start');
    expect(start.message).toMatchObject({ id: 'msg_01', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 120, output_tokens: 1, cache_read_input_tokens: 900 } });
    // The whole usage, as the API sends it now: cache counts survive a replay.
    expect(events.at(-2)).toEqual([
      'message_delta',
      { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { input_tokens: 120, output_tokens: 48, cache_creation_input_tokens: 10, cache_read_input_tokens: 900 } },
    ]);
    expect(events.at(-1)).toEqual(['message_stop', { type: 'message_stop' }]);

    const starts = events.filter(([name]) => name === 'content_block_start').map(([, d]) => d);
    expect(starts.map((d) => d.index)).toEqual([0, 1, 2, 3, 4]);
    expect(starts.map((d) => d.content_block)).toEqual([
      { type: 'thinking', thinking: '', signature: '' },
      { type: 'redacted_thinking', data: 'opaque-bytes' },
      { type: 'text', text: '' },
      { type: 'tool_use', id: 'toolu_1', name: 'read', input: {} },
      { type: 'tool_use', id: 'toolu_2', name: 'list', input: {} },
    ]);
    const textPieces = events
      .filter(([, d]) => (d.delta as { type?: string } | undefined)?.type === 'text_delta')
      .map(([, d]) => (d.delta as { text: string }).text);
    expect(textPieces.length).toBeGreaterThan(3);
    expect(textPieces.every((piece) => piece.length <= 64)).toBe(true);
    expect(textPieces.join('')).toBe((richMessage.content[2] as { text: string }).text);
    const deltaTypes = events.filter(([name]) => name === 'content_block_delta').map(([, d]) => `${String(d.index)}:${(d.delta as { type: string }).type}`);
    expect(deltaTypes).toContain('0:signature_delta');
    expect(deltaTypes).toContain('3:input_json_delta');
    expect(events.filter(([name]) => name === 'content_block_stop').map(([, d]) => d.index)).toEqual([0, 1, 2, 3, 4]);
  });

  it('round-trips through the accumulator, however the bytes are sliced', () => {
    const text = encodeAnthropicMessageAsSse(richMessage);
    for (const size of [1, 7, 1000]) expect(accumulate(text, size), `size ${size}`).toEqual(richMessage);
  });

  it('gives back citations, server tool blocks and fields it does not know, through the accumulator', () => {
    const message: AnthropicMessage = {
      ...base,
      content: [
        { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'isartor' } } as never,
        { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [{ type: 'web_search_result', url: 'https://example.com', title: 'x' }] } as never,
        { type: 'text', text: 'It is a river.', citations: [{ type: 'web_search_result_location', url: 'https://example.com', cited_text: 'river' }] },
      ],
      stop_reason: 'end_turn',
      container: { id: 'c_1' },
      usage: { input_tokens: 5, output_tokens: 9, server_tool_use: { web_search_requests: 1 } },
    };
    for (const size of [3, 1000]) expect(accumulate(encodeAnthropicMessageAsSse(message), size)).toEqual(message);
  });

  it('replays a 50 MB answer without spaces in linear time and without overflowing the stack', () => {
    const text = 'x'.repeat(50 * 1024 * 1024);
    const message: AnthropicMessage = { ...base, content: [{ type: 'thinking', thinking: text, signature: 's' }, { type: 'text', text }], stop_reason: 'end_turn', usage: { input_tokens: 1, output_tokens: 1 } };
    const replay = encodeAnthropicMessageAsSse(message);
    // Pieces grow with the text, so the number of events stays bounded.
    expect(replay.split('event: content_block_delta').length).toBeLessThan(2 * 70_000);
    expect(accumulate(replay, 16 * 1024 * 1024)).toEqual(message);
  });

  it('marks an answer rebuilt from a stream with a delta type it does not know as not faithful', () => {
    const stream = sse(
      { type: 'message_start', message: { ...base, content: [], stop_reason: null, usage: { input_tokens: 1, output_tokens: 1 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'future_delta', payload: 1 } },
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 2 } },
      { type: 'message_stop' },
    );
    const answer = accumulate(stream, 1000)!;
    expect(answer.content).toEqual([{ type: 'text', text: 'Hi' }]);
    expect(isFaithful(answer)).toBe(false);
    expect(isFaithful(accumulate(encodeAnthropicMessageAsSse(richMessage), 1000)!)).toBe(true);
  });

  it('marks an answer whose blocks started out of index order, or with a gap, as not faithful (a replay would reorder it)', () => {
    const start = { type: 'message_start', message: { ...base, content: [], stop_reason: null, usage: { input_tokens: 1, output_tokens: 1 } } };
    const end = [{ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 2 } }, { type: 'message_stop' }];
    const block = (index: number, text: string) => [
      { type: 'content_block_start', index, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index, delta: { type: 'text_delta', text } },
      { type: 'content_block_stop', index },
    ];
    const outOfOrder = accumulate(sse(start, ...block(1, 'second'), ...block(0, 'first'), ...end), 1000)!;
    expect(isFaithful(outOfOrder)).toBe(false);
    const gap = accumulate(sse(start, ...block(0, 'first'), ...block(2, 'third'), ...end), 1000)!;
    expect(isFaithful(gap)).toBe(false);
    const inOrder = accumulate(sse(start, ...block(0, 'first'), ...block(1, 'second'), ...end), 1000)!;
    expect(inOrder.content).toEqual([{ type: 'text', text: 'first' }, { type: 'text', text: 'second' }]);
    expect(isFaithful(inOrder)).toBe(true);
  });

  it('round-trips a plain answer, an empty one, and every stop reason', () => {
    for (const stop_reason of ['end_turn', 'max_tokens', 'stop_sequence', 'tool_use', 'pause_turn', 'refusal']) {
      const message: AnthropicMessage = {
        ...base,
        content: [{ type: 'text', text: 'Hi.' }],
        stop_reason,
        stop_sequence: stop_reason === 'stop_sequence' ? '###' : null,
        usage: { input_tokens: 3, output_tokens: 2 },
      };
      expect(accumulate(encodeAnthropicMessageAsSse(message), 1000)).toEqual(message);
    }
    const empty: AnthropicMessage = { ...base, content: [], stop_reason: 'end_turn', usage: { input_tokens: 3, output_tokens: 0 } };
    expect(accumulate(encodeAnthropicMessageAsSse(empty), 5)).toEqual(empty);
  });
});

describe('AnthropicStreamAccumulator', () => {
  const start = { type: 'message_start', message: { ...base, content: [], stop_reason: null, usage: { input_tokens: 25, cache_read_input_tokens: 7, output_tokens: 1 } } };
  const toolJson = '{"command":"ls -la ~/ü","timeout":30}';
  const stream = sse(
    start,
    { type: 'ping' },
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Running ' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'it 🚀' } },
    { type: 'content_block_stop', index: 0 },
    { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_9', name: 'exec', input: {} } },
    { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '' } },
    // Arguments in pieces of 1 to 3 characters, as fine-grained tool streaming sends them.
    ...(toolJson.match(/.{1,3}/gu) ?? []).map((partial_json) => ({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json } })),
    { type: 'content_block_stop', index: 1 },
    { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 31 } },
    { type: 'message_stop' },
  );

  it('rebuilds text and a tool call whose input came in tiny pieces', () => {
    for (const size of [1, 7, 1000]) {
      expect(accumulate(stream, size), `size ${size}`).toEqual({
        ...base,
        content: [
          { type: 'text', text: 'Running it 🚀' },
          { type: 'tool_use', id: 'toolu_9', name: 'exec', input: { command: 'ls -la ~/ü', timeout: 30 } },
        ],
        stop_reason: 'tool_use',
        // message_delta replaces output_tokens and keeps what message_start said about input.
        usage: { input_tokens: 25, cache_read_input_tokens: 7, output_tokens: 31 },
      });
    }
  });

  it('keeps citations and takes every count message_delta reports', () => {
    const result = accumulate(
      sse(
        start,
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '', citations: [] } },
        { type: 'content_block_delta', index: 0, delta: { type: 'citations_delta', citation: { type: 'char_location', cited_text: 'x' } } },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Cited.' } },
        { type: 'content_block_stop', index: 0 },
        { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 4, input_tokens: 30, cache_read_input_tokens: null } },
        { type: 'message_stop' },
      ),
      1000,
    );
    expect(result?.content).toEqual([{ type: 'text', text: 'Cited.', citations: [{ type: 'char_location', cited_text: 'x' }] }]);
    expect(result?.usage).toEqual({ input_tokens: 30, cache_read_input_tokens: 7, output_tokens: 4 });
  });

  it('gives nothing for a stream that is incomplete, errored or garbled', () => {
    const full = readSse(stream).map(([, d]) => d as Record<string, unknown> & { type: string });
    const cases: Record<string, string> = {
      'no message_stop': sse(...full.slice(0, -1)),
      'cut mid-event': stream.slice(0, stream.length - 20),
      'an error event': sse(...full.slice(0, 5), { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, ...full.slice(5)),
      'a non-JSON event': `${sse(...full.slice(0, 3))}event: content_block_delta\ndata: {oops\n\n${sse(...full.slice(3))}`,
      'no message_start': sse(...full.slice(1)),
      'two message_starts': sse(start, ...full),
      'a delta for a block never started': sse(start, { type: 'content_block_delta', index: 3, delta: { type: 'text_delta', text: 'x' } }, ...full.slice(-2)),
      'nothing at all': '',
    };
    for (const [name, text] of Object.entries(cases)) expect(accumulate(text, 1000), name).toBeUndefined();
  });
});
