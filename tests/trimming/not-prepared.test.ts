import { describe, expect, it } from 'vitest';
import { prepareTrimmer, trimmerReady, trimRequestBody } from '../../source/trimming/trim-request.js';

// Each test file has its own modules, so here nothing has loaded the tokenizer.
describe('prepareTrimmer', () => {
  it('must run before trimming', async () => {
    const body = { messages: [{ role: 'user', content: 'hi' }] };
    expect(trimmerReady()).toBe(false);
    await expect(trimRequestBody(body, 'openai')).rejects.toThrow(/prepareTrimmer/);
    await prepareTrimmer();
    await prepareTrimmer(); // idempotent
    expect(trimmerReady()).toBe(true);
    expect((await trimRequestBody(body, 'openai')).changed).toBe(false);
  });
});
