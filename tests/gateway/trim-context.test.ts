import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const npmLog = `${'\u001b[32mnpm\u001b[39m http fetch GET 200 https://registry.npmjs.org/left-pad 12ms\n'.repeat(40)}added 1 package in 2s\n`;
const request = {
  model: 'fake-model',
  messages: [
    { role: 'system', content: 'You are a careful coding agent. Always run the tests before you answer the user.' },
    { role: 'user', content: 'install left-pad' },
    { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'exec', arguments: '{"command":"npm i left-pad"}' } }] },
    { role: 'tool', tool_call_id: 'c1', content: npmLog },
    { role: 'user', content: 'Remember: Always run the tests before you answer the user. Now run them.' },
  ],
};

describe('L2.5 in the gateway', () => {
  it('sends the provider the trimmed request and reports the tokens saved', async () => {
    harness = await startHarness({ trimming: true });
    const response = await harness.chat(request);
    expect(response.status).toBe(200);
    const saved = Number(response.headers.get('x-isartor-trimmed-tokens'));
    expect(saved).toBeGreaterThan(100);
    const sent = harness.fake.requests.at(-1)!.body as { messages: Array<{ content: string }> };
    expect(sent.messages[3]!.content).not.toContain('\u001b[');
    expect(sent.messages[3]!.content.length).toBeLessThan(npmLog.length / 5);
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
