// State files damaged before a start (a crash mid-write, a hand edit) and a config broken while the
// gateway runs: a clear message that says what to do, never keys silently dropped; torn lines cost only
// themselves; a running gateway keeps its last good settings and says so once.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { chat, cleanupTempHomes, cliPath, freePort, httpRequest, makeTempHome, runCli, spawnCli, waitForOutput } from './run-cli.js';

const upstreamKey = 'sk-upstream-key-for-damaged-state';
let fake: FakeUpstream;
let home: string;
let port: number;

beforeEach(async () => {
  fake = await startFakeUpstream({ apiKey: upstreamKey });
  home = makeTempHome();
  port = await freePort();
  const setKey = await runCli(['set-key', '-p', 'openai-compatible', '--base-url', fake.openaiBaseUrl, '--key', upstreamKey, '--model', 'fake-model'], { home });
  expect(setKey.code, setKey.stderr).toBe(0);
});
const spawned: ChildProcess[] = [];
afterEach(async () => {
  for (const child of spawned.splice(0)) child.kill('SIGKILL');
  await cleanupTempHomes();
  await fake.close();
});

describe('damaged state at start', () => {
  it('a keys file that is not JSON: `up` refuses to start, naming the file and what to do, and leaves it as it was', async () => {
    mkdirSync(join(home, 'keys'), { recursive: true });
    const garbage = '{"version":1,"keys":[{"id":"k1","tokenHash":"ab';
    writeFileSync(join(home, 'keys', 'keys.json'), garbage, { mode: 0o600 });
    const up = await runCli(['up', '--port', String(port)], { home });
    expect(up.code).not.toBe(0);
    expect(up.stderr).toContain(join(home, 'keys', 'keys.json'));
    expect(up.stderr).toMatch(/cannot be read/);
    expect(up.stderr).toMatch(/Fix it by hand, or move it away/);
    expect(up.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(readFileSync(join(home, 'keys', 'keys.json'), 'utf8')).toBe(garbage);
  });

  it('a request log and a cache file cut mid-line: `up` starts, the torn lines are skipped, and what follows them is kept', async () => {
    mkdirSync(join(home, 'stats'), { recursive: true });
    mkdirSync(join(home, 'cache'), { recursive: true });
    writeFileSync(join(home, 'stats', 'requests.jsonl'), '{"time":"2026-11-21T20:00:00.000Z","layer":"l3","client":"before"}\n{"time":"2026-11-21T2');
    writeFileSync(join(home, 'cache', 'l1a.jsonl'), '{"k":"torn","s":1,"e":99999999999999,"c":{"id":"chat');
    const child = spawnCli(['up', '--port', String(port)], { home });
    await waitForOutput(child, 'listening on');
    expect((await chat(`http://127.0.0.1:${port}`, 'after the crash')).status).toBe(200);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    const lines = readFileSync(join(home, 'stats', 'requests.jsonl'), 'utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[2]!)).toMatchObject({ layer: 'l3', status: 200 });
    const stats = await runCli(['stats', '--json'], { home });
    expect(stats.code, stats.stderr).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject({ total: { requests: 2 }, skippedLines: 1 });
  });
});

describe('config broken while the gateway runs', () => {
  it('it keeps serving with the settings it had, and says so once', async () => {
    const child = spawnCli(['up', '--port', String(port)], { home });
    let output = '';
    child.stdout?.on('data', (data: Buffer) => (output += data.toString('utf8')));
    child.stderr?.on('data', (data: Buffer) => (output += data.toString('utf8')));
    await waitForOutput(child, 'listening on');
    const url = `http://127.0.0.1:${port}`;
    expect((await chat(url, 'before the edit')).status).toBe(200);
    writeFileSync(join(home, 'config.json'), '{ "provider": "openai-compatible", ', { mode: 0o600 });
    // The config is looked at again at most once a second, when a request is recorded: ask until it was.
    let asked = 0;
    while (!output.includes('Keeping the settings loaded before')) {
      const answer = await chat(url, `during the broken config ${(asked += 1)}`);
      expect(answer.status).toBe(200);
      expect(asked).toBeLessThan(500);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // More requests, over more than one recheck: still answered, and no second warning.
    const until = asked + 15;
    while (asked < until) {
      expect((await chat(url, `still broken ${(asked += 1)}`)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(output.split('Keeping the settings loaded before')).toHaveLength(2);
    expect(output).toContain(join(home, 'config.json'));
  }, 60_000);
});

describe.runIf(existsSync('/dev/full'))('a log that cannot be written (the disk under a detached gateway\'s log is full)', () => {
  it('the gateway keeps answering: its failing log writes are dropped, never a loop of errors reporting errors', async () => {
    // stdout and stderr on /dev/full: every write fails with ENOSPC, as on a full disk.
    const full = openSync('/dev/full', 'w');
    const child = spawn(process.execPath, [cliPath, 'up', '--port', String(port)], {
      env: { ...process.env, ISARTOR_HOME: home, CI: 'true', NO_COLOR: '1', CLAUDE_CONFIG_DIR: join(home, 'claude-config'), CODEX_HOME: join(home, 'codex-home') },
      stdio: ['ignore', full, full],
    });
    closeSync(full);
    spawned.push(child);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const url = `http://127.0.0.1:${port}`;
      for (let tries = 0; ; tries++) {
        const health = await httpRequest(`${url}/health`).catch(() => undefined);
        if (health?.status === 200) break;
        expect(child.exitCode).toBeNull();
        expect(tries).toBeLessThan(400);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      for (let i = 0; i < 5; i++) expect((await chat(url, `logged nowhere ${i}`)).status).toBe(200);
      expect((await httpRequest(`${url}/health`)).status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});
