// The shared store's cost: the same gateway with its state embedded (in its process) and on Redis.
//
//   npm run bench:redis
//
// Needs redis-server on the PATH (.ci/run installs it); it runs a private one on a free port.
//   1. L1a hit latency: the same request, sequentially on one keep-alive connection, alternating between
//      the embedded gateway and the Redis one (a Redis hit is one GET round trip more);
//   2. miss-path throughput: every request unique (L1a and L1b miss and store, a record per request), under
//      load, alternating embedded / Redis / embedded / Redis and averaged, so drift hits both alike.
// Prints a table and the ratios; writes bench/results/redis.md. Timings are only comparable inside one run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { startTestRedis, type TestRedis } from '../tests/support/redis-server.js';
import { machine } from './report.js';
import { keepAliveAgent, percentile, runLoad, send, type LoadResult } from './load.js';
import { benchDir, benchUpstreamKey as upstreamKey, killAllNow, repoRoot, runBenchmark, spawnFakeUpstream, spawnGateway, type ChildServer } from './servers.js';
import { loadCapture, syntheticWorkload, tokenSource, type Workload } from './workload.js';

const hitSamples = Number(process.env.BENCH_HIT_SAMPLES ?? 1000);
const durationSec = Number(process.env.BENCH_DURATION ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const capturePath = process.argv[2] ?? process.env.BENCH_CAPTURE ?? join(repoRoot, '..', 'shared', 'data', 'openclaw-captures', 'openai-completions-agent-turn.json');

process.on('exit', killAllNow);
let redis: TestRedis | undefined;

interface Sample {
  p50: number;
  p90: number;
  p99: number;
}

async function main(): Promise<void> {
  const host = machine();
  console.log(`Machine: ${host.cpu}, ${host.cores} cores, Node ${host.node}`);
  const workload = loadCapture(capturePath, upstreamKey) ?? syntheticWorkload(upstreamKey);
  console.log(`Workload: ${workload.source === 'synthetic' ? 'synthetic' : relative(process.cwd(), resolve(workload.source))}, ${(workload.bodyBytes / 1024).toFixed(1)} KB body`);
  redis = await startTestRedis();
  const upstream = await spawnFakeUpstream();
  const [embedded, shared] = await Promise.all([
    spawnGateway('embedded', upstream, { startTimeoutMs: 90_000 }),
    spawnGateway('redis', upstream, { env: { BENCH_REDIS_URL: redis.url }, startTimeoutMs: 90_000 }),
  ]);
  const tokens = tokenSource();
  const unique = () => workload.body(tokens.unique());
  const same = () => workload.body(tokens.fixed);

  // Prime both with the hit's answer (each its own: the Redis one stores it in Redis).
  for (const gateway of [embedded, shared]) {
    const primed = await send(gateway.url, workload.path, workload.method, workload.headers, same(), keepAliveAgent());
    if (primed.status !== 200) throw new Error(`${gateway.name}: priming answered ${primed.status}`);
  }

  console.log(`\nL1a hits: ${hitSamples} each, sequential, alternating...`);
  const hits = await sampleHits([embedded, shared], workload, same);

  console.log(`Miss path: ${connections} connections, ${durationSec} s per run, embedded/redis/embedded/redis...`);
  const misses: Record<string, LoadResult[]> = { embedded: [], redis: [] };
  for (const gateway of [embedded, shared, embedded, shared]) {
    const spec = { url: gateway.url, path: workload.path, method: workload.method, headers: workload.headers, body: unique, connections };
    await runLoad({ ...spec, durationSec: 1 });
    const result = await runLoad({ ...spec, durationSec });
    if (result.non2xx + result.errors > 0) throw new Error(`${gateway.name}: ${result.non2xx + result.errors} failed requests under load`);
    misses[gateway.name]!.push(result);
    console.log(`  ${gateway.name.padEnd(9)} ${result.rps.toFixed(0)} rps, p50 ${result.p50} ms, p99 ${result.p99} ms`);
  }
  const rps = (name: string) => misses[name]!.reduce((sum, r) => sum + r.rps, 0) / misses[name]!.length;

  const rows = [
    ['L1a hit, client time p50 / p90 / p99 (ms)', fmt(hits.embedded!.client), fmt(hits.redis!.client), (hits.redis!.client.p50 / hits.embedded!.client.p50).toFixed(2)],
    ['L1a hit, gateway overhead p50 / p90 / p99 (ms)', fmt(hits.embedded!.server), fmt(hits.redis!.server), (hits.redis!.server.p50 / hits.embedded!.server.p50).toFixed(2)],
    ['miss path throughput (rps, mean of 2 runs)', rps('embedded').toFixed(0), rps('redis').toFixed(0), (rps('redis') / rps('embedded')).toFixed(2)],
  ];
  const table = ['| measure | embedded | redis | redis / embedded |', '|---|---|---|---|', ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
  console.log(`\n${table}\n`);
  const aims = [
    `Redis-served hit p50 (client): ${hits.redis!.client.p50.toFixed(2)} ms (aim < 2 ms): ${hits.redis!.client.p50 < 2 ? 'met' : 'NOT met'}`,
    `Miss path with Redis: ${((rps('redis') / rps('embedded')) * 100).toFixed(0)} % of embedded (aim >= 90 %): ${rps('redis') / rps('embedded') >= 0.9 ? 'met' : 'NOT met'}`,
  ];
  for (const line of aims) console.log(line);
  const report = [
    '# Shared store (Redis) vs embedded',
    '',
    `${new Date().toISOString()}, ${host.cpu}, ${host.cores} cores, Node ${host.node}; \`npm run bench:redis\`.`,
    `Workload: ${workload.source === 'synthetic' ? 'synthetic OpenClaw-like request' : relative(repoRoot, resolve(workload.source))}, ${(workload.bodyBytes / 1024).toFixed(1)} KB body, streamed answer.`,
    `Hits: ${hitSamples} sequential requests per gateway on one keep-alive connection, alternating. Misses: autocannon, ${connections} connections, ${durationSec} s, two runs each, alternating.`,
    'Redis: a local redis-server 7 on loopback, append-only persistence on.',
    '',
    table,
    '',
    ...aims.map((line) => `- ${line}`),
    '',
  ].join('\n');
  mkdirSync(join(benchDir, 'results'), { recursive: true });
  writeFileSync(join(benchDir, 'results', 'redis.md'), report);
  console.log(`Wrote ${relative(process.cwd(), join(benchDir, 'results', 'redis.md'))}`);
}

async function sampleHits(gateways: ChildServer[], workload: Workload, body: () => Buffer): Promise<Record<string, { client: Sample; server: Sample }>> {
  const agents = gateways.map(() => keepAliveAgent());
  const client = gateways.map((): number[] => []);
  const server = gateways.map((): number[] => []);
  for (let i = 0; i < hitSamples + 50; i++) {
    for (const [n, gateway] of gateways.entries()) {
      const answer = await send(gateway.url, workload.path, workload.method, workload.headers, body(), agents[n]!);
      if (answer.status !== 200 || answer.headers['x-isartor-layer'] !== 'l1a') throw new Error(`${gateway.name}: hit ${i} answered ${answer.status} from ${String(answer.headers['x-isartor-layer'])}`);
      // The first 50 warm up both.
      if (i < 50) continue;
      client[n]!.push(answer.ms);
      server[n]!.push(Number(answer.headers['x-isartor-overhead-ms']));
    }
  }
  for (const agent of agents) agent.destroy();
  return Object.fromEntries(gateways.map((gateway, n) => [gateway.name, { client: sample(client[n]!), server: sample(server[n]!) }]));
}

function sample(values: number[]): Sample {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99) };
}

const fmt = (s: Sample): string => `${s.p50.toFixed(2)} / ${s.p90.toFixed(2)} / ${s.p99.toFixed(2)}`;

await runBenchmark(main, () => redis?.close());
