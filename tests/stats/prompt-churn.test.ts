import { describe, expect, it } from 'vitest';
import { changedSpan, PromptChurnTracker } from '../../source/stats/prompt-churn.js';

const tool = (name: string, description = 'does things') => ({ type: 'function', function: { name, description, parameters: { type: 'object' } } });
const openai = (system: string, tools: unknown[]) => ({ model: 'm', messages: [{ role: 'system', content: system }, { role: 'user', content: 'hi' }], tools });

describe('PromptChurnTracker', () => {
  it("says nothing of a tool's first request, zero for an identical one, and where the system prompt changed", () => {
    const tracker = new PromptChurnTracker();
    const system = 'You are an agent.\nRules: be brief.\nCurrent date: 2026-11-20\nEnd.';
    expect(tracker.observe('openclaw', openai(system, [tool('exec')]))).toBeNull();
    expect(tracker.observe('openclaw', openai(system, [tool('exec')]))).toEqual({ systemBytes: 0, systemLine: null, toolsBytes: 0, toolsChanged: [] });
    // "20" -> "21": the last differing character, on line 3.
    expect(tracker.observe('openclaw', openai(system.replace('2026-11-20', '2026-11-21'), [tool('exec')]))).toEqual({ systemBytes: 1, systemLine: 3, toolsBytes: 0, toolsChanged: [] });
  });

  it('names the tools added, removed or redefined, and keeps tools apart', () => {
    const tracker = new PromptChurnTracker();
    tracker.observe('openclaw', openai('s', [tool('exec'), tool('read')]));
    tracker.observe('claude-code', { model: 'm', system: 'other', messages: [], tools: [{ name: 'Bash', input_schema: {} }] });
    const churn = tracker.observe('openclaw', openai('s', [tool('exec', 'runs commands'), tool('write')]));
    expect(churn?.toolsChanged).toEqual(['exec', 'read', 'write']);
    expect(churn?.toolsBytes).toBeGreaterThan(0);
    expect(churn?.systemBytes).toBe(0);
    expect(tracker.observe('claude-code', { model: 'm', system: [{ type: 'text', text: 'other' }], messages: [], tools: [{ name: 'Bash', input_schema: {} }] })).toMatchObject({ systemBytes: 0, toolsChanged: [] });
  });
});

describe("Claude Code's billing header line is bookkeeping, not prompt churn", () => {
  const claudeCode = (billing: string, harness: string) => ({
    model: 'm',
    system: [
      { type: 'text', text: `x-anthropic-billing-header: cc_version=2.1.332.${billing}; cc_entrypoint=sdk-cli;` },
      { type: 'text', text: harness },
    ],
    messages: [],
  });

  it('a new prompt (a new billing suffix) with the same instructions shows no churn', () => {
    const tracker = new PromptChurnTracker();
    tracker.observe('claude-code', claudeCode('862', 'You are Claude Code.\nBe careful.'));
    expect(tracker.observe('claude-code', claudeCode('567', 'You are Claude Code.\nBe careful.'))).toMatchObject({ systemBytes: 0, systemLine: null });
  });

  it('a real change still shows, on its own line (line 2 of the instructions, not line 1 of the billing line)', () => {
    const tracker = new PromptChurnTracker();
    tracker.observe('claude-code', claudeCode('862', 'You are Claude Code.\nBe careful.'));
    expect(tracker.observe('claude-code', claudeCode('567', 'You are Claude Code.\nBe brave.'))).toMatchObject({ systemLine: 2 });
    // The same line anywhere but first is the caller's text, and its change counts.
    const system = (suffix: string) => `Intro.\nx-anthropic-billing-header: cc_version=${suffix}`;
    tracker.observe('other', { model: 'm', system: system('1'), messages: [] });
    expect(tracker.observe('other', { model: 'm', system: system('2'), messages: [] })).toMatchObject({ systemBytes: 1, systemLine: 2 });
  });
});

describe('changedSpan', () => {
  it('measures the differing middle in UTF-8 bytes', () => {
    expect(changedSpan('abcXYZdef', 'abcQdef')).toEqual({ start: 3, bytes: 3 });
    expect(changedSpan('abc', 'abcdef')).toEqual({ start: 3, bytes: 3 });
    expect(changedSpan('aaa', 'aaaa')).toEqual({ start: 3, bytes: 1 });
    expect(changedSpan('héllo', 'hello')).toEqual({ start: 1, bytes: 2 });
    expect(changedSpan('same', 'same')).toEqual({ start: 0, bytes: 0 });
  });
});
