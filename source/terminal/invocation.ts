import { existsSync, realpathSync } from 'node:fs';
import { delimiter, isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * How to name the `isartor` CLI in advice, so a printed command runs as printed: `isartor` when it is
 * installed on PATH, `npx isartor` under npm (a clone, or npx), else `node <path>` to this build.
 * The wizard (isartor-setup) names the same CLI, never its own bin: from a clone, `npx isartor-setup`
 * cannot run, `npx isartor setup` can.
 */
export interface InvocationContext {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Node flags this process runs with (`--import tsx` when run from source). */
  execArgv: readonly string[];
  /** The CLI's entry file: dist/cli/index.js, or source/cli/index.ts under tsx. */
  cliEntry: string;
}

/** Set by `isartor setup` for the wizard it starts, so both name the CLI the same way. */
export const invocationEnvName = 'ISARTOR_INVOKED_AS';

export function describeInvocation(context: InvocationContext): string {
  const { env } = context;
  const told = env[invocationEnvName]?.trim();
  if (told) return told;
  // npm runs bins with node_modules/.bin on PATH; the user's shell has no such PATH.
  if (env.npm_command || env.npm_lifecycle_event === 'npx') return 'npx isartor';
  if (onPath('isartor', context)) return 'isartor';
  const entry = relative(context.cwd, context.cliEntry);
  const shown = entry.startsWith('..') || isAbsolute(entry) ? context.cliEntry : entry;
  const flags = context.execArgv.filter((flag) => !flag.startsWith('--max') && !flag.startsWith('--inspect'));
  return ['node', ...flags, quoteIfNeeded(shown)].join(' ');
}

/** Whether `name` on PATH is this very CLI (a symlink npm made to it). */
function onPath(name: string, context: InvocationContext): boolean {
  const target = safeRealpath(context.cliEntry);
  for (const dir of (context.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (existsSync(candidate) && safeRealpath(candidate) === target) return true;
  }
  return false;
}

function safeRealpath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

function quoteIfNeeded(path: string): string {
  return /^[\w./@:+-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

function defaultCliEntry(): string {
  const here = fileURLToPath(import.meta.url);
  const built = fileURLToPath(new URL('../cli/index.js', import.meta.url));
  return here.endsWith('.ts') ? fileURLToPath(new URL('../cli/index.ts', import.meta.url)) : built;
}

let cached: string | undefined;

/** `isartor`, `npx isartor` or `node dist/cli/index.js`, decided once per process. */
export function isartorInvocation(): string {
  cached ??= describeInvocation({ env: process.env, cwd: process.cwd(), execArgv: process.execArgv, cliEntry: defaultCliEntry() });
  return cached;
}

/** A command to print for the user: `isartorCommand('down')` is `npx isartor down` under npx. */
export function isartorCommand(args = ''): string {
  return args ? `${isartorInvocation()} ${args}` : isartorInvocation();
}

/**
 * Advice written by core modules names commands as `isartor ...` in backticks; this names them the
 * way this process was invoked. `isartor-setup ...` becomes `<cli> setup ...`.
 */
export function runnableAdvice(text: string, invocation: string = isartorInvocation()): string {
  return text.replace(/`(?:npx )?isartor-setup(?=[\s`])/g, `\`${invocation} setup`).replace(/`(?:npx )?isartor(?=[\s`])/g, `\`${invocation}`);
}
