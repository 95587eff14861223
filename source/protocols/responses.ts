import { completeResponseSchema } from './responses-answer-schemas.js';
import { freeformAsFunction, isClientToolSearch, loadedTools, toolSearchAsFunction } from './responses-client-tools.js';

/** The parts of OpenAI's Responses API (`POST /v1/responses`) the gateway reads, writes or translates. */

export interface ResponsesRequest {
  model?: string;
  instructions?: string | null;
  /** A string is one user message; otherwise items (messages, function calls and their outputs, reasoning...). */
  input?: string | ResponsesInputItem[];
  tools?: ResponsesTool[];
  tool_choice?: unknown;
  parallel_tool_calls?: boolean;
  max_output_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  reasoning?: { effort?: string | null; summary?: string | null } | null;
  text?: { format?: { type?: string; name?: string; schema?: unknown; strict?: boolean; [field: string]: unknown }; [field: string]: unknown } | null;
  store?: boolean | null;
  stream?: boolean;
  include?: string[] | null;
  previous_response_id?: string | null;
  user?: string;
  [field: string]: unknown;
}

/** An input item as it arrives: loosely typed, since every field comes from the network. */
export interface ResponsesInputItem {
  type?: string;
  role?: string;
  content?: unknown;
  [field: string]: unknown;
}

export interface ResponsesTool {
  type?: string;
  name?: string;
  description?: string | null;
  parameters?: Record<string, unknown> | null;
  strict?: boolean | null;
  /** A `namespace` tool groups function tools under its name (Codex sends one). */
  tools?: ResponsesTool[];
  [field: string]: unknown;
}

export interface ResponsesOutputText {
  type: 'output_text';
  text: string;
  annotations: unknown[];
  logprobs?: unknown[];
  [field: string]: unknown;
}

export interface ResponsesRefusal {
  type: 'refusal';
  refusal: string;
}

export interface ResponsesMessageItem {
  type: 'message';
  id: string;
  role: 'assistant';
  status: ItemStatus;
  content: Array<ResponsesOutputText | ResponsesRefusal>;
}

export interface ResponsesFunctionCallItem {
  type: 'function_call';
  id: string;
  call_id: string;
  name: string;
  /** Codex's grouped tools: the call names its tool and the namespace it came from. */
  namespace?: string;
  arguments: string;
  status: ItemStatus;
}

export interface ResponsesReasoningItem {
  type: 'reasoning';
  id: string;
  summary: Array<{ type: 'summary_text'; text: string }>;
  encrypted_content?: string | null;
  status?: ItemStatus;
  [field: string]: unknown;
}

export type ResponsesOutputItem = ResponsesMessageItem | ResponsesFunctionCallItem | ResponsesReasoningItem | { type: string; id?: string; [field: string]: unknown };

export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed' | 'cancelled' | 'queued';

/** A Responses API answer object. */
export interface ResponseObject {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: string } | null;
  model: string;
  output: ResponsesOutputItem[];
  usage: ResponsesUsage | null;
  [field: string]: unknown;
}

/**
 * A finished answer with every field the replay, stats and caches read, of the types they read them as
 * (responses-answer-schemas.ts): only such a response may be cached and replayed.
 */
export function isCompleteResponse(value: unknown): value is ResponseObject {
  return completeResponseSchema.safeParse(value).success;
}

/**
 * A request a translator cannot carry without changing what it asks; answered with a 400 that names
 * the field, instead of a request that silently does something else.
 */
export class UntranslatableRequest extends Error {
  constructor(
    message: string,
    readonly param: string,
  ) {
    super(message);
    this.name = 'UntranslatableRequest';
  }
}

/** Joins a namespace and a tool name into one function name a chat or Anthropic model can call. */
export const namespaceSeparator = '__';

/**
 * Function tools, with the functions of `namespace` tools flattened to `<namespace>__<name>`, and
 * Codex's client-run tools as functions (`custom` freeform tools and a client `tool_search`, see
 * responses-client-tools.ts); any other tool type is a built-in (web_search, file_search,
 * computer_use...) that only OpenAI can run.
 */
export function functionToolsOf(tools: readonly ResponsesTool[] | undefined): { functions: ResponsesTool[]; builtIn: string[] } {
  const functions: ResponsesTool[] = [];
  const builtIn: string[] = [];
  const asFunction = (tool: ResponsesTool | undefined): ResponsesTool | undefined => {
    if (tool?.type === 'function' && typeof tool.name === 'string') return tool;
    if (tool?.type === 'custom' && typeof tool.name === 'string') return freeformAsFunction(tool);
    if (isClientToolSearch(tool)) return toolSearchAsFunction(tool!);
    return undefined;
  };
  for (const tool of tools ?? []) {
    const plain = asFunction(tool);
    if (plain) functions.push(plain);
    else if (tool?.type === 'namespace' && typeof tool.name === 'string' && Array.isArray(tool.tools)) {
      for (const inner of tool.tools) {
        const innerPlain = asFunction(inner);
        if (innerPlain) functions.push({ ...{}, ...innerPlain, name: `${tool.name}${namespaceSeparator}${innerPlain.name}` });
        else builtIn.push(`${tool.name}.${String(inner?.type)}`);
      }
    } else builtIn.push(String(tool?.type ?? 'unknown'));
  }
  return { functions, builtIn };
}

/** The request's tools and the ones earlier tool searches loaded (Codex's `tool_search_output` items). */
export function requestToolsOf(body: ResponsesRequest): ResponsesTool[] {
  return [...(Array.isArray(body.tools) ? body.tools : []), ...loadedTools(inputItemsOf(body))];
}

/** How a model's call to a flat function name goes back to the caller: which item type, named how. */
export interface CallShape {
  name: string;
  namespace?: string;
  /** A freeform tool's call (`custom_tool_call`) or a client tool search (`tool_search_call`); else a function_call. */
  as?: 'custom' | 'tool_search';
}

/** Reads the request's tools once, to shape each call a model makes (see CallShape). */
export class CallShapes {
  readonly #namespaces: Set<string>;
  readonly #custom = new Set<string>();
  readonly #toolSearch: boolean;

  constructor(body: ResponsesRequest) {
    const tools = requestToolsOf(body);
    this.#namespaces = namespacesOf(tools);
    for (const tool of tools) {
      if (tool?.type === 'custom' && typeof tool.name === 'string') this.#custom.add(tool.name);
      if (tool?.type === 'namespace' && Array.isArray(tool.tools)) {
        for (const inner of tool.tools) if (inner?.type === 'custom' && typeof inner.name === 'string') this.#custom.add(`${tool.name}${namespaceSeparator}${inner.name}`);
      }
    }
    this.#toolSearch = tools.some(isClientToolSearch);
  }

  of(flat: string): CallShape {
    const split = splitFunctionName(flat, this.#namespaces);
    if (this.#custom.has(flat)) return { ...{}, ...split, as: 'custom' };
    if (this.#toolSearch && flat === 'tool_search') return { ...{}, ...split, as: 'tool_search' };
    return split;
  }
}

/** The name a model calls for a function call item: namespaced calls flattened as their tools were. */
export function flatFunctionName(item: Record<string, unknown>): string {
  const name = typeof item.name === 'string' ? item.name : '';
  return typeof item.namespace === 'string' && item.namespace !== '' ? `${item.namespace}${namespaceSeparator}${name}` : name;
}

/**
 * The function call item for a flat name a model called: a name whose prefix is one of the request's
 * namespaces goes back as `{namespace, name}`, which is how Codex reads calls to its grouped tools.
 */
export function splitFunctionName(flat: string, namespaces: ReadonlySet<string>): { name: string; namespace?: string } {
  const at = flat.indexOf(namespaceSeparator);
  if (at > 0) {
    const namespace = flat.slice(0, at);
    if (namespaces.has(namespace)) return { name: flat.slice(at + namespaceSeparator.length), namespace };
  }
  return { name: flat };
}

export function namespacesOf(tools: readonly ResponsesTool[] | undefined): Set<string> {
  return new Set((tools ?? []).filter((tool) => tool?.type === 'namespace' && typeof tool.name === 'string').map((tool) => tool.name as string));
}

/** Responses usage from the counts every upstream reports. */
export function responsesUsage(input: number, output: number, cached = 0, reasoning = 0): ResponsesUsage {
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: cached },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: reasoning },
    total_tokens: input + output,
  };
}

/** The text of a message's content: a string, or the text of its text parts (input_text, output_text, text). */
export function textOfContent(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: { text?: unknown; refusal?: unknown }) => (typeof part?.text === 'string' ? part.text : typeof part?.refusal === 'string' ? part.refusal : ''))
    .join('');
}

/** The request continues a conversation the provider keeps (`conversation`: its id, or `{id}`). */
export function continuesProviderConversation(body: ResponsesRequest): boolean {
  const conversation = body.conversation;
  return (typeof conversation === 'string' && conversation !== '') || (typeof conversation === 'object' && conversation !== null);
}

/** The input as items: a string is one user message. */
export function inputItemsOf(body: ResponsesRequest): ResponsesInputItem[] {
  if (typeof body.input === 'string') return [{ type: 'message', role: 'user', content: body.input }];
  return Array.isArray(body.input) ? body.input.filter((item): item is ResponsesInputItem => typeof item === 'object' && item !== null) : [];
}

/** An item's kind: `type`, or `message` for the role-only shorthand the API accepts. */
export function itemKind(item: ResponsesInputItem): string {
  if (typeof item.type === 'string') return item.type;
  return typeof item.role === 'string' ? 'message' : 'unknown';
}
