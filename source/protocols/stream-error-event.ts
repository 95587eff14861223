import type { CallerProtocol } from './caller-protocol.js';

/** What an error event of each protocol says in its data, found without parsing: chat's `"error": {`, the others' `"type": "error"` (or a Responses `response.failed`). */
const errorMarkers: Record<CallerProtocol, RegExp> = {
  openai: /"error"\s*:\s*[{"]/,
  anthropic: /"type"\s*:\s*"error"/,
  responses: /"type"\s*:\s*"(?:error|response\.failed)"/,
};

/**
 * The message of an error event in SSE text the caller is about to get (its own protocol: chat's
 * `data: {"error":{...}}`, Anthropic's `event: error`, a Responses `error` or `response.failed`), or
 * undefined when it holds none. Read only on a stream's first bytes for the client: a provider whose
 * stream opens with its error (Anthropic's overloaded_error after a 200, OpenRouter's error chunk) has
 * given the client nothing yet, and a fallback can still answer instead.
 */
export function streamErrorIn(protocol: CallerProtocol, sse: string | Buffer): string | undefined {
  return streamErrorOf(protocol, sse)?.message;
}

/** As streamErrorIn, with the error's type where the protocol gives one (Anthropic's `overloaded_error`). */
export function streamErrorOf(protocol: CallerProtocol, sse: string | Buffer): { message: string; type: string | undefined } | undefined {
  // Nearly every first write holds no error at all: one native search, no parsing.
  if (sse.indexOf('error') === -1) return undefined;
  const text = typeof sse === 'string' ? sse : sse.toString('utf8');
  const marker = errorMarkers[protocol];
  if (!marker.test(text)) return undefined;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (!line.startsWith('data:') || !marker.test(line)) continue;
    let event: { type?: unknown; error?: { message?: unknown } | string | null; message?: unknown; response?: { error?: { message?: unknown } | null } };
    try {
      event = JSON.parse(line.slice(5));
    } catch {
      continue;
    }
    if (typeof event !== 'object' || event === null) continue;
    const message =
      protocol === 'openai'
        ? typeof event.error === 'string' ? event.error : event.error?.message
        : protocol === 'anthropic'
          ? event.type === 'error' && typeof event.error === 'object' ? event.error?.message : undefined
          : event.type === 'error' ? event.message : event.type === 'response.failed' ? event.response?.error?.message : undefined;
    const errorType = typeof event.error === 'object' && event.error !== null ? (event.error as { type?: unknown }).type : undefined;
    const type = typeof errorType === 'string' ? errorType : undefined;
    if (typeof message === 'string') return { message: message.slice(0, 300), type };
    if (protocol === 'openai' ? event.error : event.type === 'error' || event.type === 'response.failed') return { message: 'no message', type };
  }
  return undefined;
}
