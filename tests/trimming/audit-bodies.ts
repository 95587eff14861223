/**
 * Agent conversations for the L2.5 adversarial audits (adversarial-audit.test.ts, adversarial-round3.test.ts),
 * built as each caller protocol sends them: OpenAI chat, Anthropic messages (as Claude Code sends them) and
 * Responses items (as Codex sends them: shell `function_call_output`, apply_patch `custom_tool_call_output`),
 * and read back from what the provider received.
 */

export type Protocol = 'openai' | 'anthropic' | 'responses';
export type Json = Record<string, unknown>;

/** How a tool result's text is sent: a string (default), an array of text parts, or nothing at all (an empty result). */
export type OutputShape = 'string' | 'parts' | 'absent';

export interface ToolTurn {
  name: string;
  args: Json;
  output: string;
  image?: string;
  shape?: OutputShape;
  /** Anthropic's `is_error` on the result (elsewhere it is not sent). */
  error?: boolean;
}

export type Turn =
  | { user: string }
  | { assistant: string }
  /** Instructions the client injects: a developer message (chat, Responses), a user turn (Anthropic, as Claude Code does). */
  | { developer: string }
  | { tool: ToolTurn }
  /** Codex's apply_patch: a custom tool call (Responses); a function tool elsewhere. */
  | { patch: { input: string; output: string } }
  /** A system message among the messages (Claude Code sends its environment as one in Anthropic's `messages`). */
  | { system: string };

export const shell = (command: string, output: string, extra: Partial<ToolTurn> = {}): Turn => ({ tool: { name: 'shell', args: { command: ['bash', '-lc', command], workdir: '/repo', timeout_ms: 10000 }, output, ...extra } });
export const read = (args: Json, output: string, extra: Partial<ToolTurn> = {}): Turn => ({ tool: { name: 'Read', args, output, ...extra } });
export const question = 'What do you conclude?';
export const system = 'You are a coding agent.';

/** A result's content in a protocol: text parts are `text` blocks (chat, Anthropic) or `input_text` parts (Responses). */
function contentOf(turn: ToolTurn, partType: string): unknown {
  if (turn.shape === 'absent') return undefined;
  return turn.shape === 'parts' ? [{ type: partType, text: turn.output }] : turn.output;
}

export function openAIBody(turns: Turn[]): Json {
  const messages: Json[] = [{ role: 'system', content: system }];
  turns.forEach((turn, i) => {
    if ('user' in turn) messages.push({ role: 'user', content: turn.user });
    else if ('assistant' in turn) messages.push({ role: 'assistant', content: turn.assistant });
    else if ('developer' in turn) messages.push({ role: 'developer', content: turn.developer });
    else if ('system' in turn) messages.push({ role: 'system', content: turn.system });
    else {
      const [name, args] = 'tool' in turn ? [turn.tool.name, turn.tool.args] : ['apply_patch', { input: turn.patch.input }];
      messages.push({ role: 'assistant', content: null, tool_calls: [{ id: `call_${i}`, type: 'function', function: { name, arguments: JSON.stringify(args) } }] });
      const content = 'tool' in turn ? contentOf(turn.tool, 'text') : turn.patch.output;
      messages.push({ role: 'tool', tool_call_id: `call_${i}`, content: content ?? '' });
      // Chat tool messages hold text only: a screenshot the tool took comes as a user message.
      if ('tool' in turn && turn.tool.image) messages.push({ role: 'user', content: [{ type: 'text', text: 'Screenshot:' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${turn.tool.image}` } }] });
    }
  });
  messages.push({ role: 'user', content: question });
  return { model: 'fake-model', messages };
}

export function anthropicBody(turns: Turn[]): Json {
  const messages: Array<{ role: string; content: Json[] | string }> = [];
  const add = (role: string, block: Json): void => {
    const last = messages.at(-1);
    if (last?.role === role && Array.isArray(last.content)) last.content.push(block);
    else messages.push({ role, content: [block] });
  };
  turns.forEach((turn, i) => {
    if ('user' in turn) add('user', { type: 'text', text: turn.user });
    else if ('assistant' in turn) add('assistant', { type: 'text', text: turn.assistant });
    else if ('developer' in turn) add('user', { type: 'text', text: `<system-reminder>\n${turn.developer}\n</system-reminder>` });
    else if ('system' in turn) messages.push({ role: 'system', content: turn.system });
    else if ('patch' in turn) {
      add('assistant', { type: 'tool_use', id: `toolu_${i}`, name: 'apply_patch', input: { input: turn.patch.input } });
      add('user', { type: 'tool_result', tool_use_id: `toolu_${i}`, content: turn.patch.output });
    } else {
      add('assistant', { type: 'tool_use', id: `toolu_${i}`, name: turn.tool.name, input: turn.tool.args });
      const image = turn.tool.image ? [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: turn.tool.image } }] : [];
      const content = image.length > 0 ? [{ type: 'text', text: turn.tool.output }, ...image] : contentOf(turn.tool, 'text');
      add('user', { type: 'tool_result', tool_use_id: `toolu_${i}`, ...(content === undefined ? {} : { content }), ...(turn.tool.error === undefined ? {} : { is_error: turn.tool.error }) });
    }
  });
  if (messages.at(-1)?.role === 'user') messages.push({ role: 'assistant', content: [{ type: 'text', text: 'Noted.' }] });
  messages.push({ role: 'user', content: [{ type: 'text', text: question, cache_control: { type: 'ephemeral' } }] });
  return { model: 'fake-model', max_tokens: 256, system: [{ type: 'text', text: system, cache_control: { type: 'ephemeral' } }], messages };
}

/** What Codex sends: a developer message, reasoning items, shell function calls, apply_patch custom calls. */
export function responsesBody(turns: Turn[]): Json {
  const text = (role: string, value: string): Json => ({ type: 'message', role, content: [{ type: role === 'assistant' ? 'output_text' : 'input_text', text: value }] });
  const input: Json[] = [text('developer', system)];
  turns.forEach((turn, i) => {
    if ('user' in turn) input.push(text('user', turn.user));
    else if ('assistant' in turn) input.push(text('assistant', turn.assistant));
    else if ('developer' in turn) input.push(text('developer', turn.developer));
    else if ('system' in turn) input.push(text('system', turn.system));
    else {
      input.push({ type: 'reasoning', id: `rs_${i}`, summary: [], encrypted_content: `gAAAA${i}` });
      if ('patch' in turn) {
        input.push({ type: 'custom_tool_call', id: `ctc_${i}`, call_id: `call_${i}`, name: 'apply_patch', input: turn.patch.input });
        input.push({ type: 'custom_tool_call_output', call_id: `call_${i}`, output: turn.patch.output });
      } else {
        input.push({ type: 'function_call', id: `fc_${i}`, call_id: `call_${i}`, name: turn.tool.name, arguments: JSON.stringify(turn.tool.args) });
        const output = turn.tool.image ? [{ type: 'input_text', text: turn.tool.output }, { type: 'input_image', image_url: `data:image/png;base64,${turn.tool.image}` }] : (contentOf(turn.tool, 'input_text') ?? '');
        input.push({ type: 'function_call_output', call_id: `call_${i}`, output });
      }
    }
  });
  input.push(text('user', question));
  return { model: 'fake-model', input, store: false, include: ['reasoning.encrypted_content'], prompt_cache_key: 'session-1' };
}

export const bodyFor = (protocol: Protocol, turns: Turn[]): Json => (protocol === 'openai' ? openAIBody(turns) : protocol === 'anthropic' ? anthropicBody(turns) : responsesBody(turns));

export const textOf = (content: unknown): string => (typeof content === 'string' ? content : Array.isArray(content) ? (content as Json[]).map((part) => (typeof part.text === 'string' ? part.text : '')).join('') : '');

/** The tool outputs the provider received, in order (apply_patch's included). */
export function outputsOf(protocol: Protocol, sent: Json): string[] {
  if (protocol === 'responses') return (sent.input as Json[]).filter((item) => item.type === 'function_call_output' || item.type === 'custom_tool_call_output').map((item) => textOf(item.output));
  if (protocol === 'openai') return (sent.messages as Json[]).filter((message) => message.role === 'tool').map((message) => textOf(message.content));
  return (sent.messages as Json[])
    .flatMap((message) => (Array.isArray(message.content) ? (message.content as Json[]) : []))
    .filter((block) => block.type === 'tool_result')
    .map((block) => textOf(block.content));
}

/** Every instruction text (system, developer, user, assistant) the provider received, in order. */
export function instructionsOf(protocol: Protocol, sent: Json): string[] {
  if (protocol === 'responses') return (sent.input as Json[]).filter((item) => item.type === 'message').map((item) => textOf(item.content));
  const texts = protocol === 'anthropic' ? [textOf(sent.system)] : [];
  for (const message of sent.messages as Json[]) {
    if (message.role === 'tool') continue;
    if (typeof message.content === 'string') texts.push(message.content);
    else for (const block of (message.content as Json[] | null) ?? []) if (block.type === 'text') texts.push(block.text as string);
  }
  return texts;
}

export const occurrences = (haystack: string[], needle: string): number => haystack.reduce((sum, text) => sum + text.split(needle).length - 1, 0);
export const referenceTo = (name: string, previous: number) => new RegExp(`^\\[tool call \\S+ printed exactly the same output as the previous ${name} call with the same arguments above \\(tool call \\S*_${previous}\\)\\]$`, 'u');
