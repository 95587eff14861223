// SetupEffects for tests: every effect a vi.fn with a sensible default, overridable per test.
import { vi } from 'vitest';
import type { ProbeSpec } from '../../source/setup/dashboard/probes.js';
import type { CheckResult } from '../../source/providers/check-provider.js';
import type { EventsSubscriber, GatewayHandle, OpenClawFinding, SetupEffects, SetupOverview } from '../../source/setup/effects.js';
import { summarise } from '../../source/stats/summarise.js';
import { requestRecord } from '../stats/request-record-fixture.js';
import type { LiveRequestRecord, StatsReport, StatsSummary } from '../../source/setup/gateway-contracts.js';

export const fakeGateway: GatewayHandle = { url: 'http://127.0.0.1:8080', pid: 4242, provider: 'groq', model: 'openai/gpt-oss-120b', apiKey: undefined, kind: 'started' };

export function fakeFinding(patch: Partial<OpenClawFinding> = {}): OpenClawFinding {
  return { configPath: '/home/u/.openclaw/openclaw.json', source: 'default', configExists: true, primaryModel: 'anthropic/claude-sonnet-4-5', version: '2026.9.6', problem: undefined, ...patch };
}

export function fakeOverview(patch: Partial<SetupOverview> = {}): SetupOverview {
  return { stateDir: '/tmp/isartor', configured: undefined, storedKeys: [], envKeys: {}, gateway: undefined, openClaw: fakeFinding({ configExists: false, version: undefined }), defaultPort: 8080, ...patch };
}

export function okCheck(patch: Partial<CheckResult> = {}): CheckResult {
  return { ok: true, provider: 'groq', baseUrl: 'https://api.groq.com/openai/v1', request: 'GET https://api.groq.com/openai/v1/models', status: 200, latencyMs: 87, model: null, modelFound: null, availableModels: ['llama-3.3-70b-versatile', 'openai/gpt-oss-120b', 'openai/gpt-oss-20b'], ...patch };
}

export function unauthorizedCheck(): CheckResult {
  return {
    ...okCheck({ availableModels: undefined }),
    ok: false,
    status: 401,
    problem: { kind: 'unauthorized', message: 'groq rejected the API key (HTTP 401): Invalid API Key.', fix: 'Store a valid key with `isartor set-key -p groq` (get one at https://console.groq.com/keys).' },
  };
}

export function summary(patch: Partial<StatsSummary> = {}): StatsSummary {
  return { ...summarise([]), ...patch };
}

export function stats(total: Partial<StatsSummary>, tools: Array<{ client: string } & Partial<StatsSummary>> = []): StatsReport {
  return { since: null, total: summary(total), tools: tools.map((tool) => ({ ...summary(tool), client: tool.client })), keys: [], skippedLines: 0 };
}

export function record(patch: Partial<LiveRequestRecord> = {}): LiveRequestRecord {
  return requestRecord({
    time: '2026-01-01T12:00:01.000Z',
    totalMs: 420,
    upstreamMs: 419,
    overheadMs: 0.6,
    model: 'openai/gpt-oss-120b',
    inputTokens: 1200,
    outputTokens: 80,
    costUsd: 0.0003,
    costSavedUsd: 0,
    ...patch,
  });
}

export interface FakeEffects extends SetupEffects {
  /** The subscriber the dashboard registered, to push /events records. */
  subscriber(): EventsSubscriber;
  unsubscribed: () => boolean;
}

export function fakeEffects(overrides: Partial<SetupEffects> = {}): FakeEffects {
  let subscriber: EventsSubscriber | undefined;
  let unsubscribed = false;
  const effects: SetupEffects = {
    inspect: vi.fn(async () => fakeOverview()),
    checkKey: vi.fn(async () => okCheck()),
    saveProvider: vi.fn(async () => {}),
    startGateway: vi.fn(async () => ({ kind: 'running' as const, gateway: fakeGateway })),
    startDemo: vi.fn(async () => ({ ...fakeGateway, provider: 'demo (echo)', model: null, kind: 'demo' as const })),
    findOpenClaw: vi.fn(async () => fakeFinding()),
    planOpenClaw: vi.fn(async () => {
      throw new Error('planOpenClaw not faked in this test');
    }),
    applyOpenClaw: vi.fn(async (plan) => ({ configPath: plan.location.configPath, wrote: true, backupPath: plan.backup.create ? plan.backup.path : undefined, deleted: [] })),
    fetchStats: vi.fn(async () => stats({})),
    subscribeEvents: vi.fn((_gateway, s: EventsSubscriber) => {
      subscriber = s;
      s.onStatus('live');
      return () => {
        unsubscribed = true;
      };
    }),
    probe: vi.fn(async (_gateway: GatewayHandle, probe: ProbeSpec) => ({ probe, status: 200, layer: 'l1a', latencyMs: 3 })),
    stopGateway: vi.fn(async () => {}),
  };
  // Overrides are spied on too, so tests can ask what was called either way.
  for (const [name, implementation] of Object.entries(overrides)) {
    (effects as unknown as Record<string, unknown>)[name] = vi.fn(implementation as (...args: unknown[]) => unknown);
  }
  return {
    ...effects,
    subscriber: () => {
      if (!subscriber) throw new Error('the dashboard has not subscribed to /events');
      return subscriber;
    },
    unsubscribed: () => unsubscribed,
  };
}
