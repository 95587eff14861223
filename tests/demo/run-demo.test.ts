import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../source/demo/run-demo.js';
import { readRequestLog } from '../../source/state/request-log-file.js';
import { simulatedAnswer } from '../../source/demo/simulated-answers.js';
import { simulatedUsage } from '../../source/demo/simulated-provider.js';
import { agentWorkload, faqWorkload } from '../../source/demo/workload.js';

const stateDir = () => mkdtempSync(join(tmpdir(), 'isartor-demo-'));

describe('isartor demo', () => {
  it('saves exactly what was computed by hand on a four-request workload, and sends the near-miss upstream', async () => {
    const faq = faqWorkload();
    const france = faq.filter((r) => /France|france/.test(r.label));
    const germany = faq.find((r) => r.label.includes('Germany'))!;
    const demo = await runDemo({ stateDir: stateDir(), tokenDelayMs: 0, workload: [...france, germany] });
    try {
      expect(demo.steps.map((s) => s.layer)).toEqual(['l3', 'l1a', 'l1b', 'l3']);
      expect(demo.steps.map((s) => s.answer)).toEqual([
        '[simulated answer] The capital of France is Paris.',
        '[simulated answer] The capital of France is Paris.',
        '[simulated answer] The capital of France is Paris.',
        '[simulated answer] The capital of Germany is Berlin.',
      ]);
      expect(demo.providerCalls).toBe(2);
      // The France call: messages JSON [{"role":"user","content":"What is the capital of France?"}] is 60 chars -> 15 tokens,
      // the 50-char answer -> 13 tokens. Each of the two hits saves that call: 2 x 28 = 56 tokens.
      // Germany: 61 chars -> 16 tokens in, 52 chars -> 13 out. Spent: 15 + 16 = 31 in, 26 out.
      expect(demo.report.total.tokens).toEqual({ input: 31, output: 26, saved: 56 });
      // Priced like gpt-4o-mini ($0.15 in, $0.60 out per million): a France call costs 15 x 0.15 + 13 x 0.6 = 10.05 micro-USD.
      expect(demo.report.total.cost.savedUsd).toBeCloseTo(2 * 10.05e-6, 12);
      expect(demo.report.total.cost.usd).toBeCloseTo(10.05e-6 + (16 * 0.15 + 13 * 0.6) / 1e6, 12);
      expect(demo.report.total.layers).toEqual({ l3: 2, l1a: 1, l1b: 1 });
    } finally {
      await demo.stop();
    }
  });

  it('replays the bundled FAQ and agent workload: every request lands on the layer it was designed for, and the savings add up', async () => {
    const dir = stateDir();
    const demo = await runDemo({ stateDir: dir, tokenDelayMs: 0 });
    try {
      expect(demo.steps.filter((s) => s.layer !== s.designedFor)).toEqual([]);
      expect(demo.steps.every((s) => s.status === 200 && s.answer.startsWith('[simulated answer]'))).toBe(true);
      const calls = demo.steps.filter((s) => s.layer === 'l3').length;
      expect(demo.providerCalls).toBe(calls);
      expect(demo.report.total.layers).toEqual({ l3: calls, l1a: 6, l1b: 6 });
      // Cache hits save the call that first produced their answer, as the provider billed it (after
      // trimming, for a trimmed request); L2.5 saves what it trimmed.
      const requests = [...faqWorkload(), ...agentWorkload()];
      const { records } = readRequestLog(join(dir, 'demo', 'stats'));
      expect(records).toHaveLength(requests.length);
      const savedByHits = demo.steps.reduce((sum, step, index) => {
        if (step.layer !== 'l1a' && step.layer !== 'l1b') return sum;
        const original = requests.findIndex((r, i) => i < index && demo.steps[i]!.layer === 'l3' && simulatedAnswer(r.body.messages as never) === step.answer);
        const billed = records[original]!;
        if (demo.steps[original]!.trimmedTokens === 0) {
          const usage = simulatedUsage(requests[original]!.body.messages, step.answer);
          expect([billed.inputTokens, billed.outputTokens]).toEqual([usage.prompt_tokens, usage.completion_tokens]);
        }
        return sum + billed.inputTokens + billed.outputTokens;
      }, 0);
      const trimmed = demo.steps.reduce((sum, step) => sum + step.trimmedTokens, 0);
      expect(trimmed).toBeGreaterThan(1000);
      expect(demo.report.total.tokens.saved).toBe(savedByHits + trimmed);
      expect(existsSync(join(dir, 'demo', 'gateway.pid.json'))).toBe(true);
    } finally {
      await demo.stop();
    }
    expect(existsSync(join(dir, 'demo'))).toBe(false);
  });
});
