// The long soak: one gateway (built dist/) under rounds of varied requests, with the default cache sizes
// unless BENCH_SMALL_CACHES=1, printing per round the heap after a full GC, the state dir, /metrics and
// /stats sizes. tests/soak/ runs the short version in CI with assertions; this one is for looking.
//   npm run bench:soak -- [requestsPerRound=5000] [rounds=6]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeUpstream } from '../tests/support/fake-upstream.js';

const perRound = Number(process.argv[2] ?? 5000);
const rounds = Number(process.argv[3] ?? 6);
const root = fileURLToPath(new URL('..', import.meta.url));
const home = mkdtempSync(join(tmpdir(), 'isartor-soak-'));
const fake = await startFakeUpstream({ apiKey: 'sk-soak' });
try {
  await run(process.execPath, [join(root, 'dist/cli/index.js'), 'set-key', '-p', 'openai-compatible', '--base-url', fake.openaiBaseUrl, '--key', 'sk-soak', '--model', 'fake-model']);
  const configFile = join(home, 'config.json');
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
  if (process.env.BENCH_SMALL_CACHES === '1') config.cache = { exact: { maxBytes: 256 * 1024 }, nearDuplicate: { maxEntries: 200, maxBytes: 512 * 1024 } };
  config.gateway = { ...(config.gateway as object), port: 0 };
  writeFileSync(configFile, JSON.stringify(config));
  const out = await run(process.execPath, ['--expose-gc', '--max-semi-space-size=32', join(root, 'tests/soak/soak-gateway.mjs'), home, String(perRound), String(rounds)]);
  const rows = out.split('\n').filter((line) => line.startsWith('{"phase"')).map((line) => JSON.parse(line) as Record<string, number>);
  const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
  console.log('| requests | heap MB (after GC) | state dir MB | /metrics series | /stats tools | /stats KB |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) console.log(`| ${row.requests} | ${mb(row.heapUsed!)} | ${mb(row.stateDirBytes!)} | ${row.metricsSeries} | ${row.statsTools} | ${(row.statsBytes! / 1024).toFixed(1)} |`);
} finally {
  await fake.close();
  rmSync(home, { recursive: true, force: true });
}

function run(command: string, args: string[]): Promise<string> {
  const child = spawn(command, args, { env: { ...process.env, ISARTOR_HOME: home }, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${args.join(' ')} exited ${code}`)))));
}
