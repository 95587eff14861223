/** What L2.5 did to a request; each name counts how often it fired. */
export type TrimRule =
  /** A tool result drawn with `\r`, cursor movement or erase sequences, replaced by its final screen. */
  | 'terminal-render'
  /** Colour escape sequences written in fewer bytes, every character keeping its look (colour-encoding.ts). */
  | 'colour'
  /** A tool result byte-identical to an earlier one, replaced by a reference. */
  | 'duplicate-tool-result'
  /** An instruction paragraph or text block repeated from an earlier message, replaced by a reference. */
  | 'repeated-paragraph'
  | 'repeated-block'
  /** Opt-in lossy rules. */
  | 'lossy';

export type RuleCounts = Partial<Record<TrimRule, number>>;

export function countRule(counts: RuleCounts, rule: TrimRule, times = 1): void {
  if (times > 0) counts[rule] = (counts[rule] ?? 0) + times;
}

export function addCounts(into: RuleCounts, from: RuleCounts): void {
  for (const [rule, times] of Object.entries(from) as Array<[TrimRule, number]>) countRule(into, rule, times);
}
