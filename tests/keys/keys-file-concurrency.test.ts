// keys.json has writers in several processes: every `isartor keys` command and the gateway's /key/*.
// These run them at once (and kill them mid-way) and check that no key a writer reported is lost and the
// file is always whole. Needs the built CLI (npm run build).
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createGateway, startGateway, type RunningGateway } from '../../source/gateway/server.js';
import { hashVirtualKey } from '../../source/keys/virtual-key.js';
import { VirtualKeys } from '../../source/keys/virtual-keys.js';
import { buildRoutingTable } from '../../source/routing/routing-table.js';
import { configDefaults } from '../../source/store/config.js';
import { cleanupTempHomes, makeTempHome, runCli, spawnCli } from '../cli/run-cli.js';

const master = 'master-key-for-concurrency-1';
let running: RunningGateway | undefined;
let keys: VirtualKeys | undefined;
afterEach(async () => {
  await running?.stop(100);
  keys?.close();
  running = undefined;
  keys = undefined;
  await cleanupTempHomes();
});

function storedHashes(home: string): Set<string> {
  const file = JSON.parse(readFileSync(join(home, 'keys', 'keys.json'), 'utf8')) as { keys: Array<{ tokenHash: string }> };
  return new Set(file.keys.map((key) => key.tokenHash));
}

async function gatewayOn(home: string): Promise<string> {
  keys = VirtualKeys.open(home);
  const routing = buildRoutingTable({
    ...configDefaults,
    provider: 'openai-compatible',
    providers: { 'openai-compatible': { baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-unused', model: 'fake-model' } },
  });
  const gateway = await createGateway({ routing, gatewayApiKey: master, bodyLimitBytes: 1 << 20, exactCache: { ...configDefaults.cache.exact, enabled: false }, virtualKeys: keys });
  running = await startGateway(gateway, { host: '127.0.0.1', port: 0 });
  return running.url;
}

describe('keys.json across processes', () => {
  it('parallel `isartor keys create` processes and /key/generate requests lose no key', async () => {
    const home = makeTempHome();
    const url = await gatewayOn(home);
    const cliWriters = Array.from({ length: 10 }, (_, i) => runCli(['keys', 'create', '--alias', `cli-${i}`, '--json'], { home, timeoutMs: 60_000 }));
    const httpWriters = Array.from({ length: 40 }, async (_, i) => {
      const response = await fetch(`${url}/key/generate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${master}`, 'content-type': 'application/json' },
        body: JSON.stringify({ key_alias: `http-${i}` }),
      });
      expect(response.status).toBe(200);
      return ((await response.json()) as { key: string }).key;
    });
    const fromCli = (await Promise.all(cliWriters)).map((result) => {
      expect(result.code, result.stderr).toBe(0);
      return (JSON.parse(result.stdout) as { key: string }).key;
    });
    const fromHttp = await Promise.all(httpWriters);
    const stored = storedHashes(home);
    const printed = [...fromCli, ...fromHttp];
    expect(printed).toHaveLength(50);
    const lost = printed.filter((key) => !stored.has(hashVirtualKey(key)));
    expect(lost).toEqual([]);
    expect(stored.size).toBe(50);
  }, 120_000);

  it('a lock left by a writer killed while holding it is taken over, not waited on forever', async () => {
    const home = makeTempHome();
    mkdirSync(join(home, 'keys'), { recursive: true, mode: 0o700 });
    // What proper-lockfile leaves behind when its process dies holding the lock: the lock directory.
    mkdirSync(join(home, 'keys', 'keys.json.lock'));
    const created = await runCli(['keys', 'create', '--alias', 'after-a-crash', '--json'], { home, timeoutMs: 60_000 });
    expect(created.code, created.stderr).toBe(0);
    expect(storedHashes(home).has(hashVirtualKey((JSON.parse(created.stdout) as { key: string }).key))).toBe(true);
  }, 90_000);

  it('kill -9 of writers at random moments never tears keys.json and never loses a key that was printed', async () => {
    const home = makeTempHome();
    const printed: string[] = [];
    for (let round = 0; round < 6; round += 1) {
      // Two writers at once; one is killed at a random moment, the other finishes.
      const victim = spawnCli(['keys', 'create', '--alias', `victim-${round}`, '--json'], { home });
      // Listened for from the start: on a quiet machine the victim may finish before it is killed.
      const victimClosed = new Promise((resolve) => victim.once('close', resolve));
      let victimOut = '';
      victim.stdout?.setEncoding('utf8').on('data', (chunk: string) => (victimOut += chunk));
      const survivor = runCli(['keys', 'create', '--alias', `survivor-${round}`, '--json'], { home, timeoutMs: 60_000 });
      await sleep(200 + Math.floor(Math.random() * 1200));
      victim.kill('SIGKILL');
      await victimClosed;
      const done = await survivor;
      expect(done.code, done.stderr).toBe(0);
      printed.push((JSON.parse(done.stdout) as { key: string }).key);
      // A victim that got as far as printing its key must have saved it.
      const victimKey = /"key": "(sk-isr-[^"]+)"/.exec(victimOut)?.[1];
      if (victimKey) printed.push(victimKey);
      // Whole after every round: JSON.parse throws on a torn file.
      const stored = storedHashes(home);
      for (const key of printed) expect(stored.has(hashVirtualKey(key))).toBe(true);
    }
  }, 300_000);
});
