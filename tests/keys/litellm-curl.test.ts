// The curl commands of LiteLLM's OpenClaw guide ("Using Virtual Keys", "Troubleshooting"), run against
// isartor: the real curl binary when it is on PATH, else fetch with the same method, headers and body.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, expect, it } from 'vitest';
import { startHarness, type Harness } from '../gateway/harness.js';

const run = promisify(execFile);
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const masterKey = 'your-master-key';

async function curlAvailable(): Promise<boolean> {
  try {
    await run('curl', ['--version']);
    return true;
  } catch {
    return false;
  }
}

/** One request as the guide writes it: `curl [-X METHOD] URL -H ... [-d BODY]`. Returns the status and the body. */
async function curl(args: { method?: string; url: string; headers: string[]; data?: string }): Promise<{ status: number; body: any }> {
  if (await curlAvailable()) {
    const argv = ['-s', '-w', '\n%{http_code}', ...(args.method ? ['-X', args.method] : []), args.url, ...args.headers.flatMap((h) => ['-H', h]), ...(args.data ? ['-d', args.data] : [])];
    const { stdout } = await run('curl', argv);
    const split = stdout.lastIndexOf('\n');
    return { status: Number(stdout.slice(split + 1)), body: JSON.parse(stdout.slice(0, split)) };
  }
  const headers = Object.fromEntries(args.headers.map((h) => [h.slice(0, h.indexOf(':')).trim(), h.slice(h.indexOf(':') + 1).trim()]));
  // curl -d without -H content-type sends application/x-www-form-urlencoded; the guide always sets it.
  const response = await fetch(args.url, { method: args.method ?? (args.data ? 'POST' : 'GET'), headers, ...(args.data ? { body: args.data } : {}) });
  return { status: response.status, body: await response.json() };
}

it("answers the LiteLLM guide's /key/generate and /key/info curls with compatible fields", async () => {
  harness = await startHarness({ gatewayApiKey: masterKey, model: null, config: { aliases: { 'claude-sonnet-4-5-20250929': 'openai-compatible/fake-model' } } });
  const base = harness.url;

  // "Generate a key for OpenClaw"
  const generated = await curl({
    method: 'POST',
    url: `${base}/key/generate`,
    headers: ['Authorization: Bearer your-master-key', 'Content-Type: application/json'],
    data: `{
    "key_alias": "openclaw",
    "max_budget": 50.00,
    "models": ["claude-sonnet-4-5-20250929", "claude-opus-4-5-20251101"]
  }`,
  });
  expect(generated.status).toBe(200);
  expect(generated.body).toMatchObject({
    key: expect.stringMatching(/^sk-/),
    key_alias: 'openclaw',
    max_budget: 50,
    models: ['claude-sonnet-4-5-20250929', 'claude-opus-4-5-20251101'],
    expires: null,
    spend: 0,
  });

  // "Use the returned key as ANTHROPIC_API_KEY in OpenClaw": OpenClaw speaks /v1/messages with x-api-key.
  const asOpenClaw = await fetch(`${base}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': generated.body.key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'claude-sonnet-4-5-20250929', max_tokens: 64, messages: [{ role: 'user', content: 'hello' }] }),
  });
  expect(asOpenClaw.status).toBe(200);

  // "Invalid API key": check the key's access
  const info = await curl({ url: `${base}/key/info`, headers: [`Authorization: Bearer ${generated.body.key}`] });
  expect(info.status).toBe(200);
  expect(info.body.key).not.toBe(generated.body.key);
  expect(info.body.info).toMatchObject({
    key_alias: 'openclaw',
    max_budget: 50,
    models: ['claude-sonnet-4-5-20250929', 'claude-opus-4-5-20251101'],
    expires: null,
    budget_reset_at: null,
  });
  expect(typeof info.body.info.spend).toBe('number');

  // "Model not found": the model list answers the key too.
  const models = await curl({ url: `${base}/v1/models`, headers: [`Authorization: Bearer ${generated.body.key}`] });
  expect(models.status).toBe(200);
});
