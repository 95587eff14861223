/**
 * Reads a Responses request's input the same way for every translator (to chat completions and to
 * Anthropic Messages): what cannot cross is refused first, then `instructions` and each item become
 * one piece a translator only has to place in its own format.
 */
import { toolSearchOutputText } from './responses-client-tools.js';
import { continuesProviderConversation, flatFunctionName, functionToolsOf, inputItemsOf, itemKind, requestToolsOf, textOfContent, UntranslatableRequest, type ResponsesRequest } from './responses.js';

/**
 * One piece of the input, in order. Empty system and assistant texts are left out; reasoning items
 * are too (another model's, or encrypted, thoughts mean nothing to a different upstream).
 */
export type ResponsesInputPiece =
  /** `instructions`, or a system or developer message. */
  | { kind: 'system'; text: string }
  | { kind: 'assistant'; text: string }
  /** Any other message; `role` as the caller wrote it (`user` when it gave none). */
  | { kind: 'user'; role: string; content: unknown }
  /** `arguments` is undefined when the caller sent no string; each translator has its own default. */
  | { kind: 'function_call'; callId: string; name: string; arguments: string | undefined }
  | { kind: 'function_call_output'; callId: string; output: unknown };

/**
 * Request fields whose meaning lives at a provider that speaks the Responses API: a conversation or a
 * stored prompt it keeps, a response run in the background to be fetched later, log probabilities.
 * Sent to another provider without them, the request would ask something else (a conversation without
 * its history, no prompt at all, an answer in the foreground, no logprobs), so it is refused instead.
 * `previous_response_id` is refused by the gateway before this (with its own code).
 */
export function refuseProviderState(body: ResponsesRequest): void {
  if (continuesProviderConversation(body)) {
    throw new UntranslatableRequest(
      '`conversation` refers to a conversation kept by OpenAI, and the provider serving this model keeps none (neither does isartor). Send the whole conversation in `input` with `store: false` and no `conversation`, or route this model to a provider that speaks the Responses API.',
      'conversation',
    );
  }
  if (typeof body.prompt === 'object' && body.prompt !== null) {
    throw new UntranslatableRequest(
      '`prompt` refers to a prompt template stored at OpenAI, which the provider serving this model cannot read. Put the prompt\'s text in `instructions` (or `input`) instead, or route this model to a provider that speaks the Responses API.',
      'prompt',
    );
  }
  if (body.background === true) {
    throw new UntranslatableRequest(
      '`background: true` asks for a response to fetch later, and the provider serving this model answers only in the foreground (isartor keeps no responses to fetch). Leave `background` out (or false) and wait for the answer, streaming it if it is long.',
      'background',
    );
  }
  const wantsLogprobs = (Array.isArray(body.include) && body.include.includes('message.output_text.logprobs')) || (typeof body.top_logprobs === 'number' && body.top_logprobs > 0);
  if (wantsLogprobs) {
    throw new UntranslatableRequest(
      'Log probabilities (`include: ["message.output_text.logprobs"]`, `top_logprobs`) cannot be carried back from the provider serving this model. Leave them out, or route this model to a provider that speaks the Responses API.',
      Array.isArray(body.include) && body.include.includes('message.output_text.logprobs') ? 'include' : 'top_logprobs',
    );
  }
}

/**
 * What a provider without the Responses API cannot do as asked: the provider state above, built-in
 * tools, a tool_choice naming one, and input items of built-in kinds (only OpenAI can run them).
 */
export function refuseUntranslatable(body: ResponsesRequest): void {
  refuseProviderState(body);
  const { builtIn } = functionToolsOf(requestToolsOf(body));
  if (builtIn.length > 0) {
    throw new UntranslatableRequest(
      `This request asks for built-in tools (${[...new Set(builtIn)].join(', ')}) that only OpenAI's Responses API can run, and the provider serving this model cannot. Remove them from \`tools\` (Codex: set \`web_search = "disabled"\` in config.toml; \`isartor connect codex\` does), or route this model to OpenAI.`,
      'tools',
    );
  }
  const choice = body.tool_choice as { type?: unknown } | undefined;
  if (typeof choice === 'object' && choice !== null && choice.type === 'allowed_tools') {
    throw new UntranslatableRequest(
      '`tool_choice` of type "allowed_tools" cannot be sent to this provider. Send only the allowed tools in `tools`, with `tool_choice` "auto" or "required".',
      'tool_choice',
    );
  }
  if (typeof choice === 'object' && choice !== null && choice.type !== 'function' && choice.type !== 'custom' && choice.type !== undefined) {
    throw new UntranslatableRequest(`\`tool_choice\` of type "${String(choice.type)}" names a built-in tool this provider cannot run.`, 'tool_choice');
  }
  for (const item of inputItemsOf(body)) {
    const kind = itemKind(item);
    if (!translatableItems.has(kind)) {
      throw new UntranslatableRequest(`Input items of type "${kind}" cannot be sent to this provider: only messages, function calls, their outputs and reasoning can.`, 'input');
    }
    if ((kind === 'tool_search_call' || kind === 'tool_search_output') && item.execution !== 'client') {
      throw new UntranslatableRequest(`Input items of type "${kind}" from OpenAI's own tool search cannot be sent to this provider.`, 'input');
    }
  }
}

/** Freeform tool calls and client tool searches are function calls to a chat or Anthropic model (responses-client-tools.ts). */
const translatableItems = new Set(['message', 'function_call', 'function_call_output', 'reasoning', 'custom_tool_call', 'custom_tool_call_output', 'tool_search_call', 'tool_search_output']);

/** The input as pieces, `instructions` first. Call refuseUntranslatable before: other item kinds are skipped here. */
export function readResponsesInput(body: ResponsesRequest): ResponsesInputPiece[] {
  const pieces: ResponsesInputPiece[] = [];
  if (typeof body.instructions === 'string' && body.instructions !== '') pieces.push({ kind: 'system', text: body.instructions });
  for (const item of inputItemsOf(body)) {
    switch (itemKind(item)) {
      case 'message': {
        if (item.role === 'system' || item.role === 'developer' || item.role === 'assistant') {
          const text = textOfContent(item.content);
          if (text !== '') pieces.push({ kind: item.role === 'assistant' ? 'assistant' : 'system', text });
        } else pieces.push({ kind: 'user', role: String(item.role ?? 'user'), content: item.content });
        break;
      }
      case 'function_call':
        pieces.push({ kind: 'function_call', callId: String(item.call_id ?? ''), name: flatFunctionName(item), arguments: typeof item.arguments === 'string' ? item.arguments : undefined });
        break;
      case 'function_call_output':
      case 'custom_tool_call_output':
        pieces.push({ kind: 'function_call_output', callId: String(item.call_id ?? ''), output: item.output });
        break;
      case 'custom_tool_call':
        pieces.push({ kind: 'function_call', callId: String(item.call_id ?? ''), name: flatFunctionName(item), arguments: JSON.stringify({ input: typeof item.input === 'string' ? item.input : '' }) });
        break;
      case 'tool_search_call':
        pieces.push({ kind: 'function_call', callId: String(item.call_id ?? item.id ?? ''), name: 'tool_search', arguments: typeof item.arguments === 'string' ? item.arguments : JSON.stringify(item.arguments ?? {}) });
        break;
      case 'tool_search_output':
        pieces.push({ kind: 'function_call_output', callId: String(item.call_id ?? item.id ?? ''), output: toolSearchOutputText(item) });
        break;
      default:
    }
  }
  return pieces;
}
