import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSON5 from 'json5';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { cleanupTempHomes, freePort, makeTempHome, runCli } from './run-cli.js';

let home: string;
let openclawDir: string;
beforeEach(async () => {
  home = makeTempHome();
  openclawDir = mkdtempSync(join(tmpdir(), 'isartor-openclaw-state-'));
  expect((await cli('set-key', '-p', 'groq', '--key', 'gsk_abcdefghijklmnop1234')).code).toBe(0);
});
afterEach(cleanupTempHomes);

const cli = (...args: string[]) => runCli(args, { home, env: { OPENCLAW_STATE_DIR: openclawDir } });
const configPath = () => join(openclawDir, 'openclaw.json');
const original = '// my OpenClaw config\n{\n  "meta": { "lastTouchedVersion": "2026.9.6" },\n  "agents": { "defaults": { "model": { "primary": "groq/x", "fallbacks": ["groq/y"] } } }\n}\n';

describe('isartor connect openclaw', () => {
  it('--dry-run prints the diff and writes nothing', async () => {
    writeFileSync(configPath(), original);
    const result = await cli('connect', 'openclaw', '--dry-run');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('+      "isartor": {');
    expect(result.stdout).toContain('+        "baseUrl": "http://127.0.0.1:8080/v1",');
    expect(result.stdout).toContain('Dry run: nothing was written.');
    expect(readFileSync(configPath(), 'utf8')).toBe(original);
    expect(existsSync(`${configPath()}.isartor-backup`)).toBe(false);
  });

  it('refuses to write without --yes when there is no terminal, and says how', async () => {
    writeFileSync(configPath(), original);
    const result = await cli('connect', 'openclaw');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('--yes');
    expect(readFileSync(configPath(), 'utf8')).toBe(original);
  });

  it('--yes writes it with a backup, warns when no gateway answers, and a re-run changes nothing', async () => {
    writeFileSync(configPath(), original);
    const first = await cli('connect', 'openclaw', '--yes');
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('Nothing answers at http://127.0.0.1:8080');
    const value = JSON5.parse(readFileSync(configPath(), 'utf8'));
    expect(value.agents.defaults.model).toEqual({ primary: 'isartor/openai/gpt-oss-120b', fallbacks: ['groq/y'] });
    expect(value.models.providers.isartor.headers).toEqual({ 'x-isartor-client': 'openclaw' });
    expect(readFileSync(configPath(), 'utf8')).toContain('// my OpenClaw config');
    expect(readFileSync(`${configPath()}.isartor-backup`, 'utf8')).toBe(original);
    const again = await cli('connect', 'openclaw', '--yes');
    expect(again.stdout).toContain('nothing to change');
  });

  it('uses --model, --gateway-api-key and --api, and refreshes after a change', async () => {
    writeFileSync(configPath(), '{}\n');
    await cli('connect', 'openclaw', '--yes');
    const result = await cli('connect', 'openclaw', '--yes', '--model', 'llama-3.3-70b', '--gateway-api-key', 'gw-key-123', '--api', 'anthropic-messages');
    expect(result.code).toBe(0);
    const provider = JSON5.parse(readFileSync(configPath(), 'utf8')).models.providers.isartor;
    expect(provider).toMatchObject({ baseUrl: 'http://127.0.0.1:8080', apiKey: 'gw-key-123', api: 'anthropic-messages', models: [{ id: 'llama-3.3-70b' }] });
    expect((await cli('connect', 'openclaw', '--api', 'bogus')).code).not.toBe(0);
  });

  it('deletes stale per-agent models.json registries', async () => {
    writeFileSync(configPath(), '{}\n');
    const registry = join(openclawDir, 'agents', 'main', 'agent', 'models.json');
    mkdirSync(join(openclawDir, 'agents', 'main', 'agent'), { recursive: true });
    writeFileSync(registry, JSON.stringify({ providers: { isartor: { baseUrl: 'http://127.0.0.1:8080/v1', apiKey: 'old-key', api: 'openai-completions', models: [] } } }));
    const result = await cli('connect', 'openclaw', '--yes');
    expect(result.stdout).toContain(`deleted   ${registry}`);
    expect(existsSync(registry)).toBe(false);
  });

  it('a config that does not parse is refused with line and column, and left alone', async () => {
    writeFileSync(configPath(), '{\n  "agents": ,\n}\n');
    const result = await cli('connect', 'openclaw', '--yes');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/does not parse at line 2, column \d+/);
    expect(readFileSync(configPath(), 'utf8')).toBe('{\n  "agents": ,\n}\n');
  });

  it('--disconnect undoes only what connect did, keeping later edits; connect status reports both states', async () => {
    writeFileSync(configPath(), original);
    await cli('connect', 'openclaw', '--yes');
    const status = JSON.parse((await cli('connect', 'status', '--json')).stdout);
    expect(status.clients[0]).toMatchObject({ client: 'openclaw', connected: true, primary: true, baseUrl: 'http://127.0.0.1:8080/v1', models: ['openai/gpt-oss-120b'] });
    writeFileSync(configPath(), readFileSync(configPath(), 'utf8').replace('"lastTouchedVersion": "2026.9.6"', '"lastTouchedVersion": "2026.9.7"'));
    const result = await cli('connect', 'openclaw', '--disconnect', '--yes');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('kept      ');
    expect(readFileSync(configPath(), 'utf8')).toBe(original.replace('2026.9.6', '2026.9.7'));
    expect((await cli('connect', 'status')).stdout).toContain('not connected');
  }, 60_000);

  it('--restore-backup shows what putting the backup back undoes, then does it', async () => {
    writeFileSync(configPath(), original);
    await cli('connect', 'openclaw', '--yes');
    writeFileSync(configPath(), readFileSync(configPath(), 'utf8').replace('2026.9.6', '2026.9.7'));
    const result = await cli('connect', 'openclaw', '--restore-backup', '--yes');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('-  "meta": { "lastTouchedVersion": "2026.9.7" },');
    expect(result.stdout).toContain('restored  ');
    expect(readFileSync(configPath(), 'utf8')).toBe(original);
    expect(existsSync(`${configPath()}.isartor-backup`)).toBe(false);
  }, 60_000);


  it('points OpenClaw at the running gateway, whose requests it then attributes to openclaw', async () => {
    const fake: FakeUpstream = await startFakeUpstream({ apiKey: 'sk-up' });
    try {
      await cli('set-key', '-p', 'openai-compatible', '--base-url', fake.openaiBaseUrl, '--key', 'sk-up', '--model', 'fake-model');
      const port = await freePort();
      expect((await cli('up', '--detach', '--port', String(port))).code).toBe(0);
      writeFileSync(configPath(), '{}\n');
      const result = await cli('connect', 'openclaw', '--yes');
      expect(result.stderr).not.toContain('Nothing answers');
      const provider = JSON5.parse(readFileSync(configPath(), 'utf8')).models.providers.isartor;
      expect(provider.baseUrl).toBe(`http://127.0.0.1:${port}/v1`);
      // A request as OpenClaw sends it, with the header from its provider block.
      const response = await fetch(`${provider.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${provider.apiKey}`, ...provider.headers },
        body: JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: 'hi from openclaw' }] }),
      });
      expect(response.status).toBe(200);
      await cli('down');
      expect(readFileSync(join(home, 'logs', 'gateway.log'), 'utf8')).toMatch(/POST \/v1\/chat\/completions l3 .* client=openclaw/);
    } finally {
      await fake.close();
    }
  });
});
