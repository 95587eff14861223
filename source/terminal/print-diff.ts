import { diffLineKind, diffLines } from './diff-lines.js';
import { paint, printLine } from './output.js';

const diffStyles = { added: 'green', removed: 'red', hunk: 'cyan' } as const;

/** Prints a plan's unified diff, coloured where the terminal shows colour (the CLI and isartor-setup's flag mode). */
export function printDiff(diff: string, write: (line: string) => void = printLine): void {
  for (const line of diffLines(diff)) {
    const kind = diffLineKind(line);
    write(kind === 'added' || kind === 'removed' || kind === 'hunk' ? paint(diffStyles[kind], line) : line);
  }
}
