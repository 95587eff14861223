import { flatFunctionName, itemKind, type ResponsesInputItem } from '../protocols/responses.js';
import { trimRequestBody, type TrimOptions, type TrimResult } from './trim-request.js';

/**
 * L2.5 for a Responses request: its tool outputs (`function_call_output`) go through the same engine
 * as chat tool messages, and only they change. The engine sees the calls and their outputs as a chat
 * conversation (calls first, so it knows each output's tool name and can leave file contents alone);
 * messages are not shown to it, so instructions and the user's words reach the provider untouched.
 */
export function trimResponsesToolOutputs(body: Record<string, unknown>, options: TrimOptions = {}): TrimResult {
  const unchanged: TrimResult = { body, changed: false, tokensBefore: 0, tokensAfter: 0, rules: {} };
  if (!Array.isArray(body.input)) return unchanged;
  const items = body.input as ResponsesInputItem[];
  const messages: Array<Record<string, unknown>> = [];
  const outputAt = new Map<number, number>();
  items.forEach((item, index) => {
    if (typeof item !== 'object' || item === null) return;
    const kind = itemKind(item);
    if (kind === 'function_call') {
      const call = { id: String(item.call_id ?? ''), type: 'function', function: { name: flatFunctionName(item), arguments: typeof item.arguments === 'string' ? item.arguments : '' } };
      messages.push({ role: 'assistant', content: null, tool_calls: [call] });
    } else if (kind === 'function_call_output' && typeof item.output === 'string') {
      outputAt.set(messages.length, index);
      messages.push({ role: 'tool', tool_call_id: String(item.call_id ?? ''), content: item.output });
    }
  });
  if (outputAt.size === 0) return unchanged;
  const result = trimRequestBody({ messages }, 'openai', options);
  if (!result.changed) return { ...result, body };
  const trimmed = result.body.messages as Array<Record<string, unknown>>;
  const input = [...items];
  for (const [messageIndex, itemIndex] of outputAt) {
    const content = trimmed[messageIndex]?.content;
    if (typeof content === 'string' && content !== messages[messageIndex]?.content) input[itemIndex] = { ...items[itemIndex], output: content };
  }
  return { ...result, body: { ...body, input } };
}
