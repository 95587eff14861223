import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanupTempHomes, makeTempHome, runCli } from './run-cli.js';

let home: string;
let codexHome: string;
beforeEach(async () => {
  home = makeTempHome();
  codexHome = mkdtempSync(join(tmpdir(), 'isartor-codex-home-'));
  expect((await cli('set-key', '-p', 'groq', '--key', 'gsk_abcdefghijklmnop1234')).code).toBe(0);
});
afterEach(cleanupTempHomes);

const cli = (...args: string[]) => runCli(args, { home, env: { CODEX_HOME: codexHome } });
const configPath = () => join(codexHome, 'config.toml');
const original = '# my Codex config\nmodel = "gpt-5.2-codex"\n\n[mcp_servers.docs]\ncommand = "docs"\n';

describe('isartor connect codex', () => {
  it('--dry-run prints the diff and writes nothing', async () => {
    writeFileSync(configPath(), original);
    const result = await cli('connect', 'codex', '--dry-run');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Codex config: ${configPath()} (from CODEX_HOME)`);
    expect(result.stdout).toContain('+[model_providers.isartor]');
    expect(result.stdout).toContain('+base_url = "http://127.0.0.1:8080/v1"');
    expect(result.stdout).toContain('Dry run: nothing was written.');
    expect(readFileSync(configPath(), 'utf8')).toBe(original);
  });

  it('names the profile files (NAME.config.toml) that send `codex --profile NAME` to another provider, and leaves them alone', async () => {
    const work = join(codexHome, 'work.config.toml');
    const workText = 'model_provider = "azure"\nmodel = "gpt-5.2-codex"\n';
    writeFileSync(work, workText);
    writeFileSync(join(codexHome, 'fast.config.toml'), 'model = "gpt-5-mini"\n');
    writeFileSync(join(codexHome, 'mine.config.toml'), 'model_provider = "isartor"\n');
    const result = await cli('connect', 'codex', '--yes');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`${work} sets model_provider = "azure": \`codex --profile work\` goes there, not through isartor.`);
    expect(result.stderr).not.toContain('fast.config.toml');
    expect(result.stderr).not.toContain('mine.config.toml');
    expect(readFileSync(work, 'utf8')).toBe(workText);
  });

  it('--yes writes it with a backup (Groq cannot run web search, so it is turned off); status and disconnect follow', async () => {
    writeFileSync(configPath(), original);
    const connect = await cli('connect', 'codex', '--yes', '--gateway-api-key', 'gw-key-0123456789abcdef');
    expect(connect.code, connect.stderr).toBe(0);
    expect(connect.stdout).not.toContain('gw-key-0123456789abcdef');
    expect(connect.stderr).toContain('Nothing answers at http://127.0.0.1:8080');
    const text = readFileSync(configPath(), 'utf8');
    expect(text.startsWith('# my Codex config\n')).toBe(true);
    expect(parse(text)).toMatchObject({ model_provider: 'isartor', model: 'openai/gpt-oss-120b', web_search: 'disabled' });
    expect(readFileSync(`${configPath()}.isartor-backup`, 'utf8')).toBe(original);
    expect((await cli('connect', 'codex', '--yes', '--gateway-api-key', 'gw-key-0123456789abcdef')).stdout).toContain('already connected');

    const status = JSON.parse((await cli('connect', 'status', '--json')).stdout) as { clients: Array<{ client: string; connected: boolean; baseUrl: string | null }> };
    expect(status.clients.find((client) => client.client === 'codex')).toMatchObject({ connected: true, baseUrl: 'http://127.0.0.1:8080/v1' });

    const disconnect = await cli('connect', 'codex', '--disconnect', '--yes');
    expect(disconnect.code, disconnect.stderr).toBe(0);
    expect(readFileSync(configPath(), 'utf8')).toBe(original);
    expect(existsSync(`${configPath()}.isartor-backup`)).toBe(false);
  });

  it('refuses a broken config.toml with its line and column, and writes nothing', async () => {
    writeFileSync(configPath(), 'model = "o3"\nmodel = "o4"\n');
    const result = await cli('connect', 'codex', '--yes');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/not valid TOML \(line 2, column \d+/);
    expect(readFileSync(configPath(), 'utf8')).toBe('model = "o3"\nmodel = "o4"\n');
  });
});
