import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../source/demo/run-demo.js';

describe('isartor demo', () => {
  it('shows a provider call, an exact hit, near-duplicate hits (reworded, streamed) and a near-miss going upstream, then cleans up', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'isartor-demo-'));
    const demo = await runDemo({ stateDir });
    try {
      expect(demo.steps.map((s) => `${s.layer}/${s.cache}/${s.status}`)).toEqual(['l3/miss/200', 'l1a/hit/200', 'l1b/hit/200', 'l1b/hit/200', 'l3/miss/200']);
      expect(demo.steps[0]?.answer).toBe('You said: What is the capital of France?');
      expect(demo.steps[1]?.answer).toBe(demo.steps[0]?.answer);
      expect(demo.steps[2]?.answer).toBe(demo.steps[0]?.answer);
      expect(demo.steps[3]?.answer).toBe(demo.steps[0]?.answer);
      expect(demo.steps[4]?.answer).toBe('You said: What is the capital of Germany?');
      expect(existsSync(join(stateDir, 'demo', 'gateway.pid.json'))).toBe(true);
    } finally {
      await demo.stop();
    }
    expect(existsSync(join(stateDir, 'demo'))).toBe(false);
  });
});
