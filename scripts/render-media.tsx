/**
 * `npm run media`: pictures of every wizard screen and of the dashboard under load, rendered from the
 * real components (Ink, 80x24, colours on) into ANSI text, then into SVG by scripts/ansi-to-svg.ts.
 * The effects are fakes, except the OpenClaw plan, which is the real one on a temp openclaw.json.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink';
import type { ReactElement } from 'react';
import type { CheckResult } from '../source/providers/check-provider.js';
import { SetupApp } from '../source/setup/app.js';
import { themeFor } from '../source/setup/components/theme.js';
import type { EventsSubscriber, GatewayHandle, OpenClawFinding, SetupEffects, SetupOverview } from '../source/setup/effects.js';
import { initialSetupState, setupReducer, type SetupAction, type SetupState } from '../source/setup/flow.js';
import type { LiveRequestRecord, StatsReport } from '../source/setup/gateway-contracts.js';
import { summarise, summariseByTool } from '../source/stats/summarise.js';
import { createSetupEffects } from '../source/setup/real-effects.js';
import { ansiToSvg } from './ansi-to-svg.js';

const columns = 80;
const rows = 24;
// The pictures show advice as an installed user sees it, not as `npm run media` was started.
process.env.ISARTOR_INVOKED_AS = 'isartor';
const outDir = new URL('../media/', import.meta.url);

class FakeStdout extends EventEmitter {
  columns = columns;
  rows = rows;
  isTTY = true;
  last = '';
  write = (chunk: string): boolean => {
    this.last = chunk;
    return true;
  };
}

class FakeStdin extends EventEmitter {
  isTTY = true;
  setRawMode(): void {}
  setEncoding(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
  read(): null {
    return null;
  }
}

const plain = (text: string) => text.replace(/\u001B\[[0-9;]*m/g, '');

async function capture(element: ReactElement, ready: (frame: string) => boolean, settleMs = 0): Promise<string> {
  const stdout = new FakeStdout();
  const instance = render(element, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stdout as unknown as NodeJS.WriteStream,
    stdin: new FakeStdin() as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  const deadline = Date.now() + 10_000;
  while (!ready(plain(stdout.last))) {
    if (Date.now() > deadline) throw new Error(`media: the frame never got ready:\n${plain(stdout.last)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  if (settleMs) await new Promise((resolve) => setTimeout(resolve, settleMs));
  const frame = stdout.last;
  instance.unmount();
  // A terminal shows the newest rows: the end of the request log above the live dashboard.
  return frame.replace(/\n+$/, '').split('\n').slice(-rows).join('\n');
}

const gateway: GatewayHandle = { url: 'http://127.0.0.1:8080', pid: 48213, provider: 'groq', model: 'openai/gpt-oss-120b', apiKey: undefined, kind: 'started' };
const finding: OpenClawFinding = { configPath: '/home/ada/.openclaw/openclaw.json', source: 'default', configExists: true, primaryModel: 'anthropic/claude-sonnet-4-5', version: '2026.9.6', problem: undefined };
const overview: SetupOverview = {
  stateDir: '/home/ada/.isartor',
  configured: undefined,
  storedKeys: ['openai'],
  envKeys: { groq: 'GROQ_API_KEY' },
  gateway: undefined,
  openClaw: finding,
  defaultPort: 8080,
};
const okCheck: CheckResult = {
  ok: true,
  provider: 'groq',
  baseUrl: 'https://api.groq.com/openai/v1',
  request: 'GET https://api.groq.com/openai/v1/models',
  status: 200,
  latencyMs: 143,
  model: null,
  modelFound: null,
  availableModels: ['openai/gpt-oss-120b', 'openai/gpt-oss-20b', 'llama-3.3-70b-versatile', 'llama-3.1-8b-instant', 'moonshotai/kimi-k2-instruct', 'qwen/qwen3-32b', 'meta-llama/llama-4-scout-17b-16e-instruct'],
};
const badCheck: CheckResult = {
  ...okCheck,
  ok: false,
  status: 401,
  availableModels: undefined,
  problem: { kind: 'unauthorized', message: 'groq rejected the API key (HTTP 401): Invalid API Key.', fix: 'Store a valid key with `isartor set-key -p groq` (get one at https://console.groq.com/keys).' },
};

function baseEffects(patch: Partial<SetupEffects> = {}): SetupEffects {
  return {
    inspect: async () => overview,
    checkKey: async () => okCheck,
    saveProvider: async () => {},
    startGateway: async () => ({ kind: 'running', gateway }),
    startDemo: async () => ({ ...gateway, kind: 'demo' }),
    findOpenClaw: async () => finding,
    planOpenClaw: async () => ({ kind: 'refused', message: 'not in this picture', hint: undefined }),
    applyOpenClaw: async (plan) => ({ configPath: plan.location.configPath, wrote: true, backupPath: plan.backup.path, deleted: [] }),
    fetchStats: async () => ({ since: null, total: summarise([]), tools: [], keys: [], skippedLines: 0 }),
    subscribeEvents: (_g, subscriber) => {
      subscriber.onStatus('live');
      return () => {};
    },
    probe: async (_gateway, probe) => ({ probe, status: 200, layer: 'l1a', latencyMs: 3 }),
    stopGateway: async () => {},
    ...patch,
  };
}

const at = (actions: SetupAction[]): SetupState => actions.reduce(setupReducer, initialSetupState());
const toKey: SetupAction[] = [{ type: 'overviewLoaded', overview }, { type: 'setupStarted' }, { type: 'providerChosen', providerId: 'groq' }];
const toModel: SetupAction[] = [...toKey, { type: 'keySubmitted', apiKey: 'gsk_live_8Kq2mZ9xT4vB7nR1pL5678', source: 'typed' }, { type: 'keyChecked', result: okCheck }];
const toGateway: SetupAction[] = [...toModel, { type: 'modelChosen', model: 'openai/gpt-oss-120b' }];
const toOpenClaw: SetupAction[] = [...toGateway, { type: 'gatewayStarted', gateway }, { type: 'gatewayContinued' }];

function app(effects: SetupEffects, state: SetupState, refreshMs = 200): ReactElement {
  return <SetupApp effects={effects} theme={themeFor({})} initialState={state} refreshMs={refreshMs} />;
}

// --- the dashboard under load: synthetic /events records, and /stats computed from them ---

const tools = ['openclaw', 'openclaw', 'openclaw', 'claude-code', 'claude-code', 'cursor', 'isartor-setup'];
const layers = ['l1a', 'l1a', 'l1b', 'l3', 'l3', 'l3', 'l3', 'l3'];

function syntheticRecord(i: number, now: number): LiveRequestRecord {
  const layer = i % 97 === 0 ? 'gateway' : layers[(i * 7) % layers.length]!;
  const hit = layer.startsWith('l1');
  const input = 1800 + ((i * 131) % 9000);
  const output = hit ? 0 : 60 + ((i * 17) % 400);
  const totalMs = hit ? 1 + ((i * 3) % 5) : layer === 'gateway' ? 2 : 280 + ((i * 53) % 1500);
  return {
    time: new Date(now).toISOString(),
    client: tools[(i * 5) % tools.length]!,
    protocol: 'openai',
    route: '/v1/chat/completions',
    layer,
    status: layer === 'gateway' ? 502 : 200,
    totalMs,
    upstreamMs: hit ? 0 : totalMs - 1,
    overheadMs: 0.3 + ((i * 7) % 10) / 10,
    provider: 'groq',
    model: 'openai/gpt-oss-120b',
    inputTokens: input,
    outputTokens: output,
    tokensCounted: 'provider',
    tokensSaved: hit ? input + 120 : 0,
    costUsd: hit ? 0 : (input * 0.15 + output * 0.6) / 1e6,
    costSavedUsd: hit ? ((input + 120) * 0.15 + 120 * 0.6) / 1e6 : 0,
    churn: null,
    keyAlias: null,
  };
}

function loadEffects(): SetupEffects {
  // A day of history behind the live stream, so the totals look like a gateway in use.
  const history = Array.from({ length: 4200 }, (_, i) => syntheticRecord(i + 1, Date.now() - 86_400_000));
  const live: LiveRequestRecord[] = [];
  return baseEffects({
    subscribeEvents: (_g, subscriber: EventsSubscriber) => {
      subscriber.onStatus('live');
      let i = 0;
      const timer = setInterval(() => {
        const record = syntheticRecord(history.length + ++i, Date.now());
        live.push(record);
        subscriber.onRecord(record);
      }, 25);
      return () => clearInterval(timer);
    },
    fetchStats: async (): Promise<StatsReport> => {
      const all = [...history, ...live];
      return { since: null, total: summarise(all), tools: summariseByTool(all), keys: [], skippedLines: 0 };
    },
  });
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const temp = mkdtempSync(join(tmpdir(), 'isartor-media-'));
  const configPath = join(temp, 'openclaw.json');
  writeFileSync(
    configPath,
    `{\n  // OpenClaw settings\n  "agents": {\n    "defaults": {\n      "model": { "primary": "anthropic/claude-sonnet-4-5", "fallbacks": ["openai/gpt-4o-mini"] },\n      "models": { "anthropic/claude-sonnet-4-5": {} }\n    }\n  }\n}\n`,
  );
  const real = createSetupEffects({ stateDir: join(temp, 'isartor'), openClawConfigPath: configPath, env: {} });
  const withPlan = baseEffects({
    planOpenClaw: async (options) => {
      const outcome = await real.planOpenClaw(options);
      // Show the path a user would see, not the temp dir.
      return outcome.kind === 'ready' ? { ...outcome, plan: { ...outcome.plan, diff: outcome.plan.diff.replaceAll(configPath, finding.configPath), location: { ...outcome.plan.location, configPath: finding.configPath }, backup: { ...outcome.plan.backup, path: `${finding.configPath}.isartor-backup` } } } : outcome;
    },
  });
  const planned = await withPlan.planOpenClaw({ gateway, model: 'openai/gpt-oss-120b' });
  if (planned.kind !== 'ready') throw new Error('media: the plan was refused');
  const diffAt = at([...toOpenClaw, { type: 'openClawFound', finding }, { type: 'planRequested' }, { type: 'planReady', plan: planned.plan }]);

  const pictures: Array<{ name: string; title: string; element: ReactElement; ready: (frame: string) => boolean; settleMs?: number }> = [
    { name: '1-welcome', title: 'isartor-setup: welcome', element: app(baseEffects(), at([{ type: 'overviewLoaded', overview }])), ready: (f) => f.includes('OpenClaw  /home') },
    { name: '2-provider', title: 'isartor-setup: provider', element: app(baseEffects(), at([{ type: 'overviewLoaded', overview }, { type: 'setupStarted' }])), ready: (f) => f.includes('Which provider') },
    { name: '3-key', title: 'isartor-setup: key check failed', element: app(baseEffects({ checkKey: async () => badCheck }), at([...toKey, { type: 'keySubmitted', apiKey: 'gsk_wrong_7Hc2Qe8Lm3Zp1234', source: 'typed' }])), ready: (f) => f.includes('HTTP 401') },
    { name: '4-model', title: 'isartor-setup: model', element: app(baseEffects(), at(toModel)), ready: (f) => f.includes('Which model') },
    { name: '5-gateway', title: 'isartor-setup: gateway', element: app(baseEffects({ startGateway: async () => ({ kind: 'portInUse', port: 8080, suggestedPort: 8081 }) }), at(toGateway)), ready: (f) => f.includes('already in use') },
    { name: '6-openclaw', title: 'isartor-setup: OpenClaw', element: app(baseEffects(), at(toOpenClaw)), ready: (f) => f.includes('primary') },
    { name: '7-diff', title: 'isartor-setup: the planned edit', element: app(withPlan, diffAt), ready: (f) => f.includes('lines 1-') },
    { name: '8-confirm', title: 'isartor-setup: confirm', element: app(withPlan, at([...toOpenClaw, { type: 'openClawFound', finding }, { type: 'planRequested' }, { type: 'planReady', plan: planned.plan }, { type: 'diffAccepted' }, { type: 'writeConfirmed' }])), ready: (f) => f.includes('✓ wrote') },
    { name: '9-dashboard', title: 'isartor-setup: dashboard under load', element: app(loadEffects(), at([...toOpenClaw, { type: 'openClawSkipped' }]), 250), ready: (f) => f.includes('openclaw') && f.includes('req/s'), settleMs: 2500 },
  ];
  const shown: string[] = [];
  for (const picture of pictures) {
    const ansi = await capture(picture.element, picture.ready, picture.settleMs);
    writeFileSync(new URL(`${picture.name}.svg`, outDir), ansiToSvg(ansi, { columns, rows, title: picture.title }));
    shown.push(`media/${picture.name}.svg`);
  }
  rmSync(temp, { recursive: true, force: true });
  process.stdout.write(`wrote ${shown.join(', ')}\n`);
}

await main();
process.exit(0);
