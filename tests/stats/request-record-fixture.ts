import type { RequestRecord } from '../../source/stats/request-record.js';

/** A plain successful L3 record; tests override the fields they are about. */
export function requestRecord(overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    time: '2026-11-21T20:00:00.000Z',
    client: 'openclaw',
    protocol: 'openai',
    route: '/v1/chat/completions',
    layer: 'l3',
    status: 200,
    totalMs: 100,
    upstreamMs: 95,
    overheadMs: 1,
    provider: 'groq',
    model: 'm',
    keyAlias: null,
    inputTokens: 0,
    outputTokens: 0,
    tokensCounted: 'provider',
    tokensSaved: 0,
    costUsd: null,
    costSavedUsd: null,
    churn: null,
    ...overrides,
  };
}
