import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claudeCodeConnector } from '../../source/connectors/claude-code/connector.js';
import { planClaudeCodeConnect, planClaudeCodeDisconnect, type ClaudeCodeConnection } from '../../source/connectors/claude-code/plan.js';
import { locateClaudeCodeSettings, type ClaudeCodeLocation } from '../../source/connectors/claude-code/settings-path.js';
import { claudeCodeStatus } from '../../source/connectors/claude-code/status.js';
import { findClientConnector } from '../../source/connectors/registry.js';
import { UserError } from '../../source/user-error.js';

const connection: ClaudeCodeConnection = { gatewayUrl: 'http://127.0.0.1:8080/', apiKey: 'isartor-local' };
const apply = (plan: ReturnType<typeof planClaudeCodeConnect>) => claudeCodeConnector().apply(plan);

function workspace(settings?: string): ClaudeCodeLocation {
  const dir = mkdtempSync(join(tmpdir(), 'isartor-claude-code-'));
  const configPath = join(dir, 'settings.json');
  if (settings !== undefined) writeFileSync(configPath, settings);
  return { configPath, source: '--settings-path' };
}

// The shape Claude Code itself writes: two-space JSON, a permissions block, an env block of the user's.
const userSettings = `{
  "permissions": {
    "allow": ["Bash(npm test:*)"]
  },
  "env": {
    "BASH_DEFAULT_TIMEOUT_MS": "60000",
    "ANTHROPIC_CUSTOM_HEADERS": "X-Team: platform",
    "ANTHROPIC_MODEL": "claude-sonnet-4-5"
  },
  "model": "sonnet"
}
`;

const envOf = (text: string) => (JSON.parse(text) as { env: Record<string, string> }).env;

describe('planClaudeCodeConnect', () => {
  it('creates a settings file with the env block when there is none (no backup, no ANTHROPIC_MODEL unless asked)', () => {
    const location = workspace();
    const plan = planClaudeCodeConnect(location, connection);
    expect(JSON.parse(plan.after)).toEqual({
      env: { ANTHROPIC_BASE_URL: 'http://127.0.0.1:8080', ANTHROPIC_AUTH_TOKEN: 'isartor-local', ANTHROPIC_CUSTOM_HEADERS: 'x-isartor-client: claude-code' },
    });
    expect(plan.backup.create).toBe(false);
    expect(plan.warnings).toEqual([]);
    apply(plan);
    expect(readFileSync(location.configPath, 'utf8')).toBe(plan.after);
  });

  it("edits only the managed variables, keeps the user's header lines and every other line byte for byte, and backs up once", () => {
    const location = workspace(userSettings);
    const plan = planClaudeCodeConnect(location, { ...connection, model: 'fake-model' });
    const env = envOf(plan.after);
    expect(env).toEqual({
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:8080',
      ANTHROPIC_AUTH_TOKEN: 'isartor-local',
      BASH_DEFAULT_TIMEOUT_MS: '60000',
      ANTHROPIC_CUSTOM_HEADERS: 'X-Team: platform\nx-isartor-client: claude-code',
      ANTHROPIC_MODEL: 'fake-model',
    });
    const removed = plan.diff.split('\n').filter((line) => line.startsWith('-') && !line.startsWith('---'));
    expect(removed).toEqual(['-    "ANTHROPIC_CUSTOM_HEADERS": "X-Team: platform",', '-    "ANTHROPIC_MODEL": "claude-sonnet-4-5"']);
    expect(plan.after).toContain('  "permissions": {\n    "allow": ["Bash(npm test:*)"]\n  },\n');
    expect(plan.after).toContain('  "model": "sonnet"\n}\n');
    expect(plan.backup.create).toBe(true);
    apply(plan);
    expect(readFileSync(plan.backup.path, 'utf8')).toBe(userSettings);
    // The same connection again changes nothing; a new one keeps the first backup.
    expect(planClaudeCodeConnect(location, { ...connection, model: 'fake-model' }).unchanged).toBe(true);
    const again = planClaudeCodeConnect(location, { ...connection, apiKey: 'sk-isr-0123456789abcdef' });
    expect(again.backup.create).toBe(false);
    expect(envOf(again.after).ANTHROPIC_CUSTOM_HEADERS).toBe('X-Team: platform\nx-isartor-client: claude-code');
  });

  it('masks a real key in the diff it prints, and writes it whole', () => {
    const location = workspace(userSettings);
    const plan = planClaudeCodeConnect(location, { ...connection, apiKey: 'sk-isr-0123456789abcdef' });
    expect(plan.diff).not.toContain('sk-isr-0123456789abcdef');
    expect(plan.diff).toContain('sk-i…cdef');
    expect(envOf(plan.after).ANTHROPIC_AUTH_TOKEN).toBe('sk-isr-0123456789abcdef');
  });

  it('keeps comments, and warns that Claude Code ignores a settings file that has them', () => {
    const location = workspace('{\n  // mine\n  "model": "opus"\n}\n');
    const plan = planClaudeCodeConnect(location, connection);
    expect(plan.after).toContain('// mine');
    expect(plan.warnings.join('\n')).toContain('Claude Code ignores such a settings file entirely');
  });

  it('refuses, changing nothing, a file it cannot edit or an env that is not an object', () => {
    expect(() => planClaudeCodeConnect(workspace('{ model: "opus" }'), connection)).toThrow(UserError);
    expect(() => planClaudeCodeConnect(workspace('{ "env": "ANTHROPIC_BASE_URL=x" }'), connection)).toThrow(/"env" in .* is not an object/);
  });
});

describe('planClaudeCodeDisconnect', () => {
  it('puts back what the variables were before the first connect, removes isartor’s header line, keeps later edits, and drops the backup', () => {
    const location = workspace(userSettings);
    apply(planClaudeCodeConnect(location, { ...connection, model: 'fake-model' }));
    // Claude Code (or the user) changes the file while connected.
    const edited = readFileSync(location.configPath, 'utf8').replace('"model": "sonnet"', '"model": "opus",\n  "theme": "dark"');
    writeFileSync(location.configPath, edited);
    const plan = planClaudeCodeDisconnect(location);
    expect(plan.backup.restore).toBe(true);
    const value = JSON.parse(plan.after) as Record<string, unknown>;
    expect(value.env).toEqual({ BASH_DEFAULT_TIMEOUT_MS: '60000', ANTHROPIC_CUSTOM_HEADERS: 'X-Team: platform', ANTHROPIC_MODEL: 'claude-sonnet-4-5' });
    expect(value).toMatchObject({ model: 'opus', theme: 'dark', permissions: { allow: ['Bash(npm test:*)'] } });
    apply(plan);
    expect(existsSync(plan.backup.path)).toBe(false);
    expect(planClaudeCodeDisconnect(location).unchanged).toBe(true);
  });

  it('a file isartor created loses the env block again; settings not connected by isartor are left alone', () => {
    const location = workspace();
    apply(planClaudeCodeConnect(location, connection));
    const plan = planClaudeCodeDisconnect(location);
    expect(JSON.parse(plan.after)).toEqual({});
    const foreign = workspace('{\n  "env": { "ANTHROPIC_BASE_URL": "https://llm-proxy.corp.example" }\n}\n');
    expect(planClaudeCodeDisconnect(foreign).unchanged).toBe(true);
    expect(() => planClaudeCodeDisconnect(workspace())).toThrow(/no Claude Code settings file/);
  });
});

describe('where the settings are, and the status', () => {
  it('follows CLAUDE_CONFIG_DIR, then HOME; --project means ./.claude/settings.json', () => {
    expect(locateClaudeCodeSettings({ env: { HOME: '/home/ada' } }).configPath).toBe('/home/ada/.claude/settings.json');
    expect(locateClaudeCodeSettings({ env: { HOME: '/home/ada', CLAUDE_CONFIG_DIR: '/etc/cc' } })).toEqual({ configPath: '/etc/cc/settings.json', source: 'CLAUDE_CONFIG_DIR' });
    expect(locateClaudeCodeSettings({ project: true, cwd: '/src/app', env: {} })).toEqual({ configPath: '/src/app/.claude/settings.json', source: '--project' });
    expect(locateClaudeCodeSettings({ settingsPath: '/x/s.json', project: true }).configPath).toBe('/x/s.json');
  });

  it('is in the registry, and reports a connection by its header line', () => {
    const location = workspace(userSettings);
    expect(claudeCodeStatus(location)).toMatchObject({ client: 'claude-code', connected: false, ignoredByClaudeCode: false });
    apply(planClaudeCodeConnect(location, connection));
    expect(findClientConnector('claude-code')?.status({ configPath: location.configPath })).toMatchObject({
      connected: true,
      baseUrl: 'http://127.0.0.1:8080',
      models: ['claude-sonnet-4-5'],
      backup: true,
    });
  });
});
