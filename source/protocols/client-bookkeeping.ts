/**
 * Lines some clients put into the system prompt for the provider's bookkeeping, not for the model.
 *
 * Claude Code (2.1) opens `system` with a block of one line,
 * `x-anthropic-billing-header: cc_version=2.1.332.862; cc_entrypoint=sdk-cli;`, where the last three
 * characters of cc_version change with every new prompt. Anthropic's API reads it as attribution;
 * to any other provider it is noise in the first 40 bytes of the prompt, which breaks that provider's
 * prefix cache on every new conversation. So translation to a non-Anthropic provider leaves it out
 * (pass-through to Anthropic forwards it byte for byte), and prompt churn does not count it.
 *
 * Only the first line of the system prompt is looked at, and only this exact header name: text
 * anywhere else, however similar, is the caller's and goes through.
 */
const billingHeaderLine = /^x-anthropic-billing-header:[^\n]*(?:\n|$)/;

/** The first system text without a leading bookkeeping line (unchanged when it has none). */
export function withoutBookkeepingLine(text: string): string {
  return text.replace(billingHeaderLine, '');
}

/**
 * An Anthropic `system` (string or text blocks) without the client's bookkeeping line: the first
 * block loses the line, and a block left empty by that is dropped.
 */
export function systemWithoutBookkeeping<Block extends { text: string }>(system: string | Block[]): string | Block[] {
  if (typeof system === 'string') return withoutBookkeepingLine(system);
  const [first, ...rest] = system;
  if (!first) return system;
  const text = withoutBookkeepingLine(first.text);
  if (text === first.text) return system;
  return text === '' ? rest : [{ ...{}, ...first, text }, ...rest];
}
