import { builtinPrices, type ModelPrice } from './builtin-prices.js';
import type { TokenUsage } from './request-record.js';

export type { ModelPrice } from './builtin-prices.js';

export interface FoundPrice {
  price: ModelPrice;
  /** The table entry that matched: `provider/model`, `model`, or `provider/*`. */
  key: string;
  source: 'user' | 'builtin';
}

/** `claude-sonnet-4-5-20250929` and `gpt-4o-2024-08-06` are priced as their undated names. */
function undated(model: string): string {
  return model.replace(/-(\d{8}|\d{4}-\d{2}-\d{2})$/, '');
}

/**
 * The price of a model as served by a provider: the user's own table first (`isartor pricing set`),
 * then the built-in one; in each, `provider/model` before `model`, the dated id before the undated
 * one, and `provider/*` last. Undefined: nobody priced it, and stats say so instead of showing $0.
 */
export function findPrice(provider: string | null, model: string | null, userPrices: Readonly<Record<string, ModelPrice>>): FoundPrice | undefined {
  if (!model) return undefined;
  // Every request is priced, nearly always as the same few models: remembered per price table (a user's
  // table is a new object whenever the config changes, so an edit is seen at once).
  let known = foundIn.get(userPrices);
  if (!known) foundIn.set(userPrices, (known = new Map()));
  const memoKey = `${provider ?? ''}\u0000${model}`;
  if (known.has(memoKey)) return known.get(memoKey);
  const found = lookUpPrice(provider, model, userPrices);
  if (known.size >= maxRememberedModels) known.clear();
  known.set(memoKey, found);
  return found;
}

const foundIn = new WeakMap<object, Map<string, FoundPrice | undefined>>();
const maxRememberedModels = 256;

function lookUpPrice(provider: string | null, model: string, userPrices: Readonly<Record<string, ModelPrice>>): FoundPrice | undefined {
  const names = [...new Set([model, undated(model)])];
  const keys = [...(provider ? names.map((name) => `${provider}/${name}`) : []), ...names, ...(provider ? [`${provider}/*`] : [])];
  for (const [source, table] of [
    ['user', userPrices],
    ['builtin', builtinPrices],
  ] as const) {
    for (const key of keys) {
      const price = table[key];
      if (price) return { price, key, source };
    }
  }
  return undefined;
}

/** USD for one call: cached input at the cached price where the provider has one. */
export function costOfUsage(price: ModelPrice, usage: TokenUsage): number {
  const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens);
  const fresh = usage.inputTokens - cached;
  return (fresh * price.input + cached * (price.cachedInput ?? price.input) + usage.outputTokens * price.output) / 1_000_000;
}

/** USD for input tokens that were never sent (L2.5 trimming), at the fresh input price. */
export function costOfInputTokens(price: ModelPrice, tokens: number): number {
  return (tokens * price.input) / 1_000_000;
}
