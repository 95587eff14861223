import { beforeAll, describe, expect, it } from 'vitest';
import { clearTrimMemo, longTextChars, prepareTrimmer, trimRequestBody, type TrimResult } from '../../source/trimming/trim-request.js';
import { buildAgentSession, toAnthropicSession } from './fixtures/agent-session.js';
import { expectGuards, lastUserIndex } from './support.js';

beforeAll(async () => {
  await prepareTrimmer();
});

type Json = Record<string, unknown>;
const esc = '\u001b';
const rule = 'Always run the whole test suite before you report back to me.';
const noisy = `${esc}[32mok${esc}[39m   \n\n\n\nretry\nretry\nretry\n`;
const image = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgoAAAANSUhEUg==' } };

function openAIRequest(): Json {
  return {
    model: 'gpt-x',
    messages: [
      { role: 'system', content: `You are a coding agent. ${rule}` },
      { role: 'user', content: [{ type: 'text', text: `Fix the bug. ${rule}` }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'high' } }] },
      { role: 'assistant', content: `On it. ${rule}`, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'exec', arguments: `{"command":"npm test","note":"${rule}"}` } }] },
      { role: 'tool', tool_call_id: 'call_1', content: noisy },
      { role: 'user', name: 'alice', content: `Thanks. ${rule}` },
    ],
    tools: [{ type: 'function', function: { name: 'exec', description: rule, parameters: { type: 'object', properties: { command: { type: 'string' } } } } }],
    tool_choice: { type: 'function', function: { name: 'exec' } },
    stream: true,
    temperature: 0.2,
  };
}

function anthropicRequest(): Json {
  return {
    model: 'claude-x',
    max_tokens: 1024,
    system: [
      { type: 'text', text: `You are a coding agent. ${rule}`, cache_control: { type: 'ephemeral' } },
      { type: 'text', text: `Dynamic part. ${rule}` },
    ],
    messages: [
      { role: 'user', content: [{ type: 'text', text: `Fix the bug. ${rule}`, cache_control: { type: 'ephemeral', ttl: '1h' } }, image] },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: `${rule} ${rule}`, signature: 'sig' },
          { type: 'text', text: `On it. ${rule}` },
          { type: 'tool_use', id: 'toolu_1', name: 'exec', input: { command: 'npm test', note: rule } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: noisy, cache_control: { type: 'ephemeral' } },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: noisy }, image], is_error: true },
          { type: 'text', text: `Note. ${rule}` },
        ],
      },
      { role: 'assistant', content: `Done. ${rule}` },
      { role: 'user', content: `Thanks. ${rule}` },
    ],
    tools: [{ name: 'exec', description: rule, input_schema: { type: 'object' }, cache_control: { type: 'ephemeral' } }],
    tool_choice: { type: 'auto' },
    metadata: { user_id: 'u' },
  };
}

describe('trimRequestBody, OpenAI', () => {
  it('trims string and part content, tool results, and leaves everything else', () => {
    const body = openAIRequest();
    const copy = structuredClone(body);
    const result = trimRequestBody(body, 'openai');
    expect(body).toEqual(copy); // the input is never mutated
    expect(result.body).not.toBe(body);
    const messages = result.body.messages as Json[];
    expect(messages[0]!.content).toBe(`You are a coding agent. ${rule}`);
    expect(messages[1]!.content).toEqual([{ type: 'text', text: 'Fix the bug.' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'high' } }]);
    expect(messages[2]!.content).toBe('On it.');
    expect(messages[2]!.tool_calls).toEqual((copy.messages as Json[])[2]!.tool_calls);
    expect(messages[3]!.content).toBe('ok\n\nretry (×3)\n');
    expect(messages[4]).toEqual((copy.messages as Json[])[4]);
    expect(result.rules).toEqual({ 'repeated-sentence': 2, ansi: 2, 'trailing-whitespace': 1, 'blank-lines': 1, 'repeated-lines': 1 });
    expect(result.changed).toBe(true);
    expect(result.tokensAfter).toBeLessThan(result.tokensBefore);
    expectGuards(copy, result.body, 'openai');
  });

  it('returns an unchanged copy for a request with nothing to trim', () => {
    const body = { model: 'm', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }] };
    const result = trimRequestBody(body, 'openai');
    expect(result).toMatchObject({ changed: false, rules: {} });
    expect(result.tokensAfter).toBe(result.tokensBefore);
    expect(result.body).toEqual(body);
    expect(result.body).not.toBe(body);
  });

  it('passes a body without messages through', () => {
    expect(trimRequestBody({ prompt: 'x' }, 'openai')).toEqual({ body: { prompt: 'x' }, changed: false, tokensBefore: 0, tokensAfter: 0, rules: {} });
  });

  it('applies rules 3–7 to long user text, not to short text', () => {
    const log = `${esc}[31merror${esc}[39m: build failed  \n${'x'.repeat(longTextChars)}\n`;
    const body = { messages: [{ role: 'user', content: `${esc}[1mshort${esc}[22m  ` }, { role: 'user', content: log }, { role: 'user', content: 'last' }] };
    const messages = trimRequestBody(body, 'openai').body.messages as Json[];
    expect(messages[0]!.content).toBe(`${esc}[1mshort${esc}[22m  `);
    expect(messages[1]!.content).toBe(`error: build failed\n${'x'.repeat(longTextChars)}\n`);
  });

  it('treats developer messages like the system prompt', () => {
    const body = { messages: [{ role: 'developer', content: rule }, { role: 'user', content: `${rule} Please go.` }, { role: 'user', content: 'last' }] };
    const messages = trimRequestBody(body, 'openai').body.messages as Json[];
    expect(messages.map((m) => m.content)).toEqual([rule, 'Please go.', 'last']);
  });
});

describe('trimRequestBody, Anthropic', () => {
  it('trims system blocks, text blocks and tool results; keeps thinking, tool_use, images and cache_control', () => {
    const body = anthropicRequest();
    const copy = structuredClone(body);
    const result = trimRequestBody(body, 'anthropic');
    expect(body).toEqual(copy);
    const system = result.body.system as Json[];
    expect(system).toEqual([
      { type: 'text', text: `You are a coding agent. ${rule}`, cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'Dynamic part.' },
    ]);
    const messages = result.body.messages as Array<{ content: unknown }>;
    expect(messages[0]!.content).toEqual([{ type: 'text', text: 'Fix the bug.', cache_control: { type: 'ephemeral', ttl: '1h' } }, image]);
    const assistant = messages[1]!.content as Json[];
    expect(assistant[0]).toEqual({ type: 'thinking', thinking: `${rule} ${rule}`, signature: 'sig' });
    expect(assistant[1]).toEqual({ type: 'text', text: 'On it.' });
    expect(assistant[2]).toEqual((copy.messages as Array<{ content: Json[] }>)[1]!.content[2]);
    const results = messages[2]!.content as Json[];
    expect(results[0]).toEqual({ type: 'tool_result', tool_use_id: 'toolu_1', content: 'ok\n\nretry (×3)\n', cache_control: { type: 'ephemeral' } });
    expect(results[1]).toEqual({ type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: 'ok\n\nretry (×3)\n' }, image], is_error: true });
    expect(results[2]).toEqual({ type: 'text', text: 'Note.' });
    expect(messages[3]!.content).toBe('Done.');
    expect(messages[4]!.content).toBe(`Thanks. ${rule}`);
    expectGuards(copy, result.body, 'anthropic');
  });

  it('trims a string system prompt', () => {
    const body = { system: `${rule}\n\n\nBe brief. ${rule}`, messages: [{ role: 'user', content: 'hi' }] };
    expect(trimRequestBody(body, 'anthropic').body.system).toBe(`${rule}\n\n\nBe brief.`);
  });

  it('leaves the last user message byte-identical even when it holds tool results', () => {
    const body = {
      messages: [
        { role: 'user', content: rule },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'exec', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: noisy }, { type: 'text', text: rule }] },
      ],
    };
    const result = trimRequestBody(body, 'anthropic');
    expect(result.changed).toBe(false);
    expect(JSON.stringify(result.body)).toBe(JSON.stringify(body));
  });
});

describe('determinism, prefix stability and memoisation', () => {
  const sessions: Array<[string, Json, 'openai' | 'anthropic']> = [
    ['openai session', buildAgentSession(), 'openai'],
    ['anthropic session', toAnthropicSession(buildAgentSession()), 'anthropic'],
    ['openai request', openAIRequest(), 'openai'],
    ['anthropic request', anthropicRequest(), 'anthropic'],
  ];

  it.each(sessions)('%s: trimming twice, or with a cold memo, gives byte-identical JSON', (_name, body, protocol) => {
    clearTrimMemo();
    const cold = JSON.stringify(trimRequestBody(body, protocol));
    const warm = JSON.stringify(trimRequestBody(body, protocol));
    expect(warm).toBe(cold);
    clearTrimMemo();
    expect(JSON.stringify(trimRequestBody(structuredClone(body), protocol))).toBe(cold);
  });

  it.each(sessions)('%s: trimming messages[0..k] gives the same first k messages as trimming them all', (_name, body, protocol) => {
    const messages = body.messages as Json[];
    clearTrimMemo();
    const full = trimRequestBody(body, protocol).body;
    const fullMessages = full.messages as Json[];
    for (let k = 1; k <= messages.length; k++) {
      const prefix = { ...body, messages: messages.slice(0, k) };
      const trimmed = trimRequestBody(prefix, protocol).body;
      const trimmedMessages = trimmed.messages as Json[];
      expect(trimmed.system).toEqual(full.system);
      // The prefix's last user message is protected there and trimmed in the full request; all others match.
      const protectedIndex = lastUserIndex(prefix.messages);
      for (let j = 0; j < k; j++) {
        if (j === protectedIndex) expect(trimmedMessages[j]).toEqual(messages[j]);
        else expect(trimmedMessages[j], `k=${k} j=${j}`).toEqual(fullMessages[j]);
      }
    }
  });

  it('after the prefix was memoised, the full request trims exactly as with a cold memo (lazy running state)', () => {
    for (const [, body, protocol] of sessions) {
      const messages = body.messages as Json[];
      clearTrimMemo();
      const cold = JSON.stringify(trimRequestBody(body, protocol));
      for (let k = 1; k < messages.length; k++) {
        clearTrimMemo();
        trimRequestBody({ ...body, messages: messages.slice(0, k) }, protocol);
        expect(JSON.stringify(trimRequestBody(body, protocol)), `k=${k}`).toBe(cold);
      }
    }
  });

  it('memoised results cannot be changed by callers: outputs are frozen, and the next one is intact', () => {
    const body = openAIRequest();
    const first = trimRequestBody(body, 'openai') as TrimResult;
    expect(() => {
      ((first.body.messages as Json[])[1]!.content as Json[])[0]!.text = 'mutated';
    }).toThrow(TypeError);
    const second = trimRequestBody(body, 'openai');
    expect(((second.body.messages as Json[])[1]!.content as Json[])[0]!.text).toBe('Fix the bug.');
  });

  it('counts tokens and rules the same on a memo hit', () => {
    const body = buildAgentSession();
    clearTrimMemo();
    const cold = trimRequestBody(body, 'openai');
    const warm = trimRequestBody(body, 'openai');
    expect({ ...warm, body: null }).toEqual({ ...cold, body: null });
  });
});

describe('minSavedTokens: a message is rewritten only when that saves enough', () => {
  const rule = 'Always run the whole test suite before you report that a change is finished.';
  const body = {
    messages: [
      { role: 'system', content: `${rule}\nBe brief.` },
      { role: 'user', content: `Hello. ${rule}` },
      { role: 'assistant', content: 'Done.' },
      { role: 'user', content: 'next' },
    ],
  };

  it('leaves a message whose saving is below the minimum byte for byte, and the request unchanged', () => {
    const result = trimRequestBody(body, 'openai', { minSavedTokens: 32 });
    expect(result.changed).toBe(false);
    expect(result.body.messages).toEqual(body.messages);
    expect(result.tokensBefore - result.tokensAfter).toBe(0);
  });

  it('still trims it without a minimum, and trims large savings with one', () => {
    expect(trimRequestBody(body, 'openai').changed).toBe(true);
    const log = `${'npm http fetch GET 200 https://registry.npmjs.org/left-pad 12ms\n'.repeat(60)}added 1 package\n`;
    const noisy = {
      messages: [
        { role: 'assistant', content: null, tool_calls: [{ id: 'e', type: 'function', function: { name: 'exec', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'e', content: log },
        { role: 'user', content: 'next' },
      ],
    };
    const result = trimRequestBody(noisy, 'openai', { minSavedTokens: 32 });
    expect(result.changed).toBe(true);
    expect(result.tokensBefore - result.tokensAfter).toBeGreaterThanOrEqual(32);
  });
});
