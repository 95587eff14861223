// The gateway's per-request CPU budget on the miss path (every layer on), from a CPU profile of a
// steady state: the fake upstream and the gateway in their own processes, a warm-up, then the
// profiler runs while autocannon sends unique requests (each one an L1a miss that is stored).
//
//   npm run bench:budget            (BENCH_CAPTURE, BENCH_CONNECTIONS=16, BENCH_DURATION=8, BENCH_STREAM=0 for JSON answers,
//                                    BENCH_HIT=1 for the hit path: the same body every time, answered from L1a)
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gatewayNodeFlags } from '../source/daemon/start-detached.js';
import { cpuBudget } from './cpu-budget.js';
import { cpuMeter, machineLoad } from './cpu.js';
import { runLoad } from './load.js';
import { benchDir, repoRoot, spawnServer, stopAll } from './servers.js';
import { loadCapture, syntheticWorkload, tokenSource } from './workload.js';

const upstreamKey = 'bench-upstream-key';
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const durationSec = Number(process.env.BENCH_DURATION ?? 8);
const stream = process.env.BENCH_STREAM !== '0';
const capturePath = process.env.BENCH_CAPTURE ?? join(repoRoot, '..', 'shared', 'data', 'openclaw-captures', 'openai-completions-agent-turn.json');
const label = process.env.BENCH_LABEL ?? 'current';
const hitPath = process.env.BENCH_HIT === '1';

const workload = loadCapture(capturePath, upstreamKey) ?? syntheticWorkload(upstreamKey);
const tokens = tokenSource();
const hitToken = tokens.unique();
const body = (): Buffer => {
  const raw = workload.body(hitPath ? hitToken : tokens.unique());
  if (stream) return raw;
  const parsed = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  delete parsed.stream;
  delete parsed.stream_options;
  return Buffer.from(JSON.stringify(parsed));
};

const dir = mkdtempSync(join(tmpdir(), 'isartor-budget-'));
const marks = join(dir, 'marks');
try {
  const load = await machineLoad(1_000);
  const upstream = await spawnServer('fake-upstream', 'fake-upstream-child.ts', { env: { BENCH_UPSTREAM_KEY: upstreamKey } });
  const gateway = await spawnServer('gateway', 'gateway-child.ts', {
    nodeFlags: [...gatewayNodeFlags, '--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '250'],
    args: [`${upstream.url}/v1`],
    env: { BENCH_UPSTREAM_KEY: upstreamKey, BENCH_PROFILE_MARKS: marks },
  });
  const spec = { url: gateway.url, path: workload.path, method: workload.method, headers: workload.headers, body, connections };
  await runLoad({ ...spec, durationSec: 3 });
  process.kill(gateway.pid, 'SIGUSR2');
  await sleep(200);
  const meter = cpuMeter({ gateway: gateway.pid });
  const result = await runLoad({ ...spec, durationSec });
  const cpuMs = meter().gateway ?? Number.NaN;
  process.kill(gateway.pid, 'SIGUSR2');
  await sleep(200);
  await gateway.stop(); // --cpu-prof writes the profile at exit
  const stamps = readFileSync(marks, 'utf8').trim().split('\n').map((line) => Number(line.split(' ')[0]));
  const [fromUs, toUs] = [stamps[0], stamps.at(-1)];
  const file = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(dir, f)).sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
  const { lines } = cpuBudget(file, result.ok, { fromUs: fromUs!, toUs: toUs! });
  const cpuPerRequest = (cpuMs * 1000) / result.ok;
  // The profiler samples wall time, so on a loaded machine a descheduled moment is charged to whatever
  // ran last; the shares are what the profile tells, and /proc says how much CPU there was to share.
  const rows = lines.filter((l) => (l.percent * cpuPerRequest) / 100 >= 1);
  const table = [
    `| part of the ${hitPath ? 'hit' : 'miss'} path | CPU µs/req | share | shared helper called from |`,
    `| --- | ---: | ---: | --- |`,
    ...rows.map((l) => `| ${l.part} | ${((l.percent * cpuPerRequest) / 100).toFixed(0)} | ${l.percent.toFixed(1)}% | ${l.calledFrom} |`),
    `| **gateway CPU per request** (user+sys from /proc, under the profiler) | **${cpuPerRequest.toFixed(0)}** | 100% | |`,
  ].join('\n');
  const heading =
    `## ${label}: ${hitPath ? 'hit path (L1a)' : 'miss path'}, ${(workload.bodyBytes / 1024).toFixed(1)} KB ${workload.source === 'synthetic' ? 'synthetic' : 'captured OpenClaw'} request, stream ${stream}, ${connections} connections, ${durationSec} s, ` +
    `${result.ok} requests (${result.rps.toFixed(0)} rps under the profiler), ${new Date().toISOString()}, background load ${load?.toFixed(2) ?? '?'} of 2 cores`;
  console.log(`${heading}\n\n${table}\n`);
  const out = join(benchDir, 'results', 'cpu-budget.md');
  mkdirSync(join(benchDir, 'results'), { recursive: true });
  const before = existsSync(out) ? readFileSync(out, 'utf8') : '# Gateway CPU budget per request (miss path)\n\nGenerated by `npm run bench:budget` (bench/miss-budget.ts): the gateway in its own process under `--cpu-prof`, every layer on, unique requests (each an L1a miss that is stored); the samples between a warm-up and the end of the load are charged to the innermost frame that belongs to a part of the pipeline (bench/cpu-budget.ts), and each share is applied to the gateway\'s CPU time per request from /proc. Socket writes are the kernel work of `writev` on loopback (the 59 KB request to the provider, the relayed answer), which a bare proxy pays too.\n';
  writeFileSync(out, `${before.trimEnd()}\n\n${heading}\n\n${table}\n`);
  console.log(`Appended to ${relative(process.cwd(), out)}`);
  if (process.env.BENCH_KEEP_PROFILE === '1') console.log(`Profile kept in ${dir}`);
} finally {
  await stopAll();
  if (process.env.BENCH_KEEP_PROFILE !== '1') rmSync(dir, { recursive: true, force: true });
}
