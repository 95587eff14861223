import { describe, expect, it } from 'vitest';
import { maskClaudeCodeBillingLine, maskClaudeCodeUserId, maskOpenClawRuntimeLine, maskVolatileSpans } from '../../source/caching/volatile-spans.js';

const sessionA = '11f3b314-cd35-4896-8d95-ff86f2aa66a8';
const sessionB = 'eaf23318-2627-4074-9df2-9a79ff7a9886';
const runtime = (id: string) => `\n\nRuntime: agent=main | session=agent:main:explicit:${id} | sessionId=${id} | host=vm | model=fakeoai/fake-model | shell=bash`;

describe('volatile spans, where each client declares them', () => {
  it('OpenClaw: masks the session ids of the Runtime line that ends its first user message or system prompt', () => {
    expect(maskOpenClawRuntimeLine(`[Sat 2026-11-21 19:08 UTC] hello${runtime(sessionA)}`)).toBe(maskOpenClawRuntimeLine(`[Sat 2026-11-21 19:08 UTC] hello${runtime(sessionB)}`));
    expect(maskOpenClawRuntimeLine(`hello${runtime(sessionA)}`)).toContain('sessionId=* |');
    // Not a Runtime line at the end: left alone, whatever it holds.
    for (const text of [`sessionId=${sessionA}`, `Runtime: agent=main | sessionId=${sessionA}`, `${runtime(sessionA)}\nmore text`]) {
      expect(maskOpenClawRuntimeLine(text)).toBe(text);
    }
  });

  it('Claude Code: masks the session id inside metadata.user_id, in the 2.x JSON form and the older one', () => {
    const json = (id: string) => JSON.stringify({ device_id: 'a'.repeat(64), account_uuid: '', session_id: id });
    expect(maskClaudeCodeUserId(json(sessionA))).toBe(maskClaudeCodeUserId(json(sessionB)));
    expect(JSON.parse(maskClaudeCodeUserId(json(sessionA)) as string)).toEqual({ device_id: 'a'.repeat(64), account_uuid: '', session_id: '*' });
    const legacy = (id: string) => `user_${'b'.repeat(64)}_account_${sessionB}_session_${id}`;
    expect(maskClaudeCodeUserId(legacy(sessionA))).toBe(maskClaudeCodeUserId(legacy(sessionB)));
    // Another device is another user: only the session part is masked.
    expect(maskClaudeCodeUserId(JSON.stringify({ device_id: 'c'.repeat(64), account_uuid: '', session_id: sessionA }))).not.toBe(maskClaudeCodeUserId(json(sessionA)));
    for (const other of ['alice', 42, undefined, '{"session_id":"not-a-uuid"}', '{broken']) expect(maskClaudeCodeUserId(other)).toBe(other);
  });

  it("Claude Code: masks the prompt digest in the billing line that opens its system prompt, and nothing like it elsewhere", () => {
    const billing = (digest: string) => `x-anthropic-billing-header: cc_version=2.1.332.${digest}; cc_entrypoint=sdk-cli;`;
    expect(maskClaudeCodeBillingLine(billing('34c'))).toBe(maskClaudeCodeBillingLine(billing('b63')));
    expect(maskClaudeCodeBillingLine(billing('34c'))).toBe('x-anthropic-billing-header: cc_version=2.1.332.*; cc_entrypoint=sdk-cli;');
    // Another version or entry point stays apart.
    expect(maskClaudeCodeBillingLine(billing('34c').replace('2.1.332', '2.1.333'))).not.toBe(maskClaudeCodeBillingLine(billing('34c')));
    const body = (digest: string, later = billing('34c')) => ({
      model: 'm',
      system: [{ type: 'text', text: billing(digest) }, { type: 'text', text: 'You are Claude Code.' }, { type: 'text', text: later }],
      messages: [{ role: 'user', content: billing(digest) }],
    });
    expect(maskVolatileSpans(body('34c'))!.system).toEqual(maskVolatileSpans(body('b63'))!.system);
    // Only in the first system block: the same line anywhere else (a later block, a message) is the caller's text.
    expect(maskVolatileSpans(body('34c'))!.system).not.toEqual(maskVolatileSpans(body('34c', billing('b63')))!.system);
    expect(maskVolatileSpans(body('34c'))!.messages).toEqual(body('34c').messages);
    expect(maskVolatileSpans({ system: `${billing('34c')}\nBe brief.`, messages: [] })!.system).toBe(`${billing('*')}\nBe brief.`);
  });

  it('masks a request body only in the declared places: never tool results, answers or later user text', () => {
    const body = (id: string, toolId: string) => ({
      model: 'm',
      messages: [
        { role: 'system', content: `You are OpenClaw.${runtime(id)}` },
        { role: 'user', content: `[Sat 2026-11-21 19:08 UTC] read it${runtime(id)}` },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'read', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: `log${runtime(toolId)}` },
        { role: 'user', content: `and this?${runtime(toolId)}` },
      ],
    });
    expect(maskVolatileSpans(body(sessionA, sessionA))).toEqual(maskVolatileSpans(body(sessionB, sessionA)));
    expect(maskVolatileSpans(body(sessionA, sessionA))).not.toEqual(maskVolatileSpans(body(sessionA, sessionB)));
    const anthropic = (id: string) => ({ system: [{ type: 'text', text: 'Be brief.' }, { type: 'text', text: `OpenClaw.${runtime(id)}` }], messages: [{ role: 'user', content: 'hi' }] });
    expect(maskVolatileSpans(anthropic(sessionA))).toEqual(maskVolatileSpans(anthropic(sessionB)));
  });

  it('costs no copy when there is nothing to mask, and never changes the body it was given', () => {
    const plain = { model: 'm', messages: [{ role: 'user', content: `my session is ${sessionA}` }] };
    expect(maskVolatileSpans(plain)).toBeUndefined();
    const claude = { model: 'm', metadata: { user_id: JSON.stringify({ device_id: 'x', account_uuid: '', session_id: sessionA }) }, messages: [] };
    const before = JSON.stringify(claude);
    expect(maskVolatileSpans(claude)).toBeDefined();
    expect(JSON.stringify(claude)).toBe(before);
  });
});
