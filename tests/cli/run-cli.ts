// Helpers for driving the built `isartor` CLI (dist/cli/index.js) as a user would: a real child
// process, its own temp ISARTOR_HOME, no TTY. Run `npm run build` before these tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { isProcessAlive } from '../../source/daemon/pid-file.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const cliPath = join(repoRoot, 'dist', 'cli', 'index.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** The ISARTOR_HOME the command runs with; required so no test ever touches a shared one. */
  home: string;
  /** Written to stdin, which is then closed. Without it stdin is closed empty. */
  input?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Working directory (default: the repository). */
  cwd?: string;
}

function cliEnv(options: CliOptions): NodeJS.ProcessEnv {
  // CODEX_HOME too: `connect status` reads Codex's config, which must never be the real one.
  const env: NodeJS.ProcessEnv = { ...process.env, ISARTOR_HOME: options.home, CODEX_HOME: join(options.home, 'codex-home'), CI: 'true', NO_COLOR: '1', ...options.env };
  if (!options.env?.ISARTOR_GATEWAY_API_KEY) delete env.ISARTOR_GATEWAY_API_KEY;
  // `connect status` reads Claude Code's settings: never the real ~/.claude, unless a test picks a HOME.
  if (!options.env?.HOME && !options.env?.CLAUDE_CONFIG_DIR) env.CLAUDE_CONFIG_DIR = join(options.home, 'claude-config');
  return env;
}

const children = new Set<ChildProcess>();

/** Starts the CLI without waiting for it (e.g. a foreground `up`); killed by cleanupTempHomes(). */
export function spawnCli(args: string[], options: CliOptions): ChildProcess {
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: cliEnv(options),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.stdin?.end(options.input ?? '');
  return child;
}

/** Runs the CLI to completion. */
export function runCli(args: string[], options: CliOptions): Promise<CliResult> {
  const child = spawnCli(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    // Generous: on a loaded 2-core machine one start of node and the CLI's imports can take seconds.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`isartor ${args.join(' ')} did not finish in time.\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 40_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Collects a child's stdout and resolves once it contains `text`. */
export function waitForOutput(child: ChildProcess, text: string | RegExp, timeoutMs = 40_000): Promise<string> {
  let seen = '';
  return new Promise((resolve, reject) => {
    const matches = () => (typeof text === 'string' ? seen.includes(text) : text.test(seen));
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      if (matches()) done(() => resolve(seen));
    };
    const onExit = (code: number | null) => done(() => reject(new Error(`exited (${code}) before printing ${text}: ${seen}`)));
    const timer = setTimeout(() => done(() => reject(new Error(`no ${text} in output: ${seen}`))), timeoutMs);
    const done = (finish: () => void) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      finish();
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

const homes = new Set<string>();

export function makeTempHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'isartor-cli-test-'));
  homes.add(home);
  return home;
}

export interface PidRecord {
  pid: number;
  url: string;
  port: number;
}

export function readPidFile(home: string): PidRecord | undefined {
  const file = join(home, 'gateway.pid.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as PidRecord) : undefined;
}

function runsOurCli(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(cliPath);
  } catch {
    return false;
  }
}

/** Stops whatever a test left running (children, detached gateways), then deletes the temp homes. */
export async function cleanupTempHomes(): Promise<void> {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  for (const home of homes) {
    const record = readPidFile(home);
    if (record && isProcessAlive(record.pid) && runsOurCli(record.pid)) {
      process.kill(record.pid, 'SIGTERM');
      // (Gone once it exited, as `down` sees it: init may reap a detached gateway a second or more later.)
      for (let i = 0; i < 50 && isProcessAlive(record.pid); i++) await sleep(100);
      if (isProcessAlive(record.pid)) process.kill(record.pid, 'SIGKILL');
    }
    rmSync(home, { recursive: true, force: true });
  }
  homes.clear();
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request on a fresh connection (no pooling, so restarts on the same port are clean). */
export function httpRequest(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end(options.body);
  });
}

/** A chat completion request to an isartor gateway. */
export function chat(gatewayUrl: string, content: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return httpRequest(`${gatewayUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content }] }),
  });
}
