/** The parts of OpenAI's chat completions protocol the gateway reads or writes. */

export interface ChatMessage {
  role: string;
  content?: unknown;
  [field: string]: unknown;
}

export interface ChatCompletionRequest {
  model?: string;
  messages: ChatMessage[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean } | null;
  [field: string]: unknown;
}

export interface ToolCall {
  index?: number;
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface CompletionChoice {
  index: number;
  message: {
    role: 'assistant';
    content: string | null;
    refusal?: string | null;
    tool_calls?: ToolCall[];
    [field: string]: unknown;
  };
  logprobs?: unknown;
  finish_reason: string | null;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  [field: string]: unknown;
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: CompletionChoice[];
  usage?: Usage;
  system_fingerprint?: string | null;
  [field: string]: unknown;
}

/** OpenAI's error `type` values that clients (and the openai SDK) map to their error classes. */
export type OpenAIErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'server_error'
  | 'upstream_error'
  | 'timeout_error'
  /** LiteLLM's type for a virtual key asking for a model it may not use (403); clients of LiteLLM match on it. */
  | 'key_model_access_denied';

export interface OpenAIErrorBody {
  error: { message: string; type: OpenAIErrorType; code: string | null; param: string | null };
}

export function openAIErrorBody(
  message: string,
  type: OpenAIErrorType,
  code: string | null = null,
  param: string | null = null,
): OpenAIErrorBody {
  return { error: { message, type, code, param } };
}

/** The error type OpenAI's SDK expects for a status (it maps them to its error classes by status). */
export function openAIErrorTypeForStatus(status: number): OpenAIErrorType {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 502) return 'upstream_error';
  if (status === 504) return 'timeout_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** A complete answer: every choice ended with a reason. Anything else must never be cached. */
export function isCompleteCompletion(value: unknown): value is ChatCompletion {
  if (typeof value !== 'object' || value === null) return false;
  const choices = (value as { choices?: unknown }).choices;
  return (
    Array.isArray(choices) &&
    choices.length > 0 &&
    choices.every((c) => typeof c === 'object' && c !== null && typeof (c as CompletionChoice).finish_reason === 'string' && typeof (c as CompletionChoice).message === 'object')
  );
}
