// The built `isartor-setup` bin without a terminal: it must explain itself or run from flags, never hang.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { cleanupTempHomes, freePort, makeTempHome, readPidFile, repoRoot, type CliResult } from '../cli/run-cli.js';

const setupPath = join(repoRoot, 'dist', 'setup', 'index.js');

function runSetup(args: string[], home: string, env: Record<string, string> = {}): Promise<CliResult> {
  const child = spawn(process.execPath, [setupPath, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ISARTOR_HOME: home, CI: 'true', NO_COLOR: '1', OPENCLAW_STATE_DIR: join(home, 'no-openclaw'), ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end();
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`isartor-setup ${args.join(' ')} hung.\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, 20_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const key = 'sk-upstream-key-0123456789';
let fake: FakeUpstream;
let home: string;
beforeEach(async () => {
  fake = await startFakeUpstream({ apiKey: key });
  home = makeTempHome();
});
afterEach(async () => {
  await cleanupTempHomes();
  await fake.close();
});

describe('isartor-setup without a terminal', () => {
  it('explains itself and exits instead of waiting for key presses', async () => {
    const { code, stdout } = await runSetup([], home);
    expect(code).toBe(2);
    expect(stdout).toContain('The setup wizard is interactive, but CI is set');
    expect(stdout).toContain('--provider groq --key-env GROQ_API_KEY');
    expect(stdout).toContain('Without --yes, openclaw.json is not written');
  });

  it('--help documents every flag', async () => {
    const { code, stdout } = await runSetup(['--help'], home);
    expect(code).toBe(0);
    for (const flag of ['--provider', '--key-env', '--model', '--base-url', '--port', '--config-path', '--no-openclaw', '--demo', '--yes']) expect(stdout).toContain(flag);
  });

  it('a wrong key stops at the check with the 401, the fix, and never the key', async () => {
    const { code, stdout, stderr } = await runSetup(['--provider', 'openai-compatible', '--base-url', fake.openaiBaseUrl, '--key-env', 'MY_KEY', '--no-openclaw'], home, { MY_KEY: 'sk-wrong-key-0123456789' });
    expect(code).toBe(1);
    expect(stdout).toContain('HTTP 401');
    expect(stdout).toContain('fix:');
    expect(stdout + stderr).not.toContain('sk-wrong-key-0123456789');
    expect(readPidFile(home)).toBeUndefined();
  });

  it('runs from flags: checks, saves, starts the gateway; prints the diff without --yes and writes it with --yes', async () => {
    const configPath = join(home, 'openclaw', 'openclaw.json');
    const original = '{\n  "agents": { "defaults": { "model": { "primary": "anthropic/claude-sonnet-4-5" } } }\n}\n';
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(home, 'openclaw'));
    writeFileSync(configPath, original);
    const port = await freePort();
    const args = ['--provider', 'openai-compatible', '--base-url', fake.openaiBaseUrl, '--key-env', 'MY_KEY', '--model', 'fake-model', '--port', String(port), '--config-path', configPath];
    const dry = await runSetup(args, home, { MY_KEY: key });
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('answered HTTP 200');
    expect(dry.stdout).toContain(`Gateway running at http://127.0.0.1:${port}`);
    expect(dry.stdout).toContain('+      "isartor": {');
    expect(dry.stdout).toContain('Not written: re-run with --yes');
    expect(dry.stdout).not.toContain(key);
    expect(readFileSync(configPath, 'utf8')).toBe(original);
    expect(readPidFile(home)?.port).toBe(port);

    const applied = await runSetup([...args, '--yes'], home, { MY_KEY: key });
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('Reusing the gateway already running');
    expect(applied.stdout).toContain(`backup    ${configPath}.isartor-backup`);
    expect(readFileSync(configPath, 'utf8')).toContain('"primary": "isartor/fake-model"');
    expect(existsSync(`${configPath}.isartor-backup`)).toBe(true);
    const config = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8')) as { provider: string; providers: Record<string, { apiKey: string; model: string }> };
    expect(config.provider).toBe('openai-compatible');
    expect(config.providers['openai-compatible']).toMatchObject({ apiKey: key, model: 'fake-model' });
  });

  it('a taken port is refused with the next free one to use', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const { code, stderr } = await runSetup(['--provider', 'openai-compatible', '--base-url', fake.openaiBaseUrl, '--key-env', 'MY_KEY', '--model', 'fake-model', '--port', String(port), '--no-openclaw'], home, { MY_KEY: key });
      expect(code).toBe(1);
      expect(stderr).toContain(`Port ${port} is already in use`);
      expect(stderr).toMatch(/re-run with --port \d+/);
    } finally {
      blocker.close();
    }
  });

  it("--demo runs the demo gateway, sends the dashboard's probe cycle (l3, l1a, l1b, and l3 for the near-miss) and stops it", async () => {
    const { code, stdout } = await runSetup(['--demo'], home);
    expect(code).toBe(0);
    expect(stdout).toMatch(/the same question\s+HTTP 200\s+l3 \(the provider\)/);
    expect(stdout).toMatch(/the same again\s+HTTP 200\s+l1a \(exact cache\)/);
    expect(stdout).toMatch(/reworded\s+HTTP 200\s+l1b \(near-duplicate cache\)/);
    expect(stdout).toMatch(/a near-miss\s+HTTP 200\s+l3 \(the provider\)/);
    expect(stdout).toContain('Demo gateway stopped.');
  });
});
