// POST /v1/responses through every layer: attribution, L1a (with Codex's volatile fields), L1b, L2.5 on
// tool outputs, prompt churn, virtual keys, fallbacks, refusals, and the routes around it.
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../../source/stats/request-record.js';
import { startFakeUpstream, type FakeUpstream } from '../../support/fake-upstream.js';
import { startHarness, upstreamKey, type Harness, type HarnessOptions } from '../harness.js';

let harness: Harness | undefined;
let second: FakeUpstream | undefined;
afterEach(async () => {
  await harness?.close();
  await second?.close();
  harness = undefined;
  second = undefined;
});

async function start(options: HarnessOptions = {}): Promise<Harness> {
  harness = await startHarness(options);
  harness.records = [];
  return harness;
}

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${harness!.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** What Codex sends: fresh item ids, session and turn metadata on every run. */
function codexLike(run: string, question = 'What does this repo do?', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: 'fake-model',
    input: [
      { type: 'message', id: `msg_${run}_1`, role: 'developer', content: [{ type: 'input_text', text: 'You are a coding agent.' }] },
      { type: 'message', id: `msg_${run}_2`, role: 'user', content: [{ type: 'input_text', text: question }] },
    ],
    tools: [{ type: 'function', name: 'exec_command', parameters: { type: 'object', properties: { cmd: { type: 'string' } } } }],
    tool_choice: 'auto',
    parallel_tool_calls: true,
    reasoning: { summary: 'auto' },
    store: false,
    include: ['reasoning.encrypted_content'],
    prompt_cache_key: `session-${run}`,
    client_metadata: { turn_id: `turn-${run}` },
    ...extra,
  };
}

const waitForRecords = async (count: number): Promise<RequestRecord[]> => {
  const deadline = Date.now() + 15_000;
  while ((harness!.records?.length ?? 0) < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return harness!.records ?? [];
};

describe('POST /v1/responses through the layers', () => {
  it("attributes requests to codex by Codex's User-Agent and by x-isartor-client, and answers /responses too", async () => {
    await start();
    expect((await post(codexLike('a'), { 'user-agent': 'codex_exec/0.171.0 (Debian 12.0.0; x86_64) xterm (codex_exec; 0.171.0)' })).status).toBe(200);
    expect((await post(codexLike('b', 'another'), { 'x-isartor-client': 'codex' })).status).toBe(200);
    const short = await fetch(`${harness!.url}/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(codexLike('c', 'third')) });
    expect(short.status).toBe(200);
    const records = await waitForRecords(3);
    expect(records.slice(0, 2).map((record) => [record.client, record.protocol, record.route, record.layer])).toEqual([
      ['codex', 'responses', '/v1/responses', 'l3'],
      ['codex', 'responses', '/v1/responses', 'l3'],
    ]);
    expect(records[0]!.inputTokens).toBeGreaterThan(0);
  });

  it('L1a: the same Codex turn from another run (new ids, session, turn metadata) is a hit; another question or setting is not', async () => {
    await start();
    const first = await post(codexLike('run1'));
    expect(first.headers.get('x-isartor-layer')).toBe('l3');
    const again = await post(codexLike('run2'));
    expect(again.headers.get('x-isartor-layer')).toBe('l1a');
    expect(await again.json()).toEqual(await first.json());
    expect((await post(codexLike('run3', 'What does this repo NOT do?'))).headers.get('x-isartor-layer')).toBe('l3');
    expect((await post(codexLike('run4', 'What does this repo do?', { temperature: 0.2 }))).headers.get('x-isartor-layer')).toBe('l3');
    // Streamed, the same turn is another entry, replayed as the Responses event sequence.
    await post(codexLike('s1', 'What does this repo do?', { stream: true })).then((r) => r.text());
    const replay = await post(codexLike('s2', 'What does this repo do?', { stream: true }));
    expect(replay.headers.get('x-isartor-layer')).toBe('l1a');
    const text = await replay.text();
    expect(text.startsWith('event: response.created\n')).toBe(true);
    expect(text).toContain('event: response.completed\n');
    expect(harness!.upstreamChatCalls()).toBe(4);
  });

  it('L1b: a rephrased question is served as a near-duplicate; a turn that ends in a tool output is not a question', async () => {
    await start({ nearDuplicateCache: { enabled: true } });
    const ask = (question: string) => post({ model: 'fake-model', instructions: 'Answer briefly.', input: question });
    expect((await ask('How do I reverse a list in Python?')).headers.get('x-isartor-layer')).toBe('l3');
    const near = await ask('how can I reverse a list in Python');
    expect(near.headers.get('x-isartor-layer')).toBe('l1b');
    expect(((await near.json()) as { output_text?: string; output: Array<{ content?: Array<{ text: string }> }> }).output[0]?.content?.[0]?.text).toBe('Echo: How do I reverse a list in Python?');
    const toolTurn = (output: string) => ({
      model: 'fake-model',
      input: [
        { role: 'user', content: 'How do I reverse a list in Python?' },
        { type: 'function_call', call_id: 'c1', name: 'exec_command', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c1', output },
      ],
    });
    expect((await post(toolTurn('ok'))).headers.get('x-isartor-layer')).toBe('l3');
    expect((await post(toolTurn('OK'))).headers.get('x-isartor-layer')).toBe('l3');
  });

  it('L2.5 trims a repeated function_call_output before the provider sees it, and leaves messages alone', async () => {
    await start({ trimming: true });
    const log = Array.from({ length: 40 }, (_, i) => `line ${i}: compiling module ${i} of the project with all its dependencies`).join('\n');
    const body = {
      model: 'fake-model',
      input: [
        { role: 'user', content: 'Build it twice and compare.' },
        { type: 'function_call', call_id: 'c1', name: 'exec_command', arguments: '{"cmd":"make"}' },
        { type: 'function_call_output', call_id: 'c1', output: log },
        { type: 'function_call', call_id: 'c2', name: 'exec_command', arguments: '{"cmd":"make"}' },
        { type: 'function_call_output', call_id: 'c2', output: log },
      ],
    };
    const response = await post(body);
    expect(response.status).toBe(200);
    expect(Number(response.headers.get('x-isartor-trimmed-tokens'))).toBeGreaterThan(0);
    const sent = harness!.fake.requests.at(-1)!.body.messages as Array<{ role: string; content: string }>;
    const tools = sent.filter((message) => message.role === 'tool');
    expect(tools[0]!.content).toBe(log);
    expect(tools[1]!.content.length).toBeLessThan(log.length / 4);
    expect(sent.find((message) => message.role === 'user')?.content).toBe('Build it twice and compare.');

    // One tool output, nothing repeated: forwarded as it came.
    const single = await post({ ...body, input: body.input.slice(0, 3) });
    expect(single.headers.get('x-isartor-trimmed-tokens')).toBe('0');
    expect(harness!.fake.requests.at(-1)!.body.messages.find((message: { role: string }) => message.role === 'tool').content).toBe(log);
  });

  it('records prompt churn when the instructions change between two requests of the same tool', async () => {
    await start();
    await post({ model: 'fake-model', instructions: 'Rule one.\nRule two.', input: 'a' }, { 'x-isartor-client': 'codex' });
    await post({ model: 'fake-model', instructions: 'Rule one.\nRule 2.', input: 'b' }, { 'x-isartor-client': 'codex' });
    const records = await waitForRecords(2);
    expect(records[0]!.churn).toBeNull();
    expect(records[1]!.churn).toMatchObject({ systemLine: 2 });
    expect(records[1]!.churn!.systemBytes).toBeGreaterThan(0);
  });

  it('a virtual key may only ask for its models, answered in the OpenAI error shape', async () => {
    const master = 'master-key-responses-1';
    await start({ gatewayApiKey: master, model: null });
    const generated = await fetch(`${harness!.url}/key/generate`, { method: 'POST', headers: { authorization: `Bearer ${master}`, 'content-type': 'application/json' }, body: JSON.stringify({ models: ['fake-model'] }) });
    const { key } = (await generated.json()) as { key: string };
    expect((await post({ model: 'fake-model', input: 'hi' }, { authorization: `Bearer ${key}` })).status).toBe(200);
    const refused = await post({ model: 'fake-model-large', input: 'hi' }, { authorization: `Bearer ${key}` });
    // A final 403 in LiteLLM's shape (issue 17), which clients do not retry.
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: unknown }).error).toMatchObject({ type: 'key_model_access_denied', param: 'model', code: '403' });
    expect((await post({ model: 'fake-model', input: 'hi' })).status).toBe(401);
  });

  it("charges a virtual key's spend from the Responses usage, and refuses it once over budget", async () => {
    const master = 'master-key-responses-2';
    // $1000 per million tokens: a few tokens cost a few cents.
    await start({ gatewayApiKey: master, config: { pricing: { 'fake-model': { input: 1000, output: 1000 } } } });
    const generated = await fetch(`${harness!.url}/key/generate`, { method: 'POST', headers: { authorization: `Bearer ${master}`, 'content-type': 'application/json' }, body: JSON.stringify({ max_budget: 0.001 }) });
    const { key } = (await generated.json()) as { key: string };
    expect((await post({ model: 'fake-model', input: 'spend something on this question' }, { authorization: `Bearer ${key}` })).status).toBe(200);
    await waitForRecords(1);
    const info = (await (await fetch(`${harness!.url}/key/info`, { headers: { authorization: `Bearer ${key}` } })).json()) as { info: { spend: number } };
    expect(info.info.spend).toBeGreaterThan(0.001);
    const over = await post({ model: 'fake-model', input: 'and more' }, { authorization: `Bearer ${key}` });
    expect(over.status).toBeGreaterThanOrEqual(400);
    expect(((await over.json()) as { error: { message: string } }).error.message).toMatch(/budget/i);
  });

  it('falls back to the next route when the primary fails', async () => {
    second = await startFakeUpstream({ apiKey: upstreamKey });
    await start({ config: { providers: { groq: { baseUrl: second.openaiBaseUrl, apiKey: upstreamKey, model: 'fake-model-large' } }, fallbacks: { default: ['groq/fake-model-large'] } } });
    harness!.fake.setMode({ kind: 'error', status: 503 });
    const response = await post({ model: 'fake-model', input: 'hello' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-isartor-upstream')).toBe('groq/fake-model-large');
    expect(((await response.json()) as { model: string }).model).toBe('fake-model');
  });

  it('refuses built-in tools the provider cannot run with a 400 naming them, and passes them through to one that speaks Responses', async () => {
    await start();
    const body = { model: 'fake-model', input: 'latest news', tools: [{ type: 'web_search', external_web_access: false }] };
    const refused = await post(body);
    expect(refused.status).toBe(400);
    const error = ((await refused.json()) as { error: { type: string; code: string; message: string } }).error;
    expect(error).toMatchObject({ type: 'invalid_request_error', code: 'unsupported_tool' });
    expect(error.message).toContain('web_search');
    expect(harness!.fake.requests).toHaveLength(0);
    await harness!.close();
    await start({ config: { providers: { 'openai-compatible': { responsesApi: true } } } });
    const passed = await post(body);
    expect(passed.status).toBe(200);
    expect(harness!.fake.requests.at(-1)!.rawBody).toBe(JSON.stringify(body));
  });

  it('previous_response_id: a clear 400 naming store when translating; forwarded (and never cached) to a provider that keeps responses', async () => {
    await start();
    const refused = await post({ model: 'fake-model', input: 'and then?', previous_response_id: 'resp_123' });
    expect(refused.status).toBe(400);
    const message = ((await refused.json()) as { error: { message: string } }).error.message;
    expect(message).toContain('`store: false`');
    expect(message).toContain('previous_response_id');
    await harness!.close();
    await start({ config: { providers: { 'openai-compatible': { responsesApi: true } } } });
    const forwarded = await post({ model: 'fake-model', input: 'and then?', previous_response_id: 'resp_123' });
    // The fake keeps no responses, so it answers 404 in OpenAI's words, passed on unchanged.
    expect(forwarded.status).toBe(404);
    expect(((await forwarded.json()) as { error: { message: string } }).error.message).toContain('resp_123');
    expect(forwarded.headers.get('x-isartor-cache')).toBe('bypass');
  });

  it('answers malformed input in the OpenAI error shape without calling the provider', async () => {
    await start();
    const missing = await post({ model: 'fake-model' });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('missing_input');
    expect((await post({ model: 'fake-model', input: ['not an item'] })).status).toBe(400);
    expect((await fetch(`${harness!.url}/v1/responses`)).status).toBe(405);
    expect(harness!.fake.requests).toHaveLength(0);
  });

  it('ends a stream the upstream drops mid-way with an error event', async () => {
    await start();
    harness!.fake.setMode({ kind: 'drop', afterChunks: 3 });
    const response = await post({ model: 'fake-model', input: 'a long story please', stream: true });
    const text = await response.text();
    expect(text).toContain('event: response.created');
    expect(text.trimEnd().split('\n\n').at(-1)).toMatch(/^event: error\ndata: \{"type":"error"/);
  });
});

describe('the routes around it', () => {
  it('GET /v1/models/{id} answers in the OpenAI and the Anthropic shape, and 404 in the caller protocol for an unknown id', async () => {
    await start();
    const openai = await fetch(`${harness!.url}/v1/models/fake-model`);
    expect(await openai.json()).toMatchObject({ id: 'fake-model', object: 'model' });
    const anthropic = await fetch(`${harness!.url}/v1/models/fake-model`, { headers: { 'anthropic-version': '2023-06-01' } });
    expect(await anthropic.json()).toMatchObject({ type: 'model', id: 'fake-model' });
    const missingOpenAI = await fetch(`${harness!.url}/v1/models/nope`);
    expect(missingOpenAI.status).toBe(404);
    expect(await missingOpenAI.json()).toMatchObject({ error: { type: 'not_found_error', code: 'model_not_found' } });
    const missingAnthropic = await fetch(`${harness!.url}/v1/models/nope`, { headers: { 'anthropic-version': '2023-06-01' } });
    expect(missingAnthropic.status).toBe(404);
    expect(await missingAnthropic.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
  });

  it('asks the provider for a model when the gateway shows the provider its own list', async () => {
    await start({ model: null });
    expect(await (await fetch(`${harness!.url}/v1/models/fake-model-large`)).json()).toMatchObject({ id: 'fake-model-large' });
    expect((await fetch(`${harness!.url}/v1/models/nope`)).status).toBe(404);
  });

  it('counts requests to unknown routes in stats (route, status, client), and not their bodies', async () => {
    await start();
    const response = await fetch(`${harness!.url}/v1/responses/resp_123/input_items`, { headers: { 'user-agent': 'codex_exec/0.171.0' } });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('isartor keeps no responses');
    await fetch(`${harness!.url}/v1/assistants`, { method: 'POST', body: 'secret prompt text', headers: { 'x-isartor-client': 'some-tool' } });
    const records = await waitForRecords(2);
    expect(records.map((record) => [record.route, record.status, record.client, record.layer])).toEqual([
      ['/v1/responses/resp_123/input_items', 404, 'codex', 'gateway'],
      ['/v1/assistants', 404, 'some-tool', 'gateway'],
    ]);
    expect(JSON.stringify(records)).not.toContain('secret prompt text');
  });
});
