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

    // 80 columns by default; --wide adds requests per layer, p95, tokens in/out and cost.
    const table = await cli('stats', '--by-tool');
    expect(table.stdout).toMatch(/^tool\s+requests\s+hit rate\s+errors\s+p50 ms\s+tokens saved\s+saved$/m);
    expect(table.stdout).toMatch(/^openclaw\s+2\s+50\.0 %\s+0\s/m);
    expect(table.stdout).toMatch(/^total\s+3\s/m);
    expect(table.stdout.split('\n').filter((line) => line.length > 80)).toEqual([]);
    const wide = await cli('stats', '--by-tool', '--wide');
    expect(wide.stdout).toMatch(/^tool\s+requests\s+l1a\s+l1b\s+l3\s+hit rate/m);
    expect(wide.stdout).toMatch(/^openclaw\s+2\s+1\s+0\s+1\s+50\.0 %/m);
    expect((await cli('stats', '--since', '1m', '--json')).stdout).toContain('"requests": 3');
    expect((await cli('stats', '--since', 'yesterday-ish')).code).not.toBe(0);
  });

  it('prices requests with `pricing set`, which a running gateway applies without a restart (hand-computed)', async () => {
    await cli('set-key', '-p', 'openai-compatible', '--base-url', fake.openaiBaseUrl, '--key', 'sk-up', '--model', 'fake-model');
    expect((await cli('pricing', 'set', 'fake-model', '--input', '1', '--output', '2')).code).toBe(0);
    const port = await freePort();
    expect((await cli('up', '--detach', '--port', String(port))).code).toBe(0);
    const ask = (content: string) =>
      fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-isartor-client': 'openclaw' },
        body: JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content }] }),
      }).then((response) => response.json() as Promise<{ usage: { prompt_tokens: number; completion_tokens: number } }>);
    const first = await ask('What is a monad?');
    const firstUsd = (first.usage.prompt_tokens * 1 + first.usage.completion_tokens * 2) / 1e6;
    // Ten times the price, picked up by the running gateway.
    expect((await cli('pricing', 'set', 'fake-model', '--input', '10', '--output', '20')).code).toBe(0);
    const totalUsd = async (): Promise<number> => {
      // The record is written just after the answer; poll until the newest request is counted.
      for (;;) {
        const report = (await (await fetch(`http://127.0.0.1:${port}/stats`)).json()) as { total: { requests: number; cost: { usd: number } } };
        if (report.total.requests === asked) return report.total.cost.usd;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    let asked = 1;
    let previous = await totalUsd();
    expect(previous).toBeCloseTo(firstUsd, 12);
    // The gateway looks at config.json at most once a second: requests before that still pay the old price.
    let charged: 'old' | 'new' | undefined;
    for (let attempt = 0; attempt < 100 && charged !== 'new'; attempt++) {
      const { usage } = await ask(`What is a functor? (${attempt})`);
      asked += 1;
      const total = await totalUsd();
      const delta = total - previous;
      previous = total;
      charged = Math.abs(delta - (usage.prompt_tokens * 10 + usage.completion_tokens * 20) / 1e6) < 1e-12 ? 'new' : Math.abs(delta - (usage.prompt_tokens + usage.completion_tokens * 2) / 1e6) < 1e-12 ? 'old' : undefined;
      expect(charged).toBeDefined();
      if (charged === 'old') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(charged).toBe('new');
    expect((await cli('down')).code).toBe(0);
    const table = await cli('stats');
    expect(table.stdout).toMatch(/Saved: .* tokens and \$/);
    expect(table.stdout).toMatch(/spent \$0\.\d+ at providers/);
  });
});

describe('isartor pricing', () => {
  it('sets, lists, looks up and unsets a price, refusing bad numbers', async () => {
    expect((await cli('pricing', 'set', 'my-deployment', '--input', '2.5', '--output', '10', '--cached-input', '1.25')).stdout).toContain('$2.5 in / $10 out / $1.25 cached in');
    expect((await cli('pricing', 'list', 'my-deployment')).stdout).toContain('your price');
    expect((await cli('pricing', 'list', 'claude-sonnet-4-5-20250929')).stdout).toMatch(/\$3 in \/ \$15 out .*built-in.*"claude-sonnet-4-5"/);
    expect((await cli('pricing', 'list', 'groq/openai/gpt-oss-120b')).stdout).toContain('built-in');
    const unknown = await cli('pricing', 'list', 'nobody-knows-this-model');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('isartor pricing set nobody-knows-this-model');
    const listed = await cli('pricing', 'list');
    expect(listed.stdout).toMatch(/^my-deployment\s+2\.5\s+10\s+1\.25\s+yours$/m);
    expect(listed.stdout).toMatch(/^gpt-4o-mini\s+0\.15\s+0\.6\s+0\.075\s+built-in$/m);
    const bad = await cli('pricing', 'set', 'x', '--input', 'cheap', '--output', '1');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('USD per million tokens');
    expect((await cli('pricing', 'unset', 'my-deployment')).code).toBe(0);
    expect((await cli('pricing', 'unset', 'my-deployment')).code).not.toBe(0);
    expect(JSON.parse((await cli('pricing', 'list', '--json')).stdout).user).toEqual({});
  });
});
