import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../../source/gateway/context.js';
import { exactCacheKey } from '../../../source/gateway/cache/exact-cache-key.js';
import { findProvider } from '../../../source/providers/catalog.js';

function chat(body: Record<string, unknown>, overrides: Partial<ChatRequest> = {}): ChatRequest {
  const spec = findProvider('groq')!;
  return {
    body: { messages: [{ role: 'user', content: 'hi' }], ...body },
    raw: Buffer.from(''),
    stream: false,
    includeUsage: false,
    skipLookup: false,
    skipStore: false,
    target: { providerId: 'groq', spec, baseUrl: spec.baseUrl!, apiKey: 'k', model: 'm' },
    upstreamModel: 'm',
    ...overrides,
  };
}

describe('exactCacheKey', () => {
  const base = exactCacheKey(chat({}), 'anonymous');

  it('is a sha256 hex digest, stable across calls and key order', () => {
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(exactCacheKey(chat({ temperature: 0, top_p: 1 }), 'anonymous')).toBe(exactCacheKey(chat({ top_p: 1, temperature: 0 }), 'anonymous'));
  });

  it('separates tenants: another caller never shares an entry', () => {
    expect(exactCacheKey(chat({}), 'key:aaaa')).not.toBe(exactCacheKey(chat({}), 'key:bbbb'));
    expect(exactCacheKey(chat({}), 'key:aaaa')).not.toBe(base);
  });

  it('separates providers, base URLs and upstream models', () => {
    const spec = findProvider('openai')!;
    expect(exactCacheKey(chat({}, { target: { providerId: 'openai', spec, baseUrl: spec.baseUrl!, apiKey: 'k', model: 'm' } }), 'anonymous')).not.toBe(base);
    const groq = findProvider('groq')!;
    expect(exactCacheKey(chat({}, { target: { providerId: 'groq', spec: groq, baseUrl: 'http://elsewhere/v1', apiKey: 'k', model: 'm' } }), 'anonymous')).not.toBe(base);
    expect(exactCacheKey(chat({}, { upstreamModel: 'other' }), 'anonymous')).not.toBe(base);
  });

  it('ignores only delivery fields: stream, stream_options and the client model name', () => {
    expect(exactCacheKey(chat({ stream: true, stream_options: { include_usage: true }, model: 'client-name' }), 'anonymous')).toBe(base);
  });

  it('includes fields it does not know, so an unknown answer-changing field splits the cache', () => {
    expect(exactCacheKey(chat({ some_future_field: 1 }), 'anonymous')).not.toBe(base);
    expect(exactCacheKey(chat({ user: 'alice' }), 'anonymous')).not.toBe(exactCacheKey(chat({ user: 'bob' }), 'anonymous'));
  });
});
