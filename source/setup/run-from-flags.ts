import { printDiff } from '../terminal/print-diff.js';
import { paint } from '../terminal/output.js';
import { isartorCommand } from '../terminal/invocation.js';
import { describeLayer, probeAt } from './dashboard/probes.js';
import { findProvider, providerIds } from '../providers/catalog.js';
import { keyEnvNames } from '../providers/key-env.js';
import { unknownProviderError } from '../providers/suggest-provider.js';
import { maskSecret } from '../store/mask-secret.js';
import { UserError } from '../user-error.js';
import type { KeySource, SetupEffects } from './effects.js';
import type { SetupFlags } from './program.js';

export interface FlagRunIo {
  out(line: string): void;
  env: NodeJS.ProcessEnv;
  /** Why there is no wizard: shown when the flags say nothing to do. */
  reason: string;
}

/**
 * The wizard's job without a wizard: the same effects, driven by flags, printing plain progress lines.
 * Returns the exit code. Never writes openclaw.json without --yes.
 */
export async function runFromFlags(flags: SetupFlags, effects: SetupEffects, io: FlagRunIo): Promise<number> {
  const { out } = io;
  const ok = (text: string) => out(`${paint('green', '✓')} ${text}`);
  if (flags.demo) return runDemoFromFlags(effects, out);
  if (!flags.provider) {
    out(`The setup wizard is interactive, but ${io.reason}, so it will not wait for key presses.`);
    out('Pass flags to do the same job without it:');
    out(`  ${isartorCommand('setup --provider groq --key-env GROQ_API_KEY --model openai/gpt-oss-120b --yes')}`);
    out(`  ${isartorCommand('setup --provider ollama --no-openclaw')}`);
    out(`  ${isartorCommand('setup --demo')}                 a demo gateway, no key needed`);
    out('Without --yes, openclaw.json is not written: the diff is printed instead. `isartor setup --help` lists every flag.');
    return 2;
  }
  const spec = findProvider(flags.provider);
  if (!spec) throw unknownProviderError(flags.provider);

  const overview = await effects.inspect();
  const { source, apiKey } = chooseKey(spec.id, spec.auth === 'none', spec.keyRequired, flags, io.env, overview.storedKeys);
  if (spec.baseUrl === undefined && !flags.baseUrl && overview.configured?.providerId !== spec.id) {
    throw new UserError(`Provider ${spec.id} needs a base URL.`, { hint: `Pass --base-url, for example --base-url ${spec.baseUrlExample ?? 'https://example.com/v1'}.` });
  }
  const input = { providerId: spec.id, keySource: source, apiKey, baseUrl: flags.baseUrl };
  out(`Checking ${spec.label}${source === 'none' ? '' : ` with ${describeKey(source, apiKey, flags, spec.id, io.env)}`}...`);
  const check = await effects.checkKey(input);
  if (!check.ok) {
    out(`${paint('red', '✗')} ${check.problem?.message ?? 'The check failed.'}`);
    // In a flag run, the key comes from --key-env, not from set-key's prompt.
    const noKeyGiven = source === 'none' && check.problem?.kind === 'unauthorized';
    if (check.problem) out(`  fix: ${noKeyGiven ? `Pass --key-env <VAR> naming the variable that holds the key${keyEnvNames(spec)[0] ? `, e.g. --key-env ${keyEnvNames(spec)[0]}` : ''}.` : check.problem.fix}`);
    return 1;
  }
  ok(`${spec.label} answered HTTP ${check.status ?? '-'} in ${check.latencyMs} ms`);

  const model = flags.model ?? (overview.configured?.providerId === spec.id ? overview.configured.model : undefined) ?? spec.defaultModel ?? check.availableModels?.[0];
  if (!model) throw new UserError(`Choose a model for ${spec.id}.`, { hint: 'Pass --model <model>.' });
  if (spec.modelsAreListed && check.availableModels?.length && !check.availableModels.includes(model)) {
    out(`${paint('yellow', 'note:')} ${spec.label} does not list "${model}"; it offers ${check.availableModels.slice(0, 5).join(', ')}...`);
  }
  await effects.saveProvider({ ...input, model });
  ok(`Saved ${spec.label} / ${model} as the default provider`);

  const started = await effects.startGateway({ port: flags.port, restart: false });
  if (started.kind === 'portInUse') {
    throw new UserError(`Port ${started.port} is already in use by another program.`, {
      hint: started.suggestedPort === undefined ? 'Pass --port <port> with a free port.' : `Port ${started.suggestedPort} is free: re-run with --port ${started.suggestedPort}.`,
    });
  }
  if (started.kind === 'failed') throw new UserError(started.message, started.hint === undefined ? {} : { hint: started.hint });
  const gateway = started.gateway;
  ok(`${gateway.kind === 'reused' ? 'Reusing the gateway already running' : 'Gateway running'} at ${gateway.url} (pid ${gateway.pid})`);
  if (gateway.kind === 'reused' && (gateway.provider !== spec.id || gateway.model !== model)) {
    out(`${paint('yellow', 'note:')} it still forwards to ${gateway.provider}${gateway.model ? ` / ${gateway.model}` : ''}; restart it with \`isartor down && isartor up --detach --port ${new URL(gateway.url).port}\`.`);
  }

  if (!flags.openclaw) {
    out('Leaving OpenClaw alone (--no-openclaw).');
    return finish(out, gateway.url);
  }
  const finding = await effects.findOpenClaw();
  if (!finding.configExists && !finding.version) {
    out(`OpenClaw was not found (no ${finding.configPath}, no openclaw command on PATH).`);
    out('Install it with `npm i -g openclaw && openclaw onboard --install-daemon`, then run `isartor setup` again; the gateway works without it.');
    return finish(out, gateway.url);
  }
  out(`OpenClaw: ${finding.configPath}${finding.version ? ` (openclaw ${finding.version})` : ''}; primary model ${finding.primaryModel ?? '(none set)'}`);
  const planned = await effects.planOpenClaw({ gateway, model });
  if (planned.kind === 'refused') throw new UserError(planned.message, planned.hint === undefined ? {} : { hint: planned.hint });
  const plan = planned.plan;
  if (plan.unchanged) {
    ok('OpenClaw already goes through isartor as planned: nothing to change.');
    return finish(out, gateway.url);
  }
  printDiff(plan.diff, out);
  if (!flags.yes) {
    out(paint('yellow', 'Not written: re-run with --yes to apply this diff to openclaw.json.'));
    return finish(out, gateway.url);
  }
  const applied = await effects.applyOpenClaw(plan);
  if (applied.backupPath) out(`  backup    ${applied.backupPath}`);
  if (applied.wrote) out(`  wrote     ${applied.configPath}`);
  for (const path of applied.deleted) out(`  deleted   ${path} (OpenClaw regenerates it)`);
  ok('OpenClaw now uses isartor. Check it with `openclaw models status --agent main --probe` (OpenClaw 2026.9 needs Node >= 24.16),');
  out('  or try a turn without OpenClaw\'s own gateway: `openclaw agent --local --agent main --message "Hello"`.');
  out('  Start the gateway at every login with `isartor service install`.');
  return finish(out, gateway.url);
}

function chooseKey(
  providerId: string,
  keyless: boolean,
  keyRequired: boolean,
  flags: SetupFlags,
  env: NodeJS.ProcessEnv,
  storedKeys: string[],
): { source: KeySource; apiKey: string | undefined } {
  if (keyless) return { source: 'none', apiKey: undefined };
  if (flags.keyEnv) {
    const value = env[flags.keyEnv]?.trim();
    if (!value) throw new UserError(`--key-env ${flags.keyEnv}: that variable is not set (or empty).`, { hint: `Export it first: export ${flags.keyEnv}=...` });
    return { source: 'typed', apiKey: value };
  }
  if (storedKeys.includes(providerId)) return { source: 'stored', apiKey: undefined };
  const names = keyEnvNames({ id: providerId });
  if (names.some((name) => env[name]?.trim())) return { source: 'env', apiKey: undefined };
  if (!keyRequired) return { source: 'none', apiKey: undefined };
  throw new UserError(`No key for ${providerId}: none is stored and ${names.join(' / ') || 'no variable'} is not set.`, {
    hint: `Pass --key-env <VAR> naming the variable that holds it${names[0] ? `, e.g. --key-env ${names[0]}` : ''}.`,
  });
}

function describeKey(source: KeySource, apiKey: string | undefined, flags: SetupFlags, providerId: string, env: NodeJS.ProcessEnv): string {
  if (source === 'typed') return `the key in $${flags.keyEnv} (${maskSecret(apiKey)})`;
  if (source === 'stored') return 'the stored key';
  const name = keyEnvNames({ id: providerId }).find((n) => env[n]?.trim());
  return `the key in $${name} (${maskSecret(name ? env[name] : undefined)})`;
}

function finish(out: (line: string) => void, url: string): number {
  out(`Done. The gateway keeps running at ${url}: \`isartor stats --by-tool\` shows what it did, \`isartor down\` stops it.`);
  out('Run `isartor setup` in a terminal for the live dashboard.');
  return 0;
}

async function runDemoFromFlags(effects: SetupEffects, out: (line: string) => void): Promise<number> {
  out('Starting a demo gateway in front of the simulated provider (no key, no network)...');
  const gateway = await effects.startDemo();
  try {
    out(`${paint('green', '✓')} Demo gateway at ${gateway.url}`);
    // The dashboard's probe cycle, with the first question sent twice: l3, l1a, l1b, then l3 for the near-miss.
    for (const [index, probe] of [probeAt(0), probeAt(0), probeAt(1), probeAt(2)].entries()) {
      const result = await effects.probe(gateway, probe);
      const label = index === 1 ? 'the same again' : probe.label;
      out(`  ${label.padEnd(18)} HTTP ${result.status}  ${describeLayer(result.layer).padEnd(26)} ${result.latencyMs} ms${result.error ? `  (${result.error})` : ''}`);
    }
    out('A near-miss must never get a cached answer: it differs in meaning, so the provider answers it.');
  } finally {
    await effects.stopGateway(gateway);
  }
  out('Demo gateway stopped. With a real provider: `isartor-setup --provider groq --key-env GROQ_API_KEY`.');
  return 0;
}
