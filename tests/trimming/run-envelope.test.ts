// Codex's exec_command results start with a header that differs on every run (chunk id, wall time).
// Two runs that printed the same must still count as the same output, the header staying as it came.
import { beforeAll, describe, expect, it } from 'vitest';
import { splitRunEnvelope } from '../../source/trimming/run-envelope.js';
import { clearTrimMemo, prepareTrimmer, trimRequestBody } from '../../source/trimming/trim-request.js';
import { trimResponsesToolOutputs } from '../../source/trimming/trim-responses.js';

beforeAll(async () => {
  await prepareTrimmer();
});

type Json = Record<string, unknown>;

const printed = `${Array.from({ length: 120 }, (_, i) => `src/module-${i}.ts: ok`).join('\n')}\n`;
/** As Codex 0.171 sends an exec_command result (recorded through isartor with the fake upstream). */
const run = (chunk: string, wall: string, output = printed, exit = 0) => `Chunk ID: ${chunk}\nWall time: ${wall} seconds\nProcess exited with code ${exit}\nOriginal token count: 373\nOutput:\n${output}`;
const reference = (id: number, previous: number) => `[tool call call_${id} printed exactly the same output as the previous exec_command call with the same arguments above (tool call call_${previous})]`;
const args = JSON.stringify({ cmd: 'npm run lint', workdir: '/work' });

function chatRequest(results: string[], callArgs: string[] = results.map(() => args)): Json {
  return {
    model: 'gpt-x',
    messages: [
      { role: 'user', content: 'Lint it three times.' },
      ...results.flatMap((content, i) => [
        { role: 'assistant', content: null, tool_calls: [{ id: `call_${i}`, type: 'function', function: { name: 'exec_command', arguments: callArgs[i] } }] },
        { role: 'tool', tool_call_id: `call_${i}`, content },
      ]),
      { role: 'user', content: 'Thanks.' },
    ],
  };
}

async function chatResults(results: string[], callArgs?: string[]): Promise<string[]> {
  clearTrimMemo();
  const body = (await trimRequestBody(chatRequest(results, callArgs), 'openai', { minSavedTokens: 0 })).body;
  return (body.messages as Json[]).filter((message) => message.role === 'tool').map((message) => message.content as string);
}

describe('splitRunEnvelope', () => {
  it("splits Codex's exec_command and shell headers, comparing them without chunk id and wall time", () => {
    expect(splitRunEnvelope(run('fd12fe', '0.0000'))).toEqual({ header: 'Chunk ID: fd12fe\nWall time: 0.0000 seconds\nProcess exited with code 0\nOriginal token count: 373\nOutput:\n', stableHeader: 'Process exited with code 0\nOriginal token count: 373', output: printed });
    expect(splitRunEnvelope('Exit code: 1\nWall time: 0.3 seconds\nTotal output lines: 2\nOutput:\na\nb')).toMatchObject({ stableHeader: 'Exit code: 1\nTotal output lines: 2', output: 'a\nb' });
  });

  it('leaves alone a text that only looks like one: no wall time, an unknown line, no Output line, output first', () => {
    for (const text of [
      'Chunk ID: ab\nProcess exited with code 0\nOutput:\nx',
      'Chunk ID: ab\nWall time: 0.1 seconds\nNote: retried\nOutput:\nx',
      'Chunk ID: ab\nWall time: 0.1 seconds\nProcess exited with code 0\n',
      'x\nChunk ID: ab\nWall time: 0.1 seconds\nOutput:\nx',
      'Wall time: about a second\nOutput:\nx',
    ]) {
      expect(splitRunEnvelope(text)).toBeUndefined();
    }
  });
});

describe('repeated Codex command output (L2.5)', () => {
  it('a run that printed the same as the previous run of the same command keeps its header and refers to it (chat)', async () => {
    const sent = await chatResults([run('aaa111', '0.0100'), run('bbb222', '0.0200'), run('ccc333', '0.0300')]);
    expect(sent[0]).toBe(run('aaa111', '0.0100'));
    expect(sent[1]).toBe(`Chunk ID: bbb222\nWall time: 0.0200 seconds\nProcess exited with code 0\nOriginal token count: 373\nOutput:\n${reference(1, 0)}`);
    expect(sent[2]).toBe(`Chunk ID: ccc333\nWall time: 0.0300 seconds\nProcess exited with code 0\nOriginal token count: 373\nOutput:\n${reference(2, 1)}`);
  });

  it('must NOT refer: another exit code, another output, another command, or no header on one side', async () => {
    expect(await chatResults([run('a', '0.1'), run('b', '0.1', printed, 1)])).toEqual([run('a', '0.1'), run('b', '0.1', printed, 1)]);
    expect(await chatResults([run('a', '0.1'), run('b', '0.1', `${printed}one more line\n`)])).toEqual([run('a', '0.1'), run('b', '0.1', `${printed}one more line\n`)]);
    const otherCommand = [args, JSON.stringify({ cmd: 'npm run lint -- --fix', workdir: '/work' })];
    expect(await chatResults([run('a', '0.1'), run('b', '0.1')], otherCommand)).toEqual([run('a', '0.1'), run('b', '0.1')]);
    // The header is part of what the tool said: output alone is not the same result as a header and that output.
    expect(await chatResults([printed, run('b', '0.1')])).toEqual([printed, run('b', '0.1')]);
  });

  it('the same through the Responses API (function_call_output), as Codex sends it to a Responses provider', async () => {
    clearTrimMemo();
    const input = [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Lint it twice.' }] },
      { type: 'function_call', call_id: 'call_0', name: 'exec_command', arguments: args },
      { type: 'function_call_output', call_id: 'call_0', output: run('aaa111', '0.0100') },
      { type: 'function_call', call_id: 'call_1', name: 'exec_command', arguments: args },
      { type: 'function_call_output', call_id: 'call_1', output: run('bbb222', '0.0200') },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Thanks.' }] },
    ];
    const result = await trimResponsesToolOutputs({ model: 'gpt-x', input }, { minSavedTokens: 0 });
    const outputs = (result.body.input as Json[]).filter((item) => item.type === 'function_call_output').map((item) => item.output);
    expect(outputs).toEqual([run('aaa111', '0.0100'), `Chunk ID: bbb222\nWall time: 0.0200 seconds\nProcess exited with code 0\nOriginal token count: 373\nOutput:\n${reference(1, 0)}`]);
  });
});
