/**
 * Anthropic requires `max_tokens`; OpenAI chat and Responses callers (OpenClaw, Codex) usually send none,
 * and the answer may be a long patch (the old fixed 4,096 cut them off). What a caller that set none
 * gets: 32,000 tokens (Claude Code's own default, within every Claude 4 model's limit), or less for the
 * older models whose output limit is lower. The cap keeps Anthropic's output-tokens-per-minute rate
 * limit, which is charged by `max_tokens` up front, from refusing requests on smaller accounts.
 * Limits from Anthropic's model overview; matched anywhere in the name, so dated, `-latest`, Bedrock
 * (`anthropic.claude-3-5-...`) and Vertex (`claude-3-5-sonnet@...`) ids match too.
 */
export const defaultOutputCap = 32_000;

const lowerLimits: Array<[family: RegExp, limit: number]> = [
  [/claude-3-7-/, defaultOutputCap],
  [/claude-3-5-|claude-3\.5/, 8_192],
  [/claude-3-|claude-2|claude-instant/, 4_096],
];

/** The `max_tokens` isartor sends for `model` when the caller gave no limit. */
export function defaultMaxTokensFor(model: string): number {
  const name = model.toLowerCase();
  return lowerLimits.find(([family]) => family.test(name))?.[1] ?? defaultOutputCap;
}
