/**
 * Codex's client-run tools that are not plain functions, carried to a chat or Anthropic model as
 * functions and back:
 * - a `custom` (freeform) tool, such as Codex's `apply_patch` for gpt-5 models, takes raw text that a
 *   grammar describes. The model gets a function with one string parameter, `input`, whose description
 *   holds the grammar; its call comes back as a `custom_tool_call` with that text as `input`.
 * - `tool_search` with `execution: "client"` (Codex searches its own deferred tools) is a function with
 *   the tool's parameters; its call comes back as a `tool_search_call`, and the tools Codex loads with a
 *   `tool_search_output` item join the request's tools, as they would at OpenAI.
 * Earlier turns' items of these kinds become function calls and outputs the same way.
 */
import type { ResponsesInputItem, ResponsesTool } from './responses.js';

/** A client-run tool_search (a server-run one is OpenAI's own built-in). */
export function isClientToolSearch(tool: ResponsesTool | undefined): boolean {
  return tool?.type === 'tool_search' && tool.execution === 'client';
}

/** The function a model calls for a freeform tool: its text in `input`, the grammar in the description. */
export function freeformAsFunction(tool: ResponsesTool): ResponsesTool {
  const format = tool.format as { type?: unknown; syntax?: unknown; definition?: unknown } | undefined;
  const grammar = format?.type === 'grammar' && typeof format.definition === 'string' ? format.definition : undefined;
  const inputDescription = grammar
    ? `The tool's whole input as raw text (not JSON), which must match this ${typeof format?.syntax === 'string' ? format.syntax : ''} grammar:\n${grammar}`
    : "The tool's whole input as raw text (not JSON).";
  return {
    type: 'function',
    name: tool.name as string,
    ...(typeof tool.description === 'string' ? { description: tool.description } : {}),
    parameters: { type: 'object', properties: { input: { type: 'string', description: inputDescription } }, required: ['input'], additionalProperties: false },
  };
}

export function toolSearchAsFunction(tool: ResponsesTool): ResponsesTool {
  return {
    type: 'function',
    name: 'tool_search',
    ...(typeof tool.description === 'string' ? { description: tool.description } : {}),
    parameters: (tool.parameters as Record<string, unknown> | undefined) ?? { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
  };
}

/**
 * The freeform text of a call's arguments: `{"input": "..."}` as the function asked, else the
 * arguments themselves (a model that wrote the text bare).
 */
export function freeformInputOf(args: string): string {
  try {
    const parsed = JSON.parse(args) as unknown;
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { input?: unknown }).input === 'string') return (parsed as { input: string }).input;
  } catch {
    // not JSON: the text itself
  }
  return args;
}

/** A tool_search call's arguments as the object Codex reads; arguments that are not an object stay as text. */
export function toolSearchArgumentsOf(args: string): unknown {
  try {
    const parsed = JSON.parse(args === '' ? '{}' : args) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed;
  } catch {
    // fall through
  }
  return args;
}

/** The tools a `tool_search_output` item loaded, which the model may call from then on. */
export function loadedTools(items: readonly ResponsesInputItem[]): ResponsesTool[] {
  return items.filter((item) => item.type === 'tool_search_output' && Array.isArray(item.tools)).flatMap((item) => item.tools as ResponsesTool[]);
}

/** What a tool_search_output tells the model: the tools it found, by the names it calls them (namespaced ones flattened, as functionToolsOf does). */
export function toolSearchOutputText(item: ResponsesInputItem): string {
  const tools = Array.isArray(item.tools) ? (item.tools as ResponsesTool[]) : [];
  const names = (tool: ResponsesTool): string[] => (tool?.type === 'namespace' && Array.isArray(tool.tools) ? tool.tools.map((inner) => `${tool.name}__${inner?.name}`) : [String(tool?.name ?? tool?.type)]);
  const found = tools.flatMap(names);
  return found.length > 0 ? `Tools loaded (callable now): ${found.join(', ')}` : 'No tools matched.';
}
