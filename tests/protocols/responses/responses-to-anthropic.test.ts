import { describe, expect, it } from 'vitest';
import { anthropicMessageToResponse, AnthropicStreamToResponses, responsesRequestToAnthropic } from '../../../source/protocols/responses-to-anthropic.js';
import { UntranslatableRequest, type ResponsesRequest } from '../../../source/protocols/responses.js';
import { anthropicSse, feedBytewise, responsesEvents } from './sse-events.js';

const weatherTool = { type: 'function', name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } };
const agentTools = { type: 'namespace', name: 'multi_agent_v1', tools: [{ type: 'function', name: 'close_agent' }] };
const context = { requestedModel: 'gpt-x', body: { input: 'x', tools: [weatherTool, agentTools] } as ResponsesRequest };

describe('responsesRequestToAnthropic', () => {
  it('joins instructions and system/developer messages into system, pairs calls and outputs as tool_use/tool_result turns', () => {
    const request = responsesRequestToAnthropic(
      {
        instructions: 'Be brief.',
        input: [
          { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'Dev rules.' }] },
          { role: 'user', content: [{ type: 'input_text', text: 'Look:' }, { type: 'input_image', image_url: 'data:image/png;base64,AAAA' }] },
          { type: 'reasoning', id: 'rs_1', summary: [] },
          { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Checking.' }] },
          { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Munich"}' },
          { type: 'function_call', call_id: 'call_2', name: 'close_agent', namespace: 'multi_agent_v1', arguments: 'not json' },
          { type: 'function_call_output', call_id: 'call_1', output: 'sunny' },
          { type: 'function_call_output', call_id: 'call_2', output: [{ type: 'input_text', text: 'closed' }] },
          { role: 'user', content: 'Thanks' },
        ],
        tools: [weatherTool, agentTools],
        tool_choice: 'required',
        parallel_tool_calls: false,
        temperature: 1.7,
        top_p: 0.8,
        user: 'u1',
        stream: true,
      },
      'claude-x',
    );
    expect(request).toEqual({
      model: 'claude-x',
      max_tokens: 32_000,
      system: 'Be brief.\n\nDev rules.',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Look:' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } }] },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Munich' } },
            { type: 'tool_use', id: 'call_2', name: 'multi_agent_v1__close_agent', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'call_1', content: 'sunny' },
            { type: 'tool_result', tool_use_id: 'call_2', content: [{ type: 'text', text: 'closed' }] },
            { type: 'text', text: 'Thanks' },
          ],
        },
      ],
      tools: [
        { name: 'get_weather', description: 'Weather', input_schema: weatherTool.parameters },
        { name: 'multi_agent_v1__close_agent', input_schema: { type: 'object', properties: {} } },
      ],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      temperature: 1,
      top_p: 0.8,
      metadata: { user_id: 'u1' },
      stream: true,
    });
  });

  it('takes max_output_tokens as max_tokens, and refuses a JSON output format or built-in tools', () => {
    expect(responsesRequestToAnthropic({ input: 'Hi', max_output_tokens: 50 }, 'c').max_tokens).toBe(50);
    // Codex sends no max_output_tokens: a long patch must not be cut at 4,096 tokens.
    expect(responsesRequestToAnthropic({ input: 'Hi' }, 'claude-opus-4-1').max_tokens).toBe(32_000);
    expect(responsesRequestToAnthropic({ input: 'Hi' }, 'claude-3-5-sonnet-latest').max_tokens).toBe(8_192);
    expect(() => responsesRequestToAnthropic({ input: 'Hi', text: { format: { type: 'json_schema', name: 'x', schema: {} } } }, 'c')).toThrow(UntranslatableRequest);
    expect(() => responsesRequestToAnthropic({ input: 'Hi', tools: [{ type: 'code_interpreter' }] }, 'c')).toThrow(/code_interpreter/);
  });
});

const message = {
  id: 'msg_01abc',
  type: 'message' as const,
  role: 'assistant' as const,
  model: 'claude-x',
  content: [
    { type: 'thinking' as const, thinking: 'hmm', signature: 'sig' },
    { type: 'text' as const, text: 'Checking.' },
    { type: 'tool_use' as const, id: 'toolu_1', name: 'multi_agent_v1__close_agent', input: { target: 'a' } },
  ],
  stop_reason: 'tool_use',
  stop_sequence: null,
  usage: { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 4, cache_creation_input_tokens: 2 },
};

describe('anthropicMessageToResponse', () => {
  it('turns text and tool_use blocks into items (thinking is not shown), with input tokens counting cache reads and writes', () => {
    const response = anthropicMessageToResponse(message, context);
    expect(response).toMatchObject({ id: 'resp_01abc', status: 'completed', model: 'gpt-x' });
    expect(response.output).toEqual([
      { type: 'message', id: 'msg_01abc_0', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Checking.', annotations: [], logprobs: [] }] },
      { type: 'function_call', id: 'fc_01abc_1', call_id: 'toolu_1', name: 'close_agent', namespace: 'multi_agent_v1', arguments: '{"target":"a"}', status: 'completed' },
    ]);
    expect(response.usage).toEqual({ input_tokens: 16, input_tokens_details: { cached_tokens: 4 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 21 });
    expect(anthropicMessageToResponse({ ...message, stop_reason: 'max_tokens' }, context)).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
  });
});

const streamEvents = [
  { type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: { input_tokens: 10, output_tokens: 1 } } },
  { type: 'ping' },
  { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } },
  { type: 'content_block_stop', index: 0 },
  { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
  { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Grüß ' } },
  { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'dich' } },
  { type: 'content_block_stop', index: 1 },
  { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} } },
  { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"city":' } },
  { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '"Munich"}' } },
  { type: 'content_block_stop', index: 2 },
  { type: 'content_block_start', index: 3, content_block: { type: 'tool_use', id: 'toolu_2', name: 'multi_agent_v1__close_agent', input: {} } },
  { type: 'content_block_stop', index: 3 },
  { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 12 } },
  { type: 'message_stop' },
];

describe('AnthropicStreamToResponses', () => {
  it('writes the Responses events for text and tool_use blocks, however the bytes are split', () => {
    const relay = new AnthropicStreamToResponses(context);
    const events = responsesEvents(feedBytewise(relay, anthropicSse(streamEvents)));
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
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const completed = relay.result()!;
    expect(completed.output).toEqual([
      { type: 'message', id: 'msg_01abc_0', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Grüß dich', annotations: [], logprobs: [] }] },
      { type: 'function_call', id: 'fc_01abc_1', call_id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Munich"}', status: 'completed' },
      { type: 'function_call', id: 'fc_01abc_2', call_id: 'toolu_2', name: 'close_agent', namespace: 'multi_agent_v1', arguments: '{}', status: 'completed' },
    ]);
    expect(completed.usage).toMatchObject({ input_tokens: 10, output_tokens: 12 });
    expect(events.at(-1)!.response).toEqual(completed);
  });

  it('an error event mid-stream fails the response; a stream cut short fails too; neither is cached', () => {
    const failing = new AnthropicStreamToResponses(context);
    const events = responsesEvents(feedBytewise(failing, anthropicSse([...streamEvents.slice(0, 7), { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }])));
    expect(events.at(-1)).toMatchObject({ type: 'response.failed', response: { status: 'failed', error: { code: 'overloaded_error', message: 'Overloaded' } } });
    expect(failing.result()).toBeUndefined();
    const cut = new AnthropicStreamToResponses(context);
    expect(responsesEvents(feedBytewise(cut, anthropicSse(streamEvents.slice(0, 8)))).at(-1)).toMatchObject({ type: 'response.failed' });
    expect(cut.result()).toBeUndefined();
  });

  it('a stream that does not start with message_start is refused', () => {
    const relay = new AnthropicStreamToResponses(context);
    expect(responsesEvents(feedBytewise(relay, anthropicSse(streamEvents.slice(5)))).at(-1)).toMatchObject({ type: 'error', code: 'upstream_error' });
  });
});
