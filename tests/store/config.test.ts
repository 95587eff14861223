import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigStore, configDefaults } from '../../source/store/config.js';
import { resolveStateDir, statePaths } from '../../source/store/state-dir.js';
import { UserError } from '../../source/user-error.js';

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'isartor-config-'));

describe('state dir', () => {
  it('is $ISARTOR_HOME when set, else ~/.isartor', () => {
    expect(resolveStateDir({ ISARTOR_HOME: '/tmp/somewhere' })).toBe('/tmp/somewhere');
    expect(resolveStateDir({ HOME: '/home/u' })).toMatch(/\.isartor$/);
  });

  it('keeps config, cache, logs and pid file inside it', () => {
    const paths = statePaths('/s');
    for (const path of [paths.configFile, paths.exactCacheFile, paths.gatewayLog, paths.pidFile]) expect(path.startsWith('/s/')).toBe(true);
  });
});

describe('ConfigStore', () => {
  it('reads defaults when nothing is stored', () => {
    const config = new ConfigStore(tempDir()).read();
    expect(config.provider).toBeUndefined();
    expect(config.gateway).toEqual(configDefaults.gateway);
    expect(config.cache.exact).toEqual({ enabled: true, ttlSeconds: 3600, maxBytes: 256 * 1024 * 1024 });
  });

  it('stores a provider with mode 0600, even over a file that was world-readable', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.json'), '{}');
    chmodSync(join(dir, 'config.json'), 0o644);
    const store = new ConfigStore(dir);
    store.saveProvider('groq', { apiKey: 'gsk_secret', model: 'm1' });
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o077).toBe(0);
    expect(store.read()).toMatchObject({ provider: 'groq', providers: { groq: { apiKey: 'gsk_secret', model: 'm1' } } });
  });

  it('merges new settings into the stored ones and switches the active provider', () => {
    const store = new ConfigStore(tempDir());
    store.saveProvider('groq', { apiKey: 'k1', model: 'm1' });
    store.saveProvider('groq', { model: 'm2' });
    store.saveProvider('openai', { apiKey: 'k2' });
    const config = store.read();
    expect(config.providers.groq).toEqual({ apiKey: 'k1', model: 'm2' });
    expect(config.provider).toBe('openai');
  });

  it('keeps stored settings that an update leaves undefined', () => {
    const store = new ConfigStore(tempDir());
    store.saveProvider('openai-compatible', { apiKey: 'k', baseUrl: 'http://127.0.0.1:8000/v1', model: 'a' });
    store.saveProvider('openai-compatible', { apiKey: undefined, baseUrl: undefined, model: 'b' });
    expect(store.read().providers['openai-compatible']).toEqual({ apiKey: 'k', baseUrl: 'http://127.0.0.1:8000/v1', model: 'b' });
  });

  it('refuses a file that is not JSON, says where it is, and leaves it alone', () => {
    const dir = tempDir();
    const file = join(dir, 'config.json');
    writeFileSync(file, '{ "provider": "groq", ');
    const error = (() => {
      try {
        new ConfigStore(dir).read();
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toContain(file);
    expect((error as UserError).message).toContain('not valid JSON');
    expect(readFileSync(file, 'utf8')).toBe('{ "provider": "groq", ');
  });

  it('refuses a setting of the wrong type with the setting named', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ gateway: { port: 'eighty' } }));
    expect(() => new ConfigStore(dir).read()).toThrow(/invalid setting: .*port/);
  });
});
