// The gateway's address is a setting: a port chosen once stays, for restarts and for connected clients.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanupTempHomes, freePort, makeTempHome, readPidFile, runCli } from './run-cli.js';

let home: string;
let openclawDir: string;
beforeEach(async () => {
  home = makeTempHome();
  openclawDir = mkdtempSync(join(tmpdir(), 'isartor-openclaw-state-'));
  expect((await cli('set-key', '-p', 'groq', '--key', 'gsk_abcdefghijklmnop1234')).code).toBe(0);
});
afterEach(async () => {
  await cli('down');
  await cleanupTempHomes();
});

const cli = (...args: string[]) => runCli(args, { home, env: { OPENCLAW_STATE_DIR: openclawDir } });
const savedConfig = () => JSON.parse(readFileSync(join(home, 'config.json'), 'utf8')) as { gateway?: { port?: number } };

describe('the gateway address', () => {
  it('up --port saves the port (and says so); after down, a plain up listens there again', async () => {
    const port = await freePort();
    const first = await cli('up', '--detach', '--port', String(port));
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`saved port ${port} to config`);
    expect(savedConfig().gateway?.port).toBe(port);
    expect((await cli('down')).code).toBe(0);

    const second = await cli('up', '--detach');
    expect(second.code, second.stderr).toBe(0);
    expect(readPidFile(home)?.port).toBe(port);
    expect(second.stdout).not.toContain('saved port');
  }, 90_000);

  it('the restart advice after a settings change keeps a port the config does not name', async () => {
    const port = await freePort();
    expect((await cli('up', '--detach', '--port', String(port))).code).toBe(0);
    // As if the gateway had been started before ports were saved.
    const config = savedConfig() as { gateway: { port: number } };
    config.gateway.port = 8080;
    writeFileSync(join(home, 'config.json'), JSON.stringify(config));
    const result = await cli('alias', 'fast', 'groq/llama-3.1-8b-instant');
    expect(result.stdout).toContain(`restart it with \`isartor down && isartor up --detach --port ${port}\``);
  }, 90_000);

  it('connect status reports a connected client whose gateway is down, and what to do', async () => {
    const port = await freePort();
    expect((await cli('up', '--detach', '--port', String(port))).code).toBe(0);
    writeFileSync(join(openclawDir, 'openclaw.json'), '{\n  agents: { defaults: {} },\n}\n');
    expect((await cli('connect', 'openclaw', '--yes')).code).toBe(0);
    const up = await cli('connect', 'status');
    expect(up.stdout).toContain(`connected to http://127.0.0.1:${port}/v1`);
    expect(up.stdout).toContain(`gateway answering at http://127.0.0.1:${port}`);

    expect((await cli('down')).code).toBe(0);
    const down = await cli('connect', 'status');
    expect(down.stdout).toContain(`no gateway answers at http://127.0.0.1:${port}`);
    expect(down.stdout).toContain('Start it with isartor up --detach');
    const json = JSON.parse((await cli('connect', 'status', '--json')).stdout) as { clients: Array<{ gateway: unknown }> };
    expect(json.clients[0]?.gateway).toEqual({ url: `http://127.0.0.1:${port}`, answering: false });

    // Pointed elsewhere than where `isartor up` listens: both ways out are named.
    writeFileSync(join(openclawDir, 'openclaw.json'), readFileSync(join(openclawDir, 'openclaw.json'), 'utf8').replace(`:${port}/v1`, ':9/v1'));
    const elsewhere = await cli('connect', 'status');
    expect(elsewhere.stdout).toContain('isartor up --detach --port 9');
    expect(elsewhere.stdout).toContain(`point openclaw at http://127.0.0.1:${port}`);
  }, 90_000);

  it('up on another port names each client still pointed at the old address and the command that fixes it; on the same one it says nothing', async () => {
    const [first, second] = [await freePort(), await freePort()];
    expect((await cli('up', '--detach', '--port', String(first))).code).toBe(0);
    for (const client of ['openclaw', 'codex', 'claude-code']) expect((await cli('connect', client, '--yes')).code).toBe(0);
    expect((await cli('down')).code).toBe(0);
    const same = await cli('up', '--detach');
    expect(same.code, same.stderr).toBe(0);
    expect(same.stderr).not.toContain('still sends');
    expect((await cli('down')).code).toBe(0);

    const moved = await cli('up', '--detach', '--port', String(second));
    expect(moved.code, moved.stderr).toBe(0);
    for (const [name, id, old] of <Array<[string, string, string]>>[['OpenClaw', 'openclaw', `http://127.0.0.1:${first}/v1`], ['Codex CLI', 'codex', `http://127.0.0.1:${first}/v1`], ['Claude Code', 'claude-code', `http://127.0.0.1:${first}`]]) {
      expect(moved.stderr).toMatch(new RegExp(`${name} still sends its requests to ${old.replace(/[.]/g, '\\.')} \\(.*\\), not to this gateway: run \`.*connect ${id}\` to point it here`));
    }
    // Reconnected, OpenClaw is quiet; the two others are still named.
    expect((await cli('connect', 'openclaw', '--yes')).code).toBe(0);
    expect((await cli('down')).code).toBe(0);
    const again = await cli('up', '--detach');
    expect(again.stderr).not.toContain('OpenClaw still sends');
    expect(again.stderr).toContain('Codex CLI still sends');
  }, 120_000);
});
