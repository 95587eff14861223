import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { clearTrimMemo, prepareTrimmer, trimRequestBody } from '../../source/trimming/trim-request.js';
import { baseFromCapture, buildAgentSession, syntheticBase, toAnthropicSession, uniqueUserSentences, type SessionBase } from './fixtures/agent-session.js';
import { expectGuards, instructionTexts } from './support.js';

beforeAll(async () => {
  await prepareTrimmer();
});

// The real OpenClaw system prompt and tools, when ../shared is there (see ../shared/data/README.md).
const capture = new URL('../../../shared/data/openclaw-captures/openai-completions-agent-turn.json', import.meta.url);
const bases: Array<[string, () => SessionBase]> = [['synthetic system prompt', syntheticBase]];
if (existsSync(capture)) bases.push(['real OpenClaw system prompt', () => baseFromCapture((JSON.parse(readFileSync(capture, 'utf8')) as { body: Record<string, unknown> }).body)]);

describe.each(bases)('agent session with the %s', (label, base) => {
  it.each(['openai', 'anthropic'] as const)('%s: trims the terminal noise and repeats, and keeps every instruction line', async (protocol) => {
    const openai = buildAgentSession(base());
    const body = protocol === 'openai' ? openai : toAnthropicSession(openai);
    clearTrimMemo();
    const started = performance.now();
    const result = await trimRequestBody(body, protocol, { countAll: true });
    const coldMs = performance.now() - started;
    const saved = 1 - result.tokensAfter / result.tokensBefore;
    console.log(
      `[L2.5] session (${label}, ${protocol}): ${result.tokensBefore} → ${result.tokensAfter} tokens (−${(saved * 100).toFixed(1)} %), ${coldMs.toFixed(1)} ms cold; rules ${JSON.stringify(result.rules)}`,
    );
    expect(saved).toBeGreaterThan(0.05);
    for (const rule of ['terminal-render', 'colour', 'duplicate-tool-result'] as const) expect(result.rules[rule], rule).toBeGreaterThan(0);
    expectGuards(body, result.body, protocol);
    const corpus = instructionTexts(result.body, protocol).join('\n');
    for (const sentence of uniqueUserSentences) expect(corpus).toContain(sentence);
  });
});

describe('OpenClaw turns: the internal-context message is always last', () => {
  it.each(['openai', 'anthropic'] as const)('%s: every earlier message is trimmed the same way on the next turn', async (protocol) => {
    const session = buildAgentSession();
    const all = session.messages as Array<Record<string, unknown>>;
    const internal = all.at(-1)!;
    const history = all.slice(0, -1);
    // Turn k sends history[0..k) followed by the internal-context message.
    const turn = (k: number) => {
      const openai = { ...session, messages: [...history.slice(0, k), internal] };
      return protocol === 'openai' ? openai : toAnthropicSession(openai);
    };
    clearTrimMemo();
    const final = (await trimRequestBody(turn(history.length), protocol)).body;
    const finalMessages = final.messages as unknown[];
    for (let k = 2; k < history.length; k++) {
      const trimmed = (await trimRequestBody(turn(k), protocol)).body;
      expect(trimmed.system).toEqual(final.system);
      const messages = trimmed.messages as unknown[];
      // Without the internal-context message, the earlier turn's request is a prefix of the later one's.
      messages.slice(0, -1).forEach((message, j) => expect(message, `k=${k} j=${j}`).toEqual(finalMessages[j]));
    }
  });
});
