import { describe, expect, it } from 'vitest';
import { prepareTrimmer, trimmerReady, trimRequestBody } from '../../source/trimming/trim-request.js';

// Each test file has its own modules, so here nothing has loaded the tokenizer or the sentence splitter.
describe('prepareTrimmer', () => {
  it('must run before trimming; trimming then is synchronous', async () => {
    const body = { messages: [{ role: 'user', content: 'hi' }] };
    expect(trimmerReady()).toBe(false);
    expect(() => trimRequestBody(body, 'openai')).toThrow(/prepareTrimmer/);
    await prepareTrimmer();
    await prepareTrimmer(); // idempotent
    expect(trimmerReady()).toBe(true);
    expect(trimRequestBody(body, 'openai').changed).toBe(false);
  });
});
