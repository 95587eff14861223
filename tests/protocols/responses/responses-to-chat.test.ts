import { describe, expect, it } from 'vitest';
import { isFaithful } from '../../../source/protocols/answer-fidelity.js';
import { chatCompletionToResponse, ChatStreamToResponses, responsesRequestToChat } from '../../../source/protocols/responses-to-chat.js';
import { UntranslatableRequest, type ResponsesRequest } from '../../../source/protocols/responses.js';
import type { ChatCompletion } from '../../../source/protocols/openai.js';
import { chatSse, feedBytewise, responsesEvents } from './sse-events.js';

const weatherTool = { type: 'function', name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: true };
const agentTools = { type: 'namespace', name: 'multi_agent_v1', description: 'Sub-agents', tools: [{ type: 'function', name: 'close_agent', parameters: { type: 'object', properties: {} } }] };

describe('responsesRequestToChat', () => {
  it('turns instructions, every input item kind and every setting into a chat completion request', () => {
    const body: ResponsesRequest = {
      model: 'gpt-x',
      instructions: 'Be brief.',
      input: [
        { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'Dev rules.' }] },
        { role: 'user', content: [{ type: 'input_text', text: 'Look:' }, { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'high' }, { type: 'input_file', file_id: 'f1' }] },
        { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'opaque' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Checking.', annotations: [] }] },
        { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Munich"}' },
        { type: 'function_call', call_id: 'call_2', name: 'close_agent', namespace: 'multi_agent_v1', arguments: '{}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'sunny' },
        { type: 'function_call_output', call_id: 'call_2', output: [{ type: 'input_text', text: 'closed' }, { type: 'input_image', image_url: 'https://x/y.png' }] },
        { role: 'user', content: 'Thanks' },
      ],
      tools: [weatherTool, agentTools],
      tool_choice: { type: 'function', name: 'get_weather' },
      parallel_tool_calls: false,
      max_output_tokens: 300,
      temperature: 0.3,
      top_p: 0.9,
      reasoning: { effort: 'low', summary: 'auto' },
      text: { format: { type: 'json_schema', name: 'weather', schema: { type: 'object' }, strict: true } },
      store: false,
      include: ['reasoning.encrypted_content'],
      prompt_cache_key: 'session',
      stream: true,
    };
    expect(responsesRequestToChat(body, 'upstream-model')).toEqual({
      model: 'upstream-model',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'system', content: 'Dev rules.' },
        { role: 'user', content: [{ type: 'text', text: 'Look:' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'high' } }, { type: 'text', text: '[file omitted]' }] },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Munich"}' } },
            { id: 'call_2', type: 'function', function: { name: 'multi_agent_v1__close_agent', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
        // A tool message holds text: the image follows in a user message that says whose it is.
        { role: 'tool', tool_call_id: 'call_2', content: 'closed\n[the image from the output of tool call call_2 is in the user message that follows]' },
        { role: 'user', content: [{ type: 'text', text: 'The image from the output of tool call call_2:' }, { type: 'image_url', image_url: { url: 'https://x/y.png' } }] },
        { role: 'user', content: 'Thanks' },
      ],
      tools: [
        { type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: weatherTool.parameters, strict: true } },
        { type: 'function', function: { name: 'multi_agent_v1__close_agent', parameters: { type: 'object', properties: {} } } },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: false,
      max_tokens: 300,
      temperature: 0.3,
      top_p: 0.9,
      reasoning_effort: 'low',
      response_format: { type: 'json_schema', json_schema: { name: 'weather', schema: { type: 'object' }, strict: true } },
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('reads a string input as one user message, and json_object as response_format', () => {
    expect(responsesRequestToChat({ input: 'Hi', text: { format: { type: 'json_object' } } }, 'm')).toEqual({ model: 'm', messages: [{ role: 'user', content: 'Hi' }], response_format: { type: 'json_object' } });
  });

  it('refuses built-in tools, a tool_choice naming one, and items of built-in kinds, naming them', () => {
    const refused = (body: ResponsesRequest) => {
      try {
        responsesRequestToChat(body, 'm');
      } catch (error) {
        return error as UntranslatableRequest;
      }
      throw new Error('not refused');
    };
    const web = refused({ input: 'x', tools: [weatherTool, { type: 'web_search', external_web_access: false }] });
    expect(web).toBeInstanceOf(UntranslatableRequest);
    expect(web.param).toBe('tools');
    expect(web.message).toContain('web_search');
    expect(web.message).toContain('web_search = "disabled"');
    expect(refused({ input: 'x', tool_choice: { type: 'file_search' } }).param).toBe('tool_choice');
    expect(refused({ input: [{ type: 'web_search_call', id: 'ws_1' }] }).message).toContain('web_search_call');
  });
});

const completion = (message: ChatCompletion['choices'][number]['message'], finish = 'stop'): ChatCompletion => ({
  id: 'chatcmpl-abc',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'upstream',
  choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
  usage: { prompt_tokens: 10, completion_tokens: 4, total_tokens: 14, prompt_tokens_details: { cached_tokens: 3 }, completion_tokens_details: { reasoning_tokens: 1 } },
});
const context = { requestedModel: 'gpt-x', body: { input: 'x', tools: [weatherTool, agentTools] } as ResponsesRequest };

describe('chatCompletionToResponse', () => {
  it('turns text, reasoning and tool calls (namespaced ones split back) into output items, with usage', () => {
    const response = chatCompletionToResponse(
      completion(
        {
          role: 'assistant',
          content: 'Let me check.',
          reasoning_content: 'thinking',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Munich"}' } },
            { id: 'call_2', type: 'function', function: { name: 'multi_agent_v1__close_agent', arguments: '' } },
          ],
        },
        'tool_calls',
      ),
      context,
    );
    expect(response).toMatchObject({ id: 'resp_abc', object: 'response', created_at: 1_700_000_000, status: 'completed', model: 'gpt-x', store: false, error: null, incomplete_details: null });
    expect(response.output).toEqual([
      { type: 'reasoning', id: 'rs_abc_0', summary: [{ type: 'summary_text', text: 'thinking' }] },
      { type: 'message', id: 'msg_abc_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Let me check.', annotations: [], logprobs: [] }] },
      { type: 'function_call', id: 'fc_abc_2', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Munich"}', status: 'completed' },
      { type: 'function_call', id: 'fc_abc_3', call_id: 'call_2', name: 'close_agent', namespace: 'multi_agent_v1', arguments: '{}', status: 'completed' },
    ]);
    expect(response.usage).toEqual({ input_tokens: 10, input_tokens_details: { cached_tokens: 3 }, output_tokens: 4, output_tokens_details: { reasoning_tokens: 1 }, total_tokens: 14 });
  });

  it('an answer cut at max tokens is incomplete, with the reason', () => {
    const response = chatCompletionToResponse(completion({ role: 'assistant', content: 'Partial' }, 'length'), context);
    expect(response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
  });
});

const chunk = (delta: object, finish: string | null = null, extra: object = {}) => ({ id: 'chatcmpl-s1', object: 'chat.completion.chunk', created: 1_700_000_001, model: 'upstream', choices: [{ index: 0, delta, finish_reason: finish }], ...extra });
const usageChunk = { id: 'chatcmpl-s1', choices: [], usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } };

describe('ChatStreamToResponses', () => {
  it('writes the Responses event sequence for text, however the bytes are split, and keeps the response', () => {
    const stream = chatSse([chunk({ role: 'assistant', content: '' }), chunk({ content: 'Grüß ' }), chunk({ content: 'dich 👋' }), chunk({}, 'stop'), usageChunk]);
    const relay = new ChatStreamToResponses(context);
    const events = responsesEvents(feedBytewise(relay, stream));
    expect(events.map((event) => event.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    expect(events[0]!.response).toMatchObject({ id: 'resp_s1', status: 'in_progress', output: [] });
    expect(events[4]).toMatchObject({ item_id: 'msg_s1_0', output_index: 0, content_index: 0, delta: 'Grüß ' });
    expect(events[6]!.text).toBe('Grüß dich 👋');
    const completed = events.at(-1)!.response;
    expect(completed.output[0].content[0].text).toBe('Grüß dich 👋');
    expect(completed.usage).toMatchObject({ input_tokens: 7, output_tokens: 3, total_tokens: 10 });
    expect(relay.result()).toEqual(completed);
  });

  it('streams tool calls as function_call items, arguments as deltas, a name that arrives late, "{}" for none', () => {
    const stream = chatSse([
      chunk({ role: 'assistant', content: null }),
      chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { name: 'get_weather', arguments: '{"ci' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: 'ty":"Munich"}' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'multi_agent_v1__close_agent', arguments: '' } }] }),
      chunk({}, 'tool_calls'),
      usageChunk,
    ]);
    const relay = new ChatStreamToResponses(context);
    const events = responsesEvents(feedBytewise(relay, stream));
    const added = events.filter((event) => event.type === 'response.output_item.added');
    expect(added.map((event) => event.item)).toEqual([
      { type: 'function_call', id: 'fc_s1_0', call_id: 'call_1', name: 'get_weather', arguments: '', status: 'in_progress' },
      { type: 'function_call', id: 'fc_s1_1', call_id: 'call_2', name: 'close_agent', namespace: 'multi_agent_v1', arguments: '', status: 'in_progress' },
    ]);
    const deltas = events.filter((event) => event.type === 'response.function_call_arguments.delta' && event.output_index === 0).map((event) => event.delta);
    expect(deltas.join('')).toBe('{"city":"Munich"}');
    expect(events.filter((event) => event.type === 'response.function_call_arguments.done').map((event) => [event.name, event.arguments])).toEqual([
      ['get_weather', '{"city":"Munich"}'],
      ['close_agent', '{}'],
    ]);
    expect(events.at(-1)!.type).toBe('response.completed');
    expect(relay.result()?.output.map((item) => item.type)).toEqual(['function_call', 'function_call']);
  });

  it('an error chunk mid-stream fails the response (response.failed) and leaves nothing to cache', () => {
    const relay = new ChatStreamToResponses(context);
    const text = feedBytewise(relay, chatSse([chunk({ content: 'Hel' }), { error: { message: 'overloaded', code: 'server_busy' } }], false));
    const events = responsesEvents(text);
    expect(events.at(-1)).toMatchObject({ type: 'response.failed', response: { status: 'failed', error: { code: 'server_busy', message: 'overloaded' } } });
    expect(relay.result()).toBeUndefined();
  });

  it('a stream that ends without [DONE] fails; one that never started is a bare error event', () => {
    const cut = new ChatStreamToResponses(context);
    expect(responsesEvents(feedBytewise(cut, chatSse([chunk({ content: 'Hel' })], false))).at(-1)).toMatchObject({ type: 'response.failed', response: { error: { code: 'upstream_error' } } });
    expect(cut.result()).toBeUndefined();
    const empty = new ChatStreamToResponses(context);
    expect(responsesEvents(feedBytewise(empty, ''))).toEqual([{ type: 'error', sequence_number: 0, code: 'upstream_error', message: 'The upstream stream ended before the answer was complete.', param: null }]);
  });

  it('a length finish completes as response.incomplete, which is counted but not cached', () => {
    const relay = new ChatStreamToResponses(context);
    const events = responsesEvents(feedBytewise(relay, chatSse([chunk({ content: 'Part' }), chunk({}, 'length'), usageChunk])));
    expect(events.at(-1)).toMatchObject({ type: 'response.incomplete', response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } } });
    expect(relay.result()).toMatchObject({ status: 'incomplete' });
    expect(isFaithful(relay.result()!)).toBe(false);
  });
});
