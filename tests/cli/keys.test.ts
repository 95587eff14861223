import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSON5 from 'json5';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { cleanupTempHomes, freePort, makeTempHome, runCli } from './run-cli.js';

let home: string;
let openclawDir: string;
let fake: FakeUpstream;
beforeEach(async () => {
  home = makeTempHome();
  openclawDir = mkdtempSync(join(tmpdir(), 'isartor-openclaw-state-'));
  fake = await startFakeUpstream({ apiKey: 'sk-up' });
});
afterEach(async () => {
  await cleanupTempHomes();
  await fake.close();
});

const master = 'gw-master-key-for-cli-1';
const cli = (...args: string[]) => runCli(args, { home, env: { OPENCLAW_STATE_DIR: openclawDir } });
const cliWithMaster = (...args: string[]) => runCli(args, { home, env: { OPENCLAW_STATE_DIR: openclawDir, ISARTOR_GATEWAY_API_KEY: master } });

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; ) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('isartor keys', () => {
  it('creates (printed once), lists, shows and deletes keys on the state dir, with and without --json', async () => {
    const created = await cli('keys', 'create', '--alias', 'openclaw', '--budget', '50', '--models', 'a,b', '--duration', '30d', '--budget-duration', '7d');
    expect(created.code).toBe(0);
    const key = /sk-isr-[A-Za-z0-9_-]{43}/.exec(created.stdout)?.[0];
    expect(key).toBeDefined();
    expect(created.stdout).toContain('shown only this once');
    // No gateway key configured: the CLI says enforcement needs one.
    expect(created.stderr).toContain('--gateway-api-key');
    expect(readFileSync(join(home, 'keys', 'keys.json'), 'utf8')).not.toContain(key);

    const json = JSON.parse((await cliWithMaster('keys', 'create', '--alias', 'ci', '--json')).stdout);
    expect(json).toMatchObject({ key: expect.stringMatching(/^sk-isr-/), key_alias: 'ci', max_budget: null, models: [], expires: null });

    const list = await cli('keys', 'list');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^alias\s+key\s+spend\s+budget\s+resets\s+models\s+expires/m);
    expect(list.stdout).toMatch(/^openclaw\s+sk-i…\S{4}\s+\$0\s+\$50\.00\s+\S+ \S+\s+a, b\s+\S+ \S+/m);
    expect(list.stdout).toMatch(/^ci\s.*\sall\s+never$/m);
    expect(list.stdout).not.toContain(key);
    const listJson = JSON.parse((await cli('keys', 'list', '--json')).stdout);
    expect(listJson.keys.map((k: { key_alias: string }) => k.key_alias)).toEqual(['openclaw', 'ci']);
    expect(JSON.stringify(listJson)).not.toContain(key);

    const info = JSON.parse((await cli('keys', 'info', 'openclaw', '--json')).stdout);
    expect(info.info).toMatchObject({ key_alias: 'openclaw', max_budget: 50, models: ['a', 'b'], budget_duration: '7d', spend: 0 });
    expect((await cli('keys', 'info', 'openclaw')).stdout).toMatch(/spend\s+\$0 of \$50\.00/);

    const duplicate = await cli('keys', 'create', '--alias', 'openclaw');
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('already exists');
    expect((await cli('keys', 'create', '--alias', 'x', '--budget-duration', 'monthly')).code).not.toBe(0);

    const updated = JSON.parse((await cli('keys', 'update', 'openclaw', '--budget', '75', '--models', 'c', '--json')).stdout);
    expect(updated.info).toMatchObject({ key_alias: 'openclaw', max_budget: 75, models: ['c'], budget_duration: '7d' });
    expect(JSON.parse((await cli('keys', 'update', 'openclaw', '--no-budget', '--all-models', '--json')).stdout).info).toMatchObject({ max_budget: null, models: [] });
    expect((await cli('keys', 'update', 'openclaw')).stderr).toContain('Nothing to change');

    expect(JSON.parse((await cli('keys', 'delete', 'ci', '--json')).stdout).deleted_key_aliases).toEqual(['ci']);
    expect((await cli('keys', 'delete', 'openclaw')).stdout).toContain('Deleted');
    const missing = await cli('keys', 'info', 'openclaw');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('isartor keys list');
  });

  it('works with `connect openclaw --gateway-api-key` on a running gateway: charged, reported by key, deleted live', async () => {
    await cli('set-key', '-p', 'openai-compatible', '--base-url', fake.openaiBaseUrl, '--key', 'sk-up', '--model', 'fake-model');
    await cli('pricing', 'set', 'fake-model', '--input', '1000', '--output', '2000');
    const port = await freePort();
    expect((await cliWithMaster('up', '--detach', '--port', String(port))).code).toBe(0);
    // Created while the gateway runs: no restart.
    const { key } = JSON.parse((await cliWithMaster('keys', 'create', '--alias', 'openclaw', '--budget', '5', '--models', 'fake-model', '--json')).stdout) as { key: string };

    writeFileSync(join(openclawDir, 'openclaw.json'), '{}\n');
    expect((await cli('connect', 'openclaw', '--yes', '--gateway-api-key', key)).code).toBe(0);
    const provider = JSON5.parse(readFileSync(join(openclawDir, 'openclaw.json'), 'utf8')).models.providers.isartor;
    expect(provider.apiKey).toBe(key);
    const ask = (model: string) =>
      fetch(`${provider.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${provider.apiKey}`, ...provider.headers },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi from openclaw' }] }),
      });
    expect((await ask('fake-model')).status).toBe(200);
    expect((await ask('fake-model-large')).status).toBe(403);

    const spend = await until(async () => {
      const info = JSON.parse((await cli('keys', 'info', 'openclaw', '--json')).stdout) as { info: { spend: number } };
      return info.info.spend > 0 ? info.info.spend : undefined;
    }, 'the spend to reach the ledger');
    expect(spend).toBeGreaterThan(0);

    expect((await cli('keys', 'delete', 'openclaw')).code).toBe(0);
    await until(async () => ((await ask('fake-model')).status === 401 ? true : undefined), 'the running gateway to refuse the deleted key');
    expect((await cli('down')).code).toBe(0);

    const stats = JSON.parse((await cli('stats', '--by-key', '--json')).stdout) as { keys: Array<{ keyAlias: string | null; requests: number }> };
    expect(stats.keys.find((k) => k.keyAlias === 'openclaw')?.requests).toBe(2);
    expect((await cli('stats', '--by-key')).stdout).toMatch(/^openclaw\s+2\s/m);
  });
});
