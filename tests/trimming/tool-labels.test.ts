import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { clearTrimMemo, prepareTrimmer, trimRequestBody } from '../../source/trimming/trim-request.js';

beforeAll(async () => {
  await prepareTrimmer();
});

type Json = Record<string, unknown>;

/** Claude Code's own Bash tool definition, as a real session sent it. */
const capture = JSON.parse(readFileSync(new URL('../support/captures/claude-code-2.1.332-session.json', import.meta.url), 'utf8')) as { sessionA: Array<{ body: { tools: Json[] } }> };
const claudeBash = capture.sessionA[0]!.body.tools.find((tool) => tool.name === 'Bash')!;
/** Another client's tool named Bash whose `description` is an argument it acts on (a commit message, say). */
const otherBash = { name: 'Bash', description: 'Run a command.', input_schema: { type: 'object', properties: { command: { type: 'string' }, description: { type: 'string', description: 'Written to the audit log and passed to the command as $DESCRIPTION.' } }, required: ['command'] } };
const toOpenAI = (tool: Json): Json => ({ type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.input_schema } });

const output = `${['auth', 'billing', 'cart', 'checkout', 'search', 'users'].map((name) => `PASS src/${name}/${name}.test.ts (1.2 s)`).join('\n')}\n\nTest Suites: 6 passed, 6 total\nTests:       24 passed, 24 total\nTime:        3.1 s\n`;
const first = { command: 'npm test', description: 'Run the test suite' };

function request(protocol: 'openai' | 'anthropic', tools: Json[], second: Json): Json {
  const inputs = [first, second];
  if (protocol === 'anthropic') {
    return {
      model: 'claude-x',
      max_tokens: 256,
      tools,
      messages: [
        { role: 'user', content: 'Run the tests, fix the flaky one, run them again.' },
        ...inputs.flatMap((input, i) => [
          { role: 'assistant', content: [{ type: 'tool_use', id: `toolu_${i}`, name: 'Bash', input }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: `toolu_${i}`, content: output }] },
        ]),
        { role: 'assistant', content: 'Both runs passed.' },
        { role: 'user', content: 'Good.' },
      ],
    };
  }
  return {
    model: 'gpt-x',
    tools: tools.map(toOpenAI),
    messages: [
      { role: 'user', content: 'Run the tests, fix the flaky one, run them again.' },
      ...inputs.flatMap((input, i) => [
        { role: 'assistant', content: null, tool_calls: [{ id: `call_${i}`, type: 'function', function: { name: 'Bash', arguments: JSON.stringify(input) } }] },
        { role: 'tool', tool_call_id: `call_${i}`, content: output },
      ]),
      { role: 'user', content: 'Good.' },
    ],
  };
}

async function results(protocol: 'openai' | 'anthropic', tools: Json[], second: Json): Promise<string[]> {
  clearTrimMemo();
  const body = (await trimRequestBody(request(protocol, tools, second), protocol, { minSavedTokens: 0 })).body;
  const messages = body.messages as Json[];
  if (protocol === 'openai') return messages.filter((message) => message.role === 'tool').map((message) => message.content as string);
  return messages.flatMap((message) => (Array.isArray(message.content) ? (message.content as Json[]) : [])).filter((block) => block.type === 'tool_result').map((block) => block.content as string);
}

describe.each(['openai', 'anthropic'] as const)("Claude Code's Bash description is a label, not an argument (%s)", (protocol) => {
  const id = (i: number) => (protocol === 'openai' ? `call_${i}` : `toolu_${i}`);

  it('the same command with another description and the same output: a reference that says the description differed', async () => {
    const sent = await results(protocol, [claudeBash], { command: 'npm test', description: 'Run the tests again after the fix' });
    expect(sent[0]).toBe(output);
    expect(sent[1]).toBe(`[tool call ${id(1)} printed exactly the same output as the previous Bash call with the same arguments apart from its description above (tool call ${id(0)})]`);
  });

  it('the same arguments: the usual reference', async () => {
    const sent = await results(protocol, [claudeBash], first);
    expect(sent[1]).toBe(`[tool call ${id(1)} printed exactly the same output as the previous Bash call with the same arguments above (tool call ${id(0)})]`);
  });

  it('another command, timeout or background flag is another call: both arrive whole', async () => {
    for (const second of [
      { command: 'npm test -- --runInBand', description: 'Run the test suite' },
      { command: 'npm test', description: 'Run the test suite', timeout: 1000 },
      { command: 'npm test', description: 'Run the test suite', run_in_background: true },
    ]) {
      expect(await results(protocol, [claudeBash], second), JSON.stringify(second)).toEqual([output, output]);
    }
  });

  it('without Claude Code\'s definition in the request, or with a Bash tool whose description it acts on, the description is an argument', async () => {
    const second = { command: 'npm test', description: 'Run the tests again after the fix' };
    expect(await results(protocol, [], second)).toEqual([output, output]);
    expect(await results(protocol, [otherBash], second)).toEqual([output, output]);
  });

  it('a description that names a colour is a label: colour sequences are still written shorter; a command asking for colour, or no Claude Code definition, keeps their bytes', async () => {
    const esc = '\u001b';
    const coloured = `${Array.from({ length: 30 }, () => `${esc}[32m.${esc}[0m`).join('')}\n${esc}[31mFAIL${esc}[0m src/cart.test.ts\n`;
    const sent = async (tools: Json[], input: Json): Promise<string> => {
      clearTrimMemo();
      const base = request(protocol, tools, first);
      const body =
        protocol === 'anthropic'
          ? { ...base, messages: [{ role: 'user', content: 'Run it.' }, { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_c', name: 'Bash', input }] }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_c', content: coloured }] }, { role: 'assistant', content: 'Done.' }, { role: 'user', content: 'Next.' }] }
          : { ...base, messages: [{ role: 'user', content: 'Run it.' }, { role: 'assistant', content: null, tool_calls: [{ id: 'call_c', type: 'function', function: { name: 'Bash', arguments: JSON.stringify(input) } }] }, { role: 'tool', tool_call_id: 'call_c', content: coloured }, { role: 'user', content: 'Next.' }] };
      const messages = (await trimRequestBody(body, protocol, { minSavedTokens: 0 })).body.messages as Json[];
      const result = protocol === 'anthropic' ? ((messages[2]!.content as Json[])[0]!.content as string) : (messages[2]!.content as string);
      return result;
    };
    const label = { command: 'npm test', description: 'Run the tests and show the red failures' };
    expect((await sent([claudeBash], label)).length).toBeLessThan(coloured.length);
    expect(await sent([claudeBash], { command: 'npm test -- --color', description: 'Run the tests' })).toBe(coloured);
    expect(await sent([], label)).toBe(coloured);
    expect(await sent([otherBash], label)).toBe(coloured);
  });
});
