import { flatFunctionName, itemKind, type ResponsesInputItem } from '../protocols/responses.js';
import { talksAboutColour, talksAboutTerminalBytes } from './colour-policy.js';
import { isRecord } from './json.js';
import { trimRequestBody, type TrimOptions, type TrimResult } from './trim-request.js';

/**
 * L2.5 for a Responses request: its tool outputs (`function_call_output`, a string or an array of
 * `input_text` parts) go through the same engine as chat tool messages, and only they change. The engine sees the calls and their outputs as a chat
 * conversation (calls first, so it knows each output's tool name and can leave file contents alone);
 * messages are not shown to it, so instructions and the user's words reach the provider untouched.
 */
export async function trimResponsesToolOutputs(body: Record<string, unknown>, options: TrimOptions = {}): Promise<TrimResult> {
  const unchanged: TrimResult = { body, changed: false, tokensBefore: 0, tokensAfter: 0, rules: {}, skippedForSize: 0 };
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
    } else if (kind === 'function_call_output') {
      // Every output is shown, whatever its shape: one the engine cannot read is still the latest run of
      // its call, so a later identical output never refers past it to an older run.
      outputAt.set(messages.length, index);
      messages.push({ role: 'tool', tool_call_id: String(item.call_id ?? ''), content: plainOutput(item) ? asChatContent(item.output) : null });
    }
  });
  if (outputAt.size === 0) return unchanged;
  // The engine does not see the messages, so it cannot tell when they make colour meaningful: asked here.
  const said = items
    .filter((item) => typeof item === 'object' && item !== null && itemKind(item) === 'message' && (item.role === 'user' || item.role === 'assistant'))
    .map((item) => JSON.stringify(item.content ?? ''));
  const callTexts = messages.filter((message) => Array.isArray(message.tool_calls)).map((message) => JSON.stringify(message.tool_calls));
  const about = (talks: (text: string) => boolean): boolean => said.some(talks) || callTexts.some(talks);
  const colourTalk = about(talksAboutColour);
  const bytesTalk = about(talksAboutTerminalBytes);
  const told: TrimOptions = { ...{}, ...options, ...(colourTalk ? { colour: 'keep' } : {}), ...(bytesTalk ? { drawing: 'keep' } : {}) };
  const result = await trimRequestBody({ messages }, 'openai', told);
  if (!result.changed) return { ...{}, ...result, body };
  const trimmed = result.body.messages as Array<Record<string, unknown>>;
  const input = [...items];
  for (const [messageIndex, itemIndex] of outputAt) {
    const content = trimmed[messageIndex]?.content;
    if (content === messages[messageIndex]?.content) continue;
    const output = fromChatContent(items[itemIndex]!.output, content);
    if (output !== undefined) input[itemIndex] = { ...{}, ...items[itemIndex], output };
  }
  return { ...{}, ...result, body: { ...{}, ...body, input } };
}

/** Fields an output item may carry and still be its output alone; a `status` other than completed says more. */
const plainOutputFields = new Set(['type', 'call_id', 'output', 'id']);

/** Whether an output item says nothing but its output (an incomplete one, or one with fields not known here, is never compared). */
function plainOutput(item: ResponsesInputItem): boolean {
  return Object.entries(item).every(([field, value]) => plainOutputFields.has(field) || (field === 'status' && value === 'completed') || value === undefined);
}

/**
 * An output as a chat tool message's content: a string as it is; an array of parts with its `input_text`
 * parts as text blocks and any other part (an image, a file) as a block the engine never reads, so an
 * output holding one is never replaced; anything else as no content.
 */
function asChatContent(output: unknown): unknown {
  if (typeof output === 'string') return output;
  if (!Array.isArray(output)) return null;
  return output.map((part) => (isRecord(part) && part.type === 'input_text' && typeof part.text === 'string' ? { type: 'text', text: part.text } : { type: 'opaque' }));
}

/**
 * The trimmed content back in the output's own shape: the text of each `input_text` part (every other
 * field kept), or, when the engine replaced an all-text output by a reference (one block), its first part
 * holding the reference. Undefined when the shapes do not line up (then the output is sent as it came).
 */
function fromChatContent(original: unknown, content: unknown): unknown {
  if (typeof original === 'string') return typeof content === 'string' ? content : undefined;
  if (!Array.isArray(original) || !Array.isArray(content)) return undefined;
  const texts = content.map((block) => (isRecord(block) && block.type === 'text' && typeof block.text === 'string' ? block.text : undefined));
  if (content.length === 1 && original.length > 1) {
    const first: unknown = original[0];
    return texts[0] !== undefined && original.every((part) => isRecord(part) && part.type === 'input_text') && isRecord(first) ? [{ ...{}, ...first, text: texts[0] }] : undefined;
  }
  if (content.length !== original.length) return undefined;
  return original.map((part, i) => (isRecord(part) && part.type === 'input_text' && texts[i] !== undefined ? (texts[i] === part.text ? part : { ...{}, ...part, text: texts[i] }) : part));
}
