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
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { agentSession } from './agent-session.js';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { cpuMeter, machineBusyMs, machineLoad } from './cpu.js';
import { checkStream, keepAliveAgent, percentile, runLoad, send, type LoadResult } from './load.js';
import { topSelfTime } from './profile.js';
import { machine, type Sample, type ScenarioResult } from './report.js';
import { benchDir, benchReply as reply, benchUpstreamKey as upstreamKey, killAllNow, repoRoot, runBenchmark, spawnFakeUpstream, spawnGateway, spawnServer, stopAll, type ChildServer } from './servers.js';
import { loadCapture, syntheticWorkload, tokenSource, type Workload } from './workload.js';

const settings = {
  connections: [8, 32],
  durationSec: boundedInt('BENCH_DURATION', 3, 1, 30),
  warmupSec: boundedInt('BENCH_WARMUP', 1, 0, 10),
  rounds: boundedInt('BENCH_ROUNDS', 3, 1, 9),
  sessionTurns: boundedInt('BENCH_SESSION_TURNS', 12, 2, 40),
  hitSamples: boundedInt('BENCH_HIT_SAMPLES', 300, 10, 5_000),
  missSamples: 100,
  profile: process.env.BENCH_PROFILE === '1',
};
const gatewayMarks = join(mkdtempSync(join(tmpdir(), 'isartor-bench-marks-')), 'marks');
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
const budgetMs = (settings.rounds * 16 * (settings.durationSec + settings.warmupSec) + (settings.profile ? 30 : 0) + 180) * 1000;
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
  console.log(`Load: ${settings.connections.join(' and ')} connections, stream and JSON, ${settings.warmupSec} s warm-up + ${settings.durationSec} s per scenario, ${settings.rounds} interleaved rounds`);
  const backgroundLoad = await machineLoad(1_000);
  if (backgroundLoad !== undefined) {
    console.log(`Background load before start: ${backgroundLoad.toFixed(2)} of ${host.cores} cores busy`);
    if (backgroundLoad > 0.25) console.log('WARNING: the machine is not idle; other processes will skew the results.');
  }
  console.log('');

  const upstream = await spawnFakeUpstream();
  const [proxy, gateway] = await Promise.all([spawnServer('bare-proxy', 'bare-proxy.ts', { args: [upstream.url] }), spawnGateway('gateway', upstream, { env: { BENCH_PROFILE_MARKS: gatewayMarks } })]);
  for (const s of [upstream, proxy, gateway]) console.log(`${s.name.padEnd(14)} ${s.url}  (pid ${s.pid})`);

  const tokens = tokenSource();
  const unique = () => workload.body(tokens.unique());
  const same = () => workload.body(tokens.fixed);
  // JSON bodies from a template too: re-serialising 59 KB per request would load the load generator, not the servers.
  const marker = tokens.unique();
  const jsonTemplate = withoutStream(workload.body(marker));
  const markerAt = jsonTemplate.indexOf(marker, 0, 'latin1');
  const uniqueJson = (): Buffer => {
    const copy = Buffer.from(jsonTemplate);
    copy.write(tokens.unique(), markerAt, 'latin1');
    return copy;
  };
  const sameJsonBody = withoutStream(same());
  const sameJson = (): Buffer => sameJsonBody;

  // Correctness first: one checked request per scenario before any load.
  console.log('\nChecking answers...');
  await verify('direct', upstream, workload, unique());
  await verify('bare proxy', proxy, workload, unique());
  await verify('gateway miss', gateway, workload, unique(), { cache: 'miss', layer: 'l3' });
  await verify('gateway hit (priming)', gateway, workload, same(), { cache: 'miss', layer: 'l3' });
  await verify('gateway hit', gateway, workload, same(), { cache: 'hit', layer: 'l1a' });

  const scenarioDetails: Record<string, string> = {
    direct: 'autocannon -> fake upstream; every body unique.',
    'bare proxy': 'autocannon -> bare node:http keep-alive pass-through proxy (bench/bare-proxy.ts) -> fake upstream; every body unique.',
    'gateway miss': 'autocannon -> isartor (every layer on: L1a with its file, L1b, L2.5, request records to a file) -> fake upstream; every body unique (a token in the last user message), so each request is parsed, keyed, missed in L1a and L1b, trimmed, streamed through and stored.',
    'gateway hit': 'autocannon -> isartor; the same body every time, answered from the in-memory L1a cache.',
  };
  const servers: Record<string, ChildServer> = { direct: upstream, 'bare proxy': proxy, 'gateway miss': gateway, 'gateway hit': gateway };
  const cells = (['stream', 'json'] as const).flatMap((mode) => settings.connections.map((connections) => ({ mode, connections })));
  const runs = new Map<string, ScenarioResult[]>();
  // Rounds interleaved: every scenario of every cell once per round, so a change in background load hits all alike.
  for (let round = 1; round <= settings.rounds; round++) {
    console.log(`\nRound ${round} of ${settings.rounds}`);
    for (const cell of cells) {
      for (const name of Object.keys(scenarioDetails)) {
        const server = servers[name]!;
        const body = name === 'gateway hit' ? (cell.mode === 'stream' ? same : sameJson) : cell.mode === 'stream' ? unique : uniqueJson;
        const spec = { url: server.url, path: workload.path, method: workload.method, headers: workload.headers, body, connections: cell.connections };
        if (settings.warmupSec > 0) await runLoad({ ...spec, durationSec: settings.warmupSec });
        const meter = cpuMeter({ server: server.pid, upstream: upstream.pid, loadGenerator: process.pid });
        const machineBefore = machineBusyMs();
        const result = await runLoad({ ...spec, durationSec: settings.durationSec });
        const cpu = meter();
        const machineAfter = machineBusyMs();
        const ours = (server === upstream ? 0 : (cpu.server ?? 0)) + (cpu.upstream ?? 0) + (cpu.loadGenerator ?? 0);
        const otherCores = machineBefore === undefined || machineAfter === undefined ? undefined : Math.max(0, machineAfter - machineBefore - ours) / (result.durationSec * 1000);
        const perRequest = (ms: number | undefined) => (ms === undefined || result.completed === 0 ? undefined : (ms * 1000) / result.completed);
        const busy = (ms: number | undefined) => (ms === undefined ? undefined : ms / (result.durationSec * 1000));
        const scenario: ScenarioResult = {
          name,
          detail: scenarioDetails[name]!,
          result,
          cpuUsPerRequest: { server: server === upstream ? undefined : perRequest(cpu.server), upstream: perRequest(cpu.upstream), loadGenerator: perRequest(cpu.loadGenerator) },
          cores: { server: server === upstream ? undefined : busy(cpu.server), upstream: busy(cpu.upstream), loadGenerator: busy(cpu.loadGenerator) },
          otherCores,
        };
        const key = `${cell.mode}|${cell.connections}|${name}`;
        runs.set(key, [...(runs.get(key) ?? []), scenario]);
        console.log(`  ${cell.mode.padEnd(6)} c=${String(cell.connections).padEnd(3)} ${name.padEnd(13)} ${summary(result)}  CPU µs/req server ${fmtUs(scenario.cpuUsPerRequest.server, scenario.cores.server)}; other ${otherCores === undefined ? '-' : otherCores.toFixed(2)} cores`);
      }
    }
  }

  console.log('\nAgent session through L1b and L2.5 (sequential; three sessions, each new to the gateway)...');
  const sessions: SessionResult[] = [];
  for (let run = 0; run < 3; run++) {
    const one = await runSession(gateway, workload);
    sessions.push(one);
    console.log(`  ${one.requests} requests of ${one.minKB.toFixed(0)}-${one.maxKB.toFixed(0)} KB: p50 ${one.p50.toFixed(1)} ms, max ${one.max.toFixed(1)} ms per request; gateway event-loop delay p99 ${one.eldP99} ms (max ${one.eldMax} ms); L2.5 trimmed ${one.trimmed} of them`);
  }
  // The median session by its event-loop p99 (one session's p99 is about its two longest stalls, which a busy machine moves).
  const session = [...sessions].sort((a, b) => Number(a.eldP99) - Number(b.eldP99))[1]!;
  const eldP99s = sessions.map((one) => one.eldP99).join(', ');

  console.log('\nSampling gateway time per request (sequential, one connection)...');
  const hitOverhead = await sampleOverhead(gateway, workload, same, settings.hitSamples, 'hit');
  const missOverhead = await sampleOverhead(gateway, workload, unique, settings.missSamples, 'miss');
  // Still correct after all that load?
  await verify('gateway hit (after load)', gateway, workload, same(), { cache: 'hit', layer: 'l1a' });

  const median = (key: string, pick: (s: ScenarioResult) => number | undefined): number => {
    const values = (runs.get(key) ?? []).map(pick).filter((v): v is number => v !== undefined).sort((a, b) => a - b);
    return values[values.length >> 1] ?? Number.NaN;
  };
  const rows: string[] = [];
  const ratios: string[] = [];
  for (const cell of cells) {
    const at = (name: string) => `${cell.mode}|${cell.connections}|${name}`;
    for (const name of Object.keys(scenarioDetails)) {
      rows.push(
        `| ${cell.mode === 'stream' ? 'stream' : 'JSON'} | ${cell.connections} | ${name} | ${median(at(name), (s) => s.result.rps).toFixed(0)} | ${median(at(name), (s) => s.result.p50)} | ${median(at(name), (s) => s.result.p99)} | ` +
          `${fmtOr(median(at(name), (s) => s.cpuUsPerRequest.server))} | ${fmtOr(median(at(name), (s) => s.cpuUsPerRequest.upstream))} | ${fmtOr(median(at(name), (s) => s.cpuUsPerRequest.loadGenerator))} | ${(runs.get(at(name)) ?? []).reduce((n, s) => n + s.result.errors + s.result.non2xx, 0)} |`,
      );
    }
    const miss = median(at('gateway miss'), (s) => s.result.rps) / median(at('bare proxy'), (s) => s.result.rps);
    const hit = median(at('gateway hit'), (s) => s.result.rps) / median(at('direct'), (s) => s.result.rps);
    const cpu = median(at('gateway miss'), (s) => s.cpuUsPerRequest.server) / median(at('bare proxy'), (s) => s.cpuUsPerRequest.server);
    // The most any server could be asked here: autocannon runs in one thread, so it sends at most one core's
    // worth of its own work per hit request (a 59 KB body out, the answer read) per second.
    const ceiling = 1e6 / median(at('gateway hit'), (s) => s.cpuUsPerRequest.loadGenerator) / median(at('direct'), (s) => s.result.rps);
    ratios.push(
      `| ${cell.mode === 'stream' ? 'stream' : 'JSON'} | ${cell.connections} | **${miss.toFixed(2)}x** | ${cpu.toFixed(2)}x | **${hit.toFixed(2)}x** | ${ceiling.toFixed(2)}x | ${median(at('gateway hit'), (s) => s.result.p50)} / ${median(at('direct'), (s) => s.result.p50)} |`,
    );
  }
  const otherPeak = Math.max(backgroundLoad ?? 0, ...[...runs.values()].flat().map((s) => s.otherCores ?? 0));
  const markdown = [
    '# isartor gateway throughput',
    '',
    `Generated by \`npm run bench\` (bench/gateway-throughput.ts) on ${new Date().toISOString()}.`,
    '',
    `- Machine: ${host.cpu}, ${host.cores} cores, ${host.memoryGiB.toFixed(1)} GiB RAM, Node ${host.node} (${host.platform}); background load before the start: ${backgroundLoad?.toFixed(2) ?? '?'} of ${host.cores} cores busy, up to ${otherPeak.toFixed(2)} cores used by other processes during a run.`,
    `- Workload: ${workload.source === 'synthetic' ? 'synthetic OpenClaw-like request' : `captured OpenClaw agent turn (\`${relative(repoRoot, workload.source)}\`)`}: ${(workload.bodyBytes / 1024).toFixed(1)} KB body, ${workload.messages} messages, ${workload.tools} tools; "stream" sends it as captured (\`stream: true\` with usage), "JSON" without \`stream\`; the fake upstream answers ${reply.split(/\s+/).length} words.`,
    `- Load: autocannon, ${settings.warmupSec} s warm-up + ${settings.durationSec} s per scenario; ${settings.rounds} rounds, interleaved (every scenario of every row once per round); each figure is the median of the rounds. Load generator, fake upstream and server under test each run in their own process on 127.0.0.1.`,
    '',
    '| answer | connections | scenario | rps | p50 ms | p99 ms | CPU µs/req server | CPU µs/req upstream | CPU µs/req load generator | errors / non-2xx |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    '| answer | connections | miss rps / bare proxy rps (aim >= 0.8) | miss CPU / bare proxy CPU per request | hit rps / direct rps (aim >= 2) | ceiling: a server using no CPU / direct rps | hit p50 / direct p50 ms (aim: below) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...ratios,
    '',
    `Agent session (L1b and L2.5 at work): ${session.requests} sequential requests of one session, ${session.minKB.toFixed(0)} to ${session.maxKB.toFixed(0)} KB (tool outputs of 10 to 200 KB, the capture's system prompt and tools), streamed, three sessions one after another, the median by event-loop p99: **p50 ${session.p50.toFixed(1)} ms, max ${session.max.toFixed(1)} ms per request; gateway event-loop delay p99 ${session.eldP99} ms** (max ${session.eldMax} ms; aim p99 < 20 ms; the three sessions: ${eldP99s} ms); L2.5 trimmed ${session.trimmed} of the requests.`,
    '',
    '| gateway time per request (`x-isartor-overhead-ms`) | requests | p50 ms | p90 ms | p99 ms | max ms | client round trip p50 / p99 ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| L1a hit: whole request (read, parse, key, lookup, replay) | ${hitOverhead.server.count} | ${hitOverhead.server.p50.toFixed(3)} | ${hitOverhead.server.p90.toFixed(3)} | ${hitOverhead.server.p99.toFixed(3)} | ${hitOverhead.server.max.toFixed(3)} | ${hitOverhead.client.p50.toFixed(2)} / ${hitOverhead.client.p99.toFixed(2)} |`,
    `| L1a miss: until the upstream answers (read, parse, key, lookups, trim, forward) | ${missOverhead.server.count} | ${missOverhead.server.p50.toFixed(3)} | ${missOverhead.server.p90.toFixed(3)} | ${missOverhead.server.p99.toFixed(3)} | ${missOverhead.server.max.toFixed(3)} | ${missOverhead.client.p50.toFixed(2)} / ${missOverhead.client.p99.toFixed(2)} |`,
    '',
    ...Object.entries(scenarioDetails).map(([name, detail]) => `- **${name}**: ${detail}`),
    '- CPU µs/req: user + system CPU time of the process during the measured run (from /proc, 10 ms resolution) divided by the requests completed; on a loaded machine this is the steadier measure, rps moves with the load.',
    '- ceiling: autocannon runs in one thread, so no server can be sent more than 1 s / (the load generator\'s CPU per hit request) requests per second (less when the server needs the same cores); that rate divided by direct\'s rps bounds what "hit rps / direct rps" can reach in this setup.',
    '- rps counts 2xx responses only; latency percentiles are autocannon\'s (2xx only, 1 ms resolution).',
    ...(otherPeak > 0.25 ? [`- **Warning**: processes outside the benchmark used up to ${otherPeak.toFixed(2)} cores during this run; absolute numbers are skewed, the ratios less so (rounds are interleaved).`] : []),
  ].join('\n');
  const resultsDir = join(benchDir, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, 'latest.md');
  writeFileSync(file, `${markdown}\n`);
  console.log(`\n${ratios.join('\n')}\nWrote ${relative(process.cwd(), file)}`);

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
  console.log(`\nProfiling the gateway's miss path (8 s under --cpu-prof; npm run bench:budget gives the per-part budget)...`);
  const gateway = await spawnServer('gateway-prof', 'gateway-child.ts', {
    args: [`${upstream.url}/v1`],
    env: { BENCH_UPSTREAM_KEY: upstreamKey },
    nodeFlags: ['--cpu-prof', '--cpu-prof-dir', dir],
  });
  const result = await runLoad({ url: gateway.url, path: workload.path, method: workload.method, headers: workload.headers, body: unique, connections: 16, durationSec: 8 });
  console.log(`gateway-prof   ${summary(result)} (under the profiler)`);
  await gateway.stop(); // the profile is written when the child exits
  const { file, totalMs, top } = topSelfTime(dir, repoRoot, 20);
  console.log(`Top self time of ${(totalMs / 1000).toFixed(1)} s sampled${keep ? ` (${file})` : ' (BENCH_KEEP_PROFILE=1 keeps the .cpuprofile)'}:`);
  for (const t of top) console.log(`  ${t.percent.toFixed(1).padStart(5)}%  ${t.selfMs.toFixed(0).padStart(6)} ms  ${t.name}  ${t.where}`);
  if (!keep) rmSync(dir, { recursive: true, force: true });
}

const fmtOr = (n: number): string => (Number.isNaN(n) ? '-' : n.toFixed(0));

/** The same request without `stream` and `stream_options`: a JSON answer. */
function withoutStream(body: Buffer): Buffer {
  const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  delete parsed.stream;
  delete parsed.stream_options;
  return Buffer.from(JSON.stringify(parsed));
}

/** An agent session through the gateway, one request at a time, with the gateway's event-loop delay around it. */
interface SessionResult {
  requests: number;
  minKB: number;
  maxKB: number;
  p50: number;
  max: number;
  eldP99: string;
  eldMax: string;
  trimmed: number;
}

async function runSession(gateway: ChildServer & { marks?: string }, workload: Workload): Promise<SessionResult> {
  const sample = JSON.parse(workload.body(tokenSource().fixed).toString('utf8')) as { model: string; messages: Array<Record<string, unknown>>; tools?: unknown[] };
  const bodies = agentSession({ system: sample.messages.filter((m) => m.role === 'system'), tools: sample.tools ?? [], model: sample.model }, settings.sessionTurns);
  const agent = keepAliveAgent();
  const times: number[] = [];
  let trimmed = 0;
  process.kill(gateway.pid, 'SIGUSR2');
  try {
    for (const body of bodies) {
      const answer = await send(gateway.url, workload.path, workload.method, workload.headers, body, agent);
      if (answer.status !== 200) throw new Error(`agent session: status ${answer.status}`);
      times.push(answer.ms);
      if (Number(answer.headers['x-isartor-trimmed-tokens'] ?? 0) > 0) trimmed += 1;
    }
  } finally {
    agent.destroy();
  }
  process.kill(gateway.pid, 'SIGUSR2');
  await new Promise((resolve) => setTimeout(resolve, 200));
  const marks = readFileSync(gatewayMarks, 'utf8').trim().split('\n');
  const [, eldP99 = '?', eldMax = '?'] = (marks.at(-1) ?? '').split(' ');
  const sorted = [...times].sort((a, b) => a - b);
  return { requests: bodies.length, minKB: bodies[0]!.length / 1024, maxKB: bodies.at(-1)!.length / 1024, p50: percentile(sorted, 50), max: sorted.at(-1)!, eldP99, eldMax, trimmed };
}

await runBenchmark(main, () => clearTimeout(watchdog));
