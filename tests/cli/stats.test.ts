import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { cleanupTempHomes, freePort, makeTempHome, runCli } from './run-cli.js';

let home: string;
let fake: FakeUpstream;
beforeEach(async () => {
  home = makeTempHome();
  fake = await startFakeUpstream({ apiKey: 'sk-up' });
});
afterEach(async () => {
  await cleanupTempHomes();
  await fake.close();
});

const cli = (...args: string[]) => runCli(args, { home });

describe('isartor stats', () => {
  it('says when nothing is recorded yet', async () => {
    const result = await cli('stats', '--by-tool');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No requests recorded yet');
  });

  it('reports per tool, persisted across a restart, as a table and as JSON', async () => {
    await cli('set-key', '-p', 'openai-compatible', '--base-url', fake.openaiBaseUrl, '--key', 'sk-up', '--model', 'fake-model');
    const port = await freePort();
    expect((await cli('up', '--detach', '--port', String(port))).code).toBe(0);
    const ask = (headers: Record<string, string>) =>
      fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: 'What is a monad?' }] }),
      }).then((response) => response.text());
    await ask({ 'x-isartor-client': 'openclaw' });
    await ask({ 'x-isartor-client': 'openclaw' });
    await ask({ 'user-agent': 'curl/8.5.0' });
    expect((await cli('down')).code).toBe(0);

    const json = JSON.parse((await cli('stats', '--by-tool', '--json')).stdout);
    expect(json.total).toMatchObject({ requests: 3, layers: { l3: 1, l1a: 2 }, errors: 0 });
    expect(json.total.cacheHitRate).toBeCloseTo(2 / 3);
    expect(json.tools.map((t: { client: string; requests: number }) => [t.client, t.requests])).toEqual([
      ['openclaw', 2],
      ['curl', 1],
    ]);
    // Each hit saved the whole call the miss cost.
    const miss = json.total.tokens.input + json.total.tokens.output;
    expect(miss).toBeGreaterThan(0);
    expect(json.total.tokens.saved).toBe(2 * miss);

    const table = await cli('stats', '--by-tool');
    expect(table.stdout).toMatch(/^tool\s+requests\s+l1a\s+l1b\s+l3\s+hit rate/m);
    expect(table.stdout).toMatch(/^openclaw\s+2\s+1\s+0\s+1\s+50\.0 %/m);
    expect(table.stdout).toMatch(/^total\s+3\s/m);
    expect((await cli('stats', '--since', '1m', '--json')).stdout).toContain('"requests": 3');
    expect((await cli('stats', '--since', 'yesterday-ish')).code).not.toBe(0);
  });
});
