// A CPU profile of a steady state only. The gateway runs under `--cpu-prof`, which records start-up
// too (loading the tokenizer and the NLP model, which no request pays); each SIGUSR2 appends the
// monotonic time in µs (the clock V8's profile timestamps use) to `file`, and the budget keeps only
// the samples between the first two marks.
import { appendFileSync } from 'node:fs';

export function markOnSignal(file: string): void {
  process.on('SIGUSR2', () => {
    appendFileSync(file, `${process.hrtime.bigint() / 1000n}\n`);
  });
}
