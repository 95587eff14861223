import { Command, Option } from 'commander';
import { findProvider, providerIds, type ProviderSpec } from '../providers/catalog.js';
import { unknownProviderError } from '../providers/suggest-provider.js';
import { ConfigStore } from '../store/config.js';
import { maskSecret } from '../store/mask-secret.js';
import { resolveStateDir } from '../store/state-dir.js';
import { UserError } from '../user-error.js';
import { parseHttpUrl } from '../terminal/option-parsers.js';
import { noticeIfGatewayRunning } from './restart-notice.js';
import { canPrompt, paint, printLine } from '../terminal/output.js';
import { isartorCommand } from '../terminal/invocation.js';

interface SetKeyFlags {
  provider: string;
  key?: string;
  keyStdin?: boolean;
  model?: string;
  baseUrl?: string;
  keepDefault?: boolean;
}

export function setKeyCommand(): Command {
  return new Command('set-key')
    .description('Store the API key, model and base URL of the provider requests are forwarded to, and make it the active one.')
    .requiredOption('-p, --provider <provider>', `provider: ${providerIds.join(', ')}`)
    .addOption(new Option('-k, --key <key>', 'the API key (visible in shell history; prefer the prompt or --key-stdin)').conflicts('keyStdin'))
    .option('--key-stdin', 'read the API key from standard input, e.g. `echo $GROQ_API_KEY | isartor set-key -p groq --key-stdin`')
    .option('-m, --model <model>', 'the upstream model to use (default: the provider\'s default model)')
    .option('--base-url <url>', 'the provider API base URL (required for azure and openai-compatible)', parseHttpUrl)
    .option('--keep-default', 'add or update this provider without making it the default (for aliases and fallbacks)')
    .addHelpText(
      'after',
      `
With no key flag, a terminal gets a hidden prompt; without a terminal, pass
--key or --key-stdin.
Running it again for the same provider keeps the stored key unless a new one is
given.

Examples:
  isartor set-key -p groq
  isartor set-key -p openai --model gpt-4o-mini
  isartor set-key -p openai-compatible --base-url http://127.0.0.1:8000/v1 \\
    --model my-model
  isartor set-key -p azure \\
    --base-url https://<resource>.openai.azure.com/openai/v1 \\
    --model <deployment>
  isartor set-key -p ollama --model llama3.2
  isartor set-key -p openai --keep-default
      a second provider, for aliases and fallbacks`,
    )
    .action(async (flags: SetKeyFlags) => {
      await runSetKey(flags);
    });
}

async function runSetKey(flags: SetKeyFlags): Promise<void> {
  const spec = findProvider(flags.provider);
  if (!spec) {
    throw unknownProviderError(flags.provider);
  }
  const stateDir = resolveStateDir();
  const store = new ConfigStore(stateDir);
  const stored = store.read().providers[spec.id] ?? {};
  const baseUrl = flags.baseUrl ?? stored.baseUrl;
  if (!baseUrl && !spec.baseUrl) {
    throw new UserError(`Provider ${spec.id} needs a base URL.`, {
      hint: `Pass --base-url, for example --base-url ${spec.baseUrlExample ?? 'https://example.com/v1'}.`,
    });
  }
  const model = flags.model ?? stored.model ?? spec.defaultModel;
  if (!model && spec.id === 'azure') {
    throw new UserError('Azure needs the deployment name as the model.', { hint: 'Pass --model <deployment-name>.' });
  }
  const apiKey = await obtainKey(spec, flags, stored.apiKey);
  store.saveProvider(spec.id, { apiKey, model: flags.model, baseUrl: flags.baseUrl }, { makeDefault: !flags.keepDefault });

  const config = store.read();
  const saved = config.providers[spec.id] ?? {};
  const role = config.provider === spec.id ? 'the default provider' : `an extra provider (the default stays ${config.provider ?? 'unset'})`;
  printLine(`${paint('green', '✓')} Saved ${spec.label} as ${role}.`);
  printLine(`  key       ${spec.auth === 'none' ? '(not needed)' : maskSecret(saved.apiKey)}`);
  printLine(`  model     ${saved.model ?? spec.defaultModel ?? '(each client\'s own)'}`);
  printLine(`  base URL  ${saved.baseUrl ?? spec.baseUrl}`);
  printLine(`  config    ${store.path} (readable only by you)`);
  await noticeIfGatewayRunning(stateDir);
  printLine(`Next: ${paint('cyan', isartorCommand(`check${config.provider === spec.id ? '' : ` -p ${spec.id}`}`))}`);
}

/** The key to store: a flag, stdin, a hidden prompt, or the one already stored. */
async function obtainKey(spec: ProviderSpec, flags: SetKeyFlags, storedKey: string | undefined): Promise<string | undefined> {
  if (spec.auth === 'none') return undefined;
  if (flags.key !== undefined) return requireNonEmpty(flags.key, spec);
  if (flags.keyStdin) return requireNonEmpty(await readStdin(), spec);
  if (canPrompt()) {
    const keep = storedKey ? ` (Enter keeps ${maskSecret(storedKey)})` : spec.keyRequired ? '' : ' (Enter for none)';
    // Loaded only when prompting: it is the CLI's heaviest import and most runs never need it.
    const { password } = await import('@inquirer/prompts');
    const answer = (await password({ message: `${spec.label} API key${keep}:`, mask: '*' })).trim();
    if (answer) return answer;
    if (storedKey || !spec.keyRequired) return storedKey;
    throw new UserError('No key entered; nothing was changed.', keyHint(spec));
  }
  if (storedKey || !spec.keyRequired) return storedKey;
  throw new UserError(`No API key given for ${spec.id}, and there is no terminal to ask for one.`, {
    hint: `Pass it with --key <key>, or pipe it in with --key-stdin.${spec.keyUrl ? ` Get a key at ${spec.keyUrl}.` : ''}`,
  });
}

function requireNonEmpty(key: string, spec: ProviderSpec): string {
  const trimmed = key.trim();
  if (!trimmed) throw new UserError('The key given is empty; nothing was changed.', keyHint(spec));
  if (/\s/.test(trimmed)) throw new UserError('The key given contains spaces or line breaks; nothing was changed.', keyHint(spec));
  return trimmed;
}

function keyHint(spec: ProviderSpec): { hint: string } {
  return { hint: spec.keyUrl ? `Get a key at ${spec.keyUrl}.` : `Pass the key with --key or --key-stdin.` };
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new UserError('--key-stdin reads a piped key, but standard input is a terminal.', {
      hint: 'Pipe the key in (`echo "$KEY" | isartor set-key ... --key-stdin`), or drop --key-stdin to be prompted.',
    });
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
