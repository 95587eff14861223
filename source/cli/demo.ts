import { Command } from 'commander';
import { runDemo } from '../demo/run-demo.js';
import { resolveStateDir } from '../store/state-dir.js';
import { parsePort } from './options.js';
import { paint, printLine } from './terminal.js';

export function demoCommand(): Command {
  return new Command('demo')
    .description('Try isartor without an API key: a real gateway in front of a built-in echo provider, on loopback.')
    .option('--keep-running', 'leave the demo gateway up for your own requests until Ctrl-C')
    .option('--port <port>', 'port for the demo gateway (default: any free port)', parsePort)
    .action(async (flags: { keepRunning?: boolean; port?: number }) => {
      printLine('Starting a demo provider and an isartor gateway in front of it...');
      const demo = await runDemo({ stateDir: resolveStateDir(), ...(flags.port === undefined ? {} : { port: flags.port }) });
      printLine(`Gateway at ${paint('cyan', demo.url)}\n`);
      printLine(`${'request'.padEnd(44)} ${'layer'.padEnd(6)} ${'cache'.padEnd(6)} ${'total'.padStart(9)} ${'overhead'.padStart(9)}`);
      for (const step of demo.steps) {
        const layer = step.layer === 'l3' ? step.layer : paint('green', step.layer);
        printLine(`${step.label.padEnd(44)} ${layer.padEnd(6)} ${step.cache.padEnd(6)} ${`${step.totalMs.toFixed(1)} ms`.padStart(9)} ${`${step.overheadMs.toFixed(2)} ms`.padStart(9)}`);
      }
      printLine(`\nl3 = forwarded to the provider; l1a = the exact cache; l1b = the near-duplicate cache (same question, other words).`);
      printLine(`Last answer: "${demo.steps.at(-1)?.answer}"`);
      if (!flags.keepRunning) {
        await demo.stop();
        printLine(`\nWith a real provider: ${paint('cyan', 'npx isartor set-key -p groq')}, then ${paint('cyan', 'npx isartor up')}.`);
        return;
      }
      printLine(`\nTry it: curl ${demo.url}/v1/chat/completions -H 'content-type: application/json' -d '{"model":"x","messages":[{"role":"user","content":"hi"}]}' -i`);
      printLine('Ctrl-C stops the demo.');
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        process.removeAllListeners(signal);
        process.once(signal, () => void demo.stop().then(() => process.exit(0)));
      }
    });
}
