/**
 * A header value built from request data (a model name, a client label) made safe to send: Node throws on
 * any character outside Latin-1 (`"模型"`) or on a control character, and a throw while writing headers
 * would fail the request. Printable ASCII stays as it is; anything else is percent-encoded as UTF-8, so
 * the value still says what it was (`%E6%A8%A1%E5%9E%8B`).
 */
export function safeHeaderValue(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (code >= 0x20 && code <= 0x7e && char !== '%') out += char;
    // A lone surrogate is not text: it becomes U+FFFD, as TextEncoder writes it.
    else for (const byte of Buffer.from(char, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
