// The real Codex CLI (npm @openai/codex@0.171.0, its native binary) talking to a real isartor gateway in
// front of the fake upstream. `.ci/run` installs Codex first (`npm run setup:codex` does it locally).
// Codex's proxy variables point at a dead end, so nothing it tries on its own leaves the machine.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FakeMode } from '../support/fake-upstream.js';
import { freePort, makeTempHome, repoRoot } from '../cli/run-cli.js';
import { failWhenMissingInCi, gatewaysBeforeFakeUpstream, runClient, type ClientRun } from './support/real-client.js';

const codexBin = join(repoRoot, '.cache', 'codex-e2e', 'node_modules', '.bin', 'codex');
const installed = existsSync(codexBin);

interface World {
  home: string;
  codexHome: string;
  workdir: string;
}

const e2e = gatewaysBeforeFakeUpstream<World>({ installed, isartorEnv: (world) => ({ CODEX_HOME: world.codexHome }) });
const isartor = e2e.isartor;

/** An isartor state dir in front of the fake upstream, a gateway, and an empty Codex home and workdir. */
async function newWorld(options: { responsesApi?: boolean; connectArgs?: string[]; provider?: 'openai-compatible' | 'anthropic' } = {}): Promise<World> {
  const world: World = { home: makeTempHome(), codexHome: mkdtempSync(join(tmpdir(), 'isartor-e2e-codex-')), workdir: mkdtempSync(join(tmpdir(), 'isartor-e2e-codex-cwd-')) };
  await e2e.pointAtFake(world, options.provider);
  if (options.responsesApi) {
    // The opt-in for an openai-compatible server that speaks the Responses API (config.json, as the readme says).
    const configPath = join(world.home, 'config.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as { providers: Record<string, Record<string, unknown>> };
    config.providers['openai-compatible']!.responsesApi = true;
    writeFileSync(configPath, JSON.stringify(config));
  }
  await e2e.up(world, await freePort());
  const connect = await isartor(world, 'connect', 'codex', '--yes', ...(options.connectArgs ?? []));
  expect(connect.code, connect.stderr).toBe(0);
  return world;
}

function codex(world: World, prompt: string, ...flags: string[]): Promise<ClientRun> {
  return runClient(codexBin, ['exec', '--skip-git-repo-check', ...flags, prompt], { cwd: world.workdir, env: { HOME: join(world.codexHome, 'home'), CODEX_HOME: world.codexHome, NO_COLOR: '1' } });
}

async function codexStats(world: World): Promise<{ requests: number; layers: Record<string, number>; tokens: { saved: number } } | undefined> {
  const stats = JSON.parse((await isartor(world, 'stats', '--by-tool', '--json')).stdout) as { tools: Array<{ client: string; requests: number; layers: Record<string, number>; tokens: { saved: number } }> };
  return stats.tools.find((tool) => tool.client === 'codex');
}

/** Where two request bodies part, for a failure message. */
function firstDifference(a: unknown, b: unknown): string {
  const [left, right] = [JSON.stringify(a) ?? '', JSON.stringify(b) ?? ''];
  let at = 0;
  while (at < left.length && left[at] === right[at]) at += 1;
  return `…${left.slice(Math.max(0, at - 120), at + 120)}… vs …${right.slice(Math.max(0, at - 120), at + 120)}…`;
}

failWhenMissingInCi(installed, 'Codex', 'setup:codex', `at ${codexBin}`);

describe.skipIf(!installed)('the real Codex CLI through isartor', () => {
  it('runs a tool-calling turn translated to chat completions, is counted as codex, and the same prompt again gets its first turn from L1a', async () => {
    e2e.fake.reset();
    const world = await newWorld();
    const config = readFileSync(join(world.codexHome, 'config.toml'), 'utf8');
    expect(config).toContain('model_provider = "isartor"');
    expect(config).toContain('wire_api = "responses"');
    // The chat upstream cannot run Codex's built-in web search, so connect turned it off.
    expect(config).toContain('web_search = "disabled"');

    // The fake answers a tool call first, and text once the tool's output comes back.
    e2e.fake.setMode({ kind: 'toolLoop', name: 'exec_command', arguments: { cmd: 'echo isartor-e2e-marker' } });
    const prompt = 'Run echo isartor-e2e-marker and tell me what it printed';
    const first = await codex(world, prompt);
    expect(first.code, first.stderr.slice(-3000)).toBe(0);
    expect(first.stdout).toContain(`Echo: ${prompt}`);
    const upstreamTurns = e2e.fake.requests.filter((request) => request.path === '/v1/chat/completions');
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
    const turns = e2e.fake.requests.filter((request) => request.path === '/v1/chat/completions');
    expect(turns, `the first turn went upstream again; it differs from the first run's at: ${firstDifference(turns[0]?.body, turns[2]?.body)}`).toHaveLength(3);
    expect(await codexStats(world)).toMatchObject({ requests: 4, layers: { l3: 3, l1a: 1 } });
  }, 180_000);

  it('codex exec --json with the user\'s own config (reasoning effort and summaries, another provider, comments): the effort reaches the chat provider, the JSONL events carry the answer, disconnect gives the bytes back', async () => {
    e2e.fake.reset();
    const world: World = { home: makeTempHome(), codexHome: mkdtempSync(join(tmpdir(), 'isartor-e2e-codex-')), workdir: mkdtempSync(join(tmpdir(), 'isartor-e2e-codex-cwd-')) };
    const own = [
      '# my codex config',
      'model = "o3" # the one I like',
      'model_reasoning_effort = "high"',
      'model_reasoning_summary = "detailed"',
      '',
      '[model_providers.mine]',
      'name = "Mine"',
      'base_url = "http://127.0.0.1:9/v1"',
      'env_key = "MINE_KEY"',
      '',
      '[tui]',
      'notifications = true   # keep',
      '',
    ].join('\n');
    const configPath = join(world.codexHome, 'config.toml');
    writeFileSync(configPath, own);
    await e2e.pointAtFake(world);
    await e2e.up(world, await freePort());
    const connect = await isartor(world, 'connect', 'codex', '--yes');
    expect(connect.code, connect.stderr).toBe(0);
    expect(connect.stdout).toContain('+model_provider = "isartor"');
    e2e.fake.setMode({ kind: 'toolLoop', name: 'exec_command', arguments: { cmd: 'echo json-marker' } });
    const prompt = 'Run echo json-marker';
    const run = await codex(world, prompt, '--json');
    e2e.fake.setMode({ kind: 'ok' });
    expect(run.code, run.stderr.slice(-3000)).toBe(0);
    const events = run.stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { type: string; item?: { type: string; text?: string; aggregated_output?: string } });
    expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(['thread.started', 'turn.started', 'turn.completed']));
    const items = events.filter((event) => event.type === 'item.completed').map((event) => event.item!);
    expect(items.find((item) => item.type === 'command_execution')?.aggregated_output).toBe('json-marker\n');
    expect(items.find((item) => item.type === 'agent_message')?.text).toBe(`Echo: ${prompt}`);
    const turns = e2e.fake.requests.filter((request) => request.path === '/v1/chat/completions');
    expect(turns).toHaveLength(2);
    // The effort the user chose goes on to the chat provider; the summary setting has no chat equivalent.
    for (const turn of turns) expect(turn.body.reasoning_effort).toBe('high');
    expect((await isartor(world, 'connect', 'codex', '--disconnect', '--yes')).code).toBe(0);
    expect(readFileSync(configPath, 'utf8')).toBe(own);
  }, 180_000);

  // For a model Codex knows (gpt-5.5, picked with `connect --model`), Codex sends apply_patch as a freeform
  // (custom) tool and a client-run tool_search; a chat provider gets them as functions, and the call comes
  // back as the custom_tool_call Codex applies. A provider's refusal then reaches the user in its words.
  it('with a model the user picked at connect (gpt-5.5), applies a patch through the freeform apply_patch tool over a chat provider; a provider error reads clearly', async () => {
    e2e.fake.reset();
    const world = await newWorld({ connectArgs: ['--model', 'gpt-5.5'] });
    expect(readFileSync(join(world.codexHome, 'config.toml'), 'utf8')).toContain('model = "gpt-5.5"');
    writeFileSync(join(world.workdir, 'notes.txt'), 'alpha\nbeta\n');
    const patch = '*** Begin Patch\n*** Update File: notes.txt\n@@\n alpha\n-beta\n+gamma\n*** End Patch\n';
    e2e.fake.setMode({ kind: 'toolLoop', name: 'apply_patch', arguments: { input: patch } });
    const run = await codex(world, 'Change beta to gamma in notes.txt', '--sandbox', 'workspace-write');
    expect(run.code, run.stderr.slice(-3000)).toBe(0);
    expect(readFileSync(join(world.workdir, 'notes.txt'), 'utf8')).toBe('alpha\ngamma\n');
    const turns = e2e.fake.requests.filter((request) => request.path === '/v1/chat/completions');
    expect(turns).toHaveLength(2);
    const names = turns[0]!.body.tools.map((tool: { function: { name: string } }) => tool.function.name);
    expect(names).toEqual(expect.arrayContaining(['apply_patch', 'tool_search', 'exec_command']));
    // Codex applied the patch and said so in the tool result that went back upstream.
    expect(turns[1]!.body.messages.at(-1)).toMatchObject({ role: 'tool' });
    expect(turns[1]!.body.messages.at(-1).content).toContain('notes.txt');
    expect(await codexStats(world)).toMatchObject({ requests: 2, layers: { l3: 2 } });

    e2e.fake.setMode({ kind: 'error', status: 400, message: 'tool schema rejected by the provider' }, { times: 1 });
    const refused = await codex(world, 'Something else entirely');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('The upstream provider (openai-compatible) answered HTTP 400: tool schema rejected by the provider');
  }, 180_000);

  it('view_image over a chat provider: the image Codex attaches to the tool output reaches the model in the user message after the tool message', async () => {
    e2e.fake.reset();
    const world = await newWorld();
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
    writeFileSync(join(world.workdir, 'dot.png'), Buffer.from(png, 'base64'));
    e2e.fake.setMode({ kind: 'toolLoop', name: 'view_image', arguments: { path: join(world.workdir, 'dot.png') } });
    const run = await codex(world, 'Look at dot.png');
    e2e.fake.setMode({ kind: 'ok' });
    expect(run.code, run.stderr.slice(-3000)).toBe(0);
    const turns = e2e.fake.requests.filter((request) => request.path === '/v1/chat/completions');
    expect(turns).toHaveLength(2);
    const messages = turns[1]!.body.messages as Array<{ role: string; content: unknown; tool_call_id?: string }>;
    const at = messages.findIndex((message) => message.role === 'tool');
    const callId = messages[at]!.tool_call_id!;
    expect(messages[at]!.content).toContain(`[the image from the output of tool call ${callId} is in the user message that follows]`);
    expect(messages[at + 1]).toMatchObject({
      role: 'user',
      content: [{ type: 'text', text: `The image from the output of tool call ${callId}:` }, { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } }],
    });
  }, 180_000);

  it('runs a tool-calling turn translated to an Anthropic provider', async () => {
    e2e.fake.reset();
    const world = await newWorld({ provider: 'anthropic' });
    expect(readFileSync(join(world.codexHome, 'config.toml'), 'utf8')).toContain('web_search = "disabled"');
    e2e.fake.setMode({ kind: 'toolLoop', name: 'exec_command', arguments: { cmd: 'echo anthropic-marker' } });
    const run = await codex(world, 'Run echo anthropic-marker');
    expect(run.code, run.stderr.slice(-3000)).toBe(0);
    // The fake echoes the last user message, which Anthropic's alternation joins with Codex's environment context.
    expect(run.stdout).toMatch(/^Echo: [^]*Run echo anthropic-marker/m);
    const turns = e2e.fake.requests.filter((request) => request.path === '/v1/messages');
    expect(turns).toHaveLength(2);
    const result = turns[1]!.body.messages.at(-1).content.find((block: { type: string }) => block.type === 'tool_result');
    expect(JSON.stringify(result.content)).toContain('anthropic-marker');
    expect(await codexStats(world)).toMatchObject({ requests: 2, layers: { l3: 2 } });
  }, 180_000);

  it('passes the Responses API through to a provider that speaks it, built-in web search and all', async () => {
    e2e.fake.reset();
    const world = await newWorld({ responsesApi: true });
    // The provider can run built-in tools itself, so Codex keeps its web search.
    expect(readFileSync(join(world.codexHome, 'config.toml'), 'utf8')).not.toContain('web_search');
    e2e.fake.setMode({ kind: 'toolLoop', name: 'exec_command', arguments: { cmd: 'echo passthrough-marker' } });
    const prompt = 'Run echo passthrough-marker';
    const run = await codex(world, prompt);
    expect(run.code, run.stderr.slice(-3000)).toBe(0);
    expect(run.stdout).toContain(`Echo: ${prompt}`);
    const turns = e2e.fake.requests.filter((request) => request.path === '/v1/responses');
    expect(turns).toHaveLength(2);
    expect(e2e.fake.requests.filter((request) => request.path === '/v1/chat/completions')).toHaveLength(0);
    expect(turns[0]!.body.tools.some((tool: { type: string }) => tool.type === 'web_search')).toBe(true);
    expect(turns[1]!.body.input.at(-1)).toMatchObject({ type: 'function_call_output' });
    expect(turns[1]!.body.input.at(-1).output).toContain('passthrough-marker');
    expect(await codexStats(world)).toMatchObject({ requests: 2, layers: { l3: 2 } });
  }, 180_000);

  it('a resumed session goes on through trouble: repeated command output trimmed (L2.5, the run header kept), a 429, a 500 and a cut stream retried, the gateway restarted, the provider down and its fallback (Anthropic) answering', async () => {
    e2e.fake.reset();
    const world = await newWorld();
    const resumed = (prompt: string) => codex(world, prompt, 'resume', '--last');

    // Turn 1: the model runs the same command three times.
    e2e.fake.setMode({ kind: 'toolLoop', name: 'exec_command', arguments: { cmd: 'seq 1 400' }, rounds: 3 });
    const first = await codex(world, 'Count to 400 three times');
    expect(first.code, first.stderr.slice(-3000)).toBe(0);
    const turns = e2e.fake.requests.filter((request) => request.path === '/v1/chat/completions');
    expect(turns).toHaveLength(4);
    const outputs = turns[3]!.body.messages.filter((message: { role: string }) => message.role === 'tool').map((message: { content: string }) => message.content);
    expect(outputs).toHaveLength(3);
    const header = String.raw`Chunk ID: \S+\nWall time: [\d.]+ seconds\nProcess exited with code 0\nOriginal token count: \d+\nOutput:\n`;
    expect(outputs[0]).toMatch(new RegExp(`^${header}1\\n2\\n[^]*\\n399\\n400`));
    // Codex stamps each run with its own chunk id and wall time; the header stays, the repeated output becomes a reference.
    for (const output of outputs.slice(1)) expect(output).toMatch(new RegExp(`^${header}\\[tool call \\S+ printed exactly the same output as the previous exec_command call with the same arguments above \\(tool call \\S+\\)\\]$`));

    // Turns 2-4: a 429 (retry-after 1 s) and a 500 for the gateway's try and its retry, then a stream cut off: Codex asks again.
    e2e.fake.setMode({ kind: 'ok' });
    const faults: Array<[string, FakeMode, number]> = [
      ['And after the rate limit?', { kind: 'error', status: 429, retryAfter: 1 }, 2],
      ['And after the server error?', { kind: 'error', status: 500 }, 2],
      ['And after the cut?', { kind: 'drop', afterChunks: 3 }, 1],
    ];
    for (const [prompt, mode, times] of faults) {
      e2e.fake.setMode(mode, { times });
      const turn = await resumed(prompt);
      expect(turn.code, turn.stderr.slice(-3000)).toBe(0);
      expect(turn.stdout).toContain(`Echo: ${prompt}`);
    }

    // Turn 5: in between, the gateway was stopped, given a fallback provider (Anthropic) and started again; the provider is down for good.
    expect((await isartor(world, 'down')).code).toBe(0);
    const fallback = await e2e.fallbackTo(world, 'anthropic');
    expect((await isartor(world, 'up', '--detach')).code).toBe(0);
    e2e.fake.setMode({ kind: 'error', status: 500 });
    const fallbackBefore = fallback.requests.length;
    const fellBack = await resumed('And with the provider down?');
    e2e.fake.setMode({ kind: 'ok' });
    expect(fellBack.code, fellBack.stderr.slice(-3000)).toBe(0);
    expect(fellBack.stdout).toMatch(/Echo: [^]*And with the provider down\?/);
    const translated = fallback.requests.slice(fallbackBefore);
    expect(translated.map((request) => request.path)).toEqual(['/v1/messages']);
    expect(JSON.stringify(translated[0]!.body.messages)).toContain('And after the cut?');

    // No cache hit in this session: what it saved is what L2.5 trimmed.
    const stats = await codexStats(world);
    expect(stats?.layers.l1a ?? 0).toBe(0);
    expect(stats!.tokens.saved).toBeGreaterThan(300);
  }, 240_000);
});
