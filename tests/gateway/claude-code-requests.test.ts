// Claude Code's recorded requests through a real gateway: pass-through to Anthropic keeps every byte (the
// billing line included), translation to an OpenAI-compatible provider leaves the billing line out.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

const capture = JSON.parse(readFileSync(new URL('../support/captures/claude-code-2.1.332-session.json', import.meta.url), 'utf8')) as {
  sessionA: Array<{ headers: Record<string, string>; body: Record<string, unknown> }>;
  runs: Array<Array<{ headers: Record<string, string>; body: Record<string, unknown> }>>;
};
// The fake upstream answers the model it knows; the rest of the request is Claude Code's own.
const firstTurn = { ...capture.sessionA[0]!.body, model: 'fake-model', stream: false };

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe("Claude Code's requests through the gateway", () => {
  it('pass-through to Anthropic forwards the body byte for byte, billing line and role:"system" message included', async () => {
    harness = await startHarness({ provider: 'anthropic' });
    const sent = JSON.stringify(firstTurn);
    const response = await harness.messages(sent, { 'user-agent': capture.sessionA[0]!.headers['user-agent']! });
    const upstream = harness.fake.requests.at(-1)!;
    expect(response.status, JSON.stringify([upstream.url, upstream.body?.model, await response.text()])).toBe(200);
    expect(upstream.path).toBe('/v1/messages');
    expect(upstream.rawBody).toBe(sent);
    expect(upstream.rawBody).toContain('x-anthropic-billing-header: cc_version=');
  });

  it('translation to an OpenAI-compatible provider leaves the billing line out and keeps the environment block a system message', async () => {
    harness = await startHarness();
    const response = await harness.messages(firstTurn);
    expect(response.status).toBe(200);
    const upstream = harness.fake.requests.at(-1)!;
    expect(upstream.path).toBe('/v1/chat/completions');
    expect(upstream.rawBody).not.toContain('x-anthropic-billing-header');
    const roles = (upstream.body.messages as Array<{ role: string }>).map((m) => m.role);
    expect(roles).toEqual(['system', 'user', 'system']);
    expect(upstream.body.messages[0].content.startsWith("You are a Claude agent, built on Anthropic's Claude Agent SDK.")).toBe(true);
  });

  it('two conversations with different prompts (so different billing lines) show no prompt churn for claude-code', async () => {
    harness = await startHarness({ provider: 'anthropic' });
    harness.records = [];
    const userAgent = { 'user-agent': capture.sessionA[0]!.headers['user-agent']! };
    for (const body of [capture.runs[0]![0]!.body, capture.sessionA[0]!.body]) {
      const response = await harness.messages({ ...body, model: 'fake-model', stream: false }, userAgent);
      expect(response.status).toBe(200);
      await response.text();
    }
    await harness.gateway.drained();
    expect(harness.records.map((record) => record.client)).toEqual(['claude-code', 'claude-code']);
    expect(harness.records[1]!.churn).toMatchObject({ systemBytes: 0, systemLine: null, toolsBytes: 0 });
  });
});
