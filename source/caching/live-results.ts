/**
 * Answers that hold what the provider looked up or ran while answering: Anthropic's server tools
 * (`server_tool_use` with its `web_search_tool_result`, `web_fetch_tool_result`, `code_execution_tool_result`...)
 * and its MCP connector (`mcp_tool_use`, `mcp_tool_result`). A web search or a page read today may read
 * otherwise tomorrow, so such an answer is right only when it was made: neither cache keeps it, as with
 * a time-dependent question. (The Responses API's `web_search_call` items are already never kept: their
 * replay is not checked to be faithful, responses-replay-check.ts.)
 */
export function holdsLiveResults(answer: object): boolean {
  const content = (answer as { type?: unknown; content?: unknown }).content;
  if ((answer as { type?: unknown }).type !== 'message' || !Array.isArray(content)) return false;
  return content.some((block: { type?: unknown }) => typeof block?.type === 'string' && (block.type === 'server_tool_use' || block.type === 'mcp_tool_use' || block.type.endsWith('_tool_result')));
}
