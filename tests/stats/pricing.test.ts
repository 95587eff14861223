import { describe, expect, it } from 'vitest';
import { costOfInputTokens, costOfUsage, findPrice } from '../../source/stats/price-book.js';
import { summarise } from '../../source/stats/summarise.js';
import type { RequestRecord } from '../../source/stats/request-record.js';
import { requestRecord } from './request-record-fixture.js';

describe('findPrice', () => {
  it('prefers the user table, then provider/model, then the bare model, then the undated id', () => {
    expect(findPrice('openai', 'gpt-4o-mini', {})).toMatchObject({ key: 'gpt-4o-mini', source: 'builtin', price: { input: 0.15, output: 0.6 } });
    expect(findPrice('openai', 'gpt-4o-mini', { 'gpt-4o-mini': { input: 1, output: 2 } })).toMatchObject({ source: 'user', price: { input: 1 } });
    expect(findPrice('openai', 'gpt-4o-mini', { 'openai/gpt-4o-mini': { input: 3, output: 4 }, 'gpt-4o-mini': { input: 1, output: 2 } })).toMatchObject({ key: 'openai/gpt-4o-mini', source: 'user' });
    expect(findPrice('anthropic', 'claude-sonnet-4-5-20250929', {})).toMatchObject({ key: 'claude-sonnet-4-5', price: { input: 3, output: 15, cachedInput: 0.3 } });
    expect(findPrice('openai', 'gpt-4o-2024-08-06', {})).toMatchObject({ key: 'gpt-4o' });
    expect(findPrice('groq', 'openai/gpt-oss-120b', {})).toMatchObject({ key: 'groq/openai/gpt-oss-120b' });
    // The same open model at a host with no entry is not priced as Groq's.
    expect(findPrice('together', 'openai/gpt-oss-120b', {})).toBeUndefined();
    expect(findPrice('ollama', 'llama3.2', {})).toMatchObject({ key: 'ollama/*', price: { input: 0, output: 0 } });
    expect(findPrice('openai-compatible', 'my-model', {})).toBeUndefined();
    expect(findPrice('openai', null, {})).toBeUndefined();
  });
});

describe('findPrice remembers what it found, per price table', () => {
  it('answers the same for the same table, and sees a changed table (a new object) at once', () => {
    const table = { 'my-model': { input: 1, output: 2 } };
    expect(findPrice('groq', 'my-model', table)).toMatchObject({ key: 'my-model', price: { input: 1 } });
    expect(findPrice('groq', 'my-model', table)).toMatchObject({ key: 'my-model', price: { input: 1 } });
    expect(findPrice('groq', 'other-model', table)).toBeUndefined();
    expect(findPrice('groq', 'other-model', table)).toBeUndefined();
    // The config reloaded with a price for it: a new table object.
    expect(findPrice('groq', 'other-model', { ...table, 'groq/other-model': { input: 5, output: 6 } })).toMatchObject({ key: 'groq/other-model', source: 'user' });
    // Another provider, the same model name: not the first provider's answer.
    expect(findPrice('openai', 'gpt-4o-mini', table)).toMatchObject({ source: 'builtin', key: 'gpt-4o-mini' });
    expect(findPrice(null, 'gpt-4o-mini', { 'openai/gpt-4o-mini': { input: 9, output: 9 } })).toMatchObject({ source: 'builtin' });
    expect(findPrice('openai', 'gpt-4o-mini', { 'openai/gpt-4o-mini': { input: 9, output: 9 } })).toMatchObject({ source: 'user' });
  });

  it('stays right past the number of models it remembers', () => {
    const table = {};
    for (let i = 0; i < 600; i++) expect(findPrice('p', `unpriced-${i}`, table)).toBeUndefined();
    expect(findPrice('openai', 'gpt-4o-mini', table)).toMatchObject({ source: 'builtin' });
  });
});

describe('costOfUsage', () => {
  it('charges cached input at the cached price and the rest at full price (hand-computed)', () => {
    const price = { input: 3, output: 15, cachedInput: 0.3 };
    // 1000 fresh * 3 + 9000 cached * 0.3 + 500 out * 15 = 3000 + 2700 + 7500 = 13200 micro-USD
    expect(costOfUsage(price, { inputTokens: 10_000, outputTokens: 500, cachedInputTokens: 9000 })).toBeCloseTo(0.0132, 10);
    // Without a cached price, cached input costs full price: 10000 * 2 + 500 * 8 = 24000 micro-USD
    expect(costOfUsage({ input: 2, output: 8 }, { inputTokens: 10_000, outputTokens: 500, cachedInputTokens: 9000 })).toBeCloseTo(0.024, 10);
    expect(costOfInputTokens(price, 2000)).toBeCloseTo(0.006, 10);
  });
});

const record = requestRecord;

describe('summarise: money and churn', () => {
  it('adds cost and savings, and counts requests whose model has no price', () => {
    const summary = summarise([
      record({ inputTokens: 1000, outputTokens: 100, costUsd: 0.1 }),
      record({ layer: 'l1a', tokensSaved: 1100, costSavedUsd: 0.1 }),
      record({ inputTokens: 1000, outputTokens: 100, costUsd: 0.2 }),
      record({ inputTokens: 500, outputTokens: 10, costUsd: null, model: 'unknown-model' }),
      record({ layer: 'l0', status: 401 }),
    ]);
    expect(summary.cost).toEqual({ usd: 0.3, savedUsd: 0.1, unpricedRequests: 1 });
  });

  it('counts prompt churn: compared requests, changed ones, bytes, and the last change', () => {
    const summary = summarise([
      record({}),
      record({ churn: { systemBytes: 0, systemLine: null, toolsBytes: 0, toolsChanged: [] } }),
      record({ time: '2026-11-21T20:01:00.000Z', churn: { systemBytes: 16, systemLine: 3, toolsBytes: 0, toolsChanged: [] } }),
      record({ time: '2026-11-21T20:02:00.000Z', churn: { systemBytes: 0, systemLine: null, toolsBytes: 120, toolsChanged: ['exec'] } }),
    ]);
    expect(summary.churn).toEqual({
      compared: 3,
      changed: 2,
      systemBytes: 16,
      toolsBytes: 120,
      last: { time: '2026-11-21T20:02:00.000Z', systemBytes: 0, systemLine: null, toolsBytes: 120, toolsChanged: ['exec'] },
    });
  });
});
