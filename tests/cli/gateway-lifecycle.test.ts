import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { chat, cleanupTempHomes, freePort, httpRequest, makeTempHome, readPidFile, runCli, spawnCli, waitForOutput } from './run-cli.js';

const upstreamKey = 'sk-upstream-key-for-gateway-tests';
let fake: FakeUpstream;
let home: string;
let port: number;
let url: string;
const occupied: Server[] = [];

beforeEach(async () => {
  fake = await startFakeUpstream({ apiKey: upstreamKey });
  home = makeTempHome();
  port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const setKey = await cli('set-key', '-p', 'openai-compatible', '--base-url', fake.openaiBaseUrl, '--key', upstreamKey, '--model', 'fake-model');
  expect(setKey.code, setKey.stderr).toBe(0);
});
afterEach(async () => {
  await cleanupTempHomes(); // stops any gateway a failed test left behind
  await Promise.all(occupied.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  await fake.close();
});

const cli = (...args: string[]) => runCli(args, { home });
const chatRequestsUpstream = () => fake.requests.filter((r) => r.path === '/v1/chat/completions').length;

async function occupyPort(): Promise<void> {
  const server = createServer();
  occupied.push(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
}

describe('the new-user flow: set-key, up --detach, status, requests, down', () => {
  it('serves, caches, refuses a second gateway, stops, and keeps the cache across restarts', { timeout: 60_000 }, async () => {
    const up = await cli('up', '--detach', '--port', String(port));
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain(url);
    expect(existsSync(join(home, 'gateway.pid.json'))).toBe(true);
    expect(existsSync(join(home, 'logs', 'gateway.log'))).toBe(true);
    const pid = readPidFile(home)?.pid;

    const status = await cli('status', '--json');
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ running: true, pid, url, provider: 'openai-compatible', model: 'fake-model' });

    const first = await chat(url, 'hello gateway');
    expect(first.status, first.body).toBe(200);
    expect(first.headers['x-isartor-layer']).toBe('l3');
    expect(JSON.parse(first.body).choices[0].message.content).toBe('Echo: hello gateway');
    const second = await chat(url, 'hello gateway');
    expect(second.status).toBe(200);
    expect(second.headers['x-isartor-layer']).toBe('l1a');
    expect(second.headers['x-isartor-cache']).toBe('hit');
    expect(JSON.parse(second.body).choices[0].message.content).toBe('Echo: hello gateway');
    expect(chatRequestsUpstream()).toBe(1);

    // The same gateway asked for again: nothing to do, and not a failure.
    const again = await cli('up', '--detach', '--port', String(port));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`already runs with these settings at ${url} (pid ${pid}); nothing to do`);
    // Other settings: refused, saying what differs.
    const other = await cli('up', '--detach', '--port', String(port + 1));
    expect(other.code).not.toBe(0);
    expect(other.stderr).toContain(`port ${port} (asked: ${port + 1})`);
    const foreground = await cli('up', '--port', String(port));
    expect(foreground.code).not.toBe(0);
    expect(foreground.stderr).toContain('already runs');

    const down = await cli('down');
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toContain('Stopped');
    expect(existsSync(join(home, 'gateway.pid.json'))).toBe(false);
    const stopped = await cli('status');
    expect(stopped.code).toBe(1);
    expect(stopped.stdout).toMatch(/not running|No isartor gateway is running/);

    const restarted = await cli('up', '--detach', '--port', String(port));
    expect(restarted.code, restarted.stderr).toBe(0);
    const afterRestart = await chat(url, 'hello gateway');
    expect(afterRestart.status).toBe(200);
    expect(afterRestart.headers['x-isartor-layer']).toBe('l1a');
    expect(afterRestart.headers['x-isartor-cache']).toBe('hit');
    expect(chatRequestsUpstream()).toBe(1);
    expect((await cli('down')).code).toBe(0);
  });

  it('treats a pid file whose process is gone as stale', async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    const stale = { pid: gone, url, host: '127.0.0.1', port, startedAt: new Date().toISOString(), provider: 'openai-compatible', model: 'fake-model', version: '0.0.0', authRequired: false };
    writeFileSync(join(home, 'gateway.pid.json'), JSON.stringify(stale));
    const status = await cli('status', '--json');
    expect(status.code).toBe(1);
    expect(JSON.parse(status.stdout)).toMatchObject({ running: false });
    expect(existsSync(join(home, 'gateway.pid.json'))).toBe(false);
    const up = await cli('up', '--detach', '--port', String(port));
    expect(up.code, up.stderr).toBe(0);
    expect((await cli('down')).code).toBe(0);
  });

  it('down with no gateway running says so and succeeds', async () => {
    const down = await cli('down');
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('No isartor gateway is running');
  });
});

describe('a port that is already in use', () => {
  it('up --detach exits non-zero and says the port is in use', async () => {
    await occupyPort();
    const up = await cli('up', '--detach', '--port', String(port));
    expect(up.code).not.toBe(0);
    expect(up.stderr).toContain(`Port ${port}`);
    expect(up.stderr).toContain('already in use');
    expect(existsSync(join(home, 'gateway.pid.json'))).toBe(false);
  });

  it('foreground up exits non-zero and says the port is in use', async () => {
    await occupyPort();
    const up = await cli('up', '--port', String(port));
    expect(up.code).not.toBe(0);
    expect(up.stderr).toContain(`Port ${port}`);
    expect(up.stderr).toContain('already in use');
  });
});

describe('graceful stop', () => {
  it('lets a request in flight finish before down returns', async () => {
    expect((await cli('up', '--detach', '--port', String(port))).code).toBe(0);
    fake.setMode({ kind: 'slow', delayMs: 1500 });
    const inFlight = chat(url, 'a slow question');
    // Wait until the gateway has forwarded it, so it is truly in flight when down runs.
    for (const deadline = Date.now() + 20_000; chatRequestsUpstream() === 0 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(chatRequestsUpstream()).toBe(1);
    const down = await cli('down');
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).choices[0].message.content).toBe('Echo: a slow question');
    expect(down.code, down.stderr).toBe(0);
    expect(fake.abortedByClient).toBe(0);
    expect(readPidFile(home)).toBeUndefined();
  });
});

describe('up --gateway-api-key', () => {
  const gatewayKey = 'isartor-gateway-secret-K2-7f3a';

  it('requires the key on every route but /health and never exposes it', async () => {
    const up = await cli('up', '--detach', '--port', String(port), '--gateway-api-key', gatewayKey);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).not.toContain(gatewayKey);

    const withoutKey = await chat(url, 'hi');
    expect(withoutKey.status).toBe(401);
    const wrongKey = await chat(url, 'hi', { authorization: 'Bearer not-the-key' });
    expect(wrongKey.status).toBe(401);
    const withKey = await chat(url, 'hi', { authorization: `Bearer ${gatewayKey}` });
    expect(withKey.status, withKey.body).toBe(200);
    const health = await httpRequest(`${url}/health`);
    expect(health.status).toBe(200);
    expect(chatRequestsUpstream()).toBe(1);

    const record = readPidFile(home);
    expect(record).toBeDefined();
    const commandLine = readFileSync(`/proc/${record!.pid}/cmdline`, 'utf8');
    expect(commandLine).toContain('up');
    expect(commandLine).not.toContain(gatewayKey);
    expect(readFileSync(join(home, 'gateway.pid.json'), 'utf8')).not.toContain(gatewayKey);
    const status = await cli('status', '--json');
    expect(JSON.parse(status.stdout)).toMatchObject({ running: true, authRequired: true });
    expect(status.stdout).not.toContain(gatewayKey);

    expect((await cli('down')).code).toBe(0);
    const log = readFileSync(join(home, 'logs', 'gateway.log'), 'utf8');
    expect(log).toContain('POST /v1/chat/completions');
    expect(log).not.toContain(gatewayKey);
    expect(log).not.toContain(upstreamKey);
  });
});

describe('foreground up', () => {
  it('logs each request to stdout and exits 0 on SIGTERM', async () => {
    const child = spawnCli(['up', '--port', String(port)], { home });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const banner = await waitForOutput(child, 'listening');
    expect(banner).toContain(url);
    expect(readPidFile(home)?.pid).toBe(child.pid);

    const logLine = waitForOutput(child, /POST \/v1\/chat\/completions l3/);
    const answer = await chat(url, 'foreground hello');
    expect(answer.status).toBe(200);
    const output = await logLine;
    const line = output.split('\n').find((l) => l.includes('POST /v1/chat/completions'));
    expect(line).toMatch(/\b200 POST \/v1\/chat\/completions l3 miss\b/);
    expect(line).not.toContain('foreground hello');

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(readPidFile(home)).toBeUndefined();
  });
});

describe('SIGHUP', () => {
  it('foreground: the terminal closed, so the gateway stops gracefully (exit 0, pid file removed)', async () => {
    const child = spawnCli(['up', '--port', String(port)], { home });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await waitForOutput(child, 'listening');
    child.kill('SIGHUP');
    expect(await exited).toBe(0);
    expect(readPidFile(home)).toBeUndefined();
  });

  it('detached: in a session of its own (no terminal to lose), and a SIGHUP is logged and ignored', { timeout: 60_000 }, async () => {
    const up = await cli('up', '--detach', '--port', String(port));
    expect(up.code, up.stderr).toBe(0);
    const pid = readPidFile(home)!.pid;
    if (existsSync(`/proc/${pid}/stat`)) {
      // Field 6 of /proc/<pid>/stat is the session id: a session leader has its own pid there.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
      expect(Number(fields[3])).toBe(pid);
    }
    process.kill(pid, 'SIGHUP');
    const log = join(home, 'logs', 'gateway.log');
    for (let i = 0; i < 200 && !readFileSync(log, 'utf8').includes('SIGHUP ignored'); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(readFileSync(log, 'utf8')).toContain('SIGHUP ignored');
    const answer = await chat(url, 'after a hangup');
    expect(answer.status).toBe(200);
    expect(readPidFile(home)?.pid).toBe(pid);
    const down = await cli('down');
    expect(down.code, down.stderr).toBe(0);
  });
});

describe('the log of a gateway without a terminal', () => {
  it('up --detach: the gateway rotates a full gateway.log itself and keeps every line of this run', { timeout: 60_000 }, async () => {
    // A log left from weeks of requests, past the 16 MB rotation threshold.
    const logs = join(home, 'logs');
    mkdirSync(logs, { recursive: true });
    const log = join(logs, 'gateway.log');
    writeFileSync(log, `${'old request line\n'.repeat(1024 * 1024)}`, { mode: 0o600 });
    const up = await cli('up', '--detach', '--port', String(port));
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain('rotated past 16 MB');
    expect((await chat(url, 'after the rotation')).status).toBe(200);
    expect((await cli('down')).code).toBe(0);
    expect(statSync(join(logs, 'gateway.1.log')).size).toBe(16 * 1024 * 1024 + 1024 * 1024);
    const fresh = readFileSync(log, 'utf8');
    expect(fresh).not.toContain('old request line');
    expect(fresh).toContain('listening on');
    expect(fresh).toMatch(/\b200 POST \/v1\/chat\/completions l3 miss\b/);
    expect(fresh).toContain('stopped.');
    expect(statSync(log).mode & 0o777).toBe(0o600);
  });

  it('foreground up --log-file: lines go to the file, not stdout, and a SIGTERM stop writes the last of them', { timeout: 60_000 }, async () => {
    const log = join(home, 'elsewhere', 'gateway.log');
    const child = spawnCli(['up', '--port', String(port), '--log-file', log], { home });
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    for (let i = 0; i < 300 && !readPidFile(home); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(readPidFile(home)?.pid).toBe(child.pid);
    expect((await chat(url, 'into the file')).status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toBe('');
    const written = readFileSync(log, 'utf8');
    expect(written).toMatch(/\b200 POST \/v1\/chat\/completions l3 miss\b/);
    expect(written).toContain('stopped.');
  });

  it('foreground up --log-file that cannot start says why on stderr, where its starter looks', async () => {
    await occupyPort();
    const up = await cli('up', '--port', String(port), '--log-file', join(home, 'logs', 'gateway.log'));
    expect(up.code).not.toBe(0);
    expect(up.stderr).toContain('already in use');
  });
});
