import { describe, expect, it } from 'vitest';
import { parseModelRef } from '../../source/routing/model-ref.js';
import { buildRoutingTable } from '../../source/routing/routing-table.js';
import { configDefaults, type IsartorConfig } from '../../source/store/config.js';

const config = (extra: Partial<IsartorConfig>): IsartorConfig => ({
  ...configDefaults,
  provider: 'groq',
  providers: { groq: { apiKey: 'g', model: 'llama-3.3-70b' }, openai: { apiKey: 'o', model: 'gpt-4o-mini', timeoutMs: 5000 } },
  ...extra,
});
const describeRoutes = (routes: ReturnType<ReturnType<typeof buildRoutingTable>['routesFor']>) =>
  routes.map((r) => `${r.target.providerId}/${r.target.model}`);

describe('parseModelRef', () => {
  it('splits at the first slash, so model names may contain slashes', () => {
    expect(parseModelRef('groq/openai/gpt-oss-120b')).toEqual({ provider: 'groq', model: 'openai/gpt-oss-120b' });
  });

  it('refuses text that is not provider/model, or an unknown provider', () => {
    expect(() => parseModelRef('gpt-4o')).toThrow(/provider\/model/);
    expect(() => parseModelRef('/gpt-4o')).toThrow(/provider\/model/);
    expect(() => parseModelRef('martian/x')).toThrow(/does not know/);
  });
});

describe('buildRoutingTable', () => {
  it('serves unknown model names from the default provider, with the default fallbacks', () => {
    const table = buildRoutingTable(config({ fallbacks: { default: ['openai/gpt-4o-mini'] } }));
    expect(describeRoutes(table.routesFor('anything'))).toEqual(['groq/llama-3.3-70b', 'openai/gpt-4o-mini']);
    expect(describeRoutes(table.routesFor(undefined))).toEqual(['groq/llama-3.3-70b', 'openai/gpt-4o-mini']);
  });

  it('routes an alias to its provider/model, then its own fallbacks', () => {
    const table = buildRoutingTable(
      config({
        aliases: { 'claude-sonnet-4-5-20250929': 'groq/openai/gpt-oss-120b' },
        fallbacks: { 'claude-sonnet-4-5-20250929': ['openai/gpt-4o'] },
      }),
    );
    expect(describeRoutes(table.routesFor('claude-sonnet-4-5-20250929'))).toEqual(['groq/openai/gpt-oss-120b', 'openai/gpt-4o']);
  });

  it('routes a configured provider model by its name, with that provider\'s timeouts', () => {
    const table = buildRoutingTable(config({}));
    const [route] = table.routesFor('gpt-4o-mini');
    expect(route?.target.providerId).toBe('openai');
    expect(route?.timeoutMs).toBe(5000);
    expect(table.routesFor('llama-3.3-70b')[0]?.timeoutMs).toBe(configDefaults.upstream.timeoutMs);
  });

  it('lists aliases and configured models', () => {
    const table = buildRoutingTable(config({ aliases: { fast: 'groq/llama-3.1-8b-instant' } }));
    expect(table.advertisedModels()).toEqual([
      { id: 'fast', servedBy: 'groq/llama-3.1-8b-instant' },
      { id: 'llama-3.3-70b', servedBy: 'groq/llama-3.3-70b' },
      { id: 'gpt-4o-mini', servedBy: 'openai/gpt-4o-mini' },
    ]);
  });

  it('refuses, at start, routes to providers that are not configured and fallbacks for unknown names', () => {
    expect(() => buildRoutingTable(config({ aliases: { x: 'anthropic/claude' } }))).toThrow(/anthropic is not configured/);
    expect(() => buildRoutingTable(config({ fallbacks: { default: ['mistral/small'] } }))).toThrow(/mistral is not configured/);
    expect(() => buildRoutingTable(config({ fallbacks: { nope: ['openai/gpt-4o'] } }))).toThrow(/neither an alias nor "default"/);
  });

  it('leaves out a half-configured provider instead of failing', () => {
    const table = buildRoutingTable(config({ providers: { groq: { apiKey: 'g', model: 'm' }, azure: { apiKey: 'a' } } }));
    expect(table.advertisedModels().map((m) => m.id)).toEqual(['m']);
  });
});
