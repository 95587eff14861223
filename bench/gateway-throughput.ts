// Throughput benchmark: how much does putting isartor between an agent and its provider cost?
//
//   npm run bench [-- path/to/capture.json]
//
// Four scenarios, same request body shape, same concurrency and duration, one run:
//   1. direct       load generator -> fake upstream
//   2. bare proxy   load generator -> bare node:http pass-through proxy -> fake upstream
//   3. gateway miss load generator -> isartor (every request unique: an L1a miss, stored) -> fake upstream
//   4. gateway hit  load generator -> isartor (the same request every time: answered from L1a)
// The fake upstream, the proxy and the gateway each run in their own process; autocannon runs here.
//
// Environment: BENCH_CAPTURE (capture file), BENCH_CONNECTIONS (16), BENCH_DURATION (8 s),
// BENCH_WARMUP (2 s), BENCH_HIT_SAMPLES (500), BENCH_PROFILE=1 (also CPU-profile the gateway's miss path;
// BENCH_KEEP_PROFILE=1 keeps the .cpuprofile for Chrome DevTools).
import { gatewayNodeFlags } from '../source/daemon/start-detached.js';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { cpuMeter, machineBusyMs, machineLoad } from './cpu.js';
import { checkStream, keepAliveAgent, percentile, runLoad, send, type LoadResult } from './load.js';
import { topSelfTime } from './profile.js';
import { consoleReport, machine, markdownReport, type Report, type Sample, type ScenarioResult } from './report.js';
import { benchDir, killAllNow, repoRoot, spawnServer, stopAll, type ChildServer } from './servers.js';
import { loadCapture, syntheticWorkload, tokenSource, type Workload } from './workload.js';

const upstreamKey = 'bench-upstream-key';
const reply =
  'Hi! I am your OpenClaw assistant, running in this workspace. Tell me what you want to build, fix or look up, and I will get started right away.';

const settings = {
  connections: boundedInt('BENCH_CONNECTIONS', 16, 1, 256),
  durationSec: boundedInt('BENCH_DURATION', 8, 1, 30),
  warmupSec: boundedInt('BENCH_WARMUP', 2, 0, 10),
  hitSamples: boundedInt('BENCH_HIT_SAMPLES', 500, 10, 5_000),
  missSamples: 200,
  profile: process.env.BENCH_PROFILE === '1',
};
const capturePath = process.argv[2] ?? process.env.BENCH_CAPTURE ?? join(repoRoot, '..', 'shared', 'data', 'openclaw-captures', 'openai-completions-agent-turn.json');

function boundedInt(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  return value;
}

// ---------------------------------------------------------------------------------------
// Cleanup: children die with this process, whatever way it ends
// ---------------------------------------------------------------------------------------

let interrupted = false;
const onSignal = (signal: NodeJS.Signals): void => {
  if (interrupted) return;
  interrupted = true;
  process.stderr.write(`\n${signal}: stopping the benchmark's servers...\n`);
  void stopAll().finally(() => process.exit(130));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('exit', killAllNow);

// The whole run is bounded: if something hangs, give up instead of waiting forever.
const budgetMs = (4 * (settings.durationSec + settings.warmupSec) + (settings.profile ? 30 : 0) + 90) * 1000;
const watchdog = setTimeout(() => {
  process.stderr.write(`\nThe benchmark did not finish within ${budgetMs / 1000} s; stopping.\n`);
  void stopAll().finally(() => process.exit(1));
}, budgetMs);
watchdog.unref();

// ---------------------------------------------------------------------------------------
// Run
// ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const host = machine();
  console.log(`Machine: ${host.cpu}, ${host.cores} cores, ${host.memoryGiB.toFixed(1)} GiB RAM (${host.freeMemoryGiB.toFixed(1)} free), Node ${host.node} (${host.platform})`);

  const workload = pickWorkload();
  console.log(
    `Workload: ${workload.source === 'synthetic' ? 'synthetic' : relative(process.cwd(), workload.source)}: ${(workload.bodyBytes / 1024).toFixed(1)} KB body, ` +
      `${workload.messages} messages, ${workload.tools} tools, ${workload.method} ${workload.path}`,
  );
  console.log(`Load: ${settings.connections} connections, ${settings.warmupSec} s warm-up + ${settings.durationSec} s per scenario`);
  const backgroundLoad = await machineLoad(1_000);
  if (backgroundLoad !== undefined) {
    console.log(`Background load before start: ${backgroundLoad.toFixed(2)} of ${host.cores} cores busy`);
    if (backgroundLoad > 0.25) console.log('WARNING: the machine is not idle; other processes will skew the results.');
  }
  console.log('');

  const upstream = await spawnServer('fake-upstream', 'fake-upstream-child.ts', { env: { BENCH_UPSTREAM_KEY: upstreamKey, BENCH_REPLY: reply } });
  const [proxy, gateway] = await Promise.all([
    spawnServer('bare-proxy', 'bare-proxy.ts', { args: [upstream.url] }),
    // The same Node flags a detached `isartor up` runs with.
    spawnServer('gateway', 'gateway-child.ts', { nodeFlags: gatewayNodeFlags, args: [`${upstream.url}/v1`], env: { BENCH_UPSTREAM_KEY: upstreamKey } }),
  ]);
  for (const s of [upstream, proxy, gateway]) console.log(`${s.name.padEnd(14)} ${s.url}  (pid ${s.pid})`);

  const tokens = tokenSource();
  const unique = () => workload.body(tokens.unique());
  const same = () => workload.body(tokens.fixed);

  // Correctness first: one checked request per scenario before any load.
  console.log('\nChecking answers...');
  await verify('direct', upstream, workload, unique());
  await verify('bare proxy', proxy, workload, unique());
  await verify('gateway miss', gateway, workload, unique(), { cache: 'miss', layer: 'l3' });
  await verify('gateway hit (priming)', gateway, workload, same(), { cache: 'miss', layer: 'l3' });
  await verify('gateway hit', gateway, workload, same(), { cache: 'hit', layer: 'l1a' });

  const plan: Array<{ name: string; detail: string; server: ChildServer; body: () => Buffer }> = [
    { name: 'direct', detail: 'autocannon -> fake upstream; every body unique.', server: upstream, body: unique },
    { name: 'bare proxy', detail: 'autocannon -> bare node:http keep-alive pass-through proxy (bench/bare-proxy.ts) -> fake upstream; every body unique.', server: proxy, body: unique },
    {
      name: 'gateway miss',
      detail: 'autocannon -> isartor -> fake upstream; every body unique (a token in the last user message), so each request is parsed, keyed, missed in L1a, streamed through and stored.',
      server: gateway,
      body: unique,
    },
    { name: 'gateway hit', detail: 'autocannon -> isartor; the same body every time, answered from the in-memory L1a cache as SSE.', server: gateway, body: same },
  ];

  const scenarios: ScenarioResult[] = [];
  for (const step of plan) {
    const spec = { url: step.server.url, path: workload.path, method: workload.method, headers: workload.headers, body: step.body, connections: settings.connections };
    if (settings.warmupSec > 0) await runLoad({ ...spec, durationSec: settings.warmupSec });
    const meter = cpuMeter({ server: step.server.pid, upstream: upstream.pid, loadGenerator: process.pid });
    const machineBefore = machineBusyMs();
    const result = await runLoad({ ...spec, durationSec: settings.durationSec });
    const cpu = meter();
    const machineAfter = machineBusyMs();
    // Machine-wide busy time the benchmark's own processes do not account for: other processes (and kernel work).
    const ours = (step.server === upstream ? 0 : (cpu.server ?? 0)) + (cpu.upstream ?? 0) + (cpu.loadGenerator ?? 0);
    const otherCores = machineBefore === undefined || machineAfter === undefined ? undefined : Math.max(0, machineAfter - machineBefore - ours) / (result.durationSec * 1000);
    const perRequest = (ms: number | undefined) => (ms === undefined || result.completed === 0 ? undefined : (ms * 1000) / result.completed);
    const cpuUsPerRequest = {
      server: step.server === upstream ? undefined : perRequest(cpu.server),
      upstream: perRequest(cpu.upstream),
      loadGenerator: perRequest(cpu.loadGenerator),
    };
    const busy = (ms: number | undefined) => (ms === undefined ? undefined : ms / (result.durationSec * 1000));
    const cores = { server: step.server === upstream ? undefined : busy(cpu.server), upstream: busy(cpu.upstream), loadGenerator: busy(cpu.loadGenerator) };
    scenarios.push({ name: step.name, detail: step.detail, result, cpuUsPerRequest, cores, otherCores });
    console.log(
      `${step.name.padEnd(14)} ${summary(result)}  CPU µs/req (busy): server ${fmtUs(cpuUsPerRequest.server, cores.server)}, ` +
        `upstream ${fmtUs(cpuUsPerRequest.upstream, cores.upstream)}, load gen ${fmtUs(cpuUsPerRequest.loadGenerator, cores.loadGenerator)}; ` +
        `other ${otherCores === undefined ? '-' : otherCores.toFixed(2)} cores`,
    );
  }

  console.log('\nSampling gateway time per request (sequential, one connection)...');
  const hitOverhead = await sampleOverhead(gateway, workload, same, settings.hitSamples, 'hit');
  const missOverhead = await sampleOverhead(gateway, workload, unique, settings.missSamples, 'miss');
  // Still correct after all that load?
  await verify('gateway hit (after load)', gateway, workload, same(), { cache: 'hit', layer: 'l1a' });

  const otherPeak = Math.max(backgroundLoad ?? 0, ...scenarios.map((s) => s.otherCores ?? 0));
  const rps = (name: string) => scenarios.find((s) => s.name === name)!.result.rps;
  const report: Report = {
    date: new Date().toISOString(),
    machine: host,
    workload: {
      source: workload.source === 'synthetic' ? 'synthetic' : relative(repoRoot, workload.source),
      bodyBytes: workload.bodyBytes,
      tools: workload.tools,
      messages: workload.messages,
      replyWords: reply.split(/\s+/).length,
    },
    settings: { connections: settings.connections, durationSec: settings.durationSec, warmupSec: settings.warmupSec },
    scenarios,
    ratios: [
      { name: 'gateway miss rps / bare proxy rps', value: rps('gateway miss') / rps('bare proxy'), aim: '>= 0.8' },
      { name: 'gateway hit rps / direct rps', value: rps('gateway hit') / rps('direct') },
    ],
    overhead: [
      { name: 'L1a hit: whole request (read, parse, key, lookup, SSE replay)', ...hitOverhead },
      { name: 'L1a miss: until the upstream answers (read, parse, key, lookup, forward)', ...missOverhead },
    ],
    notes: [
      ...(otherPeak > 0.25
        ? [`**Warning**: CPU time not used by the benchmark's processes reached ${otherPeak.toFixed(2)} cores during this run (other processes or kernel work); the numbers are skewed.`]
        : []),
      `rps counts 2xx responses only; latency percentiles are autocannon's (2xx only, 1 ms resolution). Errors are socket errors, timeouts and non-2xx answers.`,
      `The server-side times come from the \`x-isartor-overhead-ms\` header of ${settings.hitSamples} sequential hits and ${settings.missSamples} sequential misses sent after the load runs; ` +
        'for a miss the header is written when the upstream starts answering, so it covers the gateway\'s work before forwarding, not the relay of the stream.',
      `The machine has ${host.cores} cores shared by the load generator, the fake upstream and the server under test, so absolute numbers are lower than on a bigger machine; the ratios are the point.`,
    ],
  };

  console.log(`\n${consoleReport(report)}`);
  const resultsDir = join(benchDir, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, 'latest.md');
  writeFileSync(file, markdownReport(report));
  console.log(`\nWrote ${relative(process.cwd(), file)}`);

  if (settings.profile) await profileMissPath(upstream, workload, unique);
}

function pickWorkload(): Workload {
  const captured = loadCapture(capturePath, upstreamKey);
  if (captured) return captured;
  console.log(
    `NOTICE: no capture at ${resolve(capturePath)}.\n` +
      '        Using a synthetic OpenClaw-like request of the same shape instead (~61 KB body, 12 tools, stream: true, stream_options.include_usage).\n' +
      '        Pass a capture with `npm run bench -- <file>` or BENCH_CAPTURE=<file>.',
  );
  return syntheticWorkload(upstreamKey);
}

async function verify(name: string, server: ChildServer, workload: Workload, body: Buffer, expect?: { cache: string; layer: string }): Promise<void> {
  const agent = keepAliveAgent();
  try {
    const answer = await send(server.url, workload.path, workload.method, workload.headers, body, agent);
    const problems = checkStream(answer, reply);
    if (expect) {
      if (answer.headers['x-isartor-cache'] !== expect.cache) problems.push(`x-isartor-cache is ${String(answer.headers['x-isartor-cache'])}, expected ${expect.cache}`);
      if (answer.headers['x-isartor-layer'] !== expect.layer) problems.push(`x-isartor-layer is ${String(answer.headers['x-isartor-layer'])}, expected ${expect.layer}`);
    }
    if (problems.length > 0) throw new Error(`${name}: wrong answer:\n  - ${problems.join('\n  - ')}`);
    console.log(`  ok  ${name.padEnd(26)} ${answer.status}, ${answer.body.length} B of SSE ending in [DONE], ${answer.ms.toFixed(1)} ms${expect ? `, ${expect.layer} ${expect.cache}` : ''}`);
  } finally {
    agent.destroy();
  }
}

async function sampleOverhead(gateway: ChildServer, workload: Workload, body: () => Buffer, count: number, expectCache: 'hit' | 'miss'): Promise<{ server: Sample; client: Sample }> {
  const agent = keepAliveAgent();
  const server: number[] = [];
  const client: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const answer = await send(gateway.url, workload.path, workload.method, workload.headers, body(), agent);
      if (answer.status !== 200 || answer.headers['x-isartor-cache'] !== expectCache) {
        throw new Error(`overhead sample ${i}: status ${answer.status}, x-isartor-cache ${String(answer.headers['x-isartor-cache'])} (expected ${expectCache})`);
      }
      server.push(Number(answer.headers['x-isartor-overhead-ms']));
      client.push(answer.ms);
    }
  } finally {
    agent.destroy();
  }
  return { server: stats(server), client: stats(client) };
}

function stats(values: number[]): Sample {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
}

const fmtUs = (n: number | undefined, cores: number | undefined): string =>
  n === undefined ? '-' : `${n.toFixed(0)}${cores === undefined ? '' : ` (${(cores * 100).toFixed(0)}%)`}`;

function summary(r: LoadResult): string {
  const bad = r.errors + r.non2xx;
  return `${r.rps.toFixed(0).padStart(6)} rps  p50 ${r.p50} ms  p99 ${r.p99} ms  ${r.completed} requests${bad ? `  ${bad} errors/non-2xx ${JSON.stringify(r.statusCodes)}` : ''}`;
}

/** BENCH_PROFILE=1: a separate gateway under `--cpu-prof`, loaded with misses only, then its hottest functions. */
async function profileMissPath(upstream: ChildServer, workload: Workload, unique: () => Buffer): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'isartor-bench-prof-'));
  const keep = process.env.BENCH_KEEP_PROFILE === '1';
  console.log(`\nProfiling the gateway's miss path (${settings.durationSec} s under --cpu-prof)...`);
  const gateway = await spawnServer('gateway-prof', 'gateway-child.ts', {
    args: [`${upstream.url}/v1`],
    env: { BENCH_UPSTREAM_KEY: upstreamKey },
    nodeFlags: ['--cpu-prof', '--cpu-prof-dir', dir],
  });
  const result = await runLoad({ url: gateway.url, path: workload.path, method: workload.method, headers: workload.headers, body: unique, connections: settings.connections, durationSec: settings.durationSec });
  console.log(`gateway-prof   ${summary(result)} (under the profiler)`);
  await gateway.stop(); // the profile is written when the child exits
  const { file, totalMs, top } = topSelfTime(dir, repoRoot, 20);
  console.log(`Top self time of ${(totalMs / 1000).toFixed(1)} s sampled${keep ? ` (${file})` : ' (BENCH_KEEP_PROFILE=1 keeps the .cpuprofile)'}:`);
  for (const t of top) console.log(`  ${t.percent.toFixed(1).padStart(5)}%  ${t.selfMs.toFixed(0).padStart(6)} ms  ${t.name}  ${t.where}`);
  if (!keep) rmSync(dir, { recursive: true, force: true });
}

try {
  await main();
} catch (error) {
  process.exitCode = 1;
  console.error(`\nBenchmark failed: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await stopAll();
  clearTimeout(watchdog);
}
