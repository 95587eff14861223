// What the end-to-end tests with a real client (OpenClaw, Codex, Claude Code) share: one fake upstream
// per file, isartor gateways in front of it that go down after the file, and the client run with its
// proxies pointed at a dead end, so that nothing it tries on its own leaves the machine.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempHomes, runCli, type CliResult } from '../../cli/run-cli.js';
import { startFakeUpstream, type FakeUpstream } from '../../support/fake-upstream.js';

/** Nothing listens on port 9: a request sent through a proxy there fails at once. */
export const deadEnd = 'http://127.0.0.1:9';

const proxyVariable = /^(https?|all|no)_proxy$/i;

/** Every proxy variable a client may read (in both cases), all at the dead end but for the gateway on 127.0.0.1. */
const deadEndProxies = {
  HTTPS_PROXY: deadEnd,
  HTTP_PROXY: deadEnd,
  ALL_PROXY: deadEnd,
  https_proxy: deadEnd,
  http_proxy: deadEnd,
  NO_PROXY: '127.0.0.1,localhost',
  no_proxy: '127.0.0.1,localhost',
};

export interface ClientRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ClientOptions {
  /** Set on top of the inherited environment (HOME, the client's own state dir...). */
  env: Record<string, string>;
  cwd?: string;
  /** Inherited variables to leave out besides vitest's (clients that see VITEST think they are under their own tests) and proxy settings. */
  drop?: RegExp;
  /** A guard, not a timing assertion: a client retrying a refusal would otherwise sit there for minutes. */
  killAfterMs?: number;
}

/** Runs a client CLI to its end in this process's environment, cleaned, with the dead-end proxies. */
export function runClient(bin: string, args: string[], options: ClientOptions): Promise<ClientRun> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST') && !proxyVariable.test(name) && !options.drop?.test(name)));
  const child = spawn(bin, args, {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: { ...inherited, ...deadEndProxies, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const guard = options.killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.killAfterMs);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    }),
  );
}

/**
 * Starts the file's fake upstream before its tests (only when the client is installed) and, after
 * them, takes down every gateway started here, the temp homes and the fake. `isartorEnv` is what the
 * isartor CLI needs to find the client's config in a world (its HOME, state dir...).
 */
export function gatewaysBeforeFakeUpstream<World extends { home: string }>(options: { installed: boolean; isartorEnv: (world: World) => Record<string, string> }) {
  let fake: FakeUpstream | undefined;
  /** A second provider, for fallbacks: its own fake, so that the first one's faults do not reach it. */
  let fallbackFake: FakeUpstream | undefined;
  const started: World[] = [];
  const isartor = (world: World, ...args: string[]): Promise<CliResult> => runCli(args, { home: world.home, env: options.isartorEnv(world), timeoutMs: 30_000 });
  const running = (): FakeUpstream => {
    if (!fake) throw new Error('The fake upstream runs only when the client is installed.');
    return fake;
  };
  beforeAll(async () => {
    if (options.installed) fake = await startFakeUpstream({ apiKey: 'sk-upstream' });
  });
  afterAll(async () => {
    for (const world of started) await isartor(world, 'down');
    await cleanupTempHomes();
    await fake?.close();
    await fallbackFake?.close();
  });
  return {
    isartor,
    get fake(): FakeUpstream {
      return running();
    },
    /** `isartor set-key` for a provider at the fake upstream, model fake-model; the world goes down after the file. */
    async pointAtFake(world: World, provider: 'openai-compatible' | 'anthropic' = 'openai-compatible'): Promise<void> {
      started.push(world);
      const baseUrl = provider === 'anthropic' ? running().anthropicBaseUrl : running().openaiBaseUrl;
      const setKey = await isartor(world, 'set-key', '-p', provider, '--base-url', baseUrl, '--key', 'sk-upstream', '--model', 'fake-model');
      expect(setKey.code, setKey.stderr).toBe(0);
    },
    /** The fallback provider's fake upstream (started by fallbackTo). */
    get fallbackFake(): FakeUpstream {
      if (!fallbackFake) throw new Error('No fallback provider: call fallbackTo first.');
      return fallbackFake;
    },
    /**
     * A second provider of the other protocol, on its own fake upstream (model fake-model-large), as the
     * fallback of the default one (`isartor set-key --keep-default`, `isartor fallbacks default`). Before `up`.
     */
    async fallbackTo(world: World, provider: 'openai-compatible' | 'anthropic'): Promise<FakeUpstream> {
      fallbackFake ??= await startFakeUpstream({ apiKey: 'sk-upstream' });
      const baseUrl = provider === 'anthropic' ? fallbackFake.anthropicBaseUrl : fallbackFake.openaiBaseUrl;
      const setKey = await isartor(world, 'set-key', '-p', provider, '--base-url', baseUrl, '--key', 'sk-upstream', '--model', 'fake-model-large', '--keep-default');
      expect(setKey.code, setKey.stderr).toBe(0);
      const fallbacks = await isartor(world, 'fallbacks', 'default', `${provider}/fake-model-large`);
      expect(fallbacks.code, fallbacks.stderr).toBe(0);
      return fallbackFake;
    },
    async up(world: World, port: number, ...args: string[]): Promise<void> {
      const up = await isartor(world, 'up', '--detach', '--port', String(port), ...args);
      expect(up.code, up.stderr).toBe(0);
    },
  };
}

/** Locally a missing client is skipped, with a line saying how to install it; in CI (which installs it) it must fail, not skip. */
export function failWhenMissingInCi(installed: boolean, client: string, setup: string, where: string): void {
  if (!installed && process.env.CI !== 'true') console.log(`The ${client} end-to-end tests are skipped: ${client} is not installed ${where} (run \`npm run ${setup}\`).`);
  describe.runIf(!installed && process.env.CI === 'true')(`the ${client} end-to-end prerequisites`, () => {
    it(`are installed (.ci/run runs \`npm run ${setup}\`)`, () => {
      expect.fail(`${client} is not installed ${where}: run \`npm run ${setup}\`.`);
    });
  });
}
