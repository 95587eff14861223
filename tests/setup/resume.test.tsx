// Coming back to the wizard: a stored base URL and model are offered again, Welcome opens the
// dashboard directly, and an interrupted run picks up where it stopped (its progress is kept in the
// state dir, never with a typed key).
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { initialSetupState, progressOf, setupReducer, type SetupAction, type SetupState } from '../../source/setup/flow.js';
import { progressFilePath, readProgressFile, writeProgressFile } from '../../source/setup/progress-file.js';
import type { WizardProgress } from '../../source/setup/progress.js';
import { fakeEffects, fakeGateway, fakeOverview, okCheck } from './fake-effects.js';
import { keys, press, waitForFrame } from './ink-keys.js';
import { renderApp, stateAfter, tempDir } from './render-app.js';

const run = (actions: SetupAction[], from: SetupState = initialSetupState()): SetupState => actions.reduce(setupReducer, from);
const progress = (patch: Partial<WizardProgress> = {}): WizardProgress => ({ providerId: 'groq', baseUrl: undefined, model: 'openai/gpt-oss-20b', keySource: 'env', step: 'model', saved: false, ...patch });
const withOverview = (patch: Parameters<typeof fakeOverview>[0]): SetupAction => ({ type: 'overviewLoaded', overview: fakeOverview(patch) });

describe('stored settings are offered again', () => {
  it("an openai-compatible provider's stored base URL is prefilled", () => {
    const state = run([withOverview({ providers: { 'openai-compatible': { baseUrl: 'http://10.0.0.5:8000/v1', model: 'qwen' } } }), { type: 'setupStarted' }, { type: 'providerChosen', providerId: 'openai-compatible' }]);
    expect(state.screen).toBe('baseUrl');
    expect(state.baseUrl).toBe('http://10.0.0.5:8000/v1');
  });

  it('the stored model is preselected, even when the provider does not list it; without one, the default is', () => {
    const stored = run([withOverview({ providers: { groq: { baseUrl: undefined, model: 'my-finetune' } } }), { type: 'setupStarted' }, { type: 'providerChosen', providerId: 'groq' }, { type: 'keySubmitted', apiKey: undefined, source: 'env' }, { type: 'keyChecked', result: okCheck() }]);
    expect(stored.model).toBe('my-finetune');
    expect(stored.models[0]).toBe('my-finetune');
    const fresh = run([{ type: 'setupStarted' }, { type: 'providerChosen', providerId: 'groq' }, { type: 'keySubmitted', apiKey: undefined, source: 'env' }, { type: 'keyChecked', result: okCheck() }]);
    expect(fresh.model).toBe('openai/gpt-oss-120b');
  });

  it('the model screen shows the stored base URL field and Enter on the model list keeps the stored model', async () => {
    const effects = fakeEffects();
    const overview = fakeOverview({ storedKeys: ['groq'], providers: { groq: { baseUrl: undefined, model: 'openai/gpt-oss-20b' } } });
    const ui = renderApp(effects, stateAfter([{ type: 'overviewLoaded', overview }, { type: 'setupStarted' }, { type: 'providerChosen', providerId: 'groq' }, { type: 'keySubmitted', apiKey: undefined, source: 'stored' }, { type: 'keyChecked', result: okCheck() }]));
    expect(await waitForFrame(ui, 'Which model')).toMatch(/❯ openai\/gpt-oss-20b/);
    await press(ui, keys.enter, 'Gateway running at');
    expect(effects.saveProvider).toHaveBeenCalledWith(expect.objectContaining({ model: 'openai/gpt-oss-20b' }));
  });
});

describe('Welcome', () => {
  it('o opens the dashboard of the running gateway without going through the steps', async () => {
    const effects = fakeEffects({ inspect: async () => fakeOverview({ gateway: { url: fakeGateway.url, pid: fakeGateway.pid, provider: 'groq', model: null } }), startGateway: async () => ({ kind: 'running', gateway: { ...fakeGateway, kind: 'reused' } }) });
    const ui = renderApp(effects);
    expect(await waitForFrame(ui, 'o open the dashboard')).toContain('running at');
    await press(ui, 'o', 'isartor dashboard');
    expect(effects.saveProvider).not.toHaveBeenCalled();
  });

  it('offers no dashboard key when nothing is set up, and o then does nothing', () => {
    const state = run([withOverview({}), { type: 'dashboardChosen' }]);
    expect(state.screen).toBe('welcome');
  });

  it('shows an unfinished run and r resumes it: an env key is checked again and the chosen model is preselected', async () => {
    const effects = fakeEffects({ inspect: async () => fakeOverview({ envKeys: { groq: 'GROQ_API_KEY' }, progress: progress() }) });
    const ui = renderApp(effects);
    const welcome = await waitForFrame(ui, 'press r');
    expect(welcome).toContain('groq / openai/gpt-oss-20b, setup stopped at Model');
    expect(welcome).toContain('r resume at Model');
    expect(await press(ui, 'r', 'Which model')).toMatch(/❯ openai\/gpt-oss-20b/);
    expect(effects.checkKey).toHaveBeenCalledWith(expect.objectContaining({ providerId: 'groq', keySource: 'env' }));
  });
});

describe('resume, in the reducer', () => {
  const resumed = (p: WizardProgress) => run([withOverview({ progress: p }), { type: 'resumeChosen' }]);

  it('a typed key was not kept: the key screen asks for it again, with provider and model kept', () => {
    const state = resumed(progress({ keySource: 'typed' }));
    expect(state).toMatchObject({ screen: 'key', providerId: 'groq', model: 'openai/gpt-oss-20b', key: { check: 'idle' } });
  });

  it('a base URL step comes back with its URL', () => {
    expect(resumed(progress({ providerId: 'openai-compatible', baseUrl: 'http://h:1/v1', step: 'baseUrl' }))).toMatchObject({ screen: 'baseUrl', baseUrl: 'http://h:1/v1' });
  });

  it('past the gateway (provider saved): the gateway starts, then the run goes on to the agent step', () => {
    let state = resumed(progress({ keySource: 'typed', step: 'diff', saved: true }));
    expect(state).toMatchObject({ screen: 'gateway', gateway: { status: 'starting' }, key: { source: 'stored' } });
    state = setupReducer(state, { type: 'gatewayStarted', gateway: fakeGateway });
    expect(state).toMatchObject({ screen: 'openclaw', openClaw: { status: 'looking' }, jump: undefined });
  });

  it('an unknown provider in the record is ignored; without a record r does nothing', () => {
    expect(resumed(progress({ providerId: 'nope' })).screen).toBe('welcome');
    expect(run([withOverview({}), { type: 'resumeChosen' }]).screen).toBe('welcome');
  });

  it('progressOf keeps no key and nothing for a demo or a finished run', () => {
    const atModel = run([{ type: 'setupStarted' }, { type: 'providerChosen', providerId: 'groq' }, { type: 'keySubmitted', apiKey: 'gsk_secret_1234567890', source: 'typed' }, { type: 'keyChecked', result: okCheck() }]);
    const kept = progressOf(atModel, undefined);
    expect(kept).toEqual({ providerId: 'groq', baseUrl: undefined, model: 'openai/gpt-oss-120b', keySource: 'typed', step: 'model', saved: false });
    expect(JSON.stringify(kept)).not.toContain('gsk_secret');
    expect(progressOf(initialSetupState({ demo: true }), undefined)).toBeUndefined();
    expect(progressOf(initialSetupState(), undefined)).toBeUndefined();
  });
});

describe('progress is written through the effects as the run goes, and forgotten at the dashboard', () => {
  it('choosing a provider saves the run at the key step', async () => {
    const saveProgress = vi.fn(async () => {});
    const effects = fakeEffects({ saveProgress, planOpenClaw: async () => ({ kind: 'refused', message: 'no', hint: undefined }) });
    const ui = renderApp(effects, stateAfter([{ type: 'setupStarted' }]));
    await waitForFrame(ui, 'Which provider');
    await press(ui, 'groq', /❯ groq/);
    await press(ui, keys.enter, 'Groq: key');
    await waitForFrame(ui, () => saveProgress.mock.calls.length > 0);
    expect(saveProgress).toHaveBeenLastCalledWith(expect.objectContaining({ providerId: 'groq', step: 'key' }));
  });

  it('a run that reaches the dashboard forgets its progress', async () => {
    const saveProgress = vi.fn(async () => {});
    const effects = fakeEffects({ saveProgress });
    const ui = renderApp(effects, run([{ type: 'setupStarted' }, { type: 'providerChosen', providerId: 'groq' }, { type: 'keySubmitted', apiKey: undefined, source: 'env' }, { type: 'keyChecked', result: okCheck() }, { type: 'modelChosen', model: 'm' }, { type: 'gatewayStarted', gateway: fakeGateway }, { type: 'gatewayContinued' }]));
    await waitForFrame(ui, 'is installed');
    await press(ui, 's', 'isartor dashboard');
    await waitForFrame(ui, () => saveProgress.mock.calls.some((call) => (call as unknown[])[0] === undefined));
  });
});

describe('the progress file', () => {
  it('round-trips, is readable only by its owner, and a broken or foreign file means nothing to resume', () => {
    const dir = tempDir();
    writeProgressFile(dir, progress());
    expect(readProgressFile(dir)).toEqual(progress());
    expect(statSync(progressFilePath(dir)).mode & 0o777).toBe(0o600);
    writeFileSync(progressFilePath(dir), '{"providerId": 42}');
    expect(readProgressFile(dir)).toBeUndefined();
    writeFileSync(progressFilePath(dir), 'not json');
    expect(readProgressFile(dir)).toBeUndefined();
    writeProgressFile(dir, undefined);
    expect(() => readFileSync(progressFilePath(dir))).toThrow();
  });
});
