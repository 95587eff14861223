// Responses fields whose meaning lives at a provider that speaks the Responses API (a kept conversation,
// a stored prompt, background runs, logprobs): to a chat or Anthropic provider, a clear 400 naming the
// field and saying what to do, nothing sent; to a Responses provider, forwarded as they are. Next to
// them, the same fields in the values that ask nothing of the provider go through.
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type HarnessOptions } from '../harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const start = async (options: HarnessOptions): Promise<Harness> => (harness = await startHarness(options));

const post = (body: unknown) => fetch(`${harness!.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const refused: Array<{ field: string; extra: Record<string, unknown>; says: string }> = [
  { field: 'conversation', extra: { conversation: 'conv_123' }, says: 'Send the whole conversation in `input`' },
  { field: 'conversation', extra: { conversation: { id: 'conv_123' } }, says: 'Send the whole conversation in `input`' },
  { field: 'prompt', extra: { prompt: { id: 'pmpt_123', version: '2' } }, says: "Put the prompt's text in `instructions`" },
  { field: 'prompt', extra: { prompt: { id: 'pmpt_123', variables: { city: 'Paris' } } }, says: "Put the prompt's text in `instructions`" },
  { field: 'background', extra: { background: true }, says: 'Leave `background` out' },
  { field: 'include', extra: { include: ['message.output_text.logprobs'] }, says: 'Log probabilities' },
  { field: 'top_logprobs', extra: { top_logprobs: 3 }, says: 'Log probabilities' },
];

/** The same fields asking nothing of the provider (what Codex and the SDKs send by default). */
const harmless: Array<Record<string, unknown>> = [
  { conversation: null },
  { prompt: null },
  { background: false },
  { include: ['reasoning.encrypted_content'] },
  { top_logprobs: 0 },
];

describe.each(['openai-compatible', 'anthropic'] as const)('a Responses request translated for an %s provider', (provider) => {
  it.each(refused)('$field ($extra) is refused with a 400 that names it and says what to do; nothing is sent', async ({ field, extra, says }) => {
    await start({ provider });
    const answer = await post({ model: 'fake-model', input: 'hello', ...extra });
    expect(answer.status).toBe(400);
    const body = (await answer.json()) as { error: { message: string; type: string; code: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.code).toBe('unsupported_parameter');
    expect(body.error.message).toContain(`\`${field === 'include' ? 'include: ["message.output_text.logprobs"]' : field}`);
    expect(body.error.message).toContain(says);
    expect(harness!.fake.requests).toHaveLength(0);
  });

  it('the same fields with values that ask nothing of the provider go through', async () => {
    await start({ provider });
    for (const extra of harmless) {
      const answer = await post({ model: 'fake-model', input: 'hello', ...extra });
      expect(answer.status, JSON.stringify(extra)).toBe(200);
    }
    expect(harness!.fake.requests).toHaveLength(harmless.length);
  });

  it('streamed, the refusal is the same 400 before any event', async () => {
    await start({ provider });
    const answer = await post({ model: 'fake-model', input: 'hello', stream: true, conversation: 'conv_1' });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toContain('application/json');
  });
});

describe('a provider that speaks the Responses API', () => {
  it('gets conversation, prompt, background and logprobs as the caller sent them', async () => {
    await start({ config: { providers: { 'openai-compatible': { responsesApi: true } } } });
    for (const { extra } of refused) {
      const body = { model: 'fake-model', input: 'hello', ...extra };
      await post(body);
      expect(harness!.fake.requests.at(-1)!.rawBody).toBe(JSON.stringify(body));
    }
    expect(harness!.fake.requests).toHaveLength(refused.length);
  });
});
