import { styleText } from 'node:util';
import { runnableAdvice } from './invocation.js';

type Style = 'green' | 'red' | 'yellow' | 'cyan' | 'dim' | 'bold';

function colorEnabled(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
}

/** Colours text only where a person is looking at a terminal that shows colour. */
export function paint(style: Style, text: string, stream: NodeJS.WriteStream = process.stdout): string {
  return colorEnabled(stream) ? styleText(style, text) : text;
}

/** Decided once: can we ask the user something? Never under CI or with piped stdin/stdout. */
export function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY) && process.env.CI !== 'true';
}

/** Prints a line; a backticked `isartor ...` in it names the CLI the way this process was invoked. */
export function printLine(text = ''): void {
  process.stdout.write(`${runnableAdvice(text)}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printWarning(message: string): void {
  process.stderr.write(`${paint('yellow', 'warning:', process.stderr)} ${runnableAdvice(message)}\n`);
}

/** Columns padded to their widest cell, two spaces apart; columns from `rightAlignFrom` on are numbers, right-aligned. */
export function printTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, options: { rightAlignFrom?: number } = {}): void {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const rightFrom = options.rightAlignFrom ?? header.length;
  const line = (cells: readonly string[]): string =>
    cells.map((cell, i) => (i >= rightFrom ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  printLine(line(header));
  for (const row of rows) printLine(line(row));
}
