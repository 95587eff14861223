/** Why a request to a provider never got an HTTP answer, in words a user can act on. */
export type NetworkFailureKind = 'timeout' | 'refused' | 'dns' | 'reset' | 'tls' | 'other';

export interface NetworkFailure {
  kind: NetworkFailureKind;
  /** One sentence: what happened. */
  message: string;
  /** One sentence: what to do next. */
  fix: string;
}

interface ErrorLike {
  code?: string;
  message?: string;
  event?: string;
  /** The limit that ran out, when the error says (an idle timeout). */
  limitMs?: number;
  cause?: unknown;
}

/** `providerId`, when known, makes the fix a command that runs as printed (`set-key` needs `-p`). */
export function classifyNetworkError(error: unknown, url: string, timeoutMs?: number, providerId?: string): NetworkFailure {
  const { code, message = String(error), event, limitMs } = (error ?? {}) as ErrorLike;
  const origin = safeOrigin(url);
  switch (code) {
    case 'ETIMEDOUT': {
      // The limit that ran out of an idle or head timeout, as the user reads it.
      const waited = (limitMs ?? 0) >= 1000 ? `${Math.round((limitMs ?? 0) / 1000)} s` : `${limitMs ?? 0} ms`;
      if (event === 'idle') {
        return {
          kind: 'timeout',
          message: `${origin} stopped sending in the middle of its answer: nothing came for ${waited}.`,
          fix: 'Retry; if the model legitimately thinks silently for longer, raise upstream.idleTimeoutMs in isartor\'s config.',
        };
      }
      if (event === 'head') {
        return {
          kind: 'timeout',
          message: `${origin} took the stream request but sent no answer, not even its headers, for ${waited}.`,
          fix: 'Retry; a provider that legitimately waits longer before it opens a stream needs a higher upstream.idleTimeoutMs in isartor\'s config.',
        };
      }
      const phase = event === 'connect' ? 'connecting to' : 'waiting for';
      const limit = timeoutMs && event !== 'connect' ? ` within ${Math.round(timeoutMs / 1000)} s` : '';
      return {
        kind: 'timeout',
        message: `Timed out ${phase} ${origin}${limit}.`,
        fix: 'Check that the provider is up and reachable from this machine, or raise the timeout.',
      };
    }
    case 'ECONNREFUSED':
      return {
        kind: 'refused',
        message: `Connection refused by ${origin}: nothing is listening there.`,
        fix: `Start the server, or fix the base URL with \`isartor set-key -p ${providerId ?? '<provider>'} --base-url <url>\`.`,
      };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return {
        kind: 'dns',
        message: `The host of ${origin} could not be resolved (DNS lookup failed).`,
        fix: 'Check the base URL for typos and that this machine has network access.',
      };
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ERR_STREAM_PREMATURE_CLOSE':
      return {
        kind: 'reset',
        message: `${origin} dropped the connection before the answer was complete.`,
        fix: 'Retry; if it keeps happening, check the provider status.',
      };
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      // OpenSSL's own text ("...:ssl3_get_record:wrong version number:...") tells a user nothing.
      return {
        kind: 'tls',
        message: `TLS with ${origin} failed: the server there does not answer in TLS.`,
        fix: 'Check the base URL scheme: a local server (Ollama, LM Studio, vLLM) is usually http://, not https://.',
      };
    default:
      if (code?.startsWith('ERR_TLS') || code?.includes('CERT')) {
        return { kind: 'tls', message: `TLS with ${origin} failed (${code}).`, fix: 'Check the base URL scheme (http vs https) and the server certificate.' };
      }
      return { kind: 'other', message: `The request to ${origin} failed: ${message}.`, fix: 'Check the base URL and your network.' };
  }
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
