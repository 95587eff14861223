import type { CallerProtocol } from './caller-protocol.js';

/** Anthropic and Responses events that open a stream and say nothing of the answer yet. */
const openingTypes: Record<Exclude<CallerProtocol, 'openai'>, ReadonlySet<string>> = {
  anthropic: new Set(['message_start', 'ping']),
  responses: new Set(['response.created', 'response.in_progress']),
};

/**
 * Whether SSE text the caller is about to get holds only events that open a stream (chat's role chunk,
 * Anthropic's message_start and pings, Responses' response.created and response.in_progress), comments
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
  if (protocol !== 'openai') return openingTypes[protocol].has((event as { type?: unknown }).type as string);
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
