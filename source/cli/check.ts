import { Command } from 'commander';
import { checkProvider, type CheckResult } from '../providers/check-provider.js';
import { resolveActiveTarget, resolveTarget } from '../providers/upstream-target.js';
import { ConfigStore } from '../store/config.js';
import { maskSecret } from '../store/mask-secret.js';
import { resolveStateDir } from '../store/state-dir.js';
import { parsePositiveInteger } from '../terminal/option-parsers.js';
import { paint, printJson, printLine } from '../terminal/output.js';

export function checkCommand(): Command {
  return new Command('check')
    .description('Check the configured provider live: key, base URL, reachability, latency, and that the model exists.')
    .option('-p, --provider <provider>', 'check this configured provider instead of the default one')
    .option('--json', 'print the result as JSON')
    .option('--timeout <ms>', 'give up after this many milliseconds', parsePositiveInteger, 10_000)
    .addHelpText('after', '\nExits 0 when the provider works with the stored settings, 1 otherwise.')
    .action(async (flags: { json?: boolean; timeout: number; provider?: string }) => {
      const config = new ConfigStore(resolveStateDir()).read();
      const target = flags.provider ? resolveTarget(config, flags.provider) : resolveActiveTarget(config);
      const result = await checkProvider(target, { timeoutMs: flags.timeout });
      if (flags.json) printJson(result);
      else printCheck(result, target.apiKey);
      if (!result.ok) process.exitCode = 1;
    });
}

function printCheck(result: CheckResult, apiKey: string | undefined): void {
  const mark = result.ok ? paint('green', '✓') : paint('red', '✗');
  printLine(`${mark} ${result.provider}  ${result.baseUrl}`);
  const status = result.status === null ? 'no HTTP answer' : `HTTP ${result.status}`;
  printLine(`  ${result.request}: ${status} in ${result.latencyMs} ms`);
  if (apiKey) printLine(`  key    ${maskSecret(apiKey)}`);
  const model = result.model ?? '(none configured)';
  const modelState = result.modelFound === true ? paint('green', 'available') : result.modelFound === false ? paint('red', 'not offered') : 'not checked';
  printLine(`  model  ${model}: ${modelState}`);
  if (result.availableModels?.length && !result.ok) printLine(`  offers ${result.availableModels.join(', ')}`);
  if (result.warning) printLine(`  ${paint('yellow', 'note:')} ${result.warning}`);
  if (result.problem) {
    printLine(`  ${paint('red', 'problem:')} ${result.problem.message}`);
    printLine(`  ${paint('cyan', 'fix:')} ${result.problem.fix}`);
  }
}
