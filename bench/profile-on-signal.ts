// Marks for the benchmark, on SIGUSR2. Each signal appends one line to `file`: the monotonic time in µs
// (the clock V8's profile timestamps use, so a CPU budget can keep only the samples between two marks;
// `--cpu-prof` alone would also record start-up: loading the tokenizer and the NLP model, which no
// request pays), then the event-loop delay p99 and max in ms since the previous mark.
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export function markOnSignal(file: string): void {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  process.on('SIGUSR2', () => {
    appendFileSync(file, `${process.hrtime.bigint() / 1000n} ${(delay.percentile(99) / 1e6).toFixed(1)} ${(delay.max / 1e6).toFixed(1)}\n`);
    delay.reset();
  });
}
