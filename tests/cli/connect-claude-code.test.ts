import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanupTempHomes, makeTempHome, runCli } from './run-cli.js';

let home: string;
let claudeHome: string;
beforeEach(async () => {
  home = makeTempHome();
  claudeHome = join(home, 'user-home');
  mkdirSync(claudeHome, { recursive: true });
  expect((await cli('set-key', '-p', 'groq', '--key', 'gsk_abcdefghijklmnop1234')).code).toBe(0);
});
afterEach(cleanupTempHomes);

// HOME is where Claude Code keeps ~/.claude; CLAUDE_CONFIG_DIR empty so HOME decides.
const cli = (...args: string[]) => runCli(args, { home, env: { HOME: claudeHome, CLAUDE_CONFIG_DIR: '' } });
const settingsPath = () => join(claudeHome, '.claude', 'settings.json');

describe('isartor connect claude-code', () => {
  it('--dry-run prints the diff and writes nothing; --yes writes the env block, 0600, with a masked key in the diff', async () => {
    const dry = await cli('connect', 'claude-code', '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`Claude Code settings: ${settingsPath()}`);
    expect(dry.stdout).toContain('+    "ANTHROPIC_BASE_URL": "http://127.0.0.1:8080"');
    expect(dry.stdout).toContain('Dry run: nothing was written.');
    expect(existsSync(settingsPath())).toBe(false);

    const result = await cli('connect', 'claude-code', '--yes', '--gateway-api-key', 'gw-secret-key-123456');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toContain('gw-secret-key-123456');
    expect(result.stdout).toContain('gw-s…3456');
    expect(result.stdout).toContain('Claude Code now uses isartor');
    expect(JSON.parse(readFileSync(settingsPath(), 'utf8')).env).toEqual({
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:8080',
      ANTHROPIC_AUTH_TOKEN: 'gw-secret-key-123456',
      ANTHROPIC_CUSTOM_HEADERS: 'x-isartor-client: claude-code',
    });
    expect(statSync(settingsPath()).mode & 0o777).toBe(0o600);
  });

  it('without a terminal and without --yes it refuses and writes nothing', async () => {
    const result = await cli('connect', 'claude-code');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('--yes');
    expect(existsSync(settingsPath())).toBe(false);
  });

  it('--model sets ANTHROPIC_MODEL; connect status shows it; --disconnect puts the old values back', async () => {
    mkdirSync(join(claudeHome, '.claude'), { recursive: true });
    const original = '{\n  "env": {\n    "ANTHROPIC_MODEL": "claude-opus-4-1"\n  },\n  "theme": "dark"\n}\n';
    writeFileSync(settingsPath(), original);
    expect((await cli('connect', 'claude-code', '--yes', '--model', 'llama-3.3-70b')).code).toBe(0);
    const status = JSON.parse((await cli('connect', 'status', '--json')).stdout) as { clients: Array<{ client: string; connected: boolean; models: string[] }> };
    expect(status.clients.find((c) => c.client === 'claude-code')).toMatchObject({ connected: true, models: ['llama-3.3-70b'] });
    expect((await cli('connect', 'status')).stdout).toMatch(/claude-code\s+connected to http:\/\/127\.0\.0\.1:8080, model llama-3\.3-70b/);

    const disconnect = await cli('connect', 'claude-code', '--disconnect', '--yes');
    expect(disconnect.code, disconnect.stderr).toBe(0);
    expect(JSON.parse(readFileSync(settingsPath(), 'utf8'))).toEqual({ env: { ANTHROPIC_MODEL: 'claude-opus-4-1' }, theme: 'dark' });
    expect(existsSync(`${settingsPath()}.isartor-backup`)).toBe(false);
    expect((await cli('connect', 'status')).stdout).toMatch(/claude-code\s+not connected/);
  });

  it('--project edits ./.claude/settings.json and warns that a real key would be committed', async () => {
    const project = join(home, 'project');
    mkdirSync(project, { recursive: true });
    const result = await runCli(['connect', 'claude-code', '--project', '--yes', '--gateway-api-key', 'gw-secret-key-123456'], {
      home,
      env: { HOME: claudeHome, CLAUDE_CONFIG_DIR: '' },
      cwd: project,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(join(project, '.claude', 'settings.json'))).toBe(true);
    expect(result.stderr).toContain('usually committed');
    expect(existsSync(settingsPath())).toBe(false);
  });
});
