import type { ModelPrice } from '../store/config.js';

export type { ModelPrice };

/** When the list prices below were last compared with the providers' pricing pages. */
export const builtinPricesCheckedOn = '2025-10';

/**
 * List prices of the catalog's default models and the models people most often route through a
 * gateway. Keyed by the model id as the provider spells it; `provider/model` keys win over bare ones
 * where the same open model costs different amounts at different hosts. Prices change: a user's
 * `isartor pricing set` always wins, and `isartor pricing list` says which table a price came from.
 */
export const builtinPrices: Readonly<Record<string, ModelPrice>> = {
  // OpenAI
  'gpt-5': { input: 1.25, output: 10, cachedInput: 0.125 },
  'gpt-5-mini': { input: 0.25, output: 2, cachedInput: 0.025 },
  'gpt-5-nano': { input: 0.05, output: 0.4, cachedInput: 0.005 },
  'gpt-4.1': { input: 2, output: 8, cachedInput: 0.5 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6, cachedInput: 0.1 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4, cachedInput: 0.025 },
  'gpt-4o': { input: 2.5, output: 10, cachedInput: 1.25 },
  'gpt-4o-mini': { input: 0.15, output: 0.6, cachedInput: 0.075 },
  o3: { input: 2, output: 8, cachedInput: 0.5 },
  'o4-mini': { input: 1.1, output: 4.4, cachedInput: 0.275 },
  // Anthropic (cachedInput is the cache-read price)
  'claude-opus-4-1': { input: 15, output: 75, cachedInput: 1.5 },
  'claude-opus-4': { input: 15, output: 75, cachedInput: 1.5 },
  'claude-sonnet-4-5': { input: 3, output: 15, cachedInput: 0.3 },
  'claude-sonnet-4': { input: 3, output: 15, cachedInput: 0.3 },
  'claude-3-7-sonnet': { input: 3, output: 15, cachedInput: 0.3 },
  'claude-haiku-4-5': { input: 1, output: 5, cachedInput: 0.1 },
  'claude-3-5-haiku': { input: 0.8, output: 4, cachedInput: 0.08 },
  // Groq
  'groq/openai/gpt-oss-120b': { input: 0.15, output: 0.75 },
  'groq/openai/gpt-oss-20b': { input: 0.1, output: 0.5 },
  'groq/llama-3.3-70b-versatile': { input: 0.59, output: 0.79 },
  'groq/llama-3.1-8b-instant': { input: 0.05, output: 0.08 },
  // OpenRouter passes the model's price through
  'openrouter/openai/gpt-4o-mini': { input: 0.15, output: 0.6 },
  // Together
  'together/meta-llama/Llama-3.3-70B-Instruct-Turbo': { input: 0.88, output: 0.88 },
  // Mistral
  'mistral-small-latest': { input: 0.1, output: 0.3 },
  'mistral-medium-latest': { input: 0.4, output: 2 },
  'mistral-large-latest': { input: 2, output: 6 },
  // DeepSeek
  'deepseek-chat': { input: 0.28, output: 0.42, cachedInput: 0.028 },
  'deepseek-reasoner': { input: 0.28, output: 0.42, cachedInput: 0.028 },
  // xAI
  'grok-3-mini': { input: 0.3, output: 0.5, cachedInput: 0.075 },
  'grok-4': { input: 3, output: 15, cachedInput: 0.75 },
  // Google Gemini
  'gemini-2.5-flash': { input: 0.3, output: 2.5, cachedInput: 0.03 },
  'gemini-2.5-flash-lite': { input: 0.1, output: 0.4, cachedInput: 0.01 },
  'gemini-2.5-pro': { input: 1.25, output: 10, cachedInput: 0.125 },
  // Ollama runs on the user's own machine.
  'ollama/*': { input: 0, output: 0 },
};
