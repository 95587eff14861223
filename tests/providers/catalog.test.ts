import { describe, expect, it } from 'vitest';
import { findProvider, listProviders, providerIds } from '../../source/providers/catalog.js';
import { authHeaders, chatCompletionsUrl, modelsUrl, resolveActiveTarget, resolveTarget } from '../../source/providers/upstream-target.js';
import { configDefaults, type IsartorConfig } from '../../source/store/config.js';

const config = (providers: IsartorConfig['providers'], provider?: string): IsartorConfig => ({
  ...configDefaults,
  providers,
  ...(provider ? { provider } : {}),
});

describe('provider catalog', () => {
  it('has every provider users are told about', () => {
    for (const id of ['openai', 'anthropic', 'groq', 'openrouter', 'together', 'mistral', 'deepseek', 'xai', 'gemini', 'azure', 'ollama', 'openai-compatible']) {
      expect(providerIds, id).toContain(id);
    }
  });

  it('describes each one completely', () => {
    for (const spec of listProviders()) {
      expect(spec.label.length, spec.id).toBeGreaterThan(0);
      if (spec.baseUrl) expect(() => new URL(spec.baseUrl!), spec.id).not.toThrow();
      else expect(spec.baseUrlExample, spec.id).toBeDefined();
      expect(['openai-models', 'anthropic-message', 'ollama-tags']).toContain(spec.keyCheck);
      if (spec.keyRequired) expect(spec.auth, spec.id).not.toBe('none');
    }
    expect(findProvider('ollama')).toMatchObject({ auth: 'none', keyRequired: false, keyCheck: 'ollama-tags' });
    expect(findProvider('anthropic')).toMatchObject({ auth: 'x-api-key', keyCheck: 'anthropic-message' });
    expect(findProvider('gemini')?.baseUrl).toContain('/openai');
  });

  it('finds providers case-insensitively', () => {
    expect(findProvider('Groq')?.id).toBe('groq');
    expect(findProvider('nope')).toBeUndefined();
  });
});

describe('upstream targets', () => {
  it('presents the key the way each provider wants it', () => {
    const headersFor = (id: string, extra = {}) => authHeaders(resolveTarget(config({ [id]: { apiKey: 'K', baseUrl: 'https://x/v1', ...extra } }), id));
    expect(headersFor('groq')).toEqual({ authorization: 'Bearer K' });
    expect(headersFor('anthropic')).toEqual({ 'x-api-key': 'K', 'anthropic-version': '2023-06-01' });
    expect(headersFor('azure', { model: 'deployment' })).toEqual({ 'api-key': 'K' });
    expect(headersFor('ollama')).toEqual({});
  });

  it('builds the endpoint URLs from the base URL', () => {
    const groq = resolveTarget(config({ groq: { apiKey: 'K' } }), 'groq');
    expect(chatCompletionsUrl(groq)).toBe('https://api.groq.com/openai/v1/chat/completions');
    expect(modelsUrl(groq)).toBe('https://api.groq.com/openai/v1/models');
    const custom = resolveTarget(config({ 'openai-compatible': { baseUrl: 'http://127.0.0.1:8000/v1/' } }), 'openai-compatible');
    expect(chatCompletionsUrl(custom)).toBe('http://127.0.0.1:8000/v1/chat/completions');
    expect(groq.model).toBe('openai/gpt-oss-120b');
    expect(custom.model).toBeUndefined();
  });

  it('says what to run when something is missing', () => {
    expect(() => resolveActiveTarget(config({}))).toThrow(/No provider is configured/);
    expect(() => resolveTarget(config({}), 'groq')).toThrow(/No API key is stored for groq/);
    expect(() => resolveTarget(config({ azure: { apiKey: 'K' } }), 'azure')).toThrow(/needs a base URL/);
    // A name typed with -p is a typo, with the nearest names; a default in the config isartor no longer knows says so.
    expect(() => resolveTarget(config({}), 'martian')).toThrow(/Unknown provider "martian"/);
    expect(() => resolveTarget({ ...config({}), provider: 'martian' }, 'martian')).toThrow(/not one isartor knows/);
  });
});
