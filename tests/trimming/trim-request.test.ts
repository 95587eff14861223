import { beforeAll, describe, expect, it } from 'vitest';
import { clearTrimMemo, prepareTrimmer, trimRequestBody, type TrimResult } from '../../source/trimming/trim-request.js';
import { buildAgentSession, toAnthropicSession } from './fixtures/agent-session.js';
import { expectGuards, lastUserIndex, sentWhileLast } from './support.js';

beforeAll(async () => {
  await prepareTrimmer();
});

type Json = Record<string, unknown>;
const esc = '\u001b';
/** Twenty spinner frames, then the result: what `npm test` draws in a pty. */
const redrawn = `${Array.from({ length: 20 }, (_, i) => `⠋ running ${i}\r${esc}[K`).join('')}ok 12 tests\n`;
const paragraph =
  'When you change code, always run the whole test suite before you report back to me. Never commit directly to the main branch; create a feature branch for every change instead.';
const image = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgoAAAANSUhEUg==' } };
const exec = (id: string, command = 'npm test') => ({ id, type: 'function', function: { name: 'exec', arguments: JSON.stringify({ command }) } });

function openAIRequest(): Json {
  return {
    model: 'gpt-x',
    messages: [
      { role: 'system', content: `You are a coding agent.\n\n${paragraph}` },
      { role: 'user', content: [{ type: 'text', text: `Fix the bug.\n\n${paragraph}` }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'high' } }] },
      { role: 'assistant', content: 'On it.', tool_calls: [exec('call_1')] },
      { role: 'tool', tool_call_id: 'call_1', content: redrawn },
      { role: 'assistant', content: null, tool_calls: [exec('call_2')] },
      { role: 'tool', tool_call_id: 'call_2', content: redrawn },
      { role: 'user', name: 'alice', content: `Thanks.\n\n${paragraph}` },
    ],
    tools: [{ type: 'function', function: { name: 'exec', description: paragraph, parameters: { type: 'object', properties: { command: { type: 'string' } } } } }],
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
      { type: 'text', text: `You are a coding agent.\n\n${paragraph}`, cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'Dynamic part.' },
    ],
    messages: [
      { role: 'user', content: [{ type: 'text', text: `Fix the bug.\n\n${paragraph}`, cache_control: { type: 'ephemeral', ttl: '1h' } }, image] },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: `${paragraph}\n\n${paragraph}`, signature: 'sig' },
          { type: 'text', text: 'On it.' },
          { type: 'tool_use', id: 'toolu_1', name: 'exec', input: { command: 'npm test' } },
          { type: 'tool_use', id: 'toolu_2', name: 'exec', input: { command: 'npm test' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: redrawn, cache_control: { type: 'ephemeral' } },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: redrawn }, image], is_error: true },
          { type: 'text', text: 'Note.' },
        ],
      },
      { role: 'assistant', content: 'Done.' },
      { role: 'user', content: `Thanks.\n\n${paragraph}` },
    ],
    tools: [{ name: 'exec', description: paragraph, input_schema: { type: 'object' }, cache_control: { type: 'ephemeral' } }],
    tool_choice: { type: 'auto' },
    metadata: { user_id: 'u' },
  };
}

const reference = (text: string) => `[paragraph repeated verbatim from an earlier message: "${text.slice(0, 60).trimEnd()}…"]`;

describe('trimRequestBody, OpenAI', () => {
  it('renders redrawn output, refers to repeats, and leaves everything else', async () => {
    const body = openAIRequest();
    const copy = structuredClone(body);
    const result = await trimRequestBody(body, 'openai');
    expect(body).toEqual(copy); // the input is never mutated
    const messages = result.body.messages as Json[];
    expect(messages[0]!.content).toBe(`You are a coding agent.\n\n${paragraph}`);
    expect(messages[1]!.content).toEqual([{ type: 'text', text: `Fix the bug.\n\n${reference(paragraph)}` }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'high' } }]);
    expect(messages[3]!.content).toBe('ok 12 tests\n');
    expect(messages[5]!.content).toMatch(/^\[tool call call_2 printed exactly the same output as the previous \S+ call with the same arguments above \(tool call call_1\)\]$/u);
    // The last user message is protected, although it repeats the paragraph.
    expect(messages[6]).toEqual((copy.messages as Json[])[6]);
    expect(result.rules).toEqual({ 'repeated-paragraph': 1, 'terminal-render': 1, 'duplicate-tool-result': 1 });
    expect(result.tokensAfter).toBeLessThan(result.tokensBefore);
    expectGuards(body, result.body, 'openai');
  });

  it('returns an unchanged copy for a request with nothing to trim, and passes a body without messages through', async () => {
    const body = { model: 'm', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }] };
    const result = await trimRequestBody(body, 'openai', { countAll: true });
    expect(result.changed).toBe(false);
    expect(result.body).toEqual(body);
    expect(result.tokensBefore).toBe(result.tokensAfter);
    expect((await trimRequestBody({ model: 'm', prompt: 'x' }, 'openai')).body).toEqual({ model: 'm', prompt: 'x' });
  });

  it('never refers to a paragraph repeated inside the same message, nor to a short one', async () => {
    const body = {
      messages: [
        { role: 'user', content: `${paragraph}\n\n${paragraph}\n\nShort rule.` },
        { role: 'assistant', content: 'Short rule.' },
        { role: 'user', content: 'next' },
      ],
    };
    expect((await trimRequestBody(body, 'openai')).changed).toBe(false);
  });

  it('refers to a whole text block repeated from an earlier message (an injected context block)', async () => {
    const context = `<system-reminder>\nThe workspace is /home/user/project.\n\n${paragraph}\n</system-reminder>`;
    const body = {
      messages: [
        { role: 'user', content: [{ type: 'text', text: context }, { type: 'text', text: 'first question' }] },
        { role: 'assistant', content: 'answer' },
        { role: 'user', content: [{ type: 'text', text: context }, { type: 'text', text: 'second question' }] },
        { role: 'assistant', content: 'answer' },
        { role: 'user', content: 'third question' },
      ],
    };
    const messages = (await trimRequestBody(body, 'openai')).body.messages as Array<{ content: Array<{ text: string }> }>;
    expect(messages[0]!.content[0]!.text).toBe(context);
    // The quoted start runs over the first line break, so reminders that open alike are still told apart.
    expect(messages[2]!.content[0]!.text).toBe(`[text repeated verbatim from an earlier message: "${context.slice(0, 60).trimEnd()}…"]`);
  });
});

describe('trimRequestBody, Anthropic', () => {
  it('trims system blocks, text blocks and tool results; keeps thinking, tool_use, images and cache_control', async () => {
    const body = anthropicRequest();
    const copy = structuredClone(body);
    const result = await trimRequestBody(body, 'anthropic');
    expect(body).toEqual(copy);
    const messages = result.body.messages as Array<{ content: Json[] }>;
    expect(result.body.system).toEqual(body.system);
    expect(messages[0]!.content[0]).toEqual({ type: 'text', text: `Fix the bug.\n\n${reference(paragraph)}`, cache_control: { type: 'ephemeral', ttl: '1h' } });
    expect(messages[1]).toEqual((copy.messages as Json[])[1]);
    expect(messages[2]!.content[0]).toEqual({ type: 'tool_result', tool_use_id: 'toolu_1', content: 'ok 12 tests\n', cache_control: { type: 'ephemeral' } });
    // A result holding an image is rendered but never replaced by a reference.
    expect(messages[2]!.content[1]).toEqual({ type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: 'ok 12 tests\n' }, image], is_error: true });
    expectGuards(body, result.body, 'anthropic');
  });

  it('leaves the last user message\'s text byte-identical, and trims its tool results as the next turn will (the cache breakpoint on it keeps its bytes)', async () => {
    const last = { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: redrawn, cache_control: { type: 'ephemeral' } }, { type: 'text', text: paragraph }] };
    const turn = [{ role: 'user', content: paragraph }, { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'exec', input: {} }] }, last];
    const now = (await trimRequestBody({ messages: turn }, 'anthropic')).body.messages as Json[];
    expect(now[2]).toEqual({ ...last, content: [{ ...last.content[0], content: 'ok 12 tests\n' }, last.content[1]] });
    // The next turn: the message is no longer last; its tool result has the very bytes the provider cached.
    const next = (await trimRequestBody({ messages: [...turn, { role: 'assistant', content: 'Done.' }, { role: 'user', content: 'Thanks.' }] }, 'anthropic')).body.messages as Json[];
    expect((next[2]!.content as Json[])[0]).toEqual((now[2]!.content as Json[])[0]);
    expect((next[2]!.content as Json[])[1]).toEqual({ type: 'text', text: reference(paragraph).replace('[paragraph', '[text') });
  });
});

describe('file contents and colour', () => {
  const fileWithControls = `line one\r\nline two\rstill two\n${esc}[31mliteral escape in a file${esc}[0m\n`;

  it('never renders or recolours a file read through a read tool, an editor view or cat in a shell; only deduplicates it', async () => {
    for (const [name, args] of [
      ['read', { path: 'a.txt' }],
      ['str_replace_editor', { command: 'view', path: 'a.txt' }],
      ['exec', { command: 'cat a.txt' }],
      ['shell', { command: ['bash', '-lc', 'head -50 a.txt'] }],
    ] as const) {
      const body = {
        messages: [
          { role: 'assistant', content: null, tool_calls: [{ id: 'r1', type: 'function', function: { name, arguments: JSON.stringify(args) } }] },
          { role: 'tool', tool_call_id: 'r1', content: fileWithControls },
          { role: 'user', content: 'next' },
        ],
      };
      expect((await trimRequestBody(body, 'openai')).changed, name).toBe(false);
    }
  });

  it('keeps colour everywhere (it can be the only signal), in fewer escape bytes; byte for byte when the conversation is about colour or with colour: keep', async () => {
    const one = (content: string, extra: Json[] = []) => ({
      messages: [{ role: 'assistant', content: null, tool_calls: [exec('x')] }, { role: 'tool', tool_call_id: 'x', content }, ...extra, { role: 'user', content: 'next' }],
    });
    const sent = async (body: Json, options = {}) => ((await trimRequestBody(body, 'openai', options)).body.messages as Array<{ content: string }>)[1]!.content;
    // Colour alone marks what each name is (ls in a pty): every name keeps its look; only the opening
    // reset-then-blue, two sequences with nothing between them, becomes one.
    const ls = `${esc}[0m${esc}[01;34msrc${esc}[0m  ${esc}[01;32mdeploy.sh${esc}[0m  README.md  ${esc}[01;34mtests${esc}[0m\n`;
    expect(await sent(one(ls), { minSavedTokens: 0 })).toBe(`${esc}[1;34msrc${esc}[0m  ${esc}[01;32mdeploy.sh${esc}[0m  README.md  ${esc}[01;34mtests${esc}[0m\n`);
    const status = `${esc}[32m● active${esc}[0m\n`;
    expect(await sent(one(status), { minSavedTokens: 0 })).toBe(status);
    // A test runner's dots: the same looks on the same characters, in fewer bytes.
    const dots = `${`${esc}[32m.${esc}[0m`.repeat(40)}${esc}[31mF${esc}[0m${esc}[33ms${esc}[0m\n`;
    const shorter = `${esc}[32m${'.'.repeat(40)}${esc}[0;31mF${esc}[0;33ms${esc}[0m\n`;
    expect(await sent(one(dots))).toBe(shorter);
    expect(await sent(one(dots), { colour: 'keep' })).toBe(dots);
    const asked = { messages: [{ role: 'user', content: 'Why does the runner print ESC[0m after every dot?' }, ...one(dots).messages] };
    expect(((await trimRequestBody(asked, 'openai')).body.messages as Array<{ content: string }>)[2]!.content).toBe(dots);
    // A system prompt's standing formatting rules are not a conversation about colour.
    const styled = { messages: [{ role: 'system', content: 'Use bold for key terms and keep formatting minimal.' }, ...one(dots).messages] };
    expect(((await trimRequestBody(styled, 'openai')).body.messages as Array<{ content: string }>)[2]!.content).toBe(shorter);
  });
});

describe('opt-in lossy rules', () => {
  const log = 'retry\nretry\nretry\nretry\n\n\n\nok   \n';
  const body = {
    messages: [
      { role: 'assistant', content: null, tool_calls: [exec('l')] },
      { role: 'tool', tool_call_id: 'l', content: log },
      { role: 'user', content: 'next' },
    ],
  };

  it('are off by default', async () => {
    expect((await trimRequestBody(body, 'openai')).changed).toBe(false);
  });

  it('collapse repeated lines, blank lines and trailing whitespace only when switched on', async () => {
    const lossy = { collapseRepeatedLines: true, collapseBlankLines: true, stripTrailingWhitespace: true };
    const result = await trimRequestBody(body, 'openai', { lossy });
    expect((result.body.messages as Array<{ content: string }>)[1]!.content).toBe('retry (×4)\n\nok\n');
    expect(result.rules).toEqual({ lossy: 1 });
  });
});

describe('determinism, prefix stability and memoisation', () => {
  const sessions: Array<[string, Json, 'openai' | 'anthropic']> = [
    ['openai session', buildAgentSession(), 'openai'],
    ['anthropic session', toAnthropicSession(buildAgentSession()), 'anthropic'],
    ['openai request', openAIRequest(), 'openai'],
    ['anthropic request', anthropicRequest(), 'anthropic'],
  ];

  it.each(sessions)('%s: trimming twice, or with a cold memo, gives byte-identical JSON', async (_name, body, protocol) => {
    clearTrimMemo();
    const cold = JSON.stringify(await trimRequestBody(body, protocol));
    const warm = JSON.stringify(await trimRequestBody(body, protocol));
    expect(warm).toBe(cold);
    clearTrimMemo();
    expect(JSON.stringify(await trimRequestBody(structuredClone(body), protocol))).toBe(cold);
  });

  it.each(sessions)('%s: trimming messages[0..k] gives the same first k messages as trimming them all', async (_name, body, protocol) => {
    const messages = body.messages as Json[];
    clearTrimMemo();
    const full = (await trimRequestBody(body, protocol)).body;
    const fullMessages = full.messages as Json[];
    for (let k = 1; k <= messages.length; k++) {
      const prefix = { ...body, messages: messages.slice(0, k) };
      const trimmed = (await trimRequestBody(prefix, protocol)).body;
      const trimmedMessages = trimmed.messages as Json[];
      expect(trimmed.system).toEqual(full.system);
      // The prefix's last user message keeps its text there (trimmed in the full request); all others match,
      // its tool results included.
      const protectedIndex = lastUserIndex(prefix.messages);
      for (let j = 0; j < k; j++) {
        if (j === protectedIndex) expect(trimmedMessages[j]).toEqual(sentWhileLast(messages[j], fullMessages[j]));
        else expect(trimmedMessages[j], `k=${k} j=${j}`).toEqual(fullMessages[j]);
      }
    }
  });

  it('after the prefix was memoised, the full request trims exactly as with a cold memo', async () => {
    for (const [, body, protocol] of sessions) {
      const messages = body.messages as Json[];
      clearTrimMemo();
      const cold = JSON.stringify(await trimRequestBody(body, protocol));
      for (let k = 1; k < messages.length; k++) {
        clearTrimMemo();
        await trimRequestBody({ ...body, messages: messages.slice(0, k) }, protocol);
        expect(JSON.stringify(await trimRequestBody(body, protocol)), `k=${k}`).toBe(cold);
      }
    }
  });

  it('memoised results cannot be changed by callers: outputs are frozen, and the next one is intact', async () => {
    const body = openAIRequest();
    const first = (await trimRequestBody(body, 'openai')) as TrimResult;
    expect(() => {
      ((first.body.messages as Json[])[1]!.content as Json[])[0]!.text = 'mutated';
    }).toThrow(TypeError);
    const second = await trimRequestBody(body, 'openai');
    expect(((second.body.messages as Json[])[1]!.content as Json[])[0]!.text).toBe(`Fix the bug.\n\n${reference(paragraph)}`);
  });

  it('counts tokens and rules the same on a memo hit', async () => {
    const body = buildAgentSession();
    clearTrimMemo();
    const cold = await trimRequestBody(body, 'openai');
    const warm = await trimRequestBody(body, 'openai');
    expect({ ...warm, body: null }).toEqual({ ...cold, body: null });
  });
});

describe('minSavedTokens: a message is rewritten only when that saves enough', () => {
  const body = {
    messages: [
      { role: 'assistant', content: null, tool_calls: [exec('s')] },
      { role: 'tool', tool_call_id: 's', content: '⠋ building\r⠙ building\rbuilt      \n' },
      { role: 'user', content: 'next' },
    ],
  };

  it('leaves a message whose saving is below the minimum byte for byte, and the request unchanged', async () => {
    const result = await trimRequestBody(body, 'openai', { minSavedTokens: 32 });
    expect(result.changed).toBe(false);
    expect(result.body.messages).toEqual(body.messages);
    expect(result.tokensBefore - result.tokensAfter).toBe(0);
  });

  it('still trims it without a minimum, and trims large savings with one', async () => {
    expect((await trimRequestBody(body, 'openai')).changed).toBe(true);
    const noisy = { messages: [body.messages[0], { ...body.messages[1], content: redrawn.repeat(5) }, body.messages[2]] };
    const result = await trimRequestBody(noisy, 'openai', { minSavedTokens: 32 });
    expect(result.changed).toBe(true);
    expect(result.tokensBefore - result.tokensAfter).toBeGreaterThanOrEqual(32);
  });
});
