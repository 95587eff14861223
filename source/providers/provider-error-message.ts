/**
 * The message in a provider's error body: `{"error": {"message"}}` (OpenAI, Anthropic and most
 * OpenAI-compatible servers), `{"error": "..."}` or `{"message": "..."}`. undefined when the body is
 * not such JSON; callers decide what to show instead.
 */
export function providerErrorMessage(text: string, maxLength: number): string | undefined {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown } | null;
    const message = typeof parsed?.error === 'string' ? parsed.error : (parsed?.error?.message ?? parsed?.message);
    return typeof message === 'string' ? message.slice(0, maxLength) : undefined;
  } catch {
    return undefined;
  }
}
