// `isartor service install` as a user runs it: the unit names the built bin and the state dir. Where a user
// systemd answers, it also really starts the gateway; elsewhere (containers) that part is skipped, saying why.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanupTempHomes, cliPath, freePort, httpRequest, makeTempHome, runCli } from './run-cli.js';

function userSystemdRuns(): boolean {
  try {
    const state = execFileSync('systemctl', ['--user', 'is-system-running'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return state === 'running' || state === 'degraded';
  } catch (error) {
    const stdout = String((error as { stdout?: unknown }).stdout ?? '').trim();
    return stdout === 'degraded';
  }
}
const realSystemd = process.platform === 'linux' && userSystemdRuns();
if (!realSystemd) console.log('service.test: no user systemd here (systemctl --user is not running): the real start is skipped; the unit file is still checked.');

let home: string;
let configHome: string;
beforeEach(async () => {
  home = makeTempHome();
  configHome = mkdtempSync(join(tmpdir(), 'isartor-xdg-'));
  expect((await cli('set-key', '-p', 'groq', '--key', 'gsk_abcdefghijklmnop1234')).code).toBe(0);
});
afterEach(cleanupTempHomes);

const cli = (...args: string[]) => runCli(args, { home, env: { XDG_CONFIG_HOME: configHome }, timeoutMs: 60_000 });

describe.runIf(process.platform === 'linux')('isartor service', () => {
  it('install writes a unit that runs the built bin with the state dir; without a user systemd it says what to do', async () => {
    const result = await cli('service', 'install');
    const dir = join(configHome, 'systemd', 'user');
    const [unitName] = readdirSync(dir);
    const unit = readFileSync(join(dir, unitName!), 'utf8');
    expect(unit).toContain(`ExecStart=${process.execPath} --max-semi-space-size=32 ${cliPath} up --log-file ${join(home, 'logs', 'gateway.log')}\n`);
    expect(unit).toContain(`Environment=ISARTOR_HOME=${home}\n`);
    expect(unit).toContain(`StandardOutput=append:${join(home, 'logs', 'gateway.log')}\n`);
    expect(unit).toContain('Restart=on-failure\n');
    expect(unit).toContain('WantedBy=default.target\n');
    if (!realSystemd) {
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('did not start it');
      expect(result.stderr).toContain('loginctl enable-linger');
    }
    const status = await cli('service', 'status');
    expect(status.stdout).toContain(join(dir, unitName!));
    const removed = await cli('service', 'uninstall');
    expect(removed.stdout).toContain(`removed   ${join(dir, unitName!)}`);
    expect(existsSync(join(dir, unitName!))).toBe(false);
  }, 120_000);

  it('--dry-run prints the unit and writes nothing', async () => {
    const result = await cli('service', 'install', '--dry-run');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Environment=ISARTOR_HOME=${home}`);
    expect(existsSync(join(configHome, 'systemd'))).toBe(false);
  }, 60_000);

  // The user manager reads units from the real ~/.config/systemd/user: this one is named after the temp state dir and removed again.
  it.runIf(realSystemd)('with a user systemd: the service starts the gateway at the saved port, and uninstall stops it', async () => {
    const port = await freePort();
    const realCli = (...args: string[]) => runCli(args, { home, env: { XDG_CONFIG_HOME: join(homedir(), '.config') }, timeoutMs: 60_000 });
    expect((await realCli('up', '--detach', '--port', String(port))).code).toBe(0);
    try {
      const installed = await realCli('service', 'install');
      expect(installed.code, installed.stderr).toBe(0);
      expect(installed.stdout).toContain('stopped   the gateway started by hand');
      expect((await httpRequest(`http://127.0.0.1:${port}/health`)).status).toBe(200);
      expect((await realCli('service', 'status')).stdout).toContain('running');
    } finally {
      await realCli('service', 'uninstall');
    }
  }, 120_000);
});
