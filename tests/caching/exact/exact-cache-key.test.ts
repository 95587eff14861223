import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../../source/gateway/context.js';
import { chatRequest } from '../../gateway/chat-request-fixture.js';
import { exactCacheKey } from '../../../source/caching/exact/exact-cache-key.js';
import { findProvider } from '../../../source/providers/catalog.js';

// The key reads only the raw bytes, never the parsed body.
const chat = (raw: string, overrides: Partial<ChatRequest> = {}): ChatRequest => chatRequest({ raw: Buffer.from(raw), ...overrides });

const body = '{"model":"m","messages":[{"role":"user","content":"hi"}]}';

describe('exactCacheKey', () => {
  const base = exactCacheKey(chat(body), 'anonymous');

  it('is a sha256 hex digest, the same for the same bytes', () => {
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(exactCacheKey(chat(body), 'anonymous')).toBe(base);
  });

  it('changes with any byte of the request, so any answer-shaping field splits the cache', () => {
    expect(exactCacheKey(chat('{"model":"m","messages":[{"role":"user","content":"hi!"}]}'), 'anonymous')).not.toBe(base);
    expect(exactCacheKey(chat('{"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":0}'), 'anonymous')).not.toBe(base);
    expect(exactCacheKey(chat('{"model":"m","messages":[{"role":"user","content":"hi"}],"some_future_field":1}'), 'anonymous')).not.toBe(base);
  });

  it('separates tenants: another caller never shares an entry', () => {
    expect(exactCacheKey(chat(body), 'key:aaaa')).not.toBe(exactCacheKey(chat(body), 'key:bbbb'));
    expect(exactCacheKey(chat(body), 'key:aaaa')).not.toBe(base);
  });

  it('separates providers, base URLs and upstream models', () => {
    const openai = findProvider('openai')!;
    const groq = findProvider('groq')!;
    expect(exactCacheKey(chat(body, { target: { providerId: 'openai', spec: openai, baseUrl: openai.baseUrl!, apiKey: 'k', model: 'm' } }), 'anonymous')).not.toBe(base);
    expect(exactCacheKey(chat(body, { target: { providerId: 'groq', spec: groq, baseUrl: 'http://elsewhere/v1', apiKey: 'k', model: 'm' } }), 'anonymous')).not.toBe(base);
    expect(exactCacheKey(chat(body, { upstreamModel: 'other' }), 'anonymous')).not.toBe(base);
  });

  it('separates the protocols: an Anthropic caller never gets an OpenAI-shaped answer', () => {
    expect(exactCacheKey(chat(body, { protocol: 'anthropic' }), 'anonymous')).not.toBe(base);
  });

  it('separates requests forwarded with other anthropic-beta or anthropic-version headers, or another query', () => {
    const keys = [
      base,
      exactCacheKey(chat(body, { anthropicHeaders: { 'anthropic-beta': 'interleaved-thinking-2025-05-14' } }), 'anonymous'),
      exactCacheKey(chat(body, { anthropicHeaders: { 'anthropic-beta': 'interleaved-thinking-2025-05-14,effort-2025-11-24' } }), 'anonymous'),
      exactCacheKey(chat(body, { anthropicHeaders: { 'anthropic-version': '2023-06-01' } }), 'anonymous'),
      exactCacheKey(chat(body, { query: 'beta=true' }), 'anonymous'),
      exactCacheKey(chat(body, { query: 'beta=false' }), 'anonymous'),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('keys a body with a declared volatile span by its content with the span masked, and nothing else', () => {
    const claudeCode = (session: string, prompt = 'hi') => {
      const parsed = {
        model: 'm',
        metadata: { user_id: JSON.stringify({ device_id: 'd'.repeat(64), account_uuid: '', session_id: session }) },
        messages: [{ role: 'user', content: prompt }],
      };
      return chat(JSON.stringify(parsed), { body: parsed });
    };
    const a = exactCacheKey(claudeCode('5b3cd5f3-6fb3-42ef-b725-9e985e7af7f5'), 'anonymous');
    expect(exactCacheKey(claudeCode('9c1d0a52-6e4b-4f0e-8f66-3f2b1d0c7a11'), 'anonymous')).toBe(a);
    expect(exactCacheKey(claudeCode('9c1d0a52-6e4b-4f0e-8f66-3f2b1d0c7a11', 'hi!'), 'anonymous')).not.toBe(a);
  });

  it('cannot be confused by a model name that mimics the field framing', () => {
    const a = exactCacheKey(chat(body, { upstreamModel: 'm\n{"x":1}' }), 'anonymous');
    const b = exactCacheKey(chat(`{"x":1}${body}`, { upstreamModel: 'm' }), 'anonymous');
    expect(a).not.toBe(b);
  });
});
