/**
 * How a provider wants the output limit asked, read from its refusal. Clients ask for as much as their own
 * model allows: Claude Code sends `max_tokens` 32,000 or more whatever the gateway serves, and OpenAI's
 * gpt-4o-mini (the openai provider's default) writes at most 16,384, so OpenAI refused every request
 * ("max_tokens is too large"); OpenAI's reasoning models (gpt-5, o3, o4-mini) refuse `max_tokens` itself
 * ("Use 'max_completion_tokens' instead"), which is what the translations from Anthropic and Responses send.
 * Asking again for the most the model writes, in the field it reads, changes nothing the model could have
 * answered: the client's limit was never reachable. Only what the provider states is used, never a guess.
 */

import { isRecord } from '../json/is-record.js';

/** What a provider's refusal asked for: a lower limit, the limit in `max_completion_tokens`, or both. */
export interface OutputLimitFix {
  limit?: number;
  completionTokensField?: boolean;
}

/** The output-limit fields a request body may carry, in the three protocols. */
const limitFields = ['max_tokens', 'max_completion_tokens', 'max_output_tokens'] as const;

/** The largest output limit a request body asks for; undefined when it names none. */
export function askedOutputLimit(body: unknown): number | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const asked = limitFields.map((field) => (body as Record<string, unknown>)[field]).filter((value): value is number => typeof value === 'number');
  return asked.length > 0 ? Math.max(...asked) : undefined;
}

/**
 * The model's own limit as a provider's 400 states it, when below what was asked:
 * - OpenAI: "max_tokens is too large: 32000. This model supports at most 16384 completion tokens, ..."
 * - Anthropic: "max_tokens: 64000 > 32000, which is the maximum allowed number of output tokens for ..."
 * - DeepSeek: "Invalid max_tokens value, the valid range of max_tokens is [1, 8192]"
 * - Groq: "`max_tokens` must be less than or equal to `32768`, the maximum value for `max_tokens` ..."
 * undefined for any other refusal (a 400 about something else, or about the context window, which depends
 * on the input, is the client's to read).
 */
export function outputLimitFromRefusal(errorBody: string, asked: number): number | undefined {
  const text = errorBody.slice(0, 4096);
  const stated =
    /supports at most (\d+) completion tokens/.exec(text) ??
    /max_tokens: \d+ > (\d+), which is the maximum allowed number of output tokens/.exec(text) ??
    /valid range of max_tokens is \[\d+, ?(\d+)\]/.exec(text) ??
    /`?max_(?:completion_)?tokens`? must be less than or equal to `?(\d+)`?/.exec(text);
  const limit = stated ? Number(stated[1]) : NaN;
  return Number.isSafeInteger(limit) && limit >= 1 && limit < asked ? limit : undefined;
}

/** OpenAI's reasoning models: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead." */
const wantsCompletionTokensField = /'max_tokens' is not supported with this model\. Use 'max_completion_tokens' instead/;

/**
 * What a provider's 400 (`errorBody`) asks of the request it refused (`sentBody`, as sent) that the request
 * did not already do; undefined when it asks nothing about the output limit.
 */
export function refusedOutputLimit(errorBody: Buffer | string, sentBody: Buffer | string): OutputLimitFix | undefined {
  const sent = jsonObject(sentBody);
  if (sent === undefined) return undefined;
  const text = typeof errorBody === 'string' ? errorBody : errorBody.toString('utf8');
  if (typeof sent.max_tokens === 'number' && wantsCompletionTokensField.test(text.slice(0, 4096))) return { completionTokensField: true };
  const asked = askedOutputLimit(sent);
  const limit = asked === undefined ? undefined : outputLimitFromRefusal(text, asked);
  return limit === undefined ? undefined : { limit };
}

/**
 * The body asked the way `fix` says: `max_tokens` moved to `max_completion_tokens` (a chat body that has no
 * `max_completion_tokens` of its own), every output-limit field above the limit lowered to it. undefined
 * when that changes nothing (or the body is not a JSON object). The rest is the body as it was.
 */
export function withOutputLimit(body: Buffer | string, fix: OutputLimitFix): string | undefined {
  const record = jsonObject(body);
  if (record === undefined) return undefined;
  let changed = false;
  if (fix.completionTokensField && typeof record.max_tokens === 'number' && record.max_completion_tokens === undefined && Array.isArray(record.messages)) {
    record.max_completion_tokens = record.max_tokens;
    delete record.max_tokens;
    changed = true;
  }
  for (const field of limitFields) {
    const value = record[field];
    if (fix.limit !== undefined && typeof value === 'number' && value > fix.limit) {
      record[field] = fix.limit;
      changed = true;
    }
  }
  return changed ? JSON.stringify(record) : undefined;
}

/** A request body parsed, when it is a JSON object. */
function jsonObject(body: Buffer | string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** What was learned per provider base URL and model, so that later requests are asked right at once. Bounded. */
export class LearnedOutputLimits {
  private readonly fixes = new Map<string, OutputLimitFix>();

  constructor(private readonly capacity = 256) {}

  get(baseUrl: string, model: string): OutputLimitFix | undefined {
    return this.fixes.get(`${baseUrl}\n${model}`);
  }

  /** Adds `fix` to what is known of the model; returns the whole of it. */
  remember(baseUrl: string, model: string, fix: OutputLimitFix): OutputLimitFix {
    const key = `${baseUrl}\n${model}`;
    const known = { ...{}, ...this.fixes.get(key), ...fix };
    this.fixes.delete(key);
    this.fixes.set(key, known);
    if (this.fixes.size > this.capacity) this.fixes.delete(this.fixes.keys().next().value!);
    return known;
  }
}

/** For the log: what the gateway now does for the model. */
export function describeOutputLimitFix(fix: OutputLimitFix): string {
  const parts = [fix.completionTokensField ? 'the limit is sent as max_completion_tokens' : undefined, fix.limit !== undefined ? `at most ${fix.limit} output tokens are asked for` : undefined];
  return parts.filter((part) => part !== undefined).join(' and ');
}
