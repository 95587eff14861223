/** What L2.5 may do to a request; each name counts how often it fired. */
export type TrimRule =
  | 'repeated-sentence'
  | 'repeated-paragraph'
  | 'duplicate-tool-result'
  | 'ansi'
  | 'progress'
  | 'repeated-lines'
  | 'blank-lines'
  | 'trailing-whitespace';

export type RuleCounts = Partial<Record<TrimRule, number>>;

export function countRule(counts: RuleCounts, rule: TrimRule, times = 1): void {
  if (times > 0) counts[rule] = (counts[rule] ?? 0) + times;
}

export function addCounts(into: RuleCounts, from: RuleCounts): void {
  for (const [rule, times] of Object.entries(from) as Array<[TrimRule, number]>) countRule(into, rule, times);
}
