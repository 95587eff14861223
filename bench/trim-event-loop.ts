// `npm run bench:trim`: how long the L2.5 layer holds the event loop, on the inputs of issue 15 (1 to
// 19 MB tool results and system prompts, 300,000 short messages) and on large inputs inside the limits.
// For each: the layer's wall time, and the longest event-loop stall while it ran (a 1 ms timer's lateness,
// and perf_hooks' max delay). Not a test: numbers depend on the machine; compare rows within one run.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { RequestContext } from '../source/gateway/context.js';
import { trimContextLayer } from '../source/gateway/layers/trim-context.js';
import { configDefaults } from '../source/store/config.js';
import { clearTrimMemo, prepareTrimmer } from '../source/trimming/trim-request.js';

await prepareTrimmer();
const esc = '\u001b';
/** A pty test log: each line drawn over a spinner, about `bytes` long. */
const noisyLog = (bytes: number): string => {
  const frame = `⠋ running suite\r${esc}[K${esc}[32mPASS${esc}[39m src/module.test.ts (12 tests, 0.4 s)\n`;
  return frame.repeat(Math.ceil(bytes / frame.length));
};
const toolRequest = (outputs: string[]): Record<string, unknown> => ({
  model: 'm',
  messages: [
    { role: 'user', content: 'run the tests' },
    ...outputs.flatMap((content, i) => [
      { role: 'assistant', content: null, tool_calls: [{ id: `c${i}`, type: 'function', function: { name: 'exec', arguments: '{"command":"npm test"}' } }] },
      { role: 'tool', tool_call_id: `c${i}`, content },
    ]),
    { role: 'assistant', content: 'Done.' },
    { role: 'user', content: 'what failed?' },
  ],
});
const MB = 1024 * 1024;
const cases: Array<[string, () => Record<string, unknown>, 'openai' | 'anthropic']> = [
  ['1 MB tool result (over maxMessageBytes)', () => toolRequest([noisyLog(MB)]), 'openai'],
  ['4 MB tool result (over maxRequestBytes)', () => toolRequest([noisyLog(4 * MB)]), 'openai'],
  ['19 MB tool result (over maxRequestBytes)', () => toolRequest([noisyLog(19 * MB)]), 'openai'],
  ['19 MB system prompt (over maxRequestBytes)', () => ({ model: 'm', max_tokens: 8, system: 'Be careful. '.repeat((19 * MB) / 12), messages: [{ role: 'user', content: 'hi' }] }), 'anthropic'],
  ['300,000 short messages (over maxMessages)', () => ({ model: 'm', messages: Array.from({ length: 300_000 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `m${i}` })) }), 'openai'],
  ['450 KB tool result, rendered', () => toolRequest([noisyLog(450 * 1024)]), 'openai'],
  ['4 × 400 KB tool results, rendered (1.6 MB)', () => toolRequest([0, 1, 2, 3].map((i) => noisyLog(400 * 1024) + `run ${i}\n`)), 'openai'],
  ['4,000 short messages, analysed', () => ({ model: 'm', messages: Array.from({ length: 4000 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `message number ${i} with a few words` })) }), 'openai'],
];

const layer = trimContextLayer({ ...configDefaults.trimming, enabled: true });
const rows: string[] = ['| input | layer wall ms | longest stall ms (1 ms timer) | perf_hooks max delay ms | x-isartor-skipped |', '| --- | ---: | ---: | ---: | --- |'];
for (const [name, build, protocol] of cases) {
  const body = build();
  const raw = Buffer.from(JSON.stringify(body));
  const ctx = { chat: { body, raw, protocol }, skipped: [] as string[] } as unknown as RequestContext;
  clearTrimMemo();
  // Lateness of a 1 ms timer is what another request (or /health) would wait.
  let longest = 0;
  let last = performance.now();
  const probe = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last - 1);
    last = now;
  }, 1);
  await new Promise((resolve) => setTimeout(resolve, 20));
  longest = 0;
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  last = performance.now();
  const started = performance.now();
  await layer(ctx, async () => {});
  const wall = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 5));
  histogram.disable();
  clearInterval(probe);
  rows.push(`| ${name} | ${wall.toFixed(1)} | ${longest.toFixed(1)} | ${(histogram.max / 1e6).toFixed(1)} | ${ctx.skipped.join(', ') || '-'} |`);
}
process.stdout.write(`${rows.join('\n')}\n`);
