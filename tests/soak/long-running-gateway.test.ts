import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { cleanupTempHomes, makeTempHome, runCli } from '../cli/run-cli.js';

// A gateway that runs for weeks must stay as small as on day one. One gateway (the built dist/, in a
// child with --expose-gc) takes three rounds of varied requests: misses, exact and L1b hits in many
// scopes, agent turns with tool output, both protocols, bad JSON, clients that leave mid-stream, and a
// client that invents a model name and a tool name per request. With caches small enough to fill in the
// first round, nothing may keep growing after it.

interface Checkpoint {
  phase: number;
  requests: number;
  heapUsed: number;
  stateDirBytes: number;
  metricsBytes: number;
  metricsSeries: number;
  statsTools: number;
  statsBytes: number;
  logLines: number;
  warnings: number;
}

const perPhase = 1200;
const driver = fileURLToPath(new URL('./soak-gateway.mjs', import.meta.url));
let fake: FakeUpstream;
let home: string;

beforeAll(async () => {
  fake = await startFakeUpstream({ apiKey: 'sk-soak' });
  home = makeTempHome();
  const setKey = await runCli(['set-key', '-p', 'openai-compatible', '--base-url', fake.openaiBaseUrl, '--key', 'sk-soak', '--model', 'fake-model'], { home });
  expect(setKey.code, setKey.stderr).toBe(0);
  const configFile = join(home, 'config.json');
  const config = JSON.parse(readFileSync(configFile, 'utf8'));
  // Small caches, so they are full after the first round and every later one only replaces entries.
  config.cache = { exact: { maxBytes: 256 * 1024 }, nearDuplicate: { maxEntries: 200, maxBytes: 512 * 1024 } };
  config.gateway = { ...config.gateway, port: 0 };
  writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
});
afterAll(async () => {
  await cleanupTempHomes();
  await fake.close();
});

function runDriver(): Promise<{ checkpoints: Checkpoint[]; stderr: string; code: number | null }> {
  const child = spawn(process.execPath, ['--expose-gc', '--max-semi-space-size=32', driver, home, String(perPhase), '3'], { env: { ...process.env, ISARTOR_HOME: home } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      const checkpoints = stdout.split('\n').filter((line) => line.startsWith('{"phase"')).map((line) => JSON.parse(line) as Checkpoint);
      resolve({ checkpoints, stderr, code });
    }),
  );
}

describe('a gateway under thousands of varied requests', () => {
  it('keeps its heap, state dir, /metrics and /stats bounded once its caches are full', { timeout: 180_000 }, async () => {
    const { checkpoints, stderr, code } = await runDriver();
    expect(code, stderr).toBe(0);
    expect(checkpoints).toHaveLength(3);
    const [warm, first, second] = checkpoints as [Checkpoint, Checkpoint, Checkpoint];
    process.stdout.write(`soak checkpoints:\n${checkpoints.map((c) => JSON.stringify(c)).join('\n')}\n`);
    expect(second.requests).toBe(3 * perPhase);
    // Every request was logged (and none was lost to an error the driver did not expect).
    expect(second.logLines).toBeGreaterThanOrEqual(3 * perPhase);
    // Invented tool names share "other" in /stats and /metrics: both stay the size they had.
    expect(first.statsTools).toBeLessThanOrEqual(51);
    expect(second.statsTools).toBeLessThanOrEqual(51);
    expect(second.statsBytes).toBeLessThan(first.statsBytes * 1.2);
    expect(second.metricsSeries).toBeLessThanOrEqual(first.metricsSeries + 20);
    expect(second.metricsBytes).toBeLessThan(first.metricsBytes * 1.2);
    // The L1a file is compacted to its budget; the request log grows by its records only (~0.6 KB each).
    const perRequest = (second.stateDirBytes - first.stateDirBytes) / perPhase;
    expect(perRequest).toBeLessThan(2048);
    // The heap: what the second round adds after a full GC is not more than the first (the request log's
    // parsed records, ~1 KB a request, are the only thing meant to grow), with room for a loaded machine.
    const firstGrowth = first.heapUsed - warm.heapUsed;
    const secondGrowth = second.heapUsed - first.heapUsed;
    expect(secondGrowth, JSON.stringify(checkpoints)).toBeLessThan(Math.max(firstGrowth * 1.5, 0) + 8 * 1024 * 1024);
  });
});
