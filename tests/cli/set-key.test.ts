import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanupTempHomes, makeTempHome, runCli } from './run-cli.js';

const groqKey = 'gsk_abcdefghijklmnop12345678';
const groqMasked = 'gsk_…5678';

let home: string;
beforeEach(() => {
  home = makeTempHome();
});
afterEach(cleanupTempHomes);

const configFile = () => join(home, 'config.json');
const readConfig = () =>
  JSON.parse(readFileSync(configFile(), 'utf8')) as {
    provider?: string;
    providers: Record<string, { apiKey?: string; model?: string; baseUrl?: string }>;
  };
const setKey = (args: string[], input?: string) => runCli(['set-key', ...args], { home, ...(input === undefined ? {} : { input }) });

describe('isartor set-key: provider and key', () => {
  it('rejects an unknown provider and lists the valid ones', async () => {
    const { code, stderr } = await setKey(['-p', 'nosuchprovider', '--key', groqKey]);
    expect(code).not.toBe(0);
    expect(stderr).toContain('Unknown provider "nosuchprovider"');
    for (const id of ['groq', 'openai-compatible', 'ollama', 'anthropic', 'azure']) expect(stderr).toContain(id);
  });

  it('without a key and without a terminal, names --key and --key-stdin', async () => {
    const { code, stderr } = await setKey(['-p', 'groq']);
    expect(code).not.toBe(0);
    expect(stderr).toContain('--key');
    expect(stderr).toContain('--key-stdin');
  });

  it('--key stores the key in a config file only its owner can read, and shows it masked', async () => {
    const { code, stdout, stderr } = await setKey(['-p', 'groq', '--key', groqKey]);
    expect(code, stderr).toBe(0);
    expect(statSync(configFile()).mode & 0o777).toBe(0o600);
    const config = readConfig();
    expect(config.provider).toBe('groq');
    expect(config.providers.groq?.apiKey).toBe(groqKey);
    expect(stdout).toContain(groqMasked);
    expect(stdout).not.toContain(groqKey);
    expect(stderr).not.toContain(groqKey);
  });

  it('--key-stdin reads a piped key and trims the trailing newline', async () => {
    const { code, stdout } = await setKey(['-p', 'groq', '--key-stdin'], `${groqKey}\n`);
    expect(code).toBe(0);
    expect(readConfig().providers.groq?.apiKey).toBe(groqKey);
    expect(stdout).toContain(groqMasked);
    expect(stdout).not.toContain(groqKey);
  });

  it('--key-stdin with empty input fails and stores nothing', async () => {
    const { code, stderr } = await setKey(['-p', 'groq', '--key-stdin'], '\n');
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/empty/);
    expect(existsSync(configFile()) ? readConfig().providers.groq : undefined).toBeUndefined();
  });

  it('refuses --key together with --key-stdin', async () => {
    const { code, stderr } = await setKey(['-p', 'groq', '--key', groqKey, '--key-stdin'], groqKey);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/cannot be used with/);
  });

  it('ollama needs no key', async () => {
    const { code, stdout } = await setKey(['-p', 'ollama']);
    expect(code).toBe(0);
    expect(stdout).toContain('(not needed)');
    expect(readConfig().provider).toBe('ollama');
    expect(readConfig().providers.ollama?.apiKey).toBeUndefined();
  });
});

describe('isartor set-key: model and base URL', () => {
  it('stores --model and --base-url (trailing slash dropped)', async () => {
    const { code, stdout } = await setKey(['-p', 'openai', '--key', 'sk-test-0000111122223333', '--model', 'gpt-test', '--base-url', 'http://127.0.0.1:9/v1/']);
    expect(code).toBe(0);
    expect(readConfig().providers.openai).toEqual({ apiKey: 'sk-test-0000111122223333', model: 'gpt-test', baseUrl: 'http://127.0.0.1:9/v1' });
    expect(stdout).toContain('gpt-test');
    expect(stdout).toContain('http://127.0.0.1:9/v1');
  });

  it('azure without --base-url fails and says to pass --base-url', async () => {
    const { code, stderr } = await setKey(['-p', 'azure', '--key', 'azure-key-000011112222', '--model', 'my-deployment']);
    expect(code).not.toBe(0);
    expect(stderr).toContain('--base-url');
  });

  it('azure needs the deployment name as --model, and stores both once given', async () => {
    const base = ['-p', 'azure', '--key', 'azure-key-000011112222', '--base-url', 'https://res.openai.azure.com/openai/v1'];
    const noModel = await setKey(base);
    expect(noModel.code).not.toBe(0);
    expect(noModel.stderr).toContain('--model');
    const ok = await setKey([...base, '--model', 'my-deployment']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readConfig().providers.azure).toMatchObject({ model: 'my-deployment', baseUrl: 'https://res.openai.azure.com/openai/v1' });
  });

  it('openai-compatible without a base URL fails', async () => {
    const { code, stderr } = await setKey(['-p', 'openai-compatible', '--key', 'k-000011112222']);
    expect(code).not.toBe(0);
    expect(stderr).toContain('needs a base URL');
    expect(stderr).toContain('--base-url');
  });

  it('rejects a --base-url that is not a URL', async () => {
    const { code, stderr } = await setKey(['-p', 'openai-compatible', '--base-url', 'notaurl']);
    expect(code).not.toBe(0);
    expect(stderr).toContain('notaurl');
    expect(stderr).toMatch(/full URL/);
  });

  it('re-running with only --model keeps the stored key', async () => {
    expect((await setKey(['-p', 'groq', '--key', groqKey, '--model', 'first-model'])).code).toBe(0);
    const again = await setKey(['-p', 'groq', '--model', 'second-model']);
    expect(again.code, again.stderr).toBe(0);
    expect(readConfig().providers.groq).toEqual({ apiKey: groqKey, model: 'second-model' });
    expect(again.stdout).toContain(groqMasked);
    expect(statSync(configFile()).mode & 0o777).toBe(0o600);
  });

  it('keeps the other providers when switching the active one', async () => {
    expect((await setKey(['-p', 'groq', '--key', groqKey])).code).toBe(0);
    expect((await setKey(['-p', 'ollama', '--model', 'llama3.2'])).code).toBe(0);
    const config = readConfig();
    expect(config.provider).toBe('ollama');
    expect(config.providers.groq?.apiKey).toBe(groqKey);
  });
});

describe('isartor set-key: a broken config file', () => {
  it('explains that the file is not valid JSON and leaves it byte for byte unchanged', async () => {
    const broken = '{ "providers": { "groq": \n';
    writeFileSync(configFile(), broken, { mode: 0o600 });
    const { code, stderr } = await setKey(['-p', 'groq', '--key', groqKey]);
    expect(code).not.toBe(0);
    expect(stderr).toContain(configFile());
    expect(stderr).toContain('not valid JSON');
    expect(stderr).not.toContain('crashed');
    expect(readFileSync(configFile(), 'utf8')).toBe(broken);
  });
});
