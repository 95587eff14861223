/**
 * A provider's usage is data from the network, read for stats and budgets only: it never decides whether
 * an answer is served. Counts of the wrong type read as 0 when translated; counts no provider could mean
 * (negative, fractional, past 10M, not numbers) keep an answer out of the caches, since a replay would
 * repeat them to every later caller and each hit would count them as saved.
 */

/** No answer is this large; a count past it is a provider's bug, not a bill. */
export const maxPlausibleTokens = 10_000_000;

/** A usage count as a translator can add it up: a finite number as it came (the plausibility check judges it), anything else 0. */
export function tokenCount(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function plausibleCount(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= maxPlausibleTokens;
}

/** Every count in `usage` (and in its detail objects) is one a provider could mean; no usage at all is fine. */
function plausibleCounts(usage: Record<string, unknown>, depth: number): boolean {
  for (const [field, value] of Object.entries(usage)) {
    if (value === null || value === undefined) continue;
    if (typeof value === 'number' || field.endsWith('_tokens')) {
      if (!plausibleCount(value)) return false;
    } else if (typeof value === 'object' && !Array.isArray(value) && depth < 2 && !plausibleCounts(value as Record<string, unknown>, depth + 1)) return false;
  }
  return true;
}

/** Whether an answer's usage (any protocol: chat, Anthropic, Responses) holds only counts a provider could mean. */
export function hasPlausibleUsage(answer: object): boolean {
  const usage = (answer as { usage?: unknown }).usage;
  if (usage === null || usage === undefined) return true;
  return typeof usage === 'object' && !Array.isArray(usage) && plausibleCounts(usage as Record<string, unknown>, 0);
}
