// Codex's freeform tools (apply_patch for the gpt-5 models it knows) and its client-run tool_search,
// translated for a chat or Anthropic provider: sent as functions, their calls back as custom_tool_call
// and tool_search_call items (whole and streamed), earlier turns' items as calls and outputs, and a
// streamed freeform call that replays as it was written (so L1a may keep it).
import { describe, expect, it } from 'vitest';
import { isFaithful } from '../../../source/protocols/answer-fidelity.js';
import { anthropicMessageToResponse, AnthropicStreamToResponses, responsesRequestToAnthropic } from '../../../source/protocols/responses-to-anthropic.js';
import { chatCompletionToResponse, ChatStreamToResponses, responsesRequestToChat } from '../../../source/protocols/responses-to-chat.js';
import { encodeResponseAsSse } from '../../../source/protocols/responses-stream.js';
import type { ResponsesRequest } from '../../../source/protocols/responses.js';
import type { ChatCompletion } from '../../../source/protocols/openai.js';
import type { AnthropicMessage } from '../../../source/protocols/anthropic.js';
import { anthropicSse, chatSse, feedBytewise, responsesEvents } from './sse-events.js';

const grammar = 'start: begin_patch hunk+ end_patch\nbegin_patch: "*** Begin Patch" LF';
const applyPatch = { type: 'custom', name: 'apply_patch', description: 'Edit files. This is a FREEFORM tool.', format: { type: 'grammar', syntax: 'lark', definition: grammar } };
const toolSearch = { type: 'tool_search', execution: 'client', description: 'Tool discovery', parameters: { type: 'object', properties: { query: { type: 'string' }, limit: { type: 'number' } }, required: ['query'] } };
const exec = { type: 'function', name: 'exec_command', parameters: { type: 'object', properties: { cmd: { type: 'string' } } } };
const patch = '*** Begin Patch\n*** Update File: notes.txt\n@@\n-beta\n+gamma\n*** End Patch\n';

/** What Codex sends for gpt-5.5, two turns in: a patch applied, a tool search that loaded a namespace. */
const codexTurn: ResponsesRequest = {
  model: 'gpt-5.5',
  input: [
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Change beta to gamma' }] },
    { type: 'custom_tool_call', id: 'ctc_1', call_id: 'call_p', name: 'apply_patch', input: patch, status: 'completed' },
    { type: 'custom_tool_call_output', call_id: 'call_p', output: 'Success. Updated the following files:\nM notes.txt' },
    { type: 'tool_search_call', call_id: 'call_s', execution: 'client', arguments: { query: 'calendar' }, status: 'completed' },
    { type: 'tool_search_output', call_id: 'call_s', execution: 'client', status: 'completed', tools: [{ type: 'namespace', name: 'calendar', description: 'Calendar', tools: [{ type: 'function', name: 'list_events', parameters: { type: 'object', properties: {} } }] }] },
  ],
  tools: [exec, applyPatch, toolSearch],
  stream: true,
};

const customParameters = {
  type: 'object',
  properties: { input: { type: 'string', description: `The tool's whole input as raw text (not JSON), which must match this lark grammar:\n${grammar}` } },
  required: ['input'],
  additionalProperties: false,
};

describe('a request with freeform and tool-search tools', () => {
  it('goes to a chat provider as functions, with earlier calls and outputs as tool calls and tool messages, and the loaded tools callable', () => {
    const chat = responsesRequestToChat(codexTurn, 'up');
    expect(chat.tools).toEqual([
      { type: 'function', function: { name: 'exec_command', parameters: exec.parameters } },
      { type: 'function', function: { name: 'apply_patch', description: applyPatch.description, parameters: customParameters } },
      { type: 'function', function: { name: 'tool_search', description: 'Tool discovery', parameters: toolSearch.parameters } },
      { type: 'function', function: { name: 'calendar__list_events', parameters: { type: 'object', properties: {} } } },
    ]);
    expect(chat.messages.slice(1)).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_p', type: 'function', function: { name: 'apply_patch', arguments: JSON.stringify({ input: patch }) } }] },
      { role: 'tool', tool_call_id: 'call_p', content: 'Success. Updated the following files:\nM notes.txt' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_s', type: 'function', function: { name: 'tool_search', arguments: '{"query":"calendar"}' } }] },
      { role: 'tool', tool_call_id: 'call_s', content: 'Tools loaded (callable now): calendar__list_events' },
    ]);
  });

  it('goes to an Anthropic provider as tools with input schemas, and the earlier calls as tool_use / tool_result', () => {
    const request = responsesRequestToAnthropic(codexTurn, 'up');
    expect(request.tools!.map((tool) => tool.name)).toEqual(['exec_command', 'apply_patch', 'tool_search', 'calendar__list_events']);
    expect(request.tools![1]!.input_schema).toEqual(customParameters);
    expect(request.messages[1]).toEqual({ role: 'assistant', content: [{ type: 'tool_use', id: 'call_p', name: 'apply_patch', input: { input: patch } }] });
  });

  it("an OpenAI-run tool search (no execution: client) is still refused: only OpenAI can run it", () => {
    expect(() => responsesRequestToChat({ ...codexTurn, tools: [{ type: 'tool_search' }] }, 'up')).toThrow(/built-in tools \(tool_search\)/);
  });
});

describe('a call to a freeform tool comes back as a custom_tool_call with the raw text', () => {
  const completion = (name: string, args: string): ChatCompletion => ({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'up',
    choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name, arguments: args } }] }, finish_reason: 'tool_calls' }],
  });

  it('whole, from a chat provider', () => {
    const response = chatCompletionToResponse(completion('apply_patch', JSON.stringify({ input: patch })), { requestedModel: 'gpt-5.5', body: codexTurn });
    expect(response.output).toEqual([{ type: 'custom_tool_call', id: expect.stringMatching(/^ctc_/), call_id: 'call_1', name: 'apply_patch', input: patch, status: 'completed' }]);
    // A function of the same request stays a function call.
    expect(chatCompletionToResponse(completion('exec_command', '{"cmd":"ls"}'), { requestedModel: 'gpt-5.5', body: codexTurn }).output[0]).toMatchObject({ type: 'function_call', name: 'exec_command' });
    // A model that wrote the patch bare, not as {"input": ...}, still gets it through as written.
    expect(chatCompletionToResponse(completion('apply_patch', patch), { requestedModel: 'gpt-5.5', body: codexTurn }).output[0]).toMatchObject({ type: 'custom_tool_call', input: patch });
  });

  it('a tool search call comes back as a client tool_search_call with its arguments as an object', () => {
    const response = chatCompletionToResponse(completion('tool_search', '{"query":"calendar","limit":3}'), { requestedModel: 'gpt-5.5', body: codexTurn });
    expect(response.output).toEqual([{ type: 'tool_search_call', id: expect.stringMatching(/^tsc_/), call_id: 'call_1', execution: 'client', arguments: { query: 'calendar', limit: 3 }, status: 'completed' }]);
  });

  it('streamed from a chat provider: the custom call events Codex reads, and a replay that gives the same events', () => {
    const args = JSON.stringify({ input: patch });
    const relay = new ChatStreamToResponses({ requestedModel: 'gpt-5.5', body: codexTurn });
    const sse = feedBytewise(
      relay,
      chatSse([
        { id: 'chatcmpl-2', choices: [{ index: 0, delta: { role: 'assistant', content: 'Patching.' } }] },
        { id: 'chatcmpl-2', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_9', function: { name: 'apply_patch', arguments: args.slice(0, 20) } }] } }] },
        { id: 'chatcmpl-2', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: args.slice(20) } }] } }] },
        { id: 'chatcmpl-2', choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
        { id: 'chatcmpl-2', choices: [], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } },
      ]),
    );
    const events = responsesEvents(sse);
    const custom = events.filter((event) => event.output_index === 1);
    expect(custom.map((event) => event.type)).toEqual(['response.output_item.added', ...Array(custom.length - 3).fill('response.custom_tool_call_input.delta'), 'response.custom_tool_call_input.done', 'response.output_item.done']);
    expect(custom[0]!.item).toMatchObject({ type: 'custom_tool_call', call_id: 'call_9', input: '', status: 'in_progress' });
    expect(custom.at(-2)!.input).toBe(patch);
    expect(custom.at(-1)!.item).toMatchObject({ type: 'custom_tool_call', call_id: 'call_9', name: 'apply_patch', input: patch, status: 'completed' });
    expect(events.some((event) => event.type.startsWith('response.function_call_arguments'))).toBe(false);
    const result = relay.result()!;
    expect(result.output.map((item) => item.type)).toEqual(['message', 'custom_tool_call']);
    // The replay check found a replay gives the same events: the answer may be cached.
    expect(isFaithful(result)).toBe(true);
    expect(encodeResponseAsSse(result)).toBeDefined();
  });

  it('streamed from Anthropic, and whole from Anthropic', () => {
    const relay = new AnthropicStreamToResponses({ requestedModel: 'gpt-5.5', body: codexTurn });
    const input = JSON.stringify({ input: patch });
    const sse = feedBytewise(
      relay,
      anthropicSse([
        { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'up', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 5, output_tokens: 1 } } },
        { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_1', name: 'apply_patch', input: {} } },
        { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: input.slice(0, 9) } },
        { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: input.slice(9) } },
        { type: 'content_block_stop', index: 0 },
        { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 9 } },
        { type: 'message_stop' },
      ]),
    );
    const done = responsesEvents(sse).find((event) => event.type === 'response.output_item.done');
    expect(done!.item).toMatchObject({ type: 'custom_tool_call', call_id: 'toolu_1', name: 'apply_patch', input: patch });
    expect(isFaithful(relay.result()!)).toBe(true);

    const message: AnthropicMessage = { id: 'msg_2', type: 'message', role: 'assistant', model: 'up', content: [{ type: 'tool_use', id: 'toolu_2', name: 'apply_patch', input: { input: patch } }], stop_reason: 'tool_use', stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } };
    expect(anthropicMessageToResponse(message, { requestedModel: 'gpt-5.5', body: codexTurn }).output[0]).toMatchObject({ type: 'custom_tool_call', call_id: 'toolu_2', input: patch });
  });

  it('a function named like a freeform tool of another request stays a function call (only this request\'s tools decide)', () => {
    const plain: ResponsesRequest = { model: 'm', input: 'hi', tools: [{ type: 'function', name: 'apply_patch', parameters: { type: 'object', properties: { input: { type: 'string' } } } }] };
    expect(chatCompletionToResponse(completion('apply_patch', JSON.stringify({ input: patch })), { requestedModel: 'm', body: plain }).output[0]).toMatchObject({ type: 'function_call', name: 'apply_patch' });
    expect(chatCompletionToResponse(completion('tool_search', '{}'), { requestedModel: 'm', body: plain }).output[0]).toMatchObject({ type: 'function_call', name: 'tool_search' });
  });
});

describe('tool_choice naming a freeform tool', () => {
  it('forces the function it became, at a chat and an Anthropic provider', () => {
    const body: ResponsesRequest = { ...codexTurn, tool_choice: { type: 'custom', name: 'apply_patch' } };
    expect(responsesRequestToChat(body, 'up').tool_choice).toEqual({ type: 'function', function: { name: 'apply_patch' } });
    expect(responsesRequestToAnthropic(body, 'up').tool_choice).toEqual({ type: 'tool', name: 'apply_patch' });
  });

  it('allowed_tools is refused with what to send instead', () => {
    expect(() => responsesRequestToChat({ ...codexTurn, tool_choice: { type: 'allowed_tools', mode: 'auto', tools: [{ type: 'function', name: 'exec_command' }] } }, 'up')).toThrow(/Send only the allowed tools in `tools`/);
  });
});
