import { describe, expect, it } from 'vitest';
import type { CallerProtocol, ChatRequest } from '../../../source/gateway/context.js';
import { locateQuestion, scopeOf, type StampResolution } from '../../../source/caching/near-duplicate/scope.js';
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

const scope = (c: ChatRequest, caller = 'anonymous', resolution: StampResolution = 'day'): string | undefined => {
  const located = locateQuestion(c, caller);
  return located && scopeOf(located, resolution);
};

describe('locateQuestion', () => {
  it('finds the question behind OpenClaw volatile wrapping, and one scope for two sessions on one day', () => {
    const first = locateQuestion(request(system, openClawTurn('what is a monad?', 'Sat 2026-11-21 19:08 UTC', sessionA), internal), 'anonymous');
    expect(first?.question).toBe('what is a monad?');
    expect(scope(request(system, openClawTurn('what is a monad?', 'Sat 2026-11-21 21:45 UTC', sessionB), internal))).toBe(scopeOf(first!, 'day'));
  });

  it('keeps the question stamp at the resolution asked for: the day, or the minute', () => {
    const at = (stamp: string, resolution: StampResolution) => scope(request(system, openClawTurn('what is a monad?', stamp, sessionA), internal), 'anonymous', resolution);
    expect(at('Sun 2026-11-22 09:00 UTC', 'day')).not.toBe(at('Sat 2026-11-21 19:08 UTC', 'day'));
    expect(at('Sat 2026-11-21 21:00 UTC', 'day')).toBe(at('Sat 2026-11-21 10:00 UTC', 'day'));
    expect(at('Sat 2026-11-21 21:00 UTC', 'minute')).not.toBe(at('Sat 2026-11-21 10:00 UTC', 'minute'));
  });

  it('keeps earlier user turns at the day: their answers, in the scope, pin what depended on the minute', () => {
    const later = (historyStamp: string, answer = 'A monad is...') =>
      scope(request(system, openClawTurn('what is a monad?', historyStamp, sessionA), { role: 'assistant', content: answer }, { role: 'user', content: '[Sat 2026-11-21 21:12 UTC] and a functor?' }));
    expect(later('Sat 2026-11-21 21:10 UTC')).toBe(later('Sat 2026-11-21 19:08 UTC'));
    expect(later('Sun 2026-11-22 19:08 UTC')).not.toBe(later('Sat 2026-11-21 19:08 UTC'));
    expect(later('Sat 2026-11-21 21:10 UTC', 'It is 21:10.')).not.toBe(later('Sat 2026-11-21 19:08 UTC', 'It is 19:08.'));
  });

  it('everything but the question is in the scope: forwarded headers and query too', () => {
    const base = request(system, { role: 'user', content: 'q' });
    const baseScope = scope(base);
    const variants: Array<[string, string | undefined]> = [
      ['caller', scope(base, 'key:other')],
      ['protocol', scope(chat(base.body, 'anthropic'))],
      ['upstream model', scope(chat(base.body, 'openai', 'other-model'))],
      ['system prompt', scope(request({ role: 'system', content: 'You are a pirate.' }, { role: 'user', content: 'q' }))],
      ['tools', scope(chat({ ...base.body, tools: [] }))],
      ['temperature', scope(chat({ ...base.body, temperature: 0.7 }))],
      ['earlier turns', scope(request(system, { role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }, { role: 'user', content: 'q' }))],
      ['internal context', scope(request(system, { role: 'user', content: 'q' }, internal))],
      ['anthropic-beta', scope({ ...base, anthropicHeaders: { 'anthropic-beta': 'interleaved-thinking-2025-05-14' } })],
      ['anthropic-version', scope({ ...base, anthropicHeaders: { 'anthropic-version': '2023-01-01' } })],
      ['query', scope({ ...base, query: 'beta=true' })],
      // The same upstream model asked for by another name: the answer carries the name it was asked by.
      ['requested model', scope(chat({ ...base.body, model: 'x' }))],
    ];
    for (const [name, other] of variants) expect(other, name).not.toBe(baseScope);
    // Delivery fields do not split it.
    expect(scope(chat({ ...base.body, stream: true, stream_options: { include_usage: true } }))).toBe(baseScope);
  });

  it('masks OpenClaw session ids only in its Runtime line: a session id in a tool result or an answer stays', () => {
    const withResult = (id: string) => request(system, { role: 'user', content: 'list ids' }, { role: 'assistant', content: `sessionId=${id}` }, { role: 'user', content: 'delete it' });
    expect(scope(withResult(sessionA))).not.toBe(scope(withResult(sessionB)));
    const toolResult = (id: string) =>
      request(
        system,
        openClawTurn('read the log', 'Sat 2026-11-21 19:08 UTC', sessionA),
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'read', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: `Runtime: agent=main | sessionId=${id}` },
        { role: 'user', content: '[Sat 2026-11-21 19:09 UTC] and now?' },
      );
    expect(scope(toolResult(sessionA))).not.toBe(scope(toolResult(sessionB)));
  });

  it('finds the question before trailing context: Claude Code\'s system message and reminders go into the scope', () => {
    const claudeCode = (env: string, reminder = '<system-reminder>\nAttribution...\n</system-reminder>\n') =>
      chat(
        {
          model: 'claude',
          max_tokens: 100,
          system: [{ type: 'text', text: 'You are a Claude agent.' }],
          messages: [
            { role: 'user', content: [{ type: 'text', text: reminder }, { type: 'text', text: 'What is a monad?' }] },
            { role: 'system', content: [{ type: 'text', text: env, cache_control: { type: 'ephemeral' } }], output_config: { effort: 'medium' } },
          ],
        },
        'anthropic',
      );
    const located = locateQuestion(claudeCode("# Environment\nToday's date is 2026-11-26."), 'anonymous');
    expect(located?.question).toBe('What is a monad?');
    expect(scope(claudeCode("# Environment\nToday's date is 2026-11-27."))).not.toBe(scopeOf(located!, 'day'));
    expect(scope(claudeCode("# Environment\nToday's date is 2026-11-26.", '<system-reminder>other</system-reminder>'))).not.toBe(scopeOf(located!, 'day'));
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
    expect(scope(chat({ ...body, system: 'Be verbose.' }, 'anthropic'))).not.toBe(scopeOf(located!, 'day'));
  });
});
