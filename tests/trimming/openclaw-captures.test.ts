import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { clearTrimMemo, prepareTrimmer, trimRequestBody } from '../../source/trimming/trim-request.js';
import { expectGuards, lastUserIndex } from './support.js';

// Real requests the OpenClaw CLI sent (see ../shared/data/README.md). Absent on a bare clone: skipped.
const capturesDir = new URL('../../../shared/data/openclaw-captures/', import.meta.url);
const available = existsSync(capturesDir);
const captures = available ? readdirSync(capturesDir).filter((name) => name.endsWith('.json')) : [];
const load = (name: string) => (JSON.parse(readFileSync(new URL(name, capturesDir), 'utf8')) as { body: Record<string, unknown> }).body;
const protocolOf = (name: string) => (name.startsWith('anthropic') ? 'anthropic' : 'openai') as 'openai' | 'anthropic';

beforeAll(async () => {
  await prepareTrimmer();
});

describe.skipIf(!available)('L2.5 on real OpenClaw requests', () => {
  it.each(captures)('%s: passes every guard, deterministically', async (name) => {
    const body = load(name);
    const raw = JSON.stringify(body);
    clearTrimMemo();
    const result = await trimRequestBody(body, protocolOf(name), { countAll: true });
    console.log(`[L2.5] ${name}: ${result.tokensBefore} → ${result.tokensAfter} tokens (−${(100 * (1 - result.tokensAfter / result.tokensBefore)).toFixed(2)} %); rules ${JSON.stringify(result.rules)}`);
    expect(JSON.stringify(body)).toBe(raw);
    expectGuards(body, result.body, protocolOf(name));
    expect(JSON.stringify(await trimRequestBody(JSON.parse(raw) as Record<string, unknown>, protocolOf(name), { countAll: true }))).toBe(JSON.stringify(result));
  });

  it.each(captures)('%s: trimming a prefix of the messages gives the same first messages', async (name) => {
    const body = load(name);
    const messages = body.messages as unknown[];
    const full = (await trimRequestBody(body, protocolOf(name))).body.messages as unknown[];
    for (let k = 1; k <= messages.length; k++) {
      const prefix = { ...body, messages: messages.slice(0, k) };
      const trimmed = (await trimRequestBody(prefix, protocolOf(name))).body.messages as unknown[];
      const protectedIndex = lastUserIndex(prefix.messages);
      for (let j = 0; j < k; j++) expect(trimmed[j]).toEqual(j === protectedIndex ? messages[j] : full[j]);
    }
  });

  it('a repeated 61 KB agent turn costs a hash, not a re-trim', async () => {
    const body = load('openai-completions-agent-turn.json');
    // Warm the code paths on another request first, so "first" measures trimming, not JIT compilation.
    await trimRequestBody(load('openai-completions-agent-exec.json'), 'openai', { countAll: true });
    clearTrimMemo();
    let started = performance.now();
    await trimRequestBody(body, 'openai', { countAll: true });
    const first = performance.now() - started;
    const repeats: number[] = [];
    for (let i = 0; i < 25; i++) {
      const copy = JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
      started = performance.now();
      await trimRequestBody(copy, 'openai', { countAll: true });
      repeats.push(performance.now() - started);
    }
    repeats.sort((a, b) => a - b);
    const median = repeats[12]!;
    console.log(`[L2.5] 61 KB capture: first trim ${first.toFixed(1)} ms, repeated (memo hit) median ${median.toFixed(3)} ms`);
    expect(median).toBeLessThan(first / 5);
  });
});
