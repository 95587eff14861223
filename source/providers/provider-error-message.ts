import { providerErrorWords } from '../protocols/provider-error-words.js';

/**
 * The message in a provider's error body (the shapes providerErrorWords reads). undefined when the body is
 * not such JSON; callers decide what to show instead.
 */
export function providerErrorMessage(text: string, maxLength: number): string | undefined {
  try {
    return providerErrorWords(JSON.parse(text))?.slice(0, maxLength);
  } catch {
    return undefined;
  }
}
