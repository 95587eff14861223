/**
 * The words of a provider's error, in the shapes providers and the servers in front of them write it:
 * `{"error": {"message"}}` (OpenAI, Anthropic, most OpenAI-compatible servers), `{"error": "..."}`
 * (Ollama, TGI, some streams), an error nested in an error (proxies that wrap the upstream's body), a list
 * of errors (Google's `[{"error": {...}}]`), vLLM's `{"object": "error", "message"}`, FastAPI's `detail`
 * (a string, or a list of `{msg}`), and a bare `{"message"}`. undefined when the value is none of these.
 * Read for the user's eyes only: what a client is told when a provider failed.
 */
import { isRecord } from '../json/is-record.js';

type Json = Record<string, unknown>;

export function providerErrorWords(value: unknown, depth = 0): string | undefined {
  if (depth > 3) return undefined;
  if (Array.isArray(value)) return value.length > 0 ? providerErrorWords(value[0], depth + 1) : undefined;
  if (!isRecord(value)) return undefined;
  const { error, message, detail } = value;
  if (typeof error === 'string' && error !== '') return error;
  if (isRecord(error) || Array.isArray(error)) {
    const inner = isRecord(error) && typeof error.message === 'string' ? error.message : providerErrorWords(error, depth + 1);
    if (inner !== undefined) return inner;
  }
  if (typeof message === 'string' && message !== '') return message;
  if (typeof detail === 'string' && detail !== '') return detail;
  if (Array.isArray(detail)) {
    const first = detail.find((item): item is Json => isRecord(item) && typeof item.msg === 'string');
    if (first) return `${first.msg}${Array.isArray(first.loc) ? ` (${first.loc.join('.')})` : ''}`;
  }
  return undefined;
}

/**
 * Whether a JSON value a provider sent instead of an answer is an error (its words then reach the client):
 * an `error` field that is set (Anthropic's says `"type": "error"`), a list of errors, vLLM's
 * `"object": "error"`, FastAPI's `detail` alone. No answer of any protocol has these shapes.
 */
export function isProviderErrorShape(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0 && isRecord(value[0]) && value[0].error != null;
  if (!isRecord(value)) return false;
  if (value.error != null) return value.type === undefined || value.type === 'error';
  if (value.object === 'error') return true;
  return value.detail != null && value.choices === undefined && value.type === undefined && value.output === undefined;
}
