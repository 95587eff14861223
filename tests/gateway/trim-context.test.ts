import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const esc = '\u001b';
// npm in a pty: a spinner redrawn in place, then the result.
const npmLog = `${Array.from({ length: 400 }, (_, i) => `${'⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏'[i % 10]}${esc}[1G${esc}[0K`).join('')}\r\nadded 1 package in 2s\r\n`;
const request = {
  model: 'fake-model',
  messages: [
    { role: 'system', content: 'You are a careful coding agent. Always run the tests before you answer the user.' },
    { role: 'user', content: 'install left-pad' },
    { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'exec', arguments: '{"command":"npm i left-pad"}' } }] },
    { role: 'tool', tool_call_id: 'c1', content: npmLog },
    { role: 'user', content: 'Remember: Always run the tests before you answer the user. Run them.' },
  ],
};

describe('L2.5 in the gateway', () => {
  it('sends the provider the final screen of a redrawn output and reports the tokens saved', async () => {
    harness = await startHarness({ trimming: true });
    const response = await harness.chat(request);
    expect(response.status).toBe(200);
    expect(Number(response.headers.get('x-isartor-trimmed-tokens'))).toBeGreaterThan(100);
    expect(response.headers.get('x-isartor-tokens-before-trim')).toBeNull();
    expect(response.headers.get('x-isartor-skipped')).toBeNull();
    const sent = harness.fake.requests.at(-1)!.body as { messages: Array<{ content: string }> };
    expect(sent.messages[3]!.content).toBe('\r\nadded 1 package in 2s\r\n');
    // The last user message is never touched, even though it repeats an instruction.
    expect(sent.messages[4]!.content).toBe(request.messages[4]!.content);
    expect(sent.messages[0]!.content).toBe(request.messages[0]!.content);
  });

  it('the caches key on what the client sent: the same request is an L1a hit', async () => {
    harness = await startHarness({ trimming: true });
    await (await harness.chat(request)).text();
    const again = await harness.chat(request);
    expect(again.headers.get('x-isartor-layer')).toBe('l1a');
  });

  it('says 0 when there is nothing to trim, and is off when disabled', async () => {
    harness = await startHarness({ trimming: true });
    const plain = await harness.chat({ model: 'fake-model', messages: [{ role: 'user', content: 'hi' }] });
    expect(plain.headers.get('x-isartor-trimmed-tokens')).toBe('0');
    await harness.close();
    harness = await startHarness({ trimming: false });
    const off = await harness.chat(request);
    expect(off.headers.get('x-isartor-trimmed-tokens')).toBeNull();
    expect((harness.fake.requests.at(-1)!.body as { messages: Array<{ content: string }> }).messages[3]!.content).toBe(npmLog);
  });
});

describe('L2.5 size limits', () => {
  // A 3 MB test log drawn in a pty: L2.5 would normally render it, here it is over the limits.
  const hugeLog = `${`${esc}[32mPASS${esc}[39m src/module.test.ts (12 tests)\r${esc}[K`.repeat(60_000)}done\n`;
  const withResult = (content: string) => ({
    model: 'fake-model',
    messages: [
      { role: 'user', content: 'run the tests' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'exec', arguments: '{"command":"npm test"}' } }] },
      { role: 'tool', tool_call_id: 'c1', content },
      { role: 'user', content: 'what failed?' },
    ],
  });

  it('forwards a request over maxRequestBytes unchanged and says so (OpenAI)', async () => {
    expect(hugeLog.length).toBeGreaterThan(2 * 1024 * 1024);
    harness = await startHarness({ trimming: true });
    const response = await harness.chat(withResult(hugeLog));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-isartor-skipped')).toBe('l2.5:size');
    expect(response.headers.get('x-isartor-trimmed-tokens')).toBeNull();
    expect((harness.fake.requests.at(-1)!.body as { messages: Array<{ content: string }> }).messages[2]!.content).toBe(hugeLog);
  });

  it('leaves a message over maxMessageBytes alone and trims the rest (Anthropic)', async () => {
    harness = await startHarness({ provider: 'anthropic', trimming: { maxRequestBytes: 64 * 1024 * 1024, maxMessageBytes: 1024 * 1024 } });
    const body = {
      model: 'fake-model',
      max_tokens: 64,
      messages: [
        { role: 'user', content: 'run the tests twice' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'exec', input: { command: 'npm test' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: hugeLog }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't2', name: 'exec', input: { command: 'npm i' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't2', content: npmLog }] },
        { role: 'assistant', content: 'Both ran.' },
        { role: 'user', content: 'what failed?' },
      ],
    };
    const response = await harness.messages(body);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-isartor-skipped')).toBe('l2.5:size');
    const sent = harness.fake.requests.at(-1)!.body as { messages: Array<{ content: Array<{ content: string }> }> };
    expect(sent.messages[2]!.content[0]!.content).toBe(hugeLog);
    expect(sent.messages[4]!.content[0]!.content).toBe('\r\nadded 1 package in 2s\r\n');
  });

  it('forwards a request with more than maxMessages messages unchanged', async () => {
    harness = await startHarness({ trimming: { maxMessages: 10 } });
    const messages = Array.from({ length: 11 }, (_, i) => (i === 3 ? { role: 'tool', tool_call_id: 'c', content: npmLog } : { role: i % 2 ? 'assistant' : 'user', content: `turn ${i}` }));
    const response = await harness.chat({ model: 'fake-model', messages });
    expect(response.headers.get('x-isartor-skipped')).toBe('l2.5:size');
    expect((harness.fake.requests.at(-1)!.body as { messages: unknown[] }).messages).toEqual(messages);
  });
});
