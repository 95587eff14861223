// Stress benchmark (not a test): can slow, idle and many streaming clients starve the gateway?
//
//   npm run bench:stress
//
// For BENCH_STRESS_DURATION seconds (30), against a gateway in its own process in front of a fake
// provider that streams each answer word by word (BENCH_CHUNK_DELAY_MS apart, 10):
//   - BENCH_STREAMS streaming clients (200), each asking again as soon as its answer ended;
//   - BENCH_SLOW slow clients (20) sending their headers one byte every 500 ms (cut at headersTimeout);
//   - BENCH_IDLE idle connections (200) that never send a byte (cut by the first-request timeout);
//   - a /health probe every 50 ms.
// It prints errors, the gateway's RSS and open descriptors (from /proc), its event-loop delay p99 and
// max (isartor_nodejs_eventloop_lag_* in /metrics, from perf_hooks.monitorEventLoopDelay) and /health
// latency, each beside a baseline measured the same way with the gateway idle, in the same run.
import { request, Agent } from 'node:http';
import { connect, type Socket } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { gatewayNodeFlags } from '../source/daemon/start-detached.js';
import { percentile } from './load.js';
import { topSelfTime } from './profile.js';
import { repoRoot } from './servers.js';
import { killAllNow, spawnServer, stopAll } from './servers.js';

const int = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got "${process.env[name]}"`);
  return value;
};
const settings = {
  durationSec: int('BENCH_STRESS_DURATION', 30),
  streams: int('BENCH_STREAMS', 200),
  slow: int('BENCH_SLOW', 20),
  idle: int('BENCH_IDLE', 200),
  chunkDelayMs: int('BENCH_CHUNK_DELAY_MS', 10),
  baselineSec: 3,
};
const upstreamKey = 'bench-upstream-key';
const reply = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');

process.on('exit', killAllNow);
process.on('SIGINT', () => void stopAll().finally(() => process.exit(130)));

const upstream = await spawnServer('fake upstream', 'fake-upstream-child.ts', {
  env: { BENCH_UPSTREAM_KEY: upstreamKey, BENCH_REPLY: reply, BENCH_CHUNK_DELAY_MS: String(settings.chunkDelayMs) },
});
// BENCH_PROFILE_DIR=<dir>: the gateway runs under --cpu-prof, its profile written there (bench/profile.ts reads it).
const profileDir = process.env.BENCH_PROFILE_DIR;
const gateway = await spawnServer('gateway', 'gateway-child.ts', {
  nodeFlags: [...gatewayNodeFlags, ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [])],
  args: [`${upstream.url}/v1`],
  env: { BENCH_UPSTREAM_KEY: upstreamKey },
});
const target = new URL(gateway.url);

// ---------------------------------------------------------------------------------------
// Probes of the gateway process
// ---------------------------------------------------------------------------------------

function processSample(pid: number): { rssMb: number; fds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { rssMb: rssKb / 1024, fds: readdirSync(`/proc/${pid}/fd`).length };
}

const probeAgent = new Agent({ keepAlive: true, maxSockets: 1 });
function get(path: string, agent: Agent = probeAgent): Promise<{ status: number; body: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request({ host: target.hostname, port: target.port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - started }));
    });
    req.on('error', () => resolve({ status: 0, body: '', ms: performance.now() - started }));
    req.end();
  });
}

/** Event-loop delay since the previous scrape: prom-client resets its monitorEventLoopDelay histogram on each. */
async function loopDelay(): Promise<{ p99Ms: number; maxMs: number }> {
  const { body } = await get('/metrics');
  const read = (name: string): number => Number(new RegExp(`^isartor_nodejs_eventloop_lag_${name}_seconds (\\S+)`, 'm').exec(body)?.[1] ?? NaN) * 1000;
  return { p99Ms: read('p99'), maxMs: read('max') };
}

async function probeHealth(untilMs: number, every = 50): Promise<number[]> {
  const latencies: number[] = [];
  while (performance.now() < untilMs) {
    const { status, ms } = await get('/health');
    if (status === 200) latencies.push(ms);
    else latencies.push(Number.POSITIVE_INFINITY);
    await sleep(every);
  }
  return latencies.sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------
// Load
// ---------------------------------------------------------------------------------------

const errors = new Map<string, number>();
const fail = (what: string): void => {
  errors.set(what, (errors.get(what) ?? 0) + 1);
};
let streamsDone = 0;
let running = true;

async function streamingClient(id: number, agent: Agent): Promise<void> {
  for (let n = 0; running; n += 1) {
    const body = JSON.stringify({ model: 'fake-model', stream: true, messages: [{ role: 'user', content: `stress client ${id} question ${n}` }] });
    const outcome = await new Promise<string>((resolve) => {
      const req = request(
        { host: target.hostname, port: target.port, path: '/v1/chat/completions', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve(res.statusCode !== 200 ? `HTTP ${res.statusCode}` : text.endsWith('data: [DONE]\n\n') ? 'ok' : 'stream without [DONE]'));
          res.on('error', () => resolve('response error'));
        },
      );
      req.on('error', (error: NodeJS.ErrnoException) => resolve(`request error ${error.code ?? error.message}`));
      req.end(body);
    });
    if (outcome === 'ok') streamsDone += 1;
    else fail(outcome);
  }
}

/** Opens a connection and sends nothing; opens another when the gateway closes it. */
async function idleConnection(): Promise<number> {
  let cut = 0;
  while (running) {
    await new Promise<void>((resolve) => {
      const socket = connect(Number(target.port), target.hostname);
      socket.on('error', () => {});
      socket.on('close', () => resolve());
      const stop = setInterval(() => {
        if (!running) socket.destroy();
      }, 200);
      socket.once('close', () => clearInterval(stop));
    });
    if (running) cut += 1;
  }
  return cut;
}

/** Sends a request's headers one byte every 500 ms, as a slowloris client would. */
async function slowClient(): Promise<number> {
  let cut = 0;
  const head = `GET /health HTTP/1.1\r\nHost: ${target.host}\r\nX-Slow: ${'a'.repeat(200)}\r\n\r\n`;
  while (running) {
    await new Promise<void>((resolve) => {
      const socket: Socket = connect(Number(target.port), target.hostname);
      let i = 0;
      const timer = setInterval(() => {
        if (!running || socket.destroyed) return socket.destroy();
        socket.write(head[i++ % head.length]!);
      }, 500);
      socket.on('error', () => {});
      socket.on('close', () => {
        clearInterval(timer);
        resolve();
      });
    });
    if (running) cut += 1;
  }
  return cut;
}

// ---------------------------------------------------------------------------------------
// Run
// ---------------------------------------------------------------------------------------

console.log(`stress: ${settings.streams} streaming clients, ${settings.slow} slow, ${settings.idle} idle, ${settings.durationSec} s; answers of 40 words ${settings.chunkDelayMs} ms apart`);
// Warm-up: the first answers load the tokenizer and the NLP model (a one-off ~1 s), not part of the stress.
{
  running = true;
  const warm = new Agent({ keepAlive: true, maxSockets: 4 });
  const stopWarm = setTimeout(() => (running = false), 3_000);
  await Promise.all(Array.from({ length: 4 }, (_, i) => streamingClient(100_000 + i, warm)));
  clearTimeout(stopWarm);
  running = true;
  streamsDone = 0;
  errors.clear();
}
await loopDelay(); // resets the histogram
const baselineHealth = await probeHealth(performance.now() + settings.baselineSec * 1000);
const baselineLoop = await loopDelay();
const baselineProcess = processSample(gateway.pid);

const streamAgent = new Agent({ keepAlive: true, maxSockets: settings.streams });
const samples: Array<{ rssMb: number; fds: number }> = [];
const sampler = setInterval(() => samples.push(processSample(gateway.pid)), 1000);
const endAt = performance.now() + settings.durationSec * 1000;
const clients = [
  ...Array.from({ length: settings.streams }, (_, i) => streamingClient(i, streamAgent)),
];
const idleCuts = Array.from({ length: settings.idle }, () => idleConnection());
const slowCuts = Array.from({ length: settings.slow }, () => slowClient());
const health = await probeHealth(endAt);
const loadLoop = await loopDelay();
running = false;
clearInterval(sampler);
await Promise.all(clients);
const idleClosed = (await Promise.all(idleCuts)).reduce((a, b) => a + b, 0);
const slowClosed = (await Promise.all(slowCuts)).reduce((a, b) => a + b, 0);
const final = processSample(gateway.pid);

const max = (pick: (s: { rssMb: number; fds: number }) => number): number => Math.max(...samples.map(pick));
const row = (name: string, baseline: string, load: string): string => `  ${name.padEnd(30)} ${baseline.padStart(12)} ${load.padStart(12)}`;
console.log(row('', 'idle', 'under load'));
console.log(row('/health p50 (ms)', percentile(baselineHealth, 50).toFixed(1), percentile(health, 50).toFixed(1)));
console.log(row('/health p99 (ms)', percentile(baselineHealth, 99).toFixed(1), percentile(health, 99).toFixed(1)));
console.log(row('/health probes', String(baselineHealth.length), String(health.length)));
console.log(row('event-loop delay p99 (ms)', baselineLoop.p99Ms.toFixed(1), loadLoop.p99Ms.toFixed(1)));
console.log(row('event-loop delay max (ms)', baselineLoop.maxMs.toFixed(1), loadLoop.maxMs.toFixed(1)));
console.log(row('gateway RSS (MB), max', baselineProcess.rssMb.toFixed(0), max((s) => s.rssMb).toFixed(0)));
console.log(row('gateway open fds, max', String(baselineProcess.fds), String(max((s) => s.fds))));
console.log(`  streams completed: ${streamsDone} (${(streamsDone / settings.durationSec).toFixed(0)}/s); idle connections cut: ${idleClosed}; slow clients cut: ${slowClosed}`);
console.log(`  after: RSS ${final.rssMb.toFixed(0)} MB, ${final.fds} fds`);
console.log(errors.size === 0 ? '  errors: none' : `  errors: ${[...errors].map(([what, n]) => `${what} x${n}`).join(', ')}`);
await stopAll();
if (profileDir) {
  const { top } = topSelfTime(profileDir, repoRoot, 30);
  console.log('  gateway CPU, top self time:');
  for (const fn of top) console.log(`    ${fn.selfMs.toFixed(0).padStart(6)} ms ${fn.percent.toFixed(1).padStart(5)}%  ${fn.name}  ${fn.where}`);
}
process.exit(0);
