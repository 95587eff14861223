/**
 * An error event in another server's shape inside a passed-through stream: `data: {"error": "..."}` with
 * no `type` (Ollama, TGI, vLLM and proxies write their errors so) reaching an Anthropic or Responses
 * caller. Their SDKs read events by type and skip this one, so the client would take what came before it
 * for a whole (short) answer. The event is replaced by the caller's own error event, with the provider's
 * words; every other byte passes as it came. Chat callers need none: their SDKs read `error` as it is.
 */
import { isProviderErrorShape, providerErrorWords } from './provider-error-words.js';
import { rewriteSseEvents } from './sse-event-rewrite.js';

const errorKey = Buffer.from('"error"');
/** An `error` that is set: Responses events carry `"error": null` on every response.created and .completed. */
const setError = /"error"\s*:\s*[{"[]/;

/** Whether `bytes` may hold such an event (cheap: one native search, a regex only where it found one; false means surely none). */
export function mayHoldForeignError(bytes: Buffer): boolean {
  return bytes.indexOf(errorKey) !== -1 && setError.test(bytes.toString('latin1'));
}

/** `bytes` (whole events, as EventAlignedBytes gives them) with each foreign error event written by `ownError(words)`. */
export function withForeignErrorsAsOwn(bytes: Buffer, ownError: (message: string) => string): Buffer {
  return rewriteSseEvents(bytes, (lines) => {
    const data = lines.filter((line) => line.startsWith('data:')).map((line) => line.slice(line.startsWith('data: ') ? 6 : 5));
    const words = data.length > 0 ? foreignErrorWords(data.join('\n')) : undefined;
    return words === undefined ? undefined : Buffer.from(ownError(words), 'utf8').toString('latin1');
  });
}

function foreignErrorWords(latin1Data: string): string | undefined {
  if (!setError.test(latin1Data)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(latin1Data, 'latin1').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || (value as { type?: unknown }).type !== undefined) return undefined;
  if (!isProviderErrorShape(value)) return undefined;
  return (providerErrorWords(value) ?? 'The provider reported an error.').slice(0, 500);
}
