// The same Anthropic input always maps to the same OpenAI messages, so an OpenAI-style provider's prefix
// cache keeps working for Claude Code; checked on made-up requests and on a recorded Claude Code session.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AnthropicMessagesRequest } from '../../source/protocols/anthropic.js';
import { anthropicRequestToOpenAI } from '../../source/protocols/anthropic-to-openai.js';
import { systemWithoutBookkeeping } from '../../source/protocols/client-bookkeeping.js';

interface CapturedRequest {
  headers: Record<string, string>;
  body: AnthropicMessagesRequest;
}
const capture = JSON.parse(readFileSync(new URL('../support/captures/claude-code-2.1.332-session.json', import.meta.url), 'utf8')) as {
  sessionA: CapturedRequest[];
  runs: CapturedRequest[][];
};

const billingLine = 'x-anthropic-billing-header: cc_version=2.1.332.862; cc_entrypoint=sdk-cli;';
const request = (fields: Partial<AnthropicMessagesRequest>): AnthropicMessagesRequest => ({
  model: 'claude-sonnet',
  max_tokens: 1000,
  messages: [{ role: 'user', content: 'hi' }],
  ...fields,
});
const translate = (body: AnthropicMessagesRequest) => anthropicRequestToOpenAI(body, 'gpt-up');

describe('system text maps alike, string or blocks', () => {
  it('top-level system: a string and the same text as blocks give identical OpenAI requests', () => {
    const asString = translate(request({ system: 'You are terse.' }));
    const asBlocks = translate(request({ system: [{ type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral' } }] }));
    expect(JSON.stringify(asBlocks)).toBe(JSON.stringify(asString));
  });

  it('a role:"system" message inside messages stays a system message, string or blocks (never a user turn)', () => {
    const question = { role: 'user' as const, content: [{ type: 'text' as const, text: 'Run ls' }] };
    const env = '# Environment\n - Platform: linux';
    const asBlocks = translate(request({ messages: [question, { role: 'system', content: [{ type: 'text', text: env, cache_control: { type: 'ephemeral' } }] }] }));
    const asString = translate(request({ messages: [question, { role: 'system', content: env }] }));
    expect(asBlocks.messages).toEqual([
      { role: 'user', content: 'Run ls' },
      { role: 'system', content: env },
    ]);
    expect(JSON.stringify(asString)).toBe(JSON.stringify(asBlocks));
  });

  it('several system blocks join with a blank line, in messages as in system', () => {
    const blocks = [
      { type: 'text' as const, text: 'One.' },
      { type: 'text' as const, text: 'Two.' },
    ];
    expect(translate(request({ system: blocks })).messages[0]).toEqual({ role: 'system', content: 'One.\n\nTwo.' });
    expect(translate(request({ messages: [{ role: 'user', content: 'q' }, { role: 'system', content: blocks }] })).messages[1]).toEqual({ role: 'system', content: 'One.\n\nTwo.' });
  });
});

describe("Claude Code's billing header line", () => {
  it('is left out when translating, as its own block or as the first line of a string', () => {
    const asBlock = translate(request({ system: [{ type: 'text', text: billingLine }, { type: 'text', text: 'You are Claude Code.' }] }));
    expect(asBlock.messages[0]).toEqual({ role: 'system', content: 'You are Claude Code.' });
    const asLine = translate(request({ system: `${billingLine}\nYou are Claude Code.` }));
    expect(asLine.messages[0]).toEqual({ role: 'system', content: 'You are Claude Code.' });
    expect(JSON.stringify([asBlock, asLine])).not.toContain('x-anthropic-billing-header');
  });

  it('a system of nothing but that line gives no system message at all', () => {
    expect(translate(request({ system: [{ type: 'text', text: billingLine }] })).messages).toEqual([{ role: 'user', content: 'hi' }]);
  });

  it('is NOT removed anywhere but the start of the system prompt, nor when the name differs', () => {
    const later = `You are Claude Code.\n${billingLine}`;
    expect(translate(request({ system: later })).messages[0]).toEqual({ role: 'system', content: later });
    const secondBlock = [{ type: 'text' as const, text: 'You are Claude Code.' }, { type: 'text' as const, text: billingLine }];
    expect(translate(request({ system: secondBlock })).messages[0]?.content).toContain(billingLine);
    const otherHeader = 'x-anthropic-billing: cc_version=1';
    expect(translate(request({ system: otherHeader })).messages[0]).toEqual({ role: 'system', content: otherHeader });
    const inUserTurn = translate(request({ messages: [{ role: 'user', content: billingLine }] }));
    expect(inUserTurn.messages).toEqual([{ role: 'user', content: billingLine }]);
  });

  it('systemWithoutBookkeeping leaves a system without the line untouched (the same object)', () => {
    const system = [{ type: 'text', text: 'Plain.' }];
    expect(systemWithoutBookkeeping(system)).toBe(system);
  });
});

describe('a recorded Claude Code 2.1.332 session (tests/support/captures)', () => {
  const turns = capture.sessionA.map((entry) => translate(entry.body));

  it('the capture really has the churn this fixes: billing line first, env block as blocks then as a string', () => {
    const [first, second] = capture.sessionA.map((entry) => entry.body);
    expect((first!.system as Array<{ text: string }>)[0]!.text).toMatch(/^x-anthropic-billing-header: cc_version=2\.1\.332\.[0-9a-f]{3}; /);
    expect(first!.messages[1]).toMatchObject({ role: 'system', content: [{ type: 'text' }] });
    expect(typeof second!.messages[1]!.content).toBe('string');
  });

  it('each turn starts byte for byte with the previous turn (system, environment block, earlier tool turns)', () => {
    expect(turns.length).toBe(4);
    for (let index = 1; index < turns.length; index++) {
      const before = turns[index - 1]!.messages;
      const after = turns[index]!.messages;
      expect(JSON.stringify(after.slice(0, before.length)), `turn ${index + 1}`).toBe(JSON.stringify(before));
      expect(JSON.stringify(turns[index]!.tools)).toBe(JSON.stringify(turns[0]!.tools));
    }
    expect(turns[0]!.messages.map((m) => m.role)).toEqual(['system', 'user', 'system']);
    expect(JSON.stringify(turns)).not.toContain('x-anthropic-billing-header');
  });

  it('two runs of the same prompt translate to the same request, but for the per-run `user`', () => {
    const [runA, runB] = capture.runs.map((run) => run.map((entry) => translate(entry.body)));
    expect(runA!.length).toBe(runB!.length);
    for (const [index, a] of runA!.entries()) {
      const b = runB![index]!;
      expect(a.user).not.toBe(b.user);
      expect(JSON.stringify({ ...a, user: undefined })).toBe(JSON.stringify({ ...b, user: undefined }));
    }
  });
});
