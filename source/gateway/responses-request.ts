import type { Route } from '../routing/routing-table.js';
import type { ChatRequest } from './context.js';
import { keepServableRoutes, type RouteRefusal } from './translatable-routes.js';
import { continuesProviderConversation, functionToolsOf, inputItemsOf, itemKind, requestToolsOf, UntranslatableRequest, type ResponsesRequest } from '../protocols/responses.js';
import { refuseUntranslatable } from '../protocols/responses-input.js';
import { responsesRequestToChat } from '../protocols/responses-to-chat.js';
import { responsesRequestToAnthropic } from '../protocols/responses-to-anthropic.js';

/** A Responses request the gateway refuses, with the message and code of its 400. */
export type ResponsesRefusal = RouteRefusal;

/** The shape checks a Responses body needs before anything reads it. */
export function validateResponsesBody(value: Record<string, unknown>): ResponsesRefusal | undefined {
  const input = value.input;
  if (typeof input === 'string' ? input === '' : !Array.isArray(input) || input.length === 0) {
    return { message: '`input` is required: a non-empty string, or a non-empty array of input items.', code: 'missing_input' };
  }
  if (Array.isArray(input) && !input.every((item) => typeof item === 'object' && item !== null && !Array.isArray(item))) {
    return { message: 'Every entry of `input` must be an object (a message, function_call, function_call_output...).', code: 'invalid_input' };
  }
  if (value.tools !== undefined && !Array.isArray(value.tools)) return { message: '`tools` must be an array.', code: 'invalid_tools' };
  // `"stream": "true"` read as not-a-stream would answer with JSON a client waiting for events cannot read.
  if (value.stream !== undefined && value.stream !== null && typeof value.stream !== 'boolean') {
    return { message: '`stream` must be a JSON boolean (true or false), not a string or a number.', code: 'invalid_stream' };
  }
  return undefined;
}

/**
 * Decides where a Responses request may go and how the other layers read it:
 * - routes to providers that speak the Responses API take it as it is; the others only when it
 *   translates without changing what it asks (no built-in tools, no `previous_response_id`, `conversation`,
 *   stored `prompt`, `background` or logprobs: responses-input.ts);
 *   routes that cannot serve it are dropped from the chain, and with none left it is refused;
 * - `previous_response_id` points at a response stored upstream, `conversation` at a conversation the
 *   provider keeps (and moves on with every turn), a `prompt` without a `version` at whatever its latest
 *   version is: such a request is never answered from or kept in isartor's caches, since its bytes do not
 *   say what it asks;
 * - `chatView`, the request read as a chat completion, is what L1b, prompt churn and token estimates read.
 * Returns the refusal, or undefined after updating `chat`.
 */
export function prepareResponsesRequest(chat: ChatRequest): ResponsesRefusal | undefined {
  const body = chat.body as ResponsesRequest;
  const stored = typeof body.previous_response_id === 'string' && body.previous_response_id !== '';
  const keptUpstream = stored || refersToUpstreamState(body);
  const refusal = keepServableRoutes(chat, (route) => routeProblem(body, route, stored));
  if (refusal) return refusal;
  if (keptUpstream) {
    chat.skipLookup = true;
    chat.skipStore = true;
  }
  chat.chatView = chatViewOf(body, chat.upstreamModel);
  return undefined;
}

function routeProblem(body: ResponsesRequest, route: Route, stored: boolean): ResponsesRefusal | undefined {
  if (route.target.speaksResponses) return undefined;
  if (stored) {
    return {
      message: `\`previous_response_id\` refers to a response stored by the provider, and ${route.target.providerId} does not speak the Responses API. isartor keeps no responses: send the whole conversation in \`input\` with \`store: false\` (Codex does), or route this model to OpenAI.`,
      code: 'previous_response_not_stored',
    };
  }
  try {
    if (route.target.spec.protocol === 'anthropic') responsesRequestToAnthropic(body, route.target.model ?? 'model');
    else refuseUntranslatable(body);
    return undefined;
  } catch (error) {
    if (error instanceof UntranslatableRequest) return { message: error.message, code: error.param === 'tools' ? 'unsupported_tool' : 'unsupported_parameter' };
    throw error;
  }
}

/**
 * The request as a chat completion, for the layers that read conversations. Built-in tools and their
 * items (which only a passthrough route would see) are left out here; the scope of L1b still covers
 * them through the fields it hashes from the view's tools.
 */
function chatViewOf(body: ResponsesRequest, model: string): Record<string, unknown> {
  // Tools loaded by earlier tool searches join inside the translation below; built-ins among them count here.
  const { functions } = functionToolsOf(body.tools);
  const { builtIn } = functionToolsOf(requestToolsOf(body));
  const input = inputItemsOf(body)
    .filter((item) => viewedItems.has(itemKind(item)) && (!itemKind(item).startsWith('tool_search') || item.execution === 'client'))
    .map((item) => (item.type === 'tool_search_output' && Array.isArray(item.tools) ? { ...{}, ...item, tools: functionToolsOf(item.tools as ResponsesRequest['tools']).functions } : item));
  const choice = body.tool_choice as { type?: unknown } | undefined;
  const view = responsesRequestToChat(
    {
      ...{}, ...body,
      // What only a Responses provider acts on is not part of the view (a passthrough route takes it as it is).
      conversation: undefined,
      prompt: undefined,
      background: undefined,
      include: undefined,
      top_logprobs: undefined,
      input,
      tools: functions,
      tool_choice: typeof choice === 'object' && choice !== null && choice.type !== 'function' && choice.type !== 'custom' ? 'auto' : body.tool_choice,
      stream: false,
    },
    model,
  );
  // Built-in tools still shape the answer: they stay in the view (by name) so that L1b scopes differ.
  return builtIn.length > 0 ? { ...{}, ...view, built_in_tools: builtIn } : (view as Record<string, unknown>);
}

/** Input items the view carries: the ones a translation carries, reasoning aside. */
const viewedItems = new Set(['message', 'function_call', 'function_call_output', 'custom_tool_call', 'custom_tool_call_output', 'tool_search_call', 'tool_search_output']);

/** A conversation kept by the provider, or a stored prompt template named without a pinned version. */
function refersToUpstreamState(body: ResponsesRequest): boolean {
  if (continuesProviderConversation(body)) return true;
  const prompt = body.prompt as { version?: unknown } | null | undefined;
  return typeof prompt === 'object' && prompt !== null && (typeof prompt.version !== 'string' || prompt.version === '');
}
