/**
 * What an Anthropic Messages request may ask for that a chat completions provider has no place for, and
 * what isartor does with each, so that nothing changes without the caller hearing of it:
 * - Server tools (`web_search_*`, `web_fetch_*`, `code_execution_*`) and `mcp_servers` are run by
 *   Anthropic itself; its other typed tools (`bash_*`, `text_editor_*`, `computer_*`: a `type` and no
 *   `input_schema`) have schemas only Anthropic knows. Without them the model would answer
 *   as if it had searched or run code: the request is refused with a 400 naming them.
 * - `thinking` (the setting, and thinking blocks in the history) and `top_k` only tune how the answer is
 *   reached; `context_management` only trims what Anthropic keeps. They are dropped, and the answer says
 *   so in `x-isartor-dropped` (`thinking, top_k`).
 * - `cache_control` markers are hints for Anthropic's prompt cache, not part of the question: dropped
 *   without a word.
 */
import type { AnthropicMessagesRequest, AnthropicTool } from './anthropic.js';
import { UntranslatableRequest } from './responses.js';

/** A tool Anthropic runs (or defines) itself, rather than one the caller describes and runs. */
function isServerTool(tool: AnthropicTool): boolean {
  const type = (tool as { type?: unknown }).type;
  return !tool.input_schema && typeof type === 'string' && type !== 'custom';
}

/** Throws UntranslatableRequest when the request needs what only Anthropic can run. */
export function refuseAnthropicOnly(body: AnthropicMessagesRequest, provider: string): void {
  const server = (body.tools ?? []).filter(isServerTool).map((tool) => `${(tool as { type?: string }).type} ("${tool.name}")`);
  if (server.length > 0) {
    const them = server.length > 1 ? 'them' : 'it';
    throw new UntranslatableRequest(
      `\`tools\` holds Anthropic's own ${server.length > 1 ? 'tools' : 'tool'} ${server.join(', ')}: a server tool (web search, web fetch, code execution) is run by Anthropic itself, and the others are defined by it; ${provider} cannot run or know ${them}, and without ${them} the model would answer as if it had ${them}. Route this model to the anthropic provider (an alias or \`isartor set-key -p anthropic\`), or leave the tool out`,
      'tools',
    );
  }
  if (Array.isArray(body.mcp_servers) && body.mcp_servers.length > 0) {
    throw new UntranslatableRequest(
      `\`mcp_servers\` are connected by Anthropic itself, and ${provider} cannot reach them. Route this model to the anthropic provider, or connect the MCP servers in your client instead`,
      'mcp_servers',
    );
  }
}

/** The fields a translation to chat completions leaves out that change how the answer is made, for `x-isartor-dropped`. */
export function droppedForChat(body: AnthropicMessagesRequest): string[] {
  const dropped: string[] = [];
  const thinking = body.thinking as { type?: unknown } | undefined;
  const thinkingInHistory = body.messages.some(
    (message) => Array.isArray(message.content) && message.content.some((block) => block.type === 'thinking' || block.type === 'redacted_thinking'),
  );
  if ((thinking && thinking.type !== 'disabled') || thinkingInHistory) dropped.push('thinking');
  if (body.top_k !== undefined && body.top_k !== null) dropped.push('top_k');
  if (body.context_management !== undefined && body.context_management !== null) dropped.push('context_management');
  return dropped;
}
