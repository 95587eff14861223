// `isartor up --gateway-api-key K` keeps K out of the config, so a plain `isartor connect <tool>` has no
// key to give the tool and wrote the placeholder: every request of the tool then failed with 401, and
// nothing said why. connect now asks the running gateway whether it takes the key the tool will send.
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempHomes, freePort, makeTempHome, runCli } from './run-cli.js';

const gatewayKey = 'gw-started-with-0123456789';
const tools = [
  { id: 'claude-code', name: 'Claude Code' },
  { id: 'codex', name: 'Codex' },
  { id: 'openclaw', name: 'OpenClaw' },
] as const;

interface World {
  home: string;
  env: Record<string, string>;
}

function newWorld(): World {
  const home = makeTempHome();
  const userHome = join(home, 'user-home');
  mkdirSync(userHome, { recursive: true });
  const env = { HOME: userHome, CLAUDE_CONFIG_DIR: '', CODEX_HOME: join(home, 'codex-home'), OPENCLAW_STATE_DIR: mkdtempSync(join(tmpdir(), 'isartor-openclaw-state-')) };
  mkdirSync(env.CODEX_HOME, { recursive: true });
  return { home, env };
}

const cli = (world: World, ...args: string[]) => runCli(args, { home: world.home, env: world.env });

async function gatewayUp(world: World, ...args: string[]): Promise<void> {
  expect((await cli(world, 'set-key', '-p', 'groq', '--key', 'gsk_abcdefghijklmnop1234')).code).toBe(0);
  const up = await cli(world, 'up', '--detach', '--port', String(await freePort()), ...args);
  expect(up.code, up.stderr).toBe(0);
}

const keyed = newWorld();
const open = newWorld();
beforeAll(async () => {
  await gatewayUp(keyed, '--gateway-api-key', gatewayKey);
  await gatewayUp(open);
});
afterAll(async () => {
  await cli(keyed, 'down');
  await cli(open, 'down');
  await cleanupTempHomes();
});

describe.each(tools)('isartor connect $id against a running gateway', ({ id, name }) => {
  it('started with --gateway-api-key, connecting without a key warns that the tool will get 401s and says how to fix it', async () => {
    const result = await cli(keyed, 'connect', id, '--yes');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`requires a key, and isartor has none to give ${name}`);
    expect(result.stderr).toContain(`connect ${id} --gateway-api-key <key>`);
  });

  it('a key the gateway refuses is named masked; the right key and an open gateway get no warning', async () => {
    const wrong = await cli(keyed, 'connect', id, '--yes', '--gateway-api-key', 'not-the-gateway-key-4321');
    expect(wrong.stderr).toContain(`does not accept the key ${name} is given (not-…4321)`);
    expect(wrong.stderr + wrong.stdout).not.toContain('not-the-gateway-key-4321');
    const right = await cli(keyed, 'connect', id, '--yes', '--gateway-api-key', gatewayKey);
    expect(right.code, right.stderr).toBe(0);
    expect(right.stderr).not.toContain('401');
    const plain = await cli(open, 'connect', id, '--yes');
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).not.toContain('401');
  });
});

it("the gateway's 401 says how a connected tool gets the key", async () => {
  const record = JSON.parse(readFileSync(join(keyed.home, 'gateway.pid.json'), 'utf8')) as { url: string };
  const response = await fetch(`${record.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': 'isartor-local', 'content-type': 'application/json' }, body: '{}' });
  expect(response.status).toBe(401);
  expect(JSON.stringify(await response.json())).toContain('--gateway-api-key <key>');
});
