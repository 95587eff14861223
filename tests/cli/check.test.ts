import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { cleanupTempHomes, makeTempHome, runCli } from './run-cli.js';

const upstreamKey = 'sk-upstream-secret-key-9876';
let fake: FakeUpstream;
let home: string;

beforeEach(async () => {
  fake = await startFakeUpstream({ apiKey: upstreamKey });
  home = makeTempHome();
});
afterEach(async () => {
  await cleanupTempHomes();
  await fake.close();
});

async function configure(key: string, model = 'fake-model'): Promise<void> {
  const { code, stderr } = await runCli(['set-key', '-p', 'openai-compatible', '--base-url', fake.openaiBaseUrl, '--key', key, '--model', model], { home });
  expect(code, stderr).toBe(0);
}

describe('isartor check', () => {
  it('without a configured provider fails with a hint to run isartor set-key', async () => {
    const { code, stderr } = await runCli(['check'], { home });
    expect(code).not.toBe(0);
    expect(stderr).toContain('No provider is configured');
    expect(stderr).toContain('isartor set-key');
    expect(fake.requests).toHaveLength(0);
  });

  it('--json reports ok against a working provider and exits 0', async () => {
    await configure(upstreamKey);
    const { code, stdout } = await runCli(['check', '--json'], { home });
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as Record<string, unknown>;
    expect(result).toMatchObject({ ok: true, status: 200, modelFound: true, provider: 'openai-compatible', model: 'fake-model' });
    expect(stdout).not.toContain(upstreamKey);
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/models']);
  });

  it('prints a readable report with the masked key when everything works', async () => {
    await configure(upstreamKey);
    const { code, stdout } = await runCli(['check'], { home });
    expect(code).toBe(0);
    expect(stdout).toContain('HTTP 200');
    expect(stdout).toContain('sk-u…9876');
    expect(stdout).toMatch(/fake-model: available/);
    expect(stdout).not.toContain(upstreamKey);
  });

  it('with a wrong key exits 1, shows the 401 and a fix, and never the full key', async () => {
    const wrongKey = 'sk-wrong-key-abcdefghijkl';
    await configure(wrongKey);
    const { code, stdout, stderr } = await runCli(['check'], { home });
    expect(code).toBe(1);
    expect(stdout).toContain('401');
    expect(stdout).toMatch(/^\s*fix: .*isartor set-key/m);
    expect(stdout + stderr).not.toContain(wrongKey);
  });

  it('--json with a wrong key exits 1 and names the problem', async () => {
    await configure('sk-wrong-key-abcdefghijkl');
    const { code, stdout } = await runCli(['check', '--json'], { home });
    expect(code).toBe(1);
    const result = JSON.parse(stdout) as { ok: boolean; problem?: { kind: string } };
    expect(result.ok).toBe(false);
    expect(result.problem?.kind).toBe('unauthorized');
  });

  it('names the models on offer when the configured one is missing', async () => {
    await configure(upstreamKey, 'gpt-nonexistent');
    const { code, stdout } = await runCli(['check'], { home });
    expect(code).toBe(1);
    expect(stdout).toContain('not offered');
    expect(stdout).toContain('fake-model-large');
  });
});
