// The real Codex CLI (npm @openai/codex@0.171.0, its native binary) talking to a real isartor gateway in
// front of the fake upstream. `.ci/run` installs Codex first (`npm run setup:codex` does it locally).
// Codex's proxy variables point at a dead end, so nothing it tries on its own leaves the machine.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempHomes, freePort, makeTempHome, repoRoot, runCli } from '../cli/run-cli.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';

const codexBin = join(repoRoot, '.cache', 'codex-e2e', 'node_modules', '.bin', 'codex');
const installed = existsSync(codexBin);
const deadEnd = 'http://127.0.0.1:9';

interface World {
  home: string;
  codexHome: string;
  workdir: string;
}

let fake: FakeUpstream;
const worlds: World[] = [];

const isartor = (world: World, ...args: string[]) => runCli(args, { home: world.home, env: { CODEX_HOME: world.codexHome }, timeoutMs: 30_000 });

/** An isartor state dir in front of the fake upstream, a gateway, and an empty Codex home and workdir. */
async function newWorld(options: { responsesApi?: boolean } = {}): Promise<World> {
  const world: World = { home: makeTempHome(), codexHome: mkdtempSync(join(tmpdir(), 'isartor-e2e-codex-')), workdir: mkdtempSync(join(tmpdir(), 'isartor-e2e-codex-cwd-')) };
  worlds.push(world);
  expect((await isartor(world, 'set-key', '-p', 'openai-compatible', '--base-url', fake.openaiBaseUrl, '--key', 'sk-upstream', '--model', 'fake-model')).code).toBe(0);
  if (options.responsesApi) {
    // The opt-in for an openai-compatible server that speaks the Responses API (config.json, as the readme says).
    const configPath = join(world.home, 'config.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as { providers: Record<string, Record<string, unknown>> };
    config.providers['openai-compatible']!.responsesApi = true;
    writeFileSync(configPath, JSON.stringify(config));
  }
  const up = await isartor(world, 'up', '--detach', '--port', String(await freePort()));
  expect(up.code, up.stderr).toBe(0);
  const connect = await isartor(world, 'connect', 'codex', '--yes');
  expect(connect.code, connect.stderr).toBe(0);
  return world;
}

function codex(world: World, prompt: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST') && !/^(https?|all|no)_proxy$/i.test(name)));
  const child = spawn(codexBin, ['exec', '--skip-git-repo-check', prompt], {
    cwd: world.workdir,
    env: {
      ...env,
      HOME: join(world.codexHome, 'home'),
      CODEX_HOME: world.codexHome,
      HTTPS_PROXY: deadEnd,
      HTTP_PROXY: deadEnd,
      ALL_PROXY: deadEnd,
      NO_PROXY: '127.0.0.1,localhost',
      NO_COLOR: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

async function codexStats(world: World): Promise<{ requests: number; layers: Record<string, number> } | undefined> {
  const stats = JSON.parse((await isartor(world, 'stats', '--by-tool', '--json')).stdout) as { tools: Array<{ client: string; requests: number; layers: Record<string, number> }> };
  return stats.tools.find((tool) => tool.client === 'codex');
}

/** Where two request bodies part, for a failure message. */
function firstDifference(a: unknown, b: unknown): string {
  const [left, right] = [JSON.stringify(a) ?? '', JSON.stringify(b) ?? ''];
  let at = 0;
  while (at < left.length && left[at] === right[at]) at += 1;
  return `…${left.slice(Math.max(0, at - 120), at + 120)}… vs …${right.slice(Math.max(0, at - 120), at + 120)}…`;
}

beforeAll(async () => {
  if (installed) fake = await startFakeUpstream({ apiKey: 'sk-upstream' });
});
afterAll(async () => {
  for (const world of worlds) await isartor(world, 'down');
  await cleanupTempHomes();
  await fake?.close();
});

// Locally the test waits for `npm run setup:codex`; in CI a missing install must fail, not skip.
describe.runIf(!installed && process.env.CI === 'true')('the Codex end-to-end prerequisites', () => {
  it('are installed (.ci/run runs `npm run setup:codex`)', () => {
    expect.fail(`Codex is not installed at ${codexBin}: run \`npm run setup:codex\`.`);
  });
});

describe.skipIf(!installed)('the real Codex CLI through isartor', () => {
  it('runs a tool-calling turn translated to chat completions, is counted as codex, and the same prompt again gets its first turn from L1a', async () => {
    fake.reset();
    const world = await newWorld();
    const config = readFileSync(join(world.codexHome, 'config.toml'), 'utf8');
    expect(config).toContain('model_provider = "isartor"');
    expect(config).toContain('wire_api = "responses"');
    // The chat upstream cannot run Codex's built-in web search, so connect turned it off.
    expect(config).toContain('web_search = "disabled"');

    // The fake answers a tool call first, and text once the tool's output comes back.
    fake.setMode({ kind: 'toolLoop', name: 'exec_command', arguments: { cmd: 'echo isartor-e2e-marker' } });
    const prompt = 'Run echo isartor-e2e-marker and tell me what it printed';
    const first = await codex(world, prompt);
    expect(first.code, first.stderr.slice(-3000)).toBe(0);
    expect(first.stdout).toContain(`Echo: ${prompt}`);
    const upstreamTurns = fake.requests.filter((request) => request.path === '/v1/chat/completions');
    expect(upstreamTurns).toHaveLength(2);
    // Codex ran the command and sent its output back, which went upstream as a chat tool message.
    const toolMessage = upstreamTurns[1]!.body.messages.find((message: { role: string }) => message.role === 'tool');
    expect(toolMessage.content).toContain('isartor-e2e-marker');
    expect(await codexStats(world)).toMatchObject({ requests: 2, layers: { l3: 2 } });

    // Again: the first turn is the same request (ids, session and turn metadata aside) and comes from
    // L1a; the second carries the command's fresh output (Codex stamps it with a chunk id and wall time), so it goes upstream.
    const second = await codex(world, prompt);
    expect(second.code, second.stderr.slice(-3000)).toBe(0);
    expect(second.stdout).toContain(`Echo: ${prompt}`);
    const turns = fake.requests.filter((request) => request.path === '/v1/chat/completions');
    expect(turns, `the first turn went upstream again; it differs from the first run's at: ${firstDifference(turns[0]?.body, turns[2]?.body)}`).toHaveLength(3);
    expect(await codexStats(world)).toMatchObject({ requests: 4, layers: { l3: 3, l1a: 1 } });
  }, 180_000);

  it('passes the Responses API through to a provider that speaks it, built-in web search and all', async () => {
    fake.reset();
    const world = await newWorld({ responsesApi: true });
    // The provider can run built-in tools itself, so Codex keeps its web search.
    expect(readFileSync(join(world.codexHome, 'config.toml'), 'utf8')).not.toContain('web_search');
    fake.setMode({ kind: 'toolLoop', name: 'exec_command', arguments: { cmd: 'echo passthrough-marker' } });
    const prompt = 'Run echo passthrough-marker';
    const run = await codex(world, prompt);
    expect(run.code, run.stderr.slice(-3000)).toBe(0);
    expect(run.stdout).toContain(`Echo: ${prompt}`);
    const turns = fake.requests.filter((request) => request.path === '/v1/responses');
    expect(turns).toHaveLength(2);
    expect(fake.requests.filter((request) => request.path === '/v1/chat/completions')).toHaveLength(0);
    expect(turns[0]!.body.tools.some((tool: { type: string }) => tool.type === 'web_search')).toBe(true);
    expect(turns[1]!.body.input.at(-1)).toMatchObject({ type: 'function_call_output' });
    expect(turns[1]!.body.input.at(-1).output).toContain('passthrough-marker');
    expect(await codexStats(world)).toMatchObject({ requests: 2, layers: { l3: 2 } });
  }, 180_000);
});
