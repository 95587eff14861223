import { describe, expect, it } from 'vitest';
import { encodeResponseAsSse, ResponsesStreamAccumulator } from '../../../source/protocols/responses-stream.js';
import { isCompleteResponse, type ResponseObject } from '../../../source/protocols/responses.js';
import { responsesEvents } from './sse-events.js';
import { isFaithful } from '../../../source/protocols/answer-fidelity.js';
import { finalResponse, responseEvents, sseOf } from '../../gateway/responses/openai-streams.js';

const stored: ResponseObject = {
  id: 'resp_1',
  object: 'response',
  created_at: 1_700_000_000,
  status: 'completed',
  error: null,
  incomplete_details: null,
  model: 'gpt-x',
  store: false,
  tools: [],
  output: [
    { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'why' }], encrypted_content: 'opaque' },
    { type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'A long answer '.repeat(10), annotations: [] }] },
    { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'close_agent', namespace: 'multi_agent_v1', arguments: '{"target":"a"}', status: 'completed' },
  ],
  usage: { input_tokens: 5, input_tokens_details: { cached_tokens: 0 }, output_tokens: 7, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 12 },
};

describe('encodeResponseAsSse (replay)', () => {
  it('replays a stored response as the full event sequence, ids kept, ending in response.completed with the stored response', () => {
    const events = responsesEvents(encodeResponseAsSse(stored)!);
    expect(events.slice(0, 2).map((event) => event.type)).toEqual(['response.created', 'response.in_progress']);
    expect(events[0]!.response).toMatchObject({ id: 'resp_1', status: 'in_progress', output: [] });
    // Reasoning (encrypted content and all) arrives with its summary as deltas, as OpenAI streams it; text and arguments too.
    expect(events[2]).toEqual(expect.objectContaining({ type: 'response.output_item.added', item: { ...stored.output[0], summary: [] } }));
    expect(events.filter((event) => event.type === 'response.reasoning_summary_text.delta').map((event) => event.delta).join('')).toBe('why');
    expect(events.filter((event) => event.type === 'response.output_text.delta').length).toBeGreaterThan(1);
    expect(events.filter((event) => event.type === 'response.output_text.delta').every((event) => event.item_id === 'msg_1')).toBe(true);
    expect(events.filter((event) => event.type === 'response.function_call_arguments.delta').map((event) => event.delta).join('')).toBe('{"target":"a"}');
    const completed = events.at(-1)!;
    expect(completed.type).toBe('response.completed');
    expect(completed.response).toEqual(stored);
  });

  it('round-trips through the passthrough accumulator', () => {
    const accumulator = new ResponsesStreamAccumulator();
    const bytes = Buffer.from(encodeResponseAsSse(stored)!);
    for (let i = 0; i < bytes.length; i += 7) accumulator.push(bytes.subarray(i, i + 7));
    expect(accumulator.result()).toEqual(stored);
    expect(isCompleteResponse(accumulator.result())).toBe(true);
  });
});

describe('ResponsesStreamAccumulator', () => {
  const event = (data: object) => Buffer.from(`event: ${(data as { type: string }).type}\ndata: ${JSON.stringify(data)}\n\n`);

  it('keeps nothing from a failed, errored or cut-off stream, and an incomplete one only to count it (never to cache)', () => {
    const failed = new ResponsesStreamAccumulator();
    failed.push(event({ type: 'response.created', response: { ...stored, status: 'in_progress' } }));
    failed.push(event({ type: 'response.failed', response: { ...stored, status: 'failed' } }));
    expect(failed.result()).toBeUndefined();
    const incomplete = new ResponsesStreamAccumulator();
    incomplete.push(event({ type: 'response.incomplete', response: { ...stored, status: 'incomplete' } }));
    expect(incomplete.result()).toMatchObject({ status: 'incomplete' });
    expect(isFaithful(incomplete.result()!)).toBe(false);
    const errored = new ResponsesStreamAccumulator();
    errored.push(event({ type: 'error', code: 'x', message: 'y' }));
    errored.push(event({ type: 'response.completed', response: stored }));
    expect(errored.result()).toBeUndefined();
    const cut = new ResponsesStreamAccumulator();
    cut.push(event({ type: 'response.created', response: stored }));
    expect(cut.result()).toBeUndefined();
  });
});

describe('ResponsesStreamAccumulator keeps only what a replay gives back', () => {
  const message = { type: 'message', id: 'msg_q', status: 'completed', role: 'assistant', content: [{ type: 'output_text', annotations: [], logprobs: [], text: 'A quiet answer with several words.' }] };
  const feed = (events: Array<Record<string, any> & { type: string }>) => {
    const accumulator = new ResponsesStreamAccumulator();
    const bytes = Buffer.from(sseOf(events));
    for (let i = 0; i < bytes.length; i += 5) accumulator.push(bytes.subarray(i, i + 5));
    return accumulator.result();
  };
  const withDeltas = (edit: (event: Record<string, any>, index: number) => Record<string, any>) => {
    let n = 0;
    return responseEvents(finalResponse([message])).map((event) => (event.type === 'response.output_text.delta' ? (edit(event, n++) as typeof event) : event));
  };

  it('a stream as OpenAI writes it is faithful', () => {
    const result = feed(responseEvents(finalResponse([message])));
    expect(result).toBeDefined();
    expect(isFaithful(result!)).toBe(true);
  });

  it('a field on one delta in the middle is not hidden by joining the deltas', () => {
    const result = feed(withDeltas((event, n) => (n === 3 ? { ...event, annotation: { type: 'url_citation' } } : event)));
    expect(isFaithful(result!)).toBe(false);
  });

  it('deltas with logprobs null are read without harm, and not taken for a replay (which writes [])', () => {
    const result = feed(withDeltas((event) => ({ ...event, logprobs: null })));
    expect(isFaithful(result!)).toBe(false);
  });

  it('a final response whose output lacks a streamed item is not faithful', () => {
    const final = finalResponse([message]);
    const events = responseEvents(finalResponse([message, { ...message, id: 'msg_extra' }])).map((event) => (event.type === 'response.completed' ? { ...event, response: final } : event));
    expect(isFaithful(feed(events)!)).toBe(false);
  });
});
