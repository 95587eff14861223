/**
 * Reads a Responses request's input the same way for every translator (to chat completions and to
 * Anthropic Messages): what cannot cross is refused first, then `instructions` and each item become
 * one piece a translator only has to place in its own format.
 */
import { flatFunctionName, functionToolsOf, inputItemsOf, itemKind, textOfContent, UntranslatableRequest, type ResponsesRequest } from './responses.js';

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

/** Built-in tools, a tool_choice naming one, and input items of built-in kinds: only OpenAI can run them. */
export function refuseBuiltIns(body: ResponsesRequest): void {
  const { builtIn } = functionToolsOf(body.tools);
  if (builtIn.length > 0) {
    throw new UntranslatableRequest(
      `This request asks for built-in tools (${[...new Set(builtIn)].join(', ')}) that only OpenAI's Responses API can run, and the provider serving this model cannot. Remove them from \`tools\` (Codex: set \`web_search = "disabled"\` in config.toml; \`isartor connect codex\` does), or route this model to OpenAI.`,
      'tools',
    );
  }
  const choice = body.tool_choice as { type?: unknown } | undefined;
  if (typeof choice === 'object' && choice !== null && choice.type !== 'function' && choice.type !== undefined) {
    throw new UntranslatableRequest(`\`tool_choice\` of type "${String(choice.type)}" names a built-in tool this provider cannot run.`, 'tool_choice');
  }
  for (const item of inputItemsOf(body)) {
    const kind = itemKind(item);
    if (!translatableItems.has(kind)) {
      throw new UntranslatableRequest(`Input items of type "${kind}" cannot be sent to this provider: only messages, function calls, their outputs and reasoning can.`, 'input');
    }
  }
}

const translatableItems = new Set(['message', 'function_call', 'function_call_output', 'reasoning']);

/** The input as pieces, `instructions` first. Call refuseBuiltIns before: other item kinds are skipped here. */
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
        pieces.push({ kind: 'function_call_output', callId: String(item.call_id ?? ''), output: item.output });
        break;
      default:
    }
  }
  return pieces;
}
