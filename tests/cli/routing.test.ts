import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanupTempHomes, makeTempHome, runCli } from './run-cli.js';

const groqKey = 'gsk_abcdefghijklmnop12345678';
const openaiKey = 'sk-proj-abcdefghijklmnop9999';

let home: string;
beforeEach(async () => {
  home = makeTempHome();
  expect((await cli('set-key', '-p', 'groq', '--key', groqKey)).code).toBe(0);
});
afterEach(cleanupTempHomes);

const cli = (...args: string[]) => runCli(args, { home });
const readConfig = () =>
  JSON.parse(readFileSync(join(home, 'config.json'), 'utf8')) as {
    provider: string;
    providers: Record<string, { apiKey?: string }>;
    aliases?: Record<string, string>;
    fallbacks?: Record<string, string[]>;
  };

describe('a second provider', () => {
  it('set-key --keep-default adds it without changing the default', async () => {
    const result = await cli('set-key', '-p', 'openai', '--key', openaiKey, '--keep-default');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('the default stays groq');
    expect(result.stdout).toContain('isartor check -p openai');
    expect(readConfig().provider).toBe('groq');
    expect(readConfig().providers.openai?.apiKey).toBe(openaiKey);
  });

  it('providers lists every provider with masked keys, the default, aliases and fallbacks', async () => {
    await cli('set-key', '-p', 'openai', '--key', openaiKey, '--keep-default');
    await cli('alias', 'claude-sonnet-4-5-20250929', 'groq/openai/gpt-oss-120b');
    await cli('fallbacks', 'default', 'openai/gpt-4o-mini');
    const text = await cli('providers');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/\*\s+groq\s+openai\/gpt-oss-120b/);
    expect(text.stdout).toContain('gsk_…5678');
    expect(text.stdout).toContain('sk-p…9999');
    expect(text.stdout).not.toContain(groqKey);
    expect(text.stdout).not.toContain(openaiKey);
    expect(text.stdout).toContain('claude-sonnet-4-5-20250929 -> groq/openai/gpt-oss-120b');
    expect(text.stdout).toContain('default -> openai/gpt-4o-mini');

    const json = JSON.parse((await cli('providers', '--json')).stdout);
    expect(json.default).toBe('groq');
    expect(json.providers.map((p: { id: string; key: string }) => [p.id, p.key])).toEqual([
      ['groq', 'gsk_…5678'],
      ['openai', 'sk-p…9999'],
    ]);
    expect(json.aliases).toEqual({ 'claude-sonnet-4-5-20250929': 'groq/openai/gpt-oss-120b' });
  });

  it('check -p checks a provider other than the default', async () => {
    const result = await cli('check', '-p', 'mistral');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('No API key is stored for mistral');
  });
});

describe('isartor alias', () => {
  it('sets, lists and removes an alias', async () => {
    expect((await cli('alias', 'claude-sonnet-4-5-20250929', 'groq/openai/gpt-oss-120b')).code).toBe(0);
    expect(readConfig().aliases).toEqual({ 'claude-sonnet-4-5-20250929': 'groq/openai/gpt-oss-120b' });
    expect((await cli('alias')).stdout).toContain('claude-sonnet-4-5-20250929 -> groq/openai/gpt-oss-120b');
    expect((await cli('alias', 'claude-sonnet-4-5-20250929', '--remove')).code).toBe(0);
    expect(readConfig().aliases).toEqual({});
  });

  it('keeps dots in alias names (they are not config paths)', async () => {
    expect((await cli('alias', 'claude-3.5-sonnet', 'groq/llama-3.3-70b')).code).toBe(0);
    expect(readConfig().aliases).toEqual({ 'claude-3.5-sonnet': 'groq/llama-3.3-70b' });
  });

  it('refuses a provider that is not configured, a malformed reference, and a missing target, changing nothing', async () => {
    const before = readFileSync(join(home, 'config.json'), 'utf8');
    const notConfigured = await cli('alias', 'x', 'anthropic/claude');
    expect(notConfigured.code).not.toBe(0);
    expect(notConfigured.stderr).toContain('set-key -p anthropic --keep-default');
    expect((await cli('alias', 'x', 'no-slash')).stderr).toContain('provider/model');
    expect((await cli('alias', 'x')).stderr).toContain('--remove');
    expect((await cli('alias', 'nope', '--remove')).stderr).toContain('no alias "nope"');
    expect(readFileSync(join(home, 'config.json'), 'utf8')).toBe(before);
  });
});

describe('isartor fallbacks', () => {
  it('sets an ordered chain for the default and for an alias, and clears it', async () => {
    await cli('set-key', '-p', 'openai', '--key', openaiKey, '--keep-default');
    await cli('set-key', '-p', 'ollama', '--keep-default');
    expect((await cli('fallbacks', 'default', 'openai/gpt-4o-mini', 'ollama/llama3.2')).code).toBe(0);
    await cli('alias', 'smart', 'openai/gpt-4o');
    expect((await cli('fallbacks', 'smart', 'groq/openai/gpt-oss-120b')).code).toBe(0);
    expect(readConfig().fallbacks).toEqual({ default: ['openai/gpt-4o-mini', 'ollama/llama3.2'], smart: ['groq/openai/gpt-oss-120b'] });
    expect((await cli('fallbacks')).stdout).toContain('default -> openai/gpt-4o-mini -> ollama/llama3.2');
    expect((await cli('fallbacks', 'default', '--clear')).code).toBe(0);
    expect(readConfig().fallbacks).toEqual({ smart: ['groq/openai/gpt-oss-120b'] });
    // Removing an alias removes its fallbacks too.
    await cli('alias', 'smart', '--remove');
    expect(readConfig().fallbacks).toEqual({});
  });

  it('refuses unknown names and unconfigured providers', async () => {
    expect((await cli('fallbacks', 'nope', 'groq/x')).stderr).toContain('neither an alias nor "default"');
    expect((await cli('fallbacks', 'default', 'openai/gpt-4o')).stderr).toContain('set-key -p openai --keep-default');
    expect((await cli('fallbacks', 'default')).stderr).toContain('at least one fallback');
  });
});
