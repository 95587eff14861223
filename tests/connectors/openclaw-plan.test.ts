import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSON5 from 'json5';
import { describe, expect, it } from 'vitest';
import { applyOpenClawPlan } from '../../source/connectors/openclaw/apply.js';
import { locateOpenClawConfig, type OpenClawLocation } from '../../source/connectors/openclaw/config-path.js';
import { planOpenClawConnect, planOpenClawDisconnect, type OpenClawConnection } from '../../source/connectors/openclaw/plan.js';

const connection: OpenClawConnection = { gatewayUrl: 'http://127.0.0.1:8080', apiKey: 'isartor-local', model: 'openai/gpt-oss-120b', api: 'openai-completions' };

function workspace(config?: string): OpenClawLocation {
  const dir = mkdtempSync(join(tmpdir(), 'isartor-openclaw-'));
  const configPath = join(dir, 'openclaw.json');
  if (config !== undefined) writeFileSync(configPath, config);
  return { configPath, stateDir: dir, source: 'test' };
}

const realistic = `// OpenClaw config, hand-edited
{
  "meta": { "lastTouchedVersion": "2026.9.6" },
  "gateway": { "mode": "local", "port": 18789 },
  "models": {
    "providers": {
      "groq": { "baseUrl": "https://api.groq.com/openai/v1", "api": "openai-completions" }, // my old provider
    },
  },
  "agents": {
    "defaults": {
      "model": { "primary": "groq/llama-3.3-70b", "fallbacks": ["groq/llama-3.1-8b"] },
    },
  },
}
`;

describe('planOpenClawConnect', () => {
  it('edits a commented, trailing-comma config with minimal text edits, keeping comments, order and the meta and gateway blocks', () => {
    const location = workspace(realistic);
    const plan = planOpenClawConnect(location, connection);
    expect(plan.after.startsWith('// OpenClaw config, hand-edited\n{\n  "meta": { "lastTouchedVersion": "2026.9.6" },\n  "gateway": { "mode": "local", "port": 18789 },')).toBe(true);
    expect(plan.after).toContain('// my old provider');
    const value = JSON5.parse(plan.after);
    expect(value.models.providers.isartor).toEqual({
      baseUrl: 'http://127.0.0.1:8080/v1',
      apiKey: 'isartor-local',
      api: 'openai-completions',
      headers: { 'x-isartor-client': 'openclaw' },
      models: [{ id: 'openai/gpt-oss-120b', name: 'Isartor (openai/gpt-oss-120b)' }],
    });
    expect(value.models.providers.groq).toBeDefined();
    expect(value.agents.defaults.model).toEqual({ primary: 'isartor/openai/gpt-oss-120b', fallbacks: ['groq/llama-3.1-8b'] });
    expect(value.meta).toEqual({ lastTouchedVersion: '2026.9.6' });
    expect(value.gateway.mode).toBe('local');
    // Only lines that had to change did: the rest of the file is byte-identical, its comments where they were.
    const removed = plan.diff.split('\n').filter((line) => line.startsWith('-') && !line.startsWith('---'));
    expect(removed).toEqual(['-      "model": { "primary": "groq/llama-3.3-70b", "fallbacks": ["groq/llama-3.1-8b"] },']);
    expect(plan.after).toContain('      "groq": { "baseUrl": "https://api.groq.com/openai/v1", "api": "openai-completions" }, // my old provider\n      "isartor": {\n');
    expect(plan.backup.create).toBe(true);
  });

  it('creates a minimal valid config when there is none', () => {
    const location = workspace();
    const plan = planOpenClawConnect(location, connection);
    expect(plan.before).toBeUndefined();
    expect(JSON.parse(plan.after)).toEqual({
      models: { providers: { isartor: expect.objectContaining({ baseUrl: 'http://127.0.0.1:8080/v1' }) } },
      agents: { defaults: { model: { primary: 'isartor/openai/gpt-oss-120b' } } },
    });
    expect(plan.backup.create).toBe(false);
    expect(plan.diff).toContain('(new file)');
  });

  it('keeps a plain-string model a string, and updates the main agent override only', () => {
    const config = JSON.stringify({
      agents: {
        defaults: { model: 'groq/x' },
        list: [{ id: 'helper', model: 'groq/y' }, { id: 'main', model: { primary: 'groq/x', fallbacks: ['groq/z'] } }, { id: 'plain' }],
      },
    }, null, 2);
    const value = JSON5.parse(planOpenClawConnect(workspace(config), connection).after);
    expect(value.agents.defaults.model).toBe('isartor/openai/gpt-oss-120b');
    expect(value.agents.list[0].model).toBe('groq/y');
    expect(value.agents.list[1].model).toEqual({ primary: 'isartor/openai/gpt-oss-120b', fallbacks: ['groq/z'] });
    expect(value.agents.list[2].model).toBeUndefined();
  });

  it('adds the managed model to allowlists and drops stale isartor entries, so "Model is not allowed" never happens', () => {
    const config = JSON.stringify({
      agents: { defaults: { models: { 'groq/x': { alias: 'fast' }, 'isartor/old-model': {} }, modelPolicy: { allow: ['groq/x', 'isartor/old-model'] } } },
    }, null, 2);
    const value = JSON5.parse(planOpenClawConnect(workspace(config), connection).after);
    expect(value.agents.defaults.models).toEqual({ 'groq/x': { alias: 'fast' }, 'isartor/openai/gpt-oss-120b': {} });
    expect(value.agents.defaults.modelPolicy.allow).toEqual(['groq/x', 'isartor/openai/gpt-oss-120b']);
  });

  it('keeps tab indentation', () => {
    const value = planOpenClawConnect(workspace('{\n\t"agents": {}\n}\n'), connection).after;
    expect(value).toMatch(/\n\t"models": \{\n\t\t"providers"/);
  });

  it('uses the gateway root for --api anthropic-messages', () => {
    const value = JSON5.parse(planOpenClawConnect(workspace('{}'), { ...connection, api: 'anthropic-messages' }).after);
    expect(value.models.providers.isartor).toMatchObject({ baseUrl: 'http://127.0.0.1:8080', api: 'anthropic-messages' });
  });

  it('refuses a file that does not parse, naming line and column', () => {
    const location = workspace('{\n  "agents": {\n    "defaults": ,\n  }\n}\n');
    expect(() => planOpenClawConnect(location, connection)).toThrow(/does not parse at line 3, column 17/);
  });

  it('edits JSON5 that strict JSONC parsers refuse (unquoted keys, single quotes) in its own style', () => {
    const plan = planOpenClawConnect(workspace("{ agents: { defaults: { workspace: '~/w' } }, }\n"), connection);
    expect(plan.after).toBe(
      "{ agents: { defaults: { workspace: '~/w', model: { primary: 'isartor/openai/gpt-oss-120b' } } }, models: { providers: { isartor: { baseUrl: 'http://127.0.0.1:8080/v1', apiKey: 'isartor-local', api: 'openai-completions', headers: { 'x-isartor-client': 'openclaw' }, models: [{ id: 'openai/gpt-oss-120b', name: 'Isartor (openai/gpt-oss-120b)' }] } } }, }\n",
    );
  });

});

describe('applying and re-running', () => {
  it('writes atomically, keeps the mode, backs up once, and a re-run changes nothing', () => {
    const location = workspace(realistic);
    chmodSync(location.configPath, 0o640);
    applyOpenClawPlan(planOpenClawConnect(location, connection));
    expect(statSync(location.configPath).mode & 0o777).toBe(0o640);
    expect(readFileSync(`${location.configPath}.isartor-backup`, 'utf8')).toBe(realistic);

    const again = planOpenClawConnect(location, connection);
    expect(again.unchanged).toBe(true);
    expect(again.diff).toBe('');

    // A changed model refreshes everything, and the first backup is kept.
    const changed = planOpenClawConnect(location, { ...connection, model: 'gpt-4o-mini' });
    applyOpenClawPlan(changed);
    expect(JSON5.parse(readFileSync(location.configPath, 'utf8')).agents.defaults.model.primary).toBe('isartor/gpt-4o-mini');
    expect(readFileSync(`${location.configPath}.isartor-backup`, 'utf8')).toBe(realistic);
  });

  it('deletes stale per-agent models.json registries and keeps current ones', () => {
    const location = workspace('{}');
    const registry = (baseUrl: string, apiKey = 'isartor-local') =>
      JSON.stringify({ providers: { isartor: { baseUrl, apiKey, api: 'openai-completions', models: [{ id: 'openai/gpt-oss-120b', contextWindow: 128000 }] } } });
    for (const [agent, content] of [['main', registry('http://127.0.0.1:8080')], ['old', registry('http://127.0.0.1:9999/v1')], ['current', registry('http://127.0.0.1:8080/v1')]] as const) {
      mkdirSync(join(location.stateDir, 'agents', agent, 'agent'), { recursive: true });
      writeFileSync(join(location.stateDir, 'agents', agent, 'agent', 'models.json'), content);
    }
    const plan = planOpenClawConnect(location, connection);
    expect(plan.deletions.map((d) => d.path.split('/agents/')[1])).toEqual(['main/agent/models.json', 'old/agent/models.json']);
    expect(plan.diff).toContain('(deleted: OpenClaw regenerates it)');
    applyOpenClawPlan(plan);
    expect(existsSync(join(location.stateDir, 'agents', 'main', 'agent', 'models.json'))).toBe(false);
    expect(existsSync(join(location.stateDir, 'agents', 'current', 'agent', 'models.json'))).toBe(true);
  });

  it("prints keys masked in its diff (isartor's, the user's own providers', a deleted models.json's) and writes them whole; ${ENV} references stay readable", () => {
    const config = `{
  "models": {
    "providers": {
      "groq": { "baseUrl": "https://api.groq.com/openai/v1", "apiKey": "gsk_user-own-groq-key-0123456789" },
      "openrouter": { "baseUrl": "https://openrouter.ai/api/v1", "apiKey": "\${OPENROUTER_API_KEY}" },
    },
  },
}
`;
    const location = workspace(config);
    mkdirSync(join(location.stateDir, 'agents', 'main', 'agent'), { recursive: true });
    writeFileSync(join(location.stateDir, 'agents', 'main', 'agent', 'models.json'), JSON.stringify({ providers: { isartor: { baseUrl: 'http://127.0.0.1:9999/v1', apiKey: 'gw-old-key-abcdefgh' } } }));
    const plan = planOpenClawConnect(location, { ...connection, apiKey: 'gw-secret-key-0123456789' });
    expect(plan.diff).toContain('"apiKey": "gw-s…6789"');
    expect(plan.diff).toContain('"apiKey": "gsk_…6789"');
    expect(plan.diff).toContain('gw-o…efgh');
    expect(plan.diff).toContain('${OPENROUTER_API_KEY}');
    for (const secret of ['gw-secret-key-0123456789', 'gsk_user-own-groq-key-0123456789', 'gw-old-key-abcdefgh']) expect(plan.diff).not.toContain(secret);
    applyOpenClawPlan(plan);
    const written = JSON5.parse(readFileSync(location.configPath, 'utf8'));
    expect(written.models.providers.isartor.apiKey).toBe('gw-secret-key-0123456789');
    expect(written.models.providers.groq.apiKey).toBe('gsk_user-own-groq-key-0123456789');
    // Reconnecting with another key: the old one leaves the file in a '-' line, masked too.
    const again = planOpenClawConnect(location, { ...connection, apiKey: 'gw-next-key-9876543210' });
    expect(again.diff).toContain('gw-s…6789');
    expect(again.diff).toContain('gw-n…3210');
    expect(again.diff).not.toContain('gw-secret-key-0123456789');
  });
});

describe('planOpenClawDisconnect', () => {
  it('gives back the original bytes when nothing changed since connect, and drops the now redundant backup', () => {
    const location = workspace(realistic);
    applyOpenClawPlan(planOpenClawConnect(location, connection));
    const plan = planOpenClawDisconnect(location);
    expect(plan.after).toBe(realistic);
    expect(plan.backup).toMatchObject({ restore: false, remove: true });
    applyOpenClawPlan(plan);
    expect(readFileSync(location.configPath, 'utf8')).toBe(realistic);
    expect(existsSync(`${location.configPath}.isartor-backup`)).toBe(false);
  });

  it('--restore-backup puts the backup back, later edits included, after showing them', () => {
    const location = workspace(realistic);
    applyOpenClawPlan(planOpenClawConnect(location, connection));
    writeFileSync(location.configPath, readFileSync(location.configPath, 'utf8').replace('"port": 18789', '"port": 18790'));
    const plan = planOpenClawDisconnect(location, { restoreBackup: true });
    expect(plan.diff).toContain('-  "gateway": { "mode": "local", "port": 18790 },');
    applyOpenClawPlan(plan);
    expect(readFileSync(location.configPath, 'utf8')).toBe(realistic);
    expect(existsSync(`${location.configPath}.isartor-backup`)).toBe(false);
    expect(() => planOpenClawDisconnect(location, { restoreBackup: true })).toThrow(/no backup/);
  });

  it('without a record, removes only the managed provider and isartor/... references', () => {
    const config = `{
  "models": { "providers": { "groq": { "api": "openai-completions" }, "isartor": { "baseUrl": "x" } } },
  "agents": {
    "defaults": { "model": { "primary": "isartor/m", "fallbacks": ["groq/x", "isartor/m"] }, "models": { "isartor/m": {}, "groq/x": {} } },
    "list": [{ "id": "main", "model": "isartor/m" }, { "id": "other", "model": "groq/x" }]
  }
}
`;
    const location = workspace(config);
    const value = JSON5.parse(planOpenClawDisconnect(location).after);
    expect(value.models.providers).toEqual({ groq: { api: 'openai-completions' } });
    expect(value.agents.defaults.model).toEqual({ fallbacks: ['groq/x'] });
    expect(value.agents.defaults.models).toEqual({ 'groq/x': {} });
    expect(value.agents.list).toEqual([{ id: 'main' }, { id: 'other', model: 'groq/x' }]);
  });

  it('says so when there is no config', () => {
    expect(() => planOpenClawDisconnect(workspace())).toThrow(/no OpenClaw config/);
  });
});

describe('locateOpenClawConfig', () => {
  it('follows OpenClaw precedence: flag, OPENCLAW_CONFIG_PATH, OPENCLAW_STATE_DIR, OPENCLAW_HOME, home', () => {
    expect(locateOpenClawConfig('/x/c.json', { OPENCLAW_CONFIG_PATH: '/y/c.json' }).configPath).toBe('/x/c.json');
    expect(locateOpenClawConfig(undefined, { OPENCLAW_CONFIG_PATH: '/y/c.json', OPENCLAW_STATE_DIR: '/s' })).toMatchObject({ configPath: '/y/c.json', stateDir: '/s' });
    expect(locateOpenClawConfig(undefined, { OPENCLAW_STATE_DIR: '/s', OPENCLAW_HOME: '/h' })).toMatchObject({ configPath: '/s/openclaw.json', stateDir: '/s' });
    expect(locateOpenClawConfig(undefined, { OPENCLAW_HOME: '/h' })).toMatchObject({ configPath: '/h/.openclaw/openclaw.json', stateDir: '/h/.openclaw' });
    expect(locateOpenClawConfig(undefined, {}).configPath).toMatch(/\.openclaw\/openclaw\.json$/);
  });
});
