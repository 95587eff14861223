// Clients ask for as many output tokens as their own model allows (Claude Code: max_tokens 32000) whatever
// the gateway serves; a provider whose model writes fewer refuses the request with a 400 that names its
// limit (OpenAI's gpt-4o-mini, the openai provider's default: 16,384). The gateway asks again within the
// named limit and asks within it from then on. Any other 400 is the client's to read, unchanged.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { outputLimitFromRefusal, withOutputLimit } from '../../source/providers/output-limit.js';
import { startHarness, type Harness, type HarnessOptions } from './harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const asked = (h: Harness) => h.fake.requests.filter((r) => r.method === 'POST').map((r) => r.body.max_tokens ?? r.body.max_completion_tokens);

const upstreams: Array<[string, HarnessOptions]> = [
  ['an OpenAI-compatible provider (translated)', {}],
  ['an Anthropic provider', { provider: 'anthropic' }],
];

describe.each(upstreams)('a model that writes at most 16,384 tokens behind %s', (_name, options) => {
  it('Claude Code style: messages with max_tokens 32000 are answered; the refusal is asked again within the limit once, then never again', async () => {
    harness = await startHarness({ ...options, fake: { maxOutputTokens: 16_384 } });
    const anthropic = new Anthropic({ baseURL: harness.url, apiKey: 'x', maxRetries: 0 });
    const first = await harness.messages({ model: 'claude-sonnet-4-5', max_tokens: 32_000, messages: [{ role: 'user', content: 'Write the report' }] });
    expect(first.status).toBe(200);
    expect(((await first.json()) as Anthropic.Message).content).toEqual([expect.objectContaining({ type: 'text', text: 'Echo: Write the report' })]);
    const stream = anthropic.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 32_000, messages: [{ role: 'user', content: 'Write another one' }] });
    expect((await stream.finalMessage()).content).toEqual([expect.objectContaining({ text: 'Echo: Write another one' })]);
    expect(asked(harness)).toEqual([32_000, 16_384, 16_384]);
  });

  it('OpenAI SDK style: max_completion_tokens above the limit is lowered to it; a request within it goes byte for byte', async () => {
    harness = await startHarness({ ...options, fake: { maxOutputTokens: 16_384 } });
    const openai = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'x', maxRetries: 0 });
    const within = { model: 'fake-model', max_completion_tokens: 1000, messages: [{ role: 'user' as const, content: 'Short one' }] };
    expect((await openai.chat.completions.create(within)).choices[0]?.message.content).toBe('Echo: Short one');
    const over = await openai.chat.completions.create({ model: 'fake-model', max_completion_tokens: 100_000, messages: [{ role: 'user', content: 'Long one' }] });
    expect(over.choices[0]?.message.content).toBe('Echo: Long one');
    expect(asked(harness)).toEqual([1000, 100_000, 16_384]);
  });
});

describe("OpenAI's reasoning models, which refuse max_tokens itself", () => {
  it('Claude Code and Codex through them: the translated max_tokens is sent again as max_completion_tokens (lowered when the model also names a limit), and so from then on', async () => {
    harness = await startHarness({ fake: { maxTokensUnsupported: true, maxOutputTokens: 16_384 } });
    const first = await harness.messages({ model: 'claude-sonnet-4-5', max_tokens: 32_000, messages: [{ role: 'user', content: 'Plan the refactor' }] });
    expect(first.status).toBe(200);
    expect(((await first.json()) as Anthropic.Message).content).toEqual([expect.objectContaining({ text: 'Echo: Plan the refactor' })]);
    const openai = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'x', maxRetries: 0 });
    const codexLike = await openai.responses.create({ model: 'fake-model', input: 'Write the patch', max_output_tokens: 20_000 });
    expect(codexLike.output_text).toBe('Echo: Write the patch');
    const sent = harness.fake.requests.filter((r) => r.method === 'POST').map((r) => [r.body.max_tokens, r.body.max_completion_tokens]);
    expect(sent).toEqual([
      [32_000, undefined],
      [undefined, 32_000],
      [undefined, 16_384],
      [undefined, 16_384],
    ]);
  });
});

describe('a 400 that names no output limit, or one not below what was asked', () => {
  it('is passed on unchanged after one request, in the caller protocol', async () => {
    harness = await startHarness({ fake: { maxOutputTokens: 16_384 } });
    harness.fake.setMode({ kind: 'error', status: 400, message: 'messages: content too long' }, { times: 1 });
    const response = await harness.messages({ model: 'fake-model', max_tokens: 32_000, messages: [{ role: 'user', content: 'hi' }] });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ type: 'error', error: { message: expect.stringContaining('content too long') } });
    expect(asked(harness)).toEqual([32_000]);
  });

  it('is read only as providers word it, and only when below what was asked', () => {
    expect(outputLimitFromRefusal('{"error":{"message":"max_tokens is too large: 32000. This model supports at most 16384 completion tokens, whereas you provided 32000."}}', 32_000)).toBe(16_384);
    expect(outputLimitFromRefusal('{"type":"error","error":{"message":"max_tokens: 64000 > 32000, which is the maximum allowed number of output tokens for claude-opus-4-1"}}', 64_000)).toBe(32_000);
    expect(outputLimitFromRefusal('{"error":{"message":"Invalid max_tokens value, the valid range of max_tokens is [1, 8192]"}}', 32_000)).toBe(8192);
    expect(outputLimitFromRefusal('{"error":{"message":"`max_tokens` must be less than or equal to `32768`, the maximum value for `max_tokens` is less than the `context_window` for this model"}}', 40_000)).toBe(32_768);
    // Not below what was asked, not a limit, or about the context window (which depends on the input): left alone.
    expect(outputLimitFromRefusal('max_tokens is too large: 32000. This model supports at most 32000 completion tokens', 32_000)).toBeUndefined();
    expect(outputLimitFromRefusal('{"error":{"message":"Invalid value for temperature: 3"}}', 32_000)).toBeUndefined();
    expect(outputLimitFromRefusal("This model's maximum context length is 8192 tokens. However, you requested 8256 tokens", 8192)).toBeUndefined();
    expect(withOutputLimit('{"model":"m","max_tokens":32000,"max_completion_tokens":100,"temperature":0}', { limit: 16_384 })).toBe('{"model":"m","max_tokens":16384,"max_completion_tokens":100,"temperature":0}');
    expect(withOutputLimit('{"model":"m","max_tokens":100}', { limit: 16_384 })).toBeUndefined();
    expect(withOutputLimit('{"model":"m","messages":[],"max_tokens":32000}', { limit: 16_384, completionTokensField: true })).toBe('{"model":"m","messages":[],"max_completion_tokens":16384}');
  });
});
