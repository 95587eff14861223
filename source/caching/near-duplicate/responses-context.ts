/**
 * The context of a question asked through the Responses API (Codex), for the L1b scope. L1b finds the
 * question in the request's chat view (gateway/responses-request.ts), but that view is what a chat
 * provider can be sent: it leaves out what only the Responses API reads (text.verbosity,
 * reasoning.summary, include, truncation, top_logprobs, built-in tools and their settings, custom tools,
 * reasoning items, item references, file ids...). Every one of them can change the answer, so the scope
 * also holds the request as it came: each field but the input, the fields never sent and the delivery
 * (stream), and each input item but the question's own text, items named by id keyed as L1a keys
 * them (responses-items.ts).
 */
import { fingerprintJson } from '../text-digest.js';
import { unreadResponsesFields, withoutStorageId } from '../responses-items.js';

/** How the answer is delivered, not what it says (the input is read item by item below). */
const deliveryFields = new Set(['stream', 'stream_options', 'input']);
const notAsker = new Set(['system', 'developer', 'assistant']);

type Item = Record<string, unknown>;

export function responsesContext(body: Record<string, unknown>): string {
  const fields: string[] = [];
  for (const [field, value] of Object.entries(body)) {
    if (!deliveryFields.has(field) && !unreadResponsesFields.has(field)) fields.push(`${field}=${fingerprintJson(value)}`);
  }
  if (typeof body.input === 'string') return JSON.stringify([fields, 'text']);
  const items = Array.isArray(body.input) ? (body.input as unknown[]) : [];
  const asked = items.findLastIndex((item) => isUserMessage(item));
  const parts = items.map((item, i) => fingerprintJson(i === asked ? withoutLastText(withoutStorageId(item) as Item) : withoutStorageId(item)));
  return JSON.stringify([fields, parts]);
}

function isUserMessage(item: unknown): boolean {
  if (typeof item !== 'object' || item === null) return false;
  const { type, role } = item as Item;
  return (type === 'message' || (type === undefined && typeof role === 'string')) && !notAsker.has(String(role ?? 'user'));
}

/** The question's message with its last text emptied: the question is compared by L1b, the rest is scope. */
function withoutLastText(item: Item): Item {
  if (typeof item.content === 'string') return { ...{}, ...item, content: '' };
  if (!Array.isArray(item.content) || item.content.length === 0) return item;
  const last = item.content.length - 1;
  return { ...{}, ...item, content: item.content.map((part, i) => (i === last && typeof part === 'object' && part !== null ? { ...{}, ...part, text: '' } : part)) };
}
