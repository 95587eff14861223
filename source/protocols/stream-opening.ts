import type { CallerProtocol } from './caller-protocol.js';

/** Anthropic and Responses events that open a stream and say nothing of the answer yet. */
const openingTypes: Record<Exclude<CallerProtocol, 'openai'>, ReadonlySet<string>> = {
  anthropic: new Set(['message_start', 'ping']),
  responses: new Set(['response.created', 'response.in_progress']),
};

/**
 * Whether SSE text the caller is about to get holds only events that open a stream (chat's role chunk,
 * Anthropic's message_start, pings and an empty text block's start, Responses' response.created,
 * response.in_progress and an empty message item's start), comments
 * and blank lines: nothing of the answer. A provider that fails right after them (an overloaded_error in
 * the read after message_start) has then given the client nothing, and a fallback can still answer, or
 * the client get a plain error status. Anything this cannot read counts as answer (the stream starts).
 */
export function opensOnly(protocol: CallerProtocol, sse: string | Buffer): boolean {
  const text = typeof sse === 'string' ? sse : sse.toString('utf8');
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (!line.startsWith('data:')) continue;
    let event: unknown;
    try {
      event = JSON.parse(line.slice(5));
    } catch {
      return false;
    }
    if (!isOpening(protocol, event)) return false;
  }
  return true;
}

function isOpening(protocol: CallerProtocol, event: unknown): boolean {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return false;
  if (protocol !== 'openai') return openingTypes[protocol].has((event as { type?: unknown }).type as string) || isEmptyStart(event as Record<string, any>);
  const { choices, usage, error } = event as { choices?: unknown; usage?: unknown; error?: unknown };
  if (!Array.isArray(choices) || choices.length === 0 || (usage !== undefined && usage !== null) || error !== undefined) return false;
  return choices.every((choice: { delta?: Record<string, unknown>; finish_reason?: unknown } | null) => {
    if (typeof choice !== 'object' || choice === null || (choice.finish_reason !== undefined && choice.finish_reason !== null)) return false;
    const delta = choice.delta;
    if (typeof delta !== 'object' || delta === null) return false;
    for (const [key, value] of Object.entries(delta)) {
      if (key === 'role') continue;
      if ((key === 'content' || key === 'refusal') && (value === '' || value === null)) continue;
      return false;
    }
    return true;
  });
}

/** The start of a text (or thinking) block or message item that holds nothing yet: Anthropic sends one with message_start. */
function isEmptyStart(event: Record<string, any>): boolean {
  if (event.type === 'content_block_start') {
    const block = event.content_block;
    return (block?.type === 'text' && block.text === '') || (block?.type === 'thinking' && block.thinking === '');
  }
  if (event.type === 'response.output_item.added') return event.item?.type === 'message' && Array.isArray(event.item.content) && event.item.content.length === 0;
  if (event.type === 'response.content_part.added') return event.part?.type === 'output_text' && event.part.text === '';
  return false;
}
