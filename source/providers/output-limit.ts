/**
 * A provider's output limit, read from its refusal. Clients ask for as much as their own model allows:
 * Claude Code sends `max_tokens: 32000` whatever the gateway serves, and OpenAI's gpt-4o-mini (the openai
 * provider's default) writes at most 16,384, so OpenAI refused every request ("max_tokens is too large").
 * Asking again for the most the model writes changes nothing the model could have answered: the client's
 * limit was never reachable. Only a limit the provider names is used, never a guess.
 */

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
 * undefined for any other refusal (a 400 about something else is the client's to read).
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

/** The limit a provider's 400 (`errorBody`) names for the request it refused, when that asked for more. */
export function refusedOutputLimit(errorBody: Buffer | string, requestBody: Buffer | string): number | undefined {
  let asked: number | undefined;
  try {
    asked = askedOutputLimit(JSON.parse(typeof requestBody === 'string' ? requestBody : requestBody.toString('utf8')));
  } catch {
    return undefined;
  }
  return asked === undefined ? undefined : outputLimitFromRefusal(typeof errorBody === 'string' ? errorBody : errorBody.toString('utf8'), asked);
}

/**
 * The body with every output-limit field above `limit` lowered to it; undefined when none is above (or the
 * body is not a JSON object). Only those fields change: the rest is the body as it was.
 */
export function withOutputLimit(body: Buffer | string, limit: number): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const record = parsed as Record<string, unknown>;
  let lowered = false;
  for (const field of limitFields) {
    const value = record[field];
    if (typeof value === 'number' && value > limit) {
      record[field] = limit;
      lowered = true;
    }
  }
  return lowered ? JSON.stringify(record) : undefined;
}

/** Limits learned per provider base URL and model, so that later requests ask within them at once. Bounded. */
export class LearnedOutputLimits {
  private readonly limits = new Map<string, number>();

  constructor(private readonly capacity = 256) {}

  get(baseUrl: string, model: string): number | undefined {
    return this.limits.get(`${baseUrl}\n${model}`);
  }

  remember(baseUrl: string, model: string, limit: number): void {
    const key = `${baseUrl}\n${model}`;
    this.limits.delete(key);
    this.limits.set(key, limit);
    if (this.limits.size > this.capacity) this.limits.delete(this.limits.keys().next().value!);
  }
}
