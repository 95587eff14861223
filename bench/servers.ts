// Starts the servers under test, each in its own Node process (`node --import tsx <file>`), so the
// load generator in this process never shares an event loop with what it measures.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { gatewayNodeFlags } from '../source/daemon/start-detached.js';

export const benchDir = dirname(fileURLToPath(import.meta.url));
export const repoRoot = dirname(benchDir);

export interface ChildServer {
  name: string;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

export interface SpawnOptions {
  args?: string[];
  env?: Record<string, string>;
  /** Extra node flags, e.g. ['--cpu-prof', '--cpu-prof-dir', dir]. */
  nodeFlags?: string[];
  startTimeoutMs?: number;
}

/** Spawns `bench/<script>` and resolves once it prints its URL. */
export async function spawnServer(name: string, script: string, options: SpawnOptions = {}): Promise<ChildServer> {
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), '--import', 'tsx', join(benchDir, script), ...(options.args ?? [])], {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
    // stdin stays open: the child exits when it closes, i.e. when this process goes away.
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  child.stderr!.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) process.stderr.write(`  [${name}] ${line}\n`);
  });

  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not print its URL within ${options.startTimeoutMs ?? 20_000} ms`)), options.startTimeoutMs ?? 20_000);
    lines.on('line', (line) => {
      if (/^https?:\/\//.test(line.trim())) {
        clearTimeout(timer);
        resolve(line.trim());
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before it was ready (code ${code}, signal ${signal})`));
    });
  }).catch(async (error: unknown) => {
    await stopChild(child);
    throw error;
  });

  return { name, url, pid: child.pid!, stop: () => stopChild(child) };
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
async function stopChild(child: ChildProcess, graceMs = 3_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Stops every child this process started that is still running. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((child) => stopChild(child)));
}

/** Synchronous last resort for process 'exit': SIGKILL whatever is left, by pid. */
export function killAllNow(): void {
  for (const child of running) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** The key the benchmarks' fake upstream wants; their workloads and gateways send it. */
export const benchUpstreamKey = 'bench-upstream-key';
/** What the fake upstream answers: a short agent greeting, about as long as a first turn's answer. */
export const benchReply =
  'Hi! I am your OpenClaw assistant, running in this workspace. Tell me what you want to build, fix or look up, and I will get started right away.';

/** The fake upstream (bench/fake-upstream-child.ts) answering benchReply. */
export function spawnFakeUpstream(): Promise<ChildServer> {
  return spawnServer('fake-upstream', 'fake-upstream-child.ts', { env: { BENCH_UPSTREAM_KEY: benchUpstreamKey, BENCH_REPLY: benchReply } });
}

/** A gateway (bench/gateway-child.ts) in front of `upstream`, with the Node flags a detached `isartor up` runs with. */
export function spawnGateway(name: string, upstream: ChildServer, options: Omit<SpawnOptions, 'args' | 'nodeFlags'> = {}): Promise<ChildServer> {
  return spawnServer(name, 'gateway-child.ts', { ...options, nodeFlags: gatewayNodeFlags, args: [`${upstream.url}/v1`], env: { BENCH_UPSTREAM_KEY: benchUpstreamKey, ...options.env } });
}

/** Runs a benchmark's main: a failure is one line and exit code 1, and the servers stop whatever happens, then `cleanup`. */
export async function runBenchmark(main: () => Promise<void>, cleanup?: () => unknown): Promise<void> {
  try {
    await main();
  } catch (error) {
    process.exitCode = 1;
    console.error(`\nBenchmark failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await stopAll();
    await cleanup?.();
  }
}
