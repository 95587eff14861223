// Public API of the fake upstream (re-exported by tests/support/fake-upstream.ts).
import type { IncomingHttpHeaders } from 'node:http';

export interface RecordedRequest {
  method: string;
  /** Pathname without the query string, e.g. '/v1/messages'. */
  path: string;
  /** Raw request target including the query string, e.g. '/v1/messages?beta=true'. */
  url: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or undefined when the body was empty or not valid JSON. */
  body: any;
  /** The body exactly as received (utf-8). */
  rawBody: string;
}

/**
 * How the server answers. All modes apply to POST /v1/chat/completions, POST /v1/responses and POST /v1/messages;
 * the listing endpoints (GET /v1/models[/id], GET /api/tags) and POST /v1/messages/count_tokens
 * only honour (and only consume) an 'error' mode.
 */
export type FakeMode =
  /** Normal answers (the default). */
  | { kind: 'ok' }
  /** Error body in the protocol's format; `retryAfter` (seconds) sets a retry-after header. */
  | { kind: 'error'; status: number; message?: string; retryAfter?: number }
  /** Wait delayMs before sending response headers, then answer normally. */
  | { kind: 'slow'; delayMs: number }
  /** Read the request, never answer (for timeout tests). */
  | { kind: 'hang' }
  /** Non-stream: destroy the socket without answering. Stream: send `afterChunks` (default 2) SSE events, then destroy the socket. */
  | { kind: 'drop'; afterChunks?: number }
  /** Answer with a tool call (OpenAI tool_calls / Anthropic tool_use) instead of text. */
  | { kind: 'toolCall'; name: string; arguments: object }
  /**
   * An agent's tool loop: a tool call while the conversation does not end in a tool result, text
   * (the usual reply) once it does. Set it without `times`: one agent turn is several requests.
   * `rounds`: how many tool calls in a row, each after the previous one's result, before the text (a user
   * message that is OpenClaw's injected context does not start over).
   * `onlyWhen`: call the tool only in a conversation whose user text holds this string, and answer text in
   * any other: a Claude Code subagent (its own conversation, its own prompt) then answers instead of
   * launching another agent.
   */
  | { kind: 'toolLoop'; name: string; arguments: object; rounds?: number; onlyWhen?: string }
  /**
   * Fault injection: answer with exactly these bytes (a malformed answer, a cut stream...). `body` may be a
   * function giving the pieces lazily, so a 600 MB answer is generated as it is sent, never held. The headers
   * leave first, on their own. With `cut`, the socket is destroyed after the last piece instead of the
   * answer ending cleanly (with an empty body: headers, then a reset).
   */
  /** Fault injection below HTTP: these bytes straight onto the socket (headers included), then end or close it. */
  | { kind: 'socket'; bytes: string | Buffer; end: 'close' | 'end' }
  | {
      kind: 'raw';
      status?: number;
      /** null: no content-type header at all. */
      contentType?: string | null;
      /** More response headers as they are (location, retry-after, a content-length that lies...). */
      headers?: Record<string, string>;
      /** HTTP trailers sent after the body (chunked encoding). */
      trailers?: Record<string, string>;
      body: string | (() => Iterable<string | Buffer>);
      cut?: boolean;
      /** Wait this long between pieces, so that each arrives on its own (a character split across chunks). */
      pauseMs?: number;
      /** Send the body compressed, with `content-encoding: <encoding>` (whether the client asked for it or not). */
      encoding?: 'gzip' | 'br' | 'deflate' | 'deflate-raw';
      /** After the last piece, neither end nor cut: the answer never finishes (for idle and total timeouts). */
      hang?: boolean;
    };

export interface FakeUpstreamOptions {
  /** When set, requests must carry it as `Authorization: Bearer K`, `x-api-key: K` or `api-key: K`, else 401. */
  apiKey?: string;
  /** Known models (listed, and accepted as `model`); default ['fake-model', 'fake-model-large']. */
  models?: string[];
  /** Delay between SSE events; default 0. */
  chunkDelayMs?: number;
  /** Answer text; default `Echo: ${last user message text}`. */
  reply?: (req: RecordedRequest) => string;
  /** Default 0 (random free port). */
  port?: number;
  /**
   * The model's output limit: a request asking for more (`max_tokens`, `max_completion_tokens`) is refused
   * with a 400 worded as the provider words it (OpenAI: "max_tokens is too large: …"; Anthropic:
   * "max_tokens: 32000 > 16384, which is the maximum allowed number of output tokens for …").
   */
  maxOutputTokens?: number;
  /** Chat completions refuse `max_tokens` as OpenAI's reasoning models do ("Use 'max_completion_tokens' instead"). */
  maxTokensUnsupported?: boolean;
}

export interface FakeUpstream {
  /** 'http://127.0.0.1:PORT' */
  url: string;
  /** url + '/v1' */
  openaiBaseUrl: string;
  /** Base URL for the Anthropic SDK (it appends '/v1/messages' itself); same as `url`. */
  anthropicBaseUrl: string;
  /** Every request received, in arrival order (including GETs). */
  requests: RecordedRequest[];
  /** Responses fully written (any status). */
  readonly completedResponses: number;
  /** Requests whose client disconnected before the response finished (not counting server-side drops or close()). */
  readonly abortedByClient: number;
  readonly inFlight: number;
  /** `times`: apply to the next N requests it applies to, then revert to the previous mode; no `times` = until changed. */
  setMode(mode: FakeMode, opts?: { times?: number }): void;
  /** Clears requests and counters (except inFlight) and sets the mode back to ok. */
  reset(): void;
  /** Closes the server and every open socket, including hanging requests. */
  close(): Promise<void>;
}
