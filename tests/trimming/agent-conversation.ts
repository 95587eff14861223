/**
 * An agent conversation (user turns, assistant turns, tool calls with their output) as the body each
 * caller protocol sends, for L2.5 tests that run the same conversation through the gateway in both.
 */

type Json = Record<string, unknown>;

export type Turn = { user: string } | { assistant: string } | { tool: { name: string; args: Record<string, unknown>; output: string } };

export const tool = (name: string, args: Record<string, unknown>, output: string): Turn => ({ tool: { name, args, output } });
export const exec = (command: string, output: string): Turn => tool('exec', { command }, output);

/** OpenAI chat: tool calls as assistant messages, each result its own `tool` message; the question last. */
export function openAIConversation(turns: Turn[], options: { question: string; system?: string }): Json {
  const messages: Json[] = options.system === undefined ? [] : [{ role: 'system', content: options.system }];
  turns.forEach((turn, i) => {
    if ('user' in turn) messages.push({ role: 'user', content: turn.user });
    else if ('assistant' in turn) messages.push({ role: 'assistant', content: turn.assistant });
    else {
      messages.push({ role: 'assistant', content: null, tool_calls: [{ id: `call_${i}`, type: 'function', function: { name: turn.tool.name, arguments: JSON.stringify(turn.tool.args) } }] });
      messages.push({ role: 'tool', tool_call_id: `call_${i}`, content: turn.tool.output });
    }
  });
  messages.push({ role: 'user', content: options.question });
  return { model: 'fake-model', messages };
}

/**
 * Anthropic messages, as Claude Code sends them: results as blocks of a user message, turns of one role
 * merged, the question last. `claudeCode` adds what Claude Code adds: cache_control on the system prompt
 * and the newest block, and results as a string or as text blocks in turn.
 */
export function anthropicConversation(turns: Turn[], options: { question: string; system?: string; claudeCode?: boolean }): Json {
  const messages: Array<{ role: string; content: Json[] }> = [];
  const add = (role: string, block: Json): void => {
    const last = messages.at(-1);
    if (last?.role === role) last.content.push(block);
    else messages.push({ role, content: [block] });
  };
  turns.forEach((turn, i) => {
    if ('user' in turn) add('user', { type: 'text', text: turn.user });
    else if ('assistant' in turn) add('assistant', { type: 'text', text: turn.assistant });
    else {
      add('assistant', { type: 'tool_use', id: `toolu_${i}`, name: turn.tool.name, input: turn.tool.args });
      const content = options.claudeCode && i % 2 === 0 ? [{ type: 'text', text: turn.tool.output }] : turn.tool.output;
      add('user', { type: 'tool_result', tool_use_id: `toolu_${i}`, content });
    }
  });
  // The question opens a user turn of its own.
  if (messages.at(-1)?.role === 'user') messages.push({ role: 'assistant', content: [{ type: 'text', text: 'Noted.' }] });
  const cache = options.claudeCode ? { cache_control: { type: 'ephemeral' } } : {};
  messages.push({ role: 'user', content: [{ type: 'text', text: options.question, ...cache }] });
  const system = options.system === undefined ? {} : { system: [{ type: 'text', text: options.system, ...cache }] };
  return { model: 'fake-model', max_tokens: 256, ...system, messages };
}
