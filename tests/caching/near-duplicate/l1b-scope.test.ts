import { describe, expect, it } from 'vitest';
import type { CallerProtocol, ChatRequest } from '../../../source/gateway/context.js';
import { locateQuestion, stabiliseVolatileSpans } from '../../../source/caching/near-duplicate/scope.js';
import { chatRequest } from '../../gateway/chat-request-fixture.js';

function chat(body: Record<string, unknown>, protocol: CallerProtocol = 'openai', upstreamModel = 'm'): ChatRequest {
  const base = chatRequest({ body, protocol, upstreamModel });
  return { ...base, target: { ...base.target, model: upstreamModel } };
}

const system = { role: 'system', content: 'You are a personal assistant.\n## Temporal Context\nCurrent date: 2026-11-21' };
const internal = { role: 'user', content: '<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>\nActive exec sessions: none\n<<<END_OPENCLAW_INTERNAL_CONTEXT>>>' };
/** The first user turn of an OpenClaw session, as the captures show it. */
const openClawTurn = (question: string, stamp: string, sessionId: string) => ({
  role: 'user',
  content: `[${stamp}] ${question}\n\nRuntime: agent=main | session=agent:main:explicit:${sessionId} | sessionId=${sessionId} | host=vm | model=fakeoai/fake-model | shell=bash`,
});
const sessionA = '11f3b314-cd35-4896-8d95-ff86f2aa66a8';
const sessionB = 'eaf23318-2627-4074-9df2-9a79ff7a9886';
const request = (...messages: unknown[]) => chat({ model: 'm', tools: [{ type: 'function', function: { name: 'read' } }], messages });

describe('locateQuestion', () => {
  it('finds the question behind OpenClaw volatile wrapping, and one scope for two sessions on one day', () => {
    const first = locateQuestion(request(system, openClawTurn('what is a monad?', 'Sat 2026-11-21 19:08 UTC', sessionA), internal), 'anonymous');
    const second = locateQuestion(request(system, openClawTurn('what is a monad?', 'Sat 2026-11-21 21:45 UTC', sessionB), internal), 'anonymous');
    expect(first?.question).toBe('what is a monad?');
    expect(second?.scope).toBe(first?.scope);
  });

  it('a new day is a new scope', () => {
    const today = locateQuestion(request(system, openClawTurn('what is a monad?', 'Sat 2026-11-21 19:08 UTC', sessionA), internal), 'anonymous');
    const tomorrow = locateQuestion(request(system, openClawTurn('what is a monad?', 'Sun 2026-11-22 09:00 UTC', sessionA), internal), 'anonymous');
    expect(tomorrow?.scope).not.toBe(today?.scope);
  });

  it('everything but the question is in the scope', () => {
    const base = request(system, { role: 'user', content: 'q' });
    const scopeOf = (c: ChatRequest, caller = 'anonymous') => locateQuestion(c, caller)?.scope;
    const baseScope = scopeOf(base);
    const variants: Array<[string, string | undefined]> = [
      ['caller', scopeOf(base, 'key:other')],
      ['protocol', scopeOf(chat(base.body, 'anthropic'))],
      ['upstream model', scopeOf(chat(base.body, 'openai', 'other-model'))],
      ['system prompt', scopeOf(request({ role: 'system', content: 'You are a pirate.' }, { role: 'user', content: 'q' }))],
      ['tools', scopeOf(chat({ ...base.body, tools: [] }))],
      ['temperature', scopeOf(chat({ ...base.body, temperature: 0.7 }))],
      ['earlier turns', scopeOf(request(system, { role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }, { role: 'user', content: 'q' }))],
      ['internal context', scopeOf(request(system, { role: 'user', content: 'q' }, internal))],
    ];
    for (const [name, scope] of variants) expect(scope, name).not.toBe(baseScope);
    // Delivery fields do not split it.
    expect(scopeOf(chat({ ...base.body, stream: true, stream_options: { include_usage: true }, model: 'x' }))).toBe(baseScope);
  });

  it('masks only OpenClaw session ids: a UUID anywhere else stays in the scope', () => {
    const withResult = (id: string) => request(system, { role: 'user', content: 'list ids' }, { role: 'assistant', content: `The id is ${id}` }, { role: 'user', content: 'delete it' });
    expect(locateQuestion(withResult(sessionA), 'anonymous')?.scope).not.toBe(locateQuestion(withResult(sessionB), 'anonymous')?.scope);
  });

  it('is not a plain question after a tool result, with an image, or when the last turn is not the user', () => {
    const afterTool = request(system, { role: 'user', content: 'read it' }, { role: 'assistant', content: null, tool_calls: [{ id: 'c1' }] }, { role: 'tool', tool_call_id: 'c1', content: 'x' });
    const withImage = request({ role: 'user', content: [{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url: 'data:' } }] });
    const assistantLast = request({ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' });
    const anthropicToolResult = chat({ messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'x' }] }] }, 'anthropic');
    for (const c of [afterTool, withImage, assistantLast, anthropicToolResult]) expect(locateQuestion(c, 'anonymous')).toBeUndefined();
  });

  it('reads Anthropic requests: system blocks and text blocks', () => {
    const body = {
      model: 'claude',
      max_tokens: 100,
      system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is a monad?' }] }],
    };
    const located = locateQuestion(chat(body, 'anthropic'), 'anonymous');
    expect(located?.question).toBe('What is a monad?');
    const otherSystem = locateQuestion(chat({ ...body, system: 'Be verbose.' }, 'anthropic'), 'anonymous');
    expect(otherSystem?.scope).not.toBe(located?.scope);
  });
});

describe('stabiliseVolatileSpans', () => {
  it('keeps the day of an OpenClaw timestamp and masks session ids, nothing else', () => {
    expect(stabiliseVolatileSpans('[Sat 2026-11-21 19:08 UTC] hi')).toBe('[2026-11-21] hi');
    expect(stabiliseVolatileSpans(`Runtime: session=agent:main:explicit:${sessionA} | sessionId=${sessionA} | host=vm`)).toBe('Runtime: session=agent:main:explicit:* | sessionId=* | host=vm');
    expect(stabiliseVolatileSpans(`order ${sessionA} shipped at 19:08`)).toBe(`order ${sessionA} shipped at 19:08`);
    expect(stabiliseVolatileSpans('see [Sat 2026-11-21 19:08 UTC] later')).toBe('see [Sat 2026-11-21 19:08 UTC] later');
  });
});
