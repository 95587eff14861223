/** Durations as LiteLLM writes them: `30s`, `30m`, `1h`, `30d`, `2w`. */
const unitMs = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;

/** 100 years: a key or a budget window longer than this is a typo, and past it dates stop being printable. */
export const maxDurationMs = 100 * 365 * 86_400_000;

export const durationFormat = 'a number and a unit: 30s, 30m, 1h, 30d or 2w (at most 100 years)';

/** Milliseconds in a duration like `30d`; undefined when it is not one, or longer than 100 years. */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d{1,12})\s*([smhdw])\s*$/.exec(text);
  if (!match) return undefined;
  const ms = Number(match[1]) * unitMs[match[2] as keyof typeof unitMs];
  return ms > 0 && ms <= maxDurationMs ? ms : undefined;
}

/** What a budget window needs: when the budget started counting, and how long each window lasts (null: one window, forever). */
export interface BudgetWindowRule {
  anchorMs: number;
  durationMs: number | null;
}

/**
 * The start of the window `atMs` falls in. Windows follow each other from the anchor without gaps, so
 * the same rule gives the same answer on a live gateway and when the ledger is replayed after a restart.
 */
export function windowStartAt(rule: BudgetWindowRule, atMs: number): number {
  if (rule.durationMs === null || atMs < rule.anchorMs) return rule.anchorMs;
  return rule.anchorMs + Math.floor((atMs - rule.anchorMs) / rule.durationMs) * rule.durationMs;
}

/** When the spend of the window `atMs` falls in goes back to 0; null without a budget_duration. */
export function budgetResetAt(rule: BudgetWindowRule, atMs: number): number | null {
  return rule.durationMs === null ? null : windowStartAt(rule, atMs) + rule.durationMs;
}
