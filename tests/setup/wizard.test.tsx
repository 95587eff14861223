import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSetupEffects } from '../../source/setup/real-effects.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { fakeEffects, fakeFinding, fakeGateway, fakeOverview, okCheck, unauthorizedCheck } from './fake-effects.js';
import { keys, press, type, waitForFrame } from './ink-keys.js';
import { renderApp, stateAfter, tempDir } from './render-app.js';

const lines = (frame: string) => frame.split('\n').length;
/** The frame with line wrapping undone, for sentences longer than a line. */
const flat = (frame: string) => frame.replace(/\s+/g, ' ');

describe('welcome screen', () => {
  it('says what will happen and what is already set up, then Enter opens the provider list', async () => {
    const effects = fakeEffects({
      inspect: async () =>
        fakeOverview({
          configured: { providerId: 'groq', model: 'openai/gpt-oss-120b', maskedKey: 'gsk_…5678' },
          gateway: { url: 'http://127.0.0.1:8080', pid: 77, provider: 'groq', model: 'openai/gpt-oss-120b' },
          openClaw: fakeFinding(),
        }),
    });
    const ui = renderApp(effects);
    const frame = await waitForFrame(ui, 'running at http://127.0.0.1:8080 (pid 77)');
    expect(frame).toContain('Groq / openai/gpt-oss-120b (key gsk_…5678)');
    expect(frame).toContain('/home/u/.openclaw/openclaw.json (openclaw 2026.9.6)');
    expect(frame).toContain('o open the dashboard');
    expect(frame).toContain('d demo');
    expect(await press(ui, keys.enter, 'Which provider')).toContain('step 1/7');
  });

  it('shows nothing set up on a fresh machine, and d starts the demo dashboard', async () => {
    const effects = fakeEffects();
    const ui = renderApp(effects);
    const frame = await waitForFrame(ui, 'none yet');
    expect(frame).toMatch(/gateway\s+not running/);
    expect(frame).toMatch(/OpenClaw\s+not found/);
    const dashboard = await press(ui, 'd', 'isartor dashboard');
    expect(dashboard).toContain('Demo: a simulated provider answers');
    expect(effects.startDemo).toHaveBeenCalledOnce();
  });
});

describe('provider screen', () => {
  it('marks stored and environment keys, filters as you type, moves with arrows, and Esc goes back', async () => {
    const effects = fakeEffects({ inspect: async () => fakeOverview({ storedKeys: ['openai'], envKeys: { groq: 'GROQ_API_KEY' } }) });
    const ui = renderApp(effects, stateAfter([{ type: 'overviewLoaded', overview: fakeOverview({ storedKeys: ['openai'], envKeys: { groq: 'GROQ_API_KEY' } }) }, { type: 'setupStarted' }]));
    let frame = await waitForFrame(ui, 'Which provider');
    expect(frame).toMatch(/openai .*✓ key stored/);
    expect(frame).toMatch(/groq .*✓ GROQ_API_KEY set/);
    expect(frame).toMatch(/ollama .*no key needed/);
    expect(frame).toMatch(/❯ openai /);
    frame = await press(ui, keys.down, /❯ anthropic /);
    frame = await press(ui, keys.up, /❯ openai /);
    frame = await type(ui, 'gro');
    expect(frame).toContain('1/12');
    expect(frame).toMatch(/❯ groq /);
    expect(frame).not.toContain('anthropic');
    frame = await press(ui, keys.backspace, 'filter: gr ');
    frame = await press(ui, keys.escape, 'Already set up');
  });

  it('Enter chooses the highlighted provider', async () => {
    const ui = renderApp(fakeEffects(), stateAfter([{ type: 'setupStarted' }]));
    await waitForFrame(ui, 'Which provider');
    await type(ui, 'groq');
    const frame = await press(ui, keys.enter, 'Groq: key');
    expect(frame).toContain('https://console.groq.com/keys');
    expect(frame).toContain('GROQ_API_KEY');
  });
});

describe('key screen', () => {
  it('masks the key, checks it with a spinner, and a 401 explains the cause and the fix; e re-enters, Enter retries', async () => {
    const secret = 'gsk_wrong_key_abcdefgh1234';
    let calls = 0;
    const effects = fakeEffects({ checkKey: async () => (++calls === 1 ? unauthorizedCheck() : okCheck()) });
    const ui = renderApp(effects, stateAfter([{ type: 'setupStarted' }, { type: 'providerChosen', providerId: 'groq' }]));
    await waitForFrame(ui, 'Paste your Groq API key');
    let frame = await type(ui, secret);
    expect(frame).not.toContain(secret);
    expect(frame).toContain('gsk_…1234');
    frame = await press(ui, keys.enter, 'HTTP 401');
    expect(frame).toContain('groq rejected the API key');
    expect(frame).toContain('fix: Press e and paste a valid key');
    expect(frame).toContain('Enter retry · e enter another key');
    expect(frame).not.toContain(secret);
    frame = await press(ui, 'e', 'Paste your Groq API key');
    expect(frame).not.toContain('HTTP 401');
    await type(ui, 'gsk_good_key_abcdefgh5678');
    frame = await press(ui, keys.enter, 'Which model');
    expect(frame).toContain('the key works');
    expect(calls).toBe(2);
  });

  it('Enter retries the same key after a timeout', async () => {
    let calls = 0;
    const timeout = { ...unauthorizedCheck(), status: null, problem: { kind: 'timeout' as const, message: 'Timed out waiting for https://api.groq.com within 10 s.', fix: 'Check that the provider is up.' } };
    const effects = fakeEffects({ checkKey: async () => (++calls === 1 ? timeout : okCheck()) });
    const ui = renderApp(effects, stateAfter([{ type: 'setupStarted' }, { type: 'providerChosen', providerId: 'groq' }]));
    await waitForFrame(ui, 'Paste your Groq API key');
    await type(ui, 'gsk_key_abcdefghijkl');
    let frame = await press(ui, keys.enter, 'Timed out');
    expect(frame).toContain('Then press Enter to retry');
    frame = await press(ui, keys.enter, 'Which model');
    expect(effects.checkKey).toHaveBeenCalledTimes(2);
  });

  it('with a stored key, Enter on an empty field keeps it; Esc goes back to the providers', async () => {
    const effects = fakeEffects();
    const overview = fakeOverview({ storedKeys: ['groq'] });
    const ui = renderApp(effects, stateAfter([{ type: 'overviewLoaded', overview }, { type: 'setupStarted' }, { type: 'providerChosen', providerId: 'groq' }]));
    const frame = await waitForFrame(ui, 'keeps the stored key');
    expect(frame).toContain('(enter with nothing typed keeps the stored key)');
    await press(ui, keys.enter, 'Which model');
    expect(effects.checkKey).toHaveBeenCalledWith({ providerId: 'groq', keySource: 'stored', apiKey: undefined, baseUrl: undefined });
    await press(ui, keys.escape, 'Paste your Groq API key');
    await press(ui, keys.escape, 'Which provider');
  });

  it('refuses an empty key when none is stored', async () => {
    const ui = renderApp(fakeEffects(), stateAfter([{ type: 'setupStarted' }, { type: 'providerChosen', providerId: 'groq' }]));
    await waitForFrame(ui, 'Paste your Groq API key');
    expect(await press(ui, keys.enter, 'Type or paste the key')).toContain('https://console.groq.com/keys');
  });

  it('ollama needs no key: the check runs at once', async () => {
    const effects = fakeEffects({ checkKey: async () => okCheck({ provider: 'ollama', availableModels: ['llama3.2:latest', 'qwen3:8b'] }) });
    const ui = renderApp(effects, stateAfter([{ type: 'setupStarted' }, { type: 'providerChosen', providerId: 'ollama' }]));
    const frame = await waitForFrame(ui, 'Which model');
    expect(frame).toContain('qwen3:8b');
    expect(effects.checkKey).toHaveBeenCalledWith({ providerId: 'ollama', keySource: 'none', apiKey: undefined, baseUrl: undefined });
  });
});

describe('key check against a fake provider (the real checkProvider)', () => {
  let fake: FakeUpstream;
  beforeEach(async () => {
    fake = await startFakeUpstream({ apiKey: 'sk-right-key-0123456789' });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('openai-compatible asks for the base URL, then a wrong key gets the 401 and a right one lists the models', async () => {
    const real = createSetupEffects({ stateDir: tempDir(), env: {} });
    const effects = fakeEffects({ checkKey: real.checkKey });
    const ui = renderApp(effects, stateAfter([{ type: 'setupStarted' }]));
    await waitForFrame(ui, 'Which provider');
    await type(ui, 'openai-compatible');
    await press(ui, keys.enter, 'where does its API live');
    await type(ui, 'notaurl');
    expect(await press(ui, keys.enter, '✗ The base URL')).toContain('must be a full URL');
    for (let i = 0; i < 'notaurl'.length; i++) await press(ui, keys.backspace);
    await type(ui, fake.openaiBaseUrl);
    await press(ui, keys.enter, 'Paste your');
    await type(ui, 'sk-wrong-key-0123456789');
    let frame = await press(ui, keys.enter, 'HTTP 401');
    expect(frame).not.toContain('sk-wrong-key-0123456789');
    await press(ui, 'e', 'Paste your');
    await type(ui, 'sk-right-key-0123456789');
    frame = await press(ui, keys.enter, 'Which model');
    expect(frame).toContain('fake-model-large');
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/models', 'GET /v1/models']);
  });
});

describe('model screen', () => {
  it('lists the provider models with the default marked; arrows and Enter pick one and start the gateway', async () => {
    const effects = fakeEffects();
    const ui = renderApp(effects, stateAfter([{ type: 'setupStarted' }, { type: 'providerChosen', providerId: 'groq' }, { type: 'keySubmitted', apiKey: 'gsk_abcdefghijklmnop', source: 'typed' }, { type: 'keyChecked', result: okCheck() }]));
    let frame = await waitForFrame(ui, 'Which model');
    expect(frame).toMatch(/❯ openai\/gpt-oss-120b\s+default/);
    frame = await press(ui, keys.down, /❯ llama-3.3-70b-versatile/);
    frame = await press(ui, keys.enter, 'Gateway running at http://127.0.0.1:8080 (pid 4242)');
    expect(effects.saveProvider).toHaveBeenCalledWith({ providerId: 'groq', keySource: 'typed', apiKey: 'gsk_abcdefghijklmnop', baseUrl: undefined, model: 'llama-3.3-70b-versatile' });
  });

  it('a name the list lacks can be typed (an Azure deployment)', async () => {
    const effects = fakeEffects();
    const ui = renderApp(effects, stateAfter([{ type: 'setupStarted' }, { type: 'providerChosen', providerId: 'groq' }, { type: 'keySubmitted', apiKey: undefined, source: 'env' }, { type: 'keyChecked', result: okCheck() }]));
    await waitForFrame(ui, 'Which model');
    const frame = await type(ui, 'my-deployment');
    expect(frame).toContain('Enter uses "my-deployment" as typed');
    await press(ui, keys.enter, 'Gateway running');
    expect(effects.saveProvider).toHaveBeenCalledWith(expect.objectContaining({ model: 'my-deployment' }));
  });
});

const atGateway = () => stateAfter([{ type: 'setupStarted' }, { type: 'providerChosen', providerId: 'groq' }, { type: 'keySubmitted', apiKey: undefined, source: 'env' }, { type: 'keyChecked', result: okCheck() }, { type: 'modelChosen', model: 'openai/gpt-oss-120b' }]);

describe('gateway screen', () => {
  it('a port in use offers another port, and Enter starts it there', async () => {
    const outcomes = [{ kind: 'portInUse' as const, port: 8080, suggestedPort: 8081 }, { kind: 'running' as const, gateway: { ...fakeGateway, url: 'http://127.0.0.1:8081' } }];
    const effects = fakeEffects({ startGateway: async () => outcomes.shift()! });
    const ui = renderApp(effects, atGateway());
    const frame = await waitForFrame(ui, 'Port 8080 is already in use');
    expect(frame).toContain("Port 8081 is free: press Enter to use it (saved as isartor's port).");
    await press(ui, keys.enter, 'Gateway running at http://127.0.0.1:8081');
    expect(effects.startGateway).toHaveBeenLastCalledWith({ port: 8081, restart: false });
  });

  it('reuses a running gateway, warns when it has other settings, and r restarts it', async () => {
    const outcomes = [{ kind: 'running' as const, gateway: { ...fakeGateway, provider: 'openai', model: 'gpt-4o-mini', kind: 'reused' as const } }, { kind: 'running' as const, gateway: fakeGateway }];
    const effects = fakeEffects({ startGateway: async () => outcomes.shift()! });
    const ui = renderApp(effects, atGateway());
    const frame = await waitForFrame(ui, 'A gateway is already running');
    expect(flat(frame)).toContain('press r to restart it with groq / openai/gpt-oss-120b');
    await press(ui, 'r', 'Gateway running at');
    expect(effects.startGateway).toHaveBeenLastCalledWith({ port: undefined, restart: true });
  });

  it('a failed start shows why, and Enter retries', async () => {
    const outcomes = [{ kind: 'failed' as const, message: 'The gateway exited before it was ready (exit code 1).', hint: 'The full log is in /x/gateway.log.' }, { kind: 'running' as const, gateway: fakeGateway }];
    const effects = fakeEffects({ startGateway: async () => outcomes.shift()! });
    const ui = renderApp(effects, atGateway());
    expect(await waitForFrame(ui, 'exited before it was ready')).toContain('/x/gateway.log');
    await press(ui, keys.enter, 'Gateway running');
  });
});

const atOpenClaw = () => stateAfter([{ type: 'gatewayStarted', gateway: fakeGateway }, { type: 'gatewayContinued' }], atGateway());

describe('OpenClaw screen', () => {
  it('shows the config path, the primary model and the version', async () => {
    const ui = renderApp(fakeEffects(), atOpenClaw());
    const frame = await waitForFrame(ui, 'OpenClaw 2026.9.6 is installed');
    expect(frame).toContain('config   /home/u/.openclaw/openclaw.json');
    expect(frame).toContain('primary  anthropic/claude-sonnet-4-5');
    await press(ui, keys.escape, 'Gateway running');
  });

  it('without OpenClaw: says how to install it and continues without it', async () => {
    const effects = fakeEffects({ findOpenClaw: async () => fakeFinding({ configExists: false, version: undefined, primaryModel: undefined }) });
    const ui = renderApp(effects, atOpenClaw());
    const frame = await waitForFrame(ui, 'OpenClaw was not found');
    expect(frame).toContain('npm i -g openclaw');
    expect(await press(ui, keys.enter, 'isartor dashboard')).toContain('no requests yet');
    expect(effects.planOpenClaw).not.toHaveBeenCalled();
  });
});

describe('diff and confirm screens (the real plan and apply on a temp openclaw.json)', () => {
  function realOpenClaw(content: string | undefined) {
    const dir = tempDir('isartor-setup-openclaw-');
    const configPath = join(dir, 'openclaw.json');
    if (content !== undefined) writeFileSync(configPath, content);
    const real = createSetupEffects({ stateDir: tempDir(), openClawConfigPath: configPath, env: {} });
    const effects = fakeEffects({ findOpenClaw: real.findOpenClaw, planOpenClaw: real.planOpenClaw, applyOpenClaw: real.applyOpenClaw });
    return { configPath, effects };
  }
  const original = '{\n  // my settings\n  "agents": { "defaults": { "model": { "primary": "anthropic/claude-sonnet-4-5" } } }\n}\n';

  it('a broken openclaw.json is refused clearly and nothing is written', async () => {
    const broken = '{ "agents": { "defaults": \n';
    const { configPath, effects } = realOpenClaw(broken);
    const ui = renderApp(effects, atOpenClaw());
    let frame = await waitForFrame(ui, 'does not parse');
    frame = await press(ui, keys.enter, 'Nothing was written.');
    expect(frame).toMatch(/✗ .*openclaw\.json does not parse at line \d+/);
    expect(effects.applyOpenClaw).not.toHaveBeenCalled();
    expect(readFileSync(configPath, 'utf8')).toBe(broken);
    expect(await press(ui, keys.enter, 'isartor dashboard')).toBeTruthy();
  });

  it('shows the coloured diff within the terminal height, scrolls it, then y writes with a backup', async () => {
    const { configPath, effects } = realOpenClaw(original);
    const ui = renderApp(effects, atOpenClaw());
    await waitForFrame(ui, 'primary  anthropic/claude-sonnet-4-5');
    let frame = await press(ui, keys.enter, 'lines 1-');
    expect(frame).toContain(`Edit ${configPath}`);
    expect(frame).toContain('+      "isartor": {');
    expect(lines(frame)).toBeLessThanOrEqual(24);
    frame = await press(ui, keys.pageDown, /lines (?!1-)\d+-/);
    frame = await press(ui, keys.up, /lines \d+-/);
    frame = await press(ui, keys.enter, 'Write these changes? (y/N)');
    // The whole path shows (wrapped, never cut in the middle).
    expect(frame).toContain('The original is kept as');
    expect(frame.replace(/\n/g, '')).toContain(`${configPath}.isartor-backup.`);
    expect(readFileSync(configPath, 'utf8')).toBe(original);
    frame = await press(ui, 'y', '✓ wrote');
    expect(flat(frame)).toContain(`backup ${configPath}.isartor-backup`);
    const written = readFileSync(configPath, 'utf8');
    expect(written).toContain('// my settings');
    expect(written).toContain('"primary": "isartor/openai/gpt-oss-120b"');
    expect(readFileSync(`${configPath}.isartor-backup`, 'utf8')).toBe(original);
    await press(ui, keys.enter, 'isartor dashboard');
  });

  it('n writes nothing; Esc from confirm goes back to the diff', async () => {
    const { configPath, effects } = realOpenClaw(original);
    const ui = renderApp(effects, atOpenClaw());
    await waitForFrame(ui, 'primary');
    await press(ui, keys.enter, 'lines 1-');
    await press(ui, keys.enter, '(y/N)');
    await press(ui, keys.escape, 'lines 1-');
    await press(ui, keys.enter, '(y/N)');
    const frame = await press(ui, 'n', 'Nothing was written.');
    expect(frame).toContain('isartor connect openclaw');
    expect(readFileSync(configPath, 'utf8')).toBe(original);
    expect(effects.applyOpenClaw).not.toHaveBeenCalled();
  });

  it('a missing config (OpenClaw not installed) can still be created with c', async () => {
    const { configPath, effects } = realOpenClaw(undefined);
    const ui = renderApp(effects, atOpenClaw());
    await waitForFrame(ui, 'OpenClaw was not found');
    const frame = await press(ui, 'c', `Create ${configPath}`);
    expect(frame).toContain('(new file)');
  });
});
