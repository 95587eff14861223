import { Command } from 'commander';
import type { DemoSession, DemoStep } from '../demo/run-demo.js';
import { simulatedModel } from '../demo/simulated-provider.js';
import { formatUsd as usd } from '../stats/format-usd.js';
import { percentiles } from '../stats/summarise.js';
import { resolveStateDir } from '../store/state-dir.js';
import { parsePort } from '../terminal/option-parsers.js';
import { paint, printJson, printLine, printTable } from '../terminal/output.js';
import { isartorCommand } from '../terminal/invocation.js';

export function demoCommand(): Command {
  return new Command('demo')
    .description('Try isartor without an API key: a real gateway in front of a simulated provider, replaying a FAQ bot and an agent session.')
    .option('--keep-running', 'leave the demo gateway up for your own requests until Ctrl-C')
    .option('--port <port>', 'port for the demo gateway (default: any free port)', parsePort)
    .option('--json', 'print every step and the stats as JSON')
    .action(async (flags: { keepRunning?: boolean; port?: number; json?: boolean }) => {
      if (!flags.json) printLine(`Starting a ${paint('yellow', 'simulated')} provider (no key, no network) and a real isartor gateway in front of it...`);
      // Loaded here, not at the top: the gateway behind the demo would slow every other command's start.
      const { demoPricedLike, runDemo } = await import('../demo/run-demo.js');
      const demo = await runDemo({ stateDir: resolveStateDir(), ...(flags.port === undefined ? {} : { port: flags.port }) });
      if (flags.json) printJson({ url: demo.url, providerCalls: demo.providerCalls, steps: demo.steps, stats: demo.report });
      else printDemo(demo, demoPricedLike);
      if (!flags.keepRunning) {
        await demo.stop();
        if (!flags.json) printLine(`\nWith a real provider: ${paint('cyan', isartorCommand('setup'))}, or ${paint('cyan', isartorCommand('set-key -p groq'))} then ${paint('cyan', isartorCommand('up --detach'))}.`);
        return;
      }
      printLine(`\nTry it: curl ${demo.url}/v1/chat/completions -H 'content-type: application/json' -d '{"model":"${simulatedModel}","messages":[{"role":"user","content":"Who wrote Hamlet?"}]}' -i`);
      printLine(`Live numbers: curl ${demo.url}/stats · ${demo.url}/metrics · ${demo.url}/events. Ctrl-C stops the demo.`);
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        process.removeAllListeners(signal);
        process.once(signal, () => void demo.stop().then(() => process.exit(0)));
      }
    });
}

const layerNames: Record<string, string> = { l1a: 'exact cache', l1b: 'near-duplicate cache', l3: 'provider (simulated)' };

function printDemo(demo: DemoSession, demoPricedLike: string): void {
  printLine(`Gateway at ${paint('cyan', demo.url)}; every answer says "[simulated answer]".`);
  for (const [part, title] of [
    ['faq', 'A FAQ bot: questions, asked again, reworded, and near-misses that must not come from cache'],
    ['agent', 'An agent session shaped like OpenClaw: 3 KB system prompt and 6 tools on every turn'],
  ] as const) {
    printLine(`\n${paint('bold', title)}`);
    printTable(
      ['request', 'layer', 'ms', 'trimmed'],
      demo.steps.filter((step) => step.part === part).map((step) => [truncate(step.label, 58), colourLayer(step), step.totalMs.toFixed(1), step.trimmedTokens ? String(step.trimmedTokens) : '']),
      { rightAlignFrom: 2 },
    );
  }
  const { total } = demo.report;
  printLine(`\n${paint('bold', 'What each layer did')}`);
  printTable(
    ['layer', 'requests', 'share', 'p50 ms', 'p95 ms'],
    ['l1a', 'l1b', 'l3'].map((layer) => {
      const steps = demo.steps.filter((step) => step.layer === layer);
      const latency = percentiles(steps.map((step) => step.totalMs));
      return [`${layer} ${layerNames[layer]}`, String(steps.length), `${((100 * steps.length) / demo.steps.length).toFixed(0)} %`, latency.p50.toFixed(1), latency.p95.toFixed(1)];
    }),
    { rightAlignFrom: 1 },
  );
  const trimmed = demo.steps.reduce((sum, step) => sum + step.trimmedTokens, 0);
  const deflected = demo.steps.length - demo.providerCalls;
  printLine(`\nProvider calls: ${demo.providerCalls} of ${demo.steps.length} requests; ${paint('green', `${deflected} answered without the provider (${((100 * deflected) / demo.steps.length).toFixed(0)} %)`)}.`);
  printLine(`Tokens saved: ${paint('green', String(total.tokens.saved))} (${total.tokens.saved - trimmed} by cache hits, ${trimmed} trimmed by L2.5), ${paint('green', usd(total.cost.savedUsd))} at ${demoPricedLike} prices.`);
  printLine(`Gateway overhead: p50 ${total.overheadMs.p50.toFixed(2)} ms, p95 ${total.overheadMs.p95.toFixed(2)} ms. Near-misses went to the provider and got their own answers.`);
}

function colourLayer(step: DemoStep): string {
  const text = step.layer === step.designedFor ? step.layer : `${step.layer} (designed for ${step.designedFor})`;
  return step.layer === 'l3' ? text : paint('green', text);
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}
