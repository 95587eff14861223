import { stripAnsi } from './ansi.js';
import { joinLines, splitLines } from './lines.js';
import { collapseRepeatedLines } from './log-runs.js';
import { dropProgressFrames, keepFinalCarriageReturnState } from './progress.js';
import { countRule, type RuleCounts } from './rules.js';
import { collapseBlankLines, stripTrailingWhitespace } from './whitespace.js';

/**
 * Rules 3–7 on one text (a tool result, or long text content): escape codes, progress frames,
 * trailing whitespace, runs of identical lines, runs of blank lines, in that order (each later rule
 * compares lines the earlier ones already cleaned). Counts what fired into `counts`.
 */
export function cleanTerminalText(text: string, counts: RuleCounts): string {
  const ansi = stripAnsi(text);
  countRule(counts, 'ansi', ansi.removed);
  const { lines, endsWithEol } = splitLines(ansi.text);
  countRule(counts, 'progress', keepFinalCarriageReturnState(lines));
  countRule(counts, 'trailing-whitespace', stripTrailingWhitespace(lines));
  const progress = dropProgressFrames(lines);
  countRule(counts, 'progress', progress.dropped);
  const runs = collapseRepeatedLines(progress.lines);
  countRule(counts, 'repeated-lines', runs.collapsed);
  const blanks = collapseBlankLines(runs.lines);
  countRule(counts, 'blank-lines', blanks.collapsed);
  return joinLines(blanks.lines, endsWithEol);
}
