import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { applyCodexPlan, codexConnector } from '../../source/connectors/codex/connector.js';
import { locateCodexConfig, type CodexLocation } from '../../source/connectors/codex/config-path.js';
import { planCodexConnect, planCodexDisconnect, type CodexConnection } from '../../source/connectors/codex/plan.js';
import { codexStatus } from '../../source/connectors/codex/status.js';
import { clientConnectors } from '../../source/connectors/registry.js';
import { UserError } from '../../source/user-error.js';

const connection: CodexConnection = { gatewayUrl: 'http://127.0.0.1:8080', apiKey: undefined, model: 'openai/gpt-oss-120b', disableWebSearch: true };

function workspace(config?: string): CodexLocation {
  const dir = mkdtempSync(join(tmpdir(), 'isartor-codex-'));
  const configPath = join(dir, 'config.toml');
  if (config !== undefined) writeFileSync(configPath, config);
  return { configPath, source: '--config-path' };
}

const realistic = `# Codex, hand-edited
model = "gpt-5.2-codex"   # my usual one
approval_policy = "on-request"

[model_providers.ollama]
name = "Ollama"
base_url = "http://localhost:11434/v1"

[mcp_servers.docs]
command = "docs-server"   # keep me
args = ["--port", "4000"]

[profiles.fast]
model = "gpt-5-mini"
`;

const read = (text: string) => JSON.parse(JSON.stringify(parse(text))) as Record<string, any>;

describe('planCodexConnect', () => {
  it('adds the isartor provider and chooses it, keeping comments, order and every other table byte for byte', () => {
    const location = workspace(realistic);
    const plan = planCodexConnect(location, connection);
    const value = read(plan.after);
    expect(value.model_providers.isartor).toEqual({
      name: 'isartor',
      base_url: 'http://127.0.0.1:8080/v1',
      wire_api: 'responses',
      http_headers: { 'x-isartor-client': 'codex' },
    });
    expect(value).toMatchObject({ model_provider: 'isartor', model: 'openai/gpt-oss-120b', web_search: 'disabled', approval_policy: 'on-request' });
    expect(value.model_providers.ollama).toEqual({ name: 'Ollama', base_url: 'http://localhost:11434/v1' });
    expect(value.profiles.fast.model).toBe('gpt-5-mini');
    expect(plan.after).toContain('# Codex, hand-edited\n');
    expect(plan.after).toContain('command = "docs-server"   # keep me\n');
    expect(plan.after).toContain('model = "openai/gpt-oss-120b"   # my usual one\n');
    expect(plan.after).toContain('[model_providers.isartor]\n');
    const removed = plan.diff.split('\n').filter((line) => line.startsWith('-') && !line.startsWith('---'));
    expect(removed).toEqual(['-model = "gpt-5.2-codex"   # my usual one']);
    expect(plan.backup.create).toBe(true);
  });

  it('creates a config when there is none, and is unchanged when run again', () => {
    const location = workspace();
    const plan = planCodexConnect(location, connection);
    expect(plan.before).toBeUndefined();
    expect(plan.backup.create).toBe(false);
    applyCodexPlan(plan);
    expect(statSync(location.configPath).mode & 0o777).toBe(0o600);
    expect(read(readFileSync(location.configPath, 'utf8')).model_provider).toBe('isartor');
    expect(planCodexConnect(location, connection).unchanged).toBe(true);
  });

  it('writes the gateway key as a bearer header, and shows it masked in the diff', () => {
    const location = workspace(realistic);
    const plan = planCodexConnect(location, { ...connection, apiKey: 'sk-gateway-0123456789abcdef' });
    expect(read(plan.after).model_providers.isartor.http_headers).toEqual({ 'x-isartor-client': 'codex', authorization: 'Bearer sk-gateway-0123456789abcdef' });
    expect(plan.diff).not.toContain('sk-gateway-0123456789abcdef');
    expect(plan.diff).toContain('Bearer sk-g…cdef');
  });

  it('leaves web_search alone when the provider runs it (OpenAI passthrough)', () => {
    const plan = planCodexConnect(workspace('web_search = "live"\n'), { ...connection, disableWebSearch: false });
    expect(read(plan.after).web_search).toBe('live');
  });

  it('replaces a stale isartor table (another port) instead of adding a second one', () => {
    const location = workspace(realistic);
    applyCodexPlan(planCodexConnect(location, connection));
    const plan = planCodexConnect(location, { ...connection, gatewayUrl: 'http://127.0.0.1:9090' });
    expect(plan.after.match(/\[model_providers\.isartor\]/g)).toHaveLength(1);
    expect(read(plan.after).model_providers.isartor.base_url).toBe('http://127.0.0.1:9090/v1');
    expect(plan.backup.create).toBe(false);
  });

  it('refuses a file that is not valid TOML, naming line and column, and changes nothing', () => {
    const location = workspace('model = "o3"\n[model_providers.x\nname = "x"\n');
    const error = (() => {
      try {
        planCodexConnect(location, connection);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/line 2, column \d+/);
    expect(readFileSync(location.configPath, 'utf8')).toBe('model = "o3"\n[model_providers.x\nname = "x"\n');
  });

  it('refuses a config whose model_providers is an inline table it cannot extend, with the lines to add by hand', () => {
    const location = workspace('model_providers = { other = { name = "o" } }\n');
    expect(() => planCodexConnect(location, connection)).toThrow(/cannot add its provider/);
  });
});

// A config users really have: an active profile that picks its own provider and model. Codex lets the
// profile's keys win over the root ones, so connect must set them there too, or Codex never reaches isartor.
const withActiveProfile = `profile = "work"   # the one I use
model = "o3"

[model_providers.azure]
name = "Azure"
base_url = "https://example.openai.azure.com/openai"
env_key = "AZURE_OPENAI_API_KEY"

[profiles.work]
model_provider = "azure"
model = "gpt-5.2-codex" # work deployment
model_reasoning_effort = "high"

[profiles.home]
model = "gpt-5-mini"
`;

describe('planCodexConnect with an active profile', () => {
  it("sets model_provider and model in the active profile too (only the keys it sets), leaves other profiles alone, and a second connect changes nothing", () => {
    const location = workspace(withActiveProfile);
    const plan = planCodexConnect(location, connection);
    const value = read(plan.after);
    expect(value.profiles.work).toEqual({ model_provider: 'isartor', model: 'openai/gpt-oss-120b', model_reasoning_effort: 'high' });
    expect(value.profiles.home).toEqual({ model: 'gpt-5-mini' });
    expect(value).toMatchObject({ profile: 'work', model_provider: 'isartor', model: 'openai/gpt-oss-120b', web_search: 'disabled' });
    expect(plan.after).toContain('model = "openai/gpt-oss-120b" # work deployment\n');
    applyCodexPlan(plan);
    expect(planCodexConnect(location, connection).unchanged).toBe(true);
  });

  it('disconnect gives the profile its provider and model back', () => {
    const location = workspace(withActiveProfile);
    applyCodexPlan(planCodexConnect(location, connection));
    const plan = planCodexDisconnect(location);
    expect(plan.after).toBe(withActiveProfile);
  });

  it('disconnect gives back the model of a profile that picks only a model (no provider of its own), and keeps a profile model the user changed since', () => {
    const onlyModel = 'profile = "work"\nmodel = "o3" # mine\n\n[profiles.work]\nmodel = "gpt-5.4"   # work model\nmodel_reasoning_effort = "high"\n';
    const location = workspace(onlyModel);
    applyCodexPlan(planCodexConnect(location, connection));
    expect(read(readFileSync(location.configPath, 'utf8')).profiles.work.model).toBe('openai/gpt-oss-120b');
    expect(planCodexDisconnect(location).after).toBe(onlyModel);

    applyCodexPlan(planCodexConnect(location, connection));
    writeFileSync(location.configPath, readFileSync(location.configPath, 'utf8').replace('model = "openai/gpt-oss-120b"   # work model', 'model = "gpt-5.5"   # work model'));
    expect(read(planCodexDisconnect(location).after)).toMatchObject({ model: 'o3', profiles: { work: { model: 'gpt-5.5' } } });
  });

  it('a profile named but not defined changes nothing beyond the root keys', () => {
    const location = workspace('profile = "missing"\n');
    expect(read(planCodexConnect(location, connection).after)).toMatchObject({ profile: 'missing', model_provider: 'isartor' });
  });
});

describe('planCodexDisconnect', () => {
  it("removes only what isartor added and gives model back its value from before, keeping the user's later edits", () => {
    const location = workspace(realistic);
    applyCodexPlan(planCodexConnect(location, connection));
    // A later edit of the user's own.
    writeFileSync(location.configPath, `${readFileSync(location.configPath, 'utf8')}\n[mcp_servers.added_later]\ncommand = "later"\n`);
    const plan = planCodexDisconnect(location);
    const value = read(plan.after);
    expect(value.model_providers).toEqual({ ollama: { name: 'Ollama', base_url: 'http://localhost:11434/v1' } });
    expect(value.model).toBe('gpt-5.2-codex');
    expect(value.model_provider).toBeUndefined();
    expect(value.web_search).toBeUndefined();
    expect(value.mcp_servers.added_later).toEqual({ command: 'later' });
    expect(plan.after).toContain('model = "gpt-5.2-codex"   # my usual one\n');
    expect(plan.backup.restore).toBe(true);
    applyCodexPlan(plan);
    expect(existsSync(`${location.configPath}.isartor-backup`)).toBe(false);
  });

  it('keeps a model provider the user switched to after connecting', () => {
    const location = workspace(realistic);
    applyCodexPlan(planCodexConnect(location, connection));
    writeFileSync(location.configPath, readFileSync(location.configPath, 'utf8').replace('model_provider = "isartor"', 'model_provider = "ollama"').replace('model = "openai/gpt-oss-120b"', 'model = "llama3.2"'));
    const value = read(planCodexDisconnect(location).after);
    expect(value).toMatchObject({ model_provider: 'ollama', model: 'llama3.2', web_search: 'disabled' });
    expect(value.model_providers.isartor).toBeUndefined();
  });

  it('removes the keys of a config connect created, leaving an empty file', () => {
    const location = workspace();
    applyCodexPlan(planCodexConnect(location, connection));
    expect(read(planCodexDisconnect(location).after)).toEqual({});
  });

  it('says there is nothing to disconnect without a config', () => {
    expect(() => planCodexDisconnect(workspace())).toThrow(UserError);
  });
});

describe('Codex status and lookup', () => {
  it('reports the connection, the base URL and the model', () => {
    const location = workspace(realistic);
    expect(codexStatus(location)).toMatchObject({ client: 'codex', connected: false });
    applyCodexPlan(planCodexConnect(location, connection));
    expect(codexStatus(location)).toMatchObject({ connected: true, primary: true, baseUrl: 'http://127.0.0.1:8080/v1', models: ['openai/gpt-oss-120b'], backup: true });
  });

  it('finds config.toml under $CODEX_HOME, else ~/.codex', () => {
    expect(locateCodexConfig(undefined, { CODEX_HOME: '/tmp/codex-home' })).toEqual({ configPath: '/tmp/codex-home/config.toml', source: 'CODEX_HOME' });
    expect(locateCodexConfig(undefined, {}).configPath).toMatch(/\.codex\/config\.toml$/);
  });

  it('is in the connector registry, detected by its config dir', async () => {
    const connector = clientConnectors().find((entry) => entry.id === 'codex');
    expect(connector?.displayName).toBe('Codex CLI');
    const location = workspace(realistic);
    const detection = await codexConnector().detect({ configPath: location.configPath, env: { PATH: '/nonexistent' } });
    expect(detection).toMatchObject({ configExists: true, installed: true, version: undefined });
    const missing = await codexConnector().detect({ configPath: join(tmpdir(), 'no-such-dir', 'config.toml'), env: { PATH: '/nonexistent' } });
    expect(missing.installed).toBe(false);
    // Codex's home without a config.toml (it writes auth.json and sessions/ first) still counts.
    const bare = await codexConnector().detect({ configPath: join(mkdtempSync(join(tmpdir(), 'isartor-codex-bare-')), 'config.toml'), env: { PATH: '/nonexistent' } });
    expect(bare).toMatchObject({ configExists: false, installed: true });
  });
});
