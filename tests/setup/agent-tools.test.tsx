// The agent step lists every tool a registered connector finds installed beside OpenClaw; choosing one
// plans, shows and writes its edit through its own connector, the same way as OpenClaw's.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentPlan } from '../../source/setup/effects.js';
import { createSetupEffects } from '../../source/setup/real-effects.js';
import { fakeEffects, fakeFinding, fakeGateway, okCheck } from './fake-effects.js';
import { keys, press, waitForFrame } from './ink-keys.js';
import { renderApp, stateAfter, tempDir } from './render-app.js';

const claudePlan: AgentPlan = {
  action: 'connect',
  location: { configPath: '/home/u/.claude/settings.json' },
  before: '{}\n',
  after: '{"env":{}}\n',
  configChanges: true,
  deletions: [],
  backup: { path: '/home/u/.claude/settings.json.isartor-backup', create: true, restore: false },
  diff: '--- a\n+++ b\n@@ -1 +1 @@\n-{}\n+{"env":{}}\n',
  unchanged: false,
};

const atAgentStep = () =>
  stateAfter([
    { type: 'setupStarted' },
    { type: 'providerChosen', providerId: 'groq' },
    { type: 'keySubmitted', apiKey: undefined, source: 'env' },
    { type: 'keyChecked', result: okCheck() },
    { type: 'modelChosen', model: 'openai/gpt-oss-120b' },
    { type: 'gatewayStarted', gateway: fakeGateway },
    { type: 'gatewayContinued' },
  ]);

describe('the agent step', () => {
  it('shows other installed tools beside OpenClaw; a digit plans that tool\'s edit, and y writes it through its connector', async () => {
    const effects = fakeEffects({
      findOpenClaw: async () => fakeFinding(),
      findAgents: async () => [{ id: 'claude-code', displayName: 'Claude Code', configPath: '/home/u/.claude/settings.json', configExists: true, version: '2.1.332' }],
      planOpenClaw: async () => ({ kind: 'ready', plan: claudePlan }),
    });
    const ui = renderApp(effects, atAgentStep());
    const frame = await waitForFrame(ui, 'Also found');
    expect(frame).toContain('Agent tools');
    expect(frame).toContain('1 Claude Code 2.1.332  /home/u/.claude/settings.json');
    expect(frame).toContain('1 connect Claude Code instead');
    expect(frame).toContain('✓ OpenClaw 2026.9.6 is installed');
    await press(ui, '1', 'Edit /home/u/.claude/settings.json');
    expect(effects.planOpenClaw).toHaveBeenCalledWith(expect.objectContaining({ agentId: 'claude-code', model: 'openai/gpt-oss-120b' }));
    await press(ui, keys.enter, 'Write these changes?');
    const written = await press(ui, 'y', '✓ wrote');
    expect(written).toContain('Claude Code now uses isartor');
    expect(effects.applyOpenClaw).toHaveBeenCalledWith(claudePlan, 'claude-code');
  });

  it('with no other tool found, the OpenClaw step is as before', async () => {
    const effects = fakeEffects({ findAgents: async () => [] });
    const frame = await waitForFrame(renderApp(effects, atAgentStep()), 'is installed');
    expect(frame).toContain('OpenClaw');
    expect(frame).not.toContain('Also found');
    expect(frame).toContain('Enter show the planned edit · s skip OpenClaw · Esc back');
  });

  it('the real effects offer every registered connector but OpenClaw that detects its client', async () => {
    const home = tempDir();
    const stateDir = tempDir();
    const bare = await createSetupEffects({ stateDir, env: { HOME: home, PATH: '' } }).findAgents!();
    expect(bare.every((agent) => agent.id !== 'openclaw')).toBe(true);
    // Codex and Claude Code are found by their config directories even without a binary on PATH.
    mkdirSync(join(home, 'codex'), { recursive: true });
    writeFileSync(join(home, 'codex', 'config.toml'), 'model = "o4"\n');
    mkdirSync(join(home, 'claude'), { recursive: true });
    writeFileSync(join(home, 'claude', 'settings.json'), '{}\n');
    const found = await createSetupEffects({ stateDir, env: { HOME: home, PATH: '', CODEX_HOME: join(home, 'codex'), CLAUDE_CONFIG_DIR: join(home, 'claude') } }).findAgents!();
    expect(found.map((agent) => agent.id).sort()).toEqual(['claude-code', 'codex']);
    expect(found.find((agent) => agent.id === 'codex')).toMatchObject({ displayName: expect.stringMatching(/Codex/), configPath: join(home, 'codex', 'config.toml'), configExists: true });
  });
});
