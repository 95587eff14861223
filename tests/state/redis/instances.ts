// Several isartor gateway processes (the built CLI, `isartor up --redis`) on one test Redis, each with
// its own state dir, all forwarding to one fake upstream. Run `npm run build` before these tests.
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeUpstream } from '../../support/fake-upstream.js';
import { freePort, httpRequest, makeTempHome, runCli, spawnCli, waitForOutput, type HttpAnswer } from '../../cli/run-cli.js';

export const master = 'master-key-for-redis-tests-1';
export const asMaster = { authorization: `Bearer ${master}`, 'content-type': 'application/json' };
// $1000 per million input tokens, $2000 per million output tokens: a request costs a few cents.
const pricing = { 'fake-model': { input: 1000, output: 2000 } };

export interface Instance {
  url: string;
  home: string;
  child: ChildProcess;
  /** Everything it printed (its log). */
  output(): string;
}

/** One state dir configured for the fake upstream; copied for every instance. */
export async function configuredHome(upstream: FakeUpstream, upstreamKey: string): Promise<string> {
  const home = makeTempHome();
  const setKey = await runCli(['set-key', '-p', 'openai-compatible', '--base-url', upstream.openaiBaseUrl, '--key', upstreamKey, '--model', 'fake-model'], { home });
  if (setKey.code !== 0) throw new Error(setKey.stderr);
  const file = join(home, 'config.json');
  const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  writeFileSync(file, JSON.stringify({ ...config, pricing }), { mode: 0o600 });
  return home;
}

export async function startInstance(template: string, redisUrl: string): Promise<Instance> {
  const home = makeTempHome();
  writeFileSync(join(home, 'config.json'), readFileSync(join(template, 'config.json')), { mode: 0o600 });
  const port = await freePort();
  const child = spawnCli(['up', '--port', String(port), '--redis', redisUrl], { home, env: { ISARTOR_GATEWAY_API_KEY: master } });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  await waitForOutput(child, 'listening on', 45_000);
  return { url: `http://127.0.0.1:${port}`, home, child, output: () => output };
}

export function chatAs(instance: Instance, key: string, content: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return httpRequest(`${instance.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers },
    body: JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content }] }),
  });
}

export async function generateKey(instance: Instance, body: Record<string, unknown>): Promise<{ key: string; token: string }> {
  const answer = await httpRequest(`${instance.url}/key/generate`, { method: 'POST', headers: asMaster, body: JSON.stringify(body) });
  if (answer.status !== 200) throw new Error(`/key/generate answered ${answer.status}: ${answer.body}`);
  return JSON.parse(answer.body) as { key: string; token: string };
}

export async function keyInfo(instance: Instance, key: string): Promise<{ spend: number; total_spend: number }> {
  const answer = await httpRequest(`${instance.url}/key/info`, { headers: { authorization: `Bearer ${key}` } });
  return (JSON.parse(answer.body) as { info: { spend: number; total_spend: number } }).info;
}

export async function statsOf(instance: Instance): Promise<{ total: { requests: number }; keys: Array<{ keyAlias: string | null; requests: number; cost: { usd: number } }> }> {
  const answer = await httpRequest(`${instance.url}/stats`, { headers: asMaster });
  return JSON.parse(answer.body) as never;
}

/** The sum of isartor_requests_total over all its labels; only a virtual key's (by alias) when given. */
export async function requestsInMetrics(instance: Instance, keyAlias?: string): Promise<number> {
  const text = (await httpRequest(`${instance.url}/metrics`, { headers: asMaster })).body;
  return text
    .split('\n')
    .filter((line) => line.startsWith('isartor_requests_total{') && (keyAlias === undefined || line.includes(`key="${keyAlias}"`)))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

export async function healthOf(instance: Instance): Promise<{ store: { kind: string; connected: boolean; reconnects?: number; url?: string } }> {
  return JSON.parse((await httpRequest(`${instance.url}/health`)).body) as never;
}

/** Polls `probe` until it returns true, for at most `ms`; returns whether it did. */
export async function eventually(probe: () => Promise<boolean>, ms: number, everyMs = 50): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
