import { joinLines, splitLines } from './lines.js';
import { collapseRepeatedLines } from './repeated-lines.js';
import { collapseBlankLines, stripTrailingWhitespace } from './whitespace.js';

/**
 * Opt-in rules that change what a result says (off by default; each named for what it loses):
 * runs of 3+ identical lines become one line with `(×N)` (CSV rows, YAML steps and diff lines lose their
 * exact form), runs of blank lines become one (diff hunks and PEP 8 spacing change), trailing whitespace
 * goes (a Makefile's `\ ` is evidence). Never applied to file contents.
 */
export interface LossySettings {
  collapseRepeatedLines: boolean;
  collapseBlankLines: boolean;
  stripTrailingWhitespace: boolean;
}

export const noLossyRules: Readonly<LossySettings> = Object.freeze({ collapseRepeatedLines: false, collapseBlankLines: false, stripTrailingWhitespace: false });

export function anyLossyRule(settings: LossySettings): boolean {
  return settings.collapseRepeatedLines || settings.collapseBlankLines || settings.stripTrailingWhitespace;
}

/** Applies the chosen lossy rules to one tool result's (rendered) text. */
export function applyLossyRules(text: string, settings: LossySettings): string {
  if (!anyLossyRule(settings)) return text;
  const split = splitLines(text);
  let lines = split.lines;
  if (settings.stripTrailingWhitespace) stripTrailingWhitespace(lines);
  if (settings.collapseRepeatedLines) lines = collapseRepeatedLines(lines).lines;
  if (settings.collapseBlankLines) lines = collapseBlankLines(lines).lines;
  const out = joinLines(lines, split.endsWithEol);
  return out === text ? text : out;
}
