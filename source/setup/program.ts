import { Command } from 'commander';
import { parseHttpUrl, parsePort } from '../terminal/option-parsers.js';
import { providerIds } from '../providers/catalog.js';
import { isartorVersion } from '../version.js';

export interface SetupFlags {
  provider?: string;
  keyEnv?: string;
  model?: string;
  baseUrl?: string;
  port?: number;
  configPath?: string;
  /** false with --no-openclaw. */
  openclaw: boolean;
  demo?: boolean;
  yes?: boolean;
}

export function buildSetupProgram(): Command {
  return new Command('isartor-setup')
    .description('From nothing to OpenClaw through isartor: a terminal wizard, then a live dashboard of the gateway.')
    .version(isartorVersion, '-v, --version', 'print the version')
    .option('-p, --provider <provider>', `provider to forward to (runs without the wizard): ${providerIds.join(', ')}`)
    .option('--key-env <VAR>', 'read the provider key from this environment variable, e.g. GROQ_API_KEY (default: the stored key, else the usual variable)')
    .option('-m, --model <model>', "the upstream model (default: the stored one, else the provider's default)")
    .option('--base-url <url>', 'the provider API base URL (required for azure and openai-compatible)', parseHttpUrl)
    .option('--port <port>', 'port for the gateway (default: config, else 8080)', parsePort)
    .option('--config-path <path>', 'path to openclaw.json (default: as OpenClaw resolves it)')
    .option('--no-openclaw', 'set up the provider and gateway only; leave OpenClaw alone')
    .option('--demo', 'run the demo gateway (simulated provider, no key, no network)')
    .option('-y, --yes', 'write openclaw.json without asking (without it, a run without the wizard only prints the diff)')
    .showSuggestionAfterError()
    .exitOverride()
    .addHelpText(
      'after',
      `
In a terminal, isartor-setup is an interactive wizard (Esc goes back, Ctrl+C
quits) that ends in a live dashboard of the gateway: p sends a probe, q quits
and leaves the gateway running, d stops it and quits.

Without a terminal (piped, or CI set), or with --provider or --yes, it runs from
flags and prints plain progress lines:
  isartor-setup --provider groq --key-env GROQ_API_KEY \\
    --model openai/gpt-oss-120b --yes
  isartor-setup --provider ollama --model llama3.2 --no-openclaw
  isartor-setup --provider openai-compatible \\
    --base-url http://127.0.0.1:8000/v1 --model my-model --yes
  isartor-setup --demo

State (config, cache, logs) lives in $ISARTOR_HOME, default ~/.isartor.`,
    );
}

/** Decided once: a person at a terminal, and not CI. */
export function isInteractiveTerminal(stdin: { isTTY?: boolean }, stdout: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return Boolean(stdin.isTTY && stdout.isTTY) && !env.CI;
}

/** Flags that ask for a run without the wizard even in a terminal. */
export function wantsFlagRun(flags: SetupFlags): boolean {
  return Boolean(flags.provider || flags.yes || flags.keyEnv);
}
