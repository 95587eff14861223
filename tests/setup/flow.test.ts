import { describe, expect, it } from 'vitest';
import type { OpenClawPlan } from '../../source/connectors/openclaw/plan.js';
import { probeAt } from '../../source/setup/dashboard/probes.js';
import { initialSetupState, rateWindowMs, recentLimit, requestsPerSecond, setupReducer, type SetupAction, type SetupState } from '../../source/setup/flow.js';
import { fakeFinding, fakeGateway, fakeOverview, okCheck, record, stats, unauthorizedCheck } from './fake-effects.js';

const run = (actions: SetupAction[], from: SetupState = initialSetupState()): SetupState => actions.reduce(setupReducer, from);

function plan(patch: Partial<OpenClawPlan> = {}): OpenClawPlan {
  return {
    action: 'connect',
    location: { configPath: '/h/.openclaw/openclaw.json', stateDir: '/h/.openclaw', source: 'default' },
    before: '{}\n',
    after: '{"models":{}}\n',
    configChanges: true,
    deletions: [],
    backup: { path: '/h/.openclaw/openclaw.json.isartor-backup', create: true, restore: false, remove: false },
    record: { path: '/h/.isartor', next: undefined },
    diff: '--- a\n+++ b\n@@ -1 +1 @@\n-{}\n+{"models":{}}\n',
    unchanged: false,
    ...patch,
  };
}

const toModel: SetupAction[] = [
  { type: 'setupStarted' },
  { type: 'providerChosen', providerId: 'groq' },
  { type: 'keySubmitted', apiKey: 'gsk_secret_1234567890', source: 'typed' },
  { type: 'keyChecked', result: okCheck() },
];
const toGateway: SetupAction[] = [...toModel, { type: 'modelChosen', model: 'openai/gpt-oss-20b' }];
const toOpenClaw: SetupAction[] = [...toGateway, { type: 'gatewayStarted', gateway: fakeGateway }, { type: 'gatewayContinued' }];
const toDiff: SetupAction[] = [...toOpenClaw, { type: 'openClawFound', finding: fakeFinding() }, { type: 'planRequested' }];
const toConfirm: SetupAction[] = [...toDiff, { type: 'planReady', plan: plan() }, { type: 'diffAccepted' }];
const toDashboard: SetupAction[] = [...toConfirm, { type: 'writeDeclined' }, { type: 'dashboardOpened' }];

describe('setup flow reducer', () => {
  it('starts on the welcome screen and takes the overview', () => {
    const state = run([{ type: 'overviewLoaded', overview: fakeOverview({ storedKeys: ['groq'] }) }]);
    expect(state.screen).toBe('welcome');
    expect(state.overview?.storedKeys).toEqual(['groq']);
  });

  it('setupStarted goes to the provider list; back returns to welcome', () => {
    expect(run([{ type: 'setupStarted' }]).screen).toBe('provider');
    expect(run([{ type: 'setupStarted' }, { type: 'back' }]).screen).toBe('welcome');
  });

  it('demoChosen starts the demo gateway, and gatewayStarted goes straight to the dashboard', () => {
    const starting = run([{ type: 'demoChosen' }]);
    expect(starting).toMatchObject({ mode: 'demo', screen: 'gateway', gateway: { status: 'starting' } });
    expect(initialSetupState({ demo: true }).screen).toBe('gateway');
    expect(run([{ type: 'gatewayStarted', gateway: { ...fakeGateway, kind: 'demo' } }], starting).screen).toBe('dashboard');
  });

  it('providerChosen: a keyed provider asks for the key, a base-URL provider asks for the URL first, ollama checks at once', () => {
    expect(run([{ type: 'setupStarted' }, { type: 'providerChosen', providerId: 'groq' }])).toMatchObject({ screen: 'key', providerId: 'groq', key: { check: 'idle' } });
    expect(run([{ type: 'setupStarted' }, { type: 'providerChosen', providerId: 'azure' }]).screen).toBe('baseUrl');
    expect(run([{ type: 'setupStarted' }, { type: 'providerChosen', providerId: 'ollama' }])).toMatchObject({ screen: 'key', key: { check: 'checking', source: 'none' } });
    expect(run([{ type: 'setupStarted' }, { type: 'providerChosen', providerId: 'nope' }]).screen).toBe('provider');
  });

  it('baseUrlEntered trims the trailing slash and moves to the key', () => {
    const state = run([{ type: 'setupStarted' }, { type: 'providerChosen', providerId: 'openai-compatible' }, { type: 'baseUrlEntered', baseUrl: 'http://127.0.0.1:8000/v1/' }]);
    expect(state).toMatchObject({ screen: 'key', baseUrl: 'http://127.0.0.1:8000/v1' });
    expect(run([{ type: 'back' }], state).screen).toBe('baseUrl');
  });

  it('keySubmitted starts the check; keyChecked ok offers the listed models with the default first', () => {
    const checking = run(toModel.slice(0, 3));
    expect(checking.key).toMatchObject({ check: 'checking', value: 'gsk_secret_1234567890', source: 'typed' });
    const state = run(toModel);
    expect(state.screen).toBe('model');
    expect(state.models[0]).toBe('openai/gpt-oss-120b');
    expect(state.models).toContain('llama-3.3-70b-versatile');
    expect(new Set(state.models).size).toBe(state.models.length);
    expect(state.model).toBe('openai/gpt-oss-120b');
  });

  it('keyChecked with a failure stays on the key screen; keyRetried checks again; keyEditRequested clears the key', () => {
    const failed = run([...toModel.slice(0, 3), { type: 'keyChecked', result: unauthorizedCheck() }]);
    expect(failed).toMatchObject({ screen: 'key', key: { check: 'failed' } });
    expect(failed.key.result?.problem?.kind).toBe('unauthorized');
    expect(run([{ type: 'keyRetried' }], failed).key.check).toBe('checking');
    expect(run([{ type: 'keyEditRequested' }], failed).key).toMatchObject({ check: 'idle', value: undefined });
  });

  it('a check that finishes after the user went back is ignored', () => {
    const back = run([...toModel.slice(0, 3), { type: 'back' }]);
    expect(back.screen).toBe('provider');
    expect(run([{ type: 'keyChecked', result: okCheck() }], back).screen).toBe('provider');
  });

  it('modelChosen starts the gateway; an empty model is refused', () => {
    expect(run(toGateway)).toMatchObject({ screen: 'gateway', model: 'openai/gpt-oss-20b', gateway: { status: 'starting' } });
    expect(run([...toModel, { type: 'modelChosen', model: '  ' }]).screen).toBe('model');
    expect(run([...toModel, { type: 'back' }]).screen).toBe('key');
  });

  it('gatewayPortInUse offers another port; portChosen starts again on it', () => {
    const inUse = run([...toGateway, { type: 'gatewayPortInUse', port: 8080, suggestedPort: 8081 }]);
    expect(inUse.gateway).toMatchObject({ status: 'portInUse', port: 8080, suggestedPort: 8081 });
    expect(run([{ type: 'portChosen', port: 8081 }], inUse).gateway).toMatchObject({ status: 'starting', port: 8081 });
  });

  it('gatewayFailed shows the error; gatewayRetried starts again; Esc is ignored while starting', () => {
    const failed = run([...toGateway, { type: 'gatewayFailed', message: 'boom', hint: 'see log' }]);
    expect(failed.gateway).toMatchObject({ status: 'failed', message: 'boom', hint: 'see log' });
    expect(run([{ type: 'gatewayRetried' }], failed).gateway.status).toBe('starting');
    expect(run([...toGateway, { type: 'back' }]).screen).toBe('gateway');
  });

  it('gatewayStarted, then gatewayContinued looks for OpenClaw; a reused gateway can be restarted', () => {
    const running = run([...toGateway, { type: 'gatewayStarted', gateway: { ...fakeGateway, kind: 'reused' } }]);
    expect(running.gateway.status).toBe('running');
    expect(run([{ type: 'gatewayRestartRequested' }], running).gateway).toMatchObject({ status: 'starting', restart: true });
    expect(run([{ type: 'gatewayContinued' }], running)).toMatchObject({ screen: 'openclaw', openClaw: { status: 'looking' } });
  });

  it('openClawFound: found with a config or the command, absent otherwise; openClawSkipped opens the dashboard', () => {
    expect(run([...toOpenClaw, { type: 'openClawFound', finding: fakeFinding() }]).openClaw.status).toBe('found');
    const absent = run([...toOpenClaw, { type: 'openClawFound', finding: fakeFinding({ configExists: false, version: undefined }) }]);
    expect(absent.openClaw.status).toBe('absent');
    expect(run([{ type: 'openClawSkipped' }], absent).screen).toBe('dashboard');
  });

  it('planRequested, planReady and planRefused', () => {
    expect(run(toDiff)).toMatchObject({ screen: 'diff', plan: { status: 'planning' } });
    expect(run([...toDiff, { type: 'planReady', plan: plan() }]).plan.status).toBe('ready');
    const refused = run([...toDiff, { type: 'planRefused', message: 'does not parse', hint: 'fix it' }]);
    expect(refused.plan).toMatchObject({ status: 'refused', message: 'does not parse' });
    expect(run([{ type: 'diffAccepted' }], refused).screen).toBe('diff');
    expect(run([{ type: 'back' }], refused).screen).toBe('openclaw');
  });

  it('diffAccepted asks for confirmation, or goes to the dashboard when nothing changes', () => {
    expect(run(toConfirm).screen).toBe('confirm');
    const unchanged = run([...toDiff, { type: 'planReady', plan: plan({ unchanged: true }) }, { type: 'diffAccepted' }]);
    expect(unchanged).toMatchObject({ screen: 'dashboard', write: { status: 'unchanged' } });
  });

  it('writeConfirmed writes; writeFinished and writeFailed record the outcome; dashboardOpened follows', () => {
    const writing = run([...toConfirm, { type: 'writeConfirmed' }]);
    expect(writing.write.status).toBe('writing');
    expect(run([{ type: 'back' }], writing).screen).toBe('confirm');
    const written = run([{ type: 'writeFinished', outcome: { configPath: '/c', wrote: true, backupPath: '/c.bak', deleted: [] } }], writing);
    expect(written.write).toMatchObject({ status: 'written', outcome: { backupPath: '/c.bak' } });
    expect(run([{ type: 'writeFailed', message: 'EACCES' }], writing).write).toMatchObject({ status: 'failed', message: 'EACCES' });
    expect(run([{ type: 'dashboardOpened' }], written).screen).toBe('dashboard');
    expect(run([{ type: 'dashboardOpened' }], run(toConfirm)).screen).toBe('confirm');
  });

  it('writeDeclined writes nothing and back from confirm returns to the diff', () => {
    expect(run([...toConfirm, { type: 'writeDeclined' }]).write.status).toBe('declined');
    expect(run([...toConfirm, { type: 'back' }]).screen).toBe('diff');
  });

  it('statsFetched, statsFailed and eventsStatusChanged update the dashboard', () => {
    const report = stats({ requests: 5 });
    const state = run([...toDashboard, { type: 'statsFailed', message: 'no /stats' }, { type: 'eventsStatusChanged', status: 'reconnecting' }]);
    expect(state.dashboard).toMatchObject({ statsError: 'no /stats', events: 'reconnecting' });
    expect(run([{ type: 'statsFetched', stats: report }], state).dashboard).toMatchObject({ stats: report, statsError: undefined });
  });

  it('requestSeen keeps the last requests and counts the rate over the window; ticked ages it', () => {
    let state = run(toDashboard);
    for (let i = 0; i < 25; i++) state = setupReducer(state, { type: 'requestSeen', record: record(), at: 1_000_000 + i * 100 });
    expect(state.dashboard.seen).toBe(25);
    expect(state.dashboard.events).toBe('live');
    expect(requestsPerSecond(state.dashboard)).toBeCloseTo(25 / (rateWindowMs / 1000));
    state = setupReducer(state, { type: 'ticked', now: 1_000_000 + rateWindowMs + 5_000 });
    expect(requestsPerSecond(state.dashboard)).toBe(0);
    for (let i = 0; i < recentLimit + 10; i++) state = setupReducer(state, { type: 'requestSeen', record: record(), at: 2_000_000 });
    expect(state.dashboard.recent).toHaveLength(recentLimit);
  });

  it('probeStarted and probeFinished', () => {
    const probing = run([...toDashboard, { type: 'probeStarted' }]);
    expect(probing.dashboard.probe.status).toBe('running');
    const done = run([{ type: 'probeFinished', result: { probe: probeAt(0), status: 200, layer: 'l1a', latencyMs: 2 } }], probing).dashboard.probe;
    expect(done).toMatchObject({ status: 'done', result: { layer: 'l1a' }, sent: 1 });
  });

  it('quitRequested leaves the gateway running (q) or stops it first (d); gatewayStopped finishes', () => {
    expect(run([...toDashboard, { type: 'quitRequested', stopGateway: false }]).dashboard).toMatchObject({ quitting: 'leave', finished: true });
    const stopping = run([...toDashboard, { type: 'quitRequested', stopGateway: true }]);
    expect(stopping.dashboard).toMatchObject({ quitting: 'stop', finished: false });
    expect(run([{ type: 'gatewayStopped', error: undefined }], stopping).dashboard.finished).toBe(true);
    const demo = run([{ type: 'demoChosen' }, { type: 'gatewayStarted', gateway: { ...fakeGateway, kind: 'demo' } }, { type: 'quitRequested', stopGateway: false }]);
    expect(demo.dashboard.quitting).toBe('stop');
  });

  it('Esc walks back screen by screen and never leaves the dashboard', () => {
    expect(run([...toOpenClaw, { type: 'back' }]).screen).toBe('gateway');
    expect(run([...toDiff, { type: 'back' }]).screen).toBe('openclaw');
    expect(run([...toDashboard, { type: 'back' }]).screen).toBe('dashboard');
  });
});
