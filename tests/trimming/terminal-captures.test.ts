import { beforeAll, describe, expect, it } from 'vitest';
import { countTextTokensSync } from '../../source/stats/count-tokens.js';
import { clearTrimMemo, prepareTrimmer, trimRequestBody } from '../../source/trimming/trim-request.js';
import { loadTerminalCaptures, requestWithOutput } from './fixtures/terminal-captures.js';

beforeAll(async () => {
  await prepareTrimmer();
});

/** Real captures (tests/fixtures/terminal/record.sh): savings on a pty's noise, nothing on piped output. */
const sent = async (output: string, protocol: 'openai' | 'anthropic'): Promise<string> => {
  clearTrimMemo();
  const body = (await trimRequestBody(requestWithOutput(output, protocol), protocol, { minSavedTokens: 0 })).body;
  const last = (body.messages as Array<{ content: unknown }>)[2]!.content;
  return typeof last === 'string' ? last : (last as Array<{ content: string }>)[0]!.content;
};

describe.each(['openai', 'anthropic'] as const)('recorded terminal output (%s)', (protocol) => {
  it.each(loadTerminalCaptures())('$name: the pty capture shrinks to its final screen; piped output is unchanged', async ({ name, tty, piped }) => {
    const after = await sent(tty, protocol);
    expect(countTextTokensSync(after)).toBeLessThan(countTextTokensSync(tty));
    // Every line of the piped run (same command, no pty) is on the rendered screen too, except the
    // spinner and progress frames a pipe does not get either.
    if (name !== 'tqdm') expect(await sent(piped, protocol)).toBe(piped);
    else expect(await sent(piped, protocol)).toMatch(/training: 100%\|█+\| 300\/300 .*\ndone\n$/u);
  });
});
