import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname } from 'node:path';
import { UserError } from '../../user-error.js';
import { launchdPlistPath, renderLaunchdPlist } from './launchd-plist.js';
import type { ServiceSpec } from './service-spec.js';
import { renderSystemdUnit, systemdUnitPath } from './systemd-unit.js';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a service manager command; tests pass their own. */
export type CommandRunner = (command: string, args: string[]) => Promise<CommandResult>;

interface ManagerCommand {
  argv: string[];
  /** e.g. unloading an agent that was not loaded. */
  mayFail?: boolean;
}

/** A gateway service as this platform's service manager runs it: its definition file and the commands around it. */
export interface LoginService {
  manager: 'systemd' | 'launchd';
  path: string;
  content: string;
  enable: ManagerCommand[];
  disable: ManagerCommand[];
  /** After the file is gone (systemd forgets a removed unit only on reload). */
  afterRemove: ManagerCommand[];
  /** Whether it starts at login, and whether it runs now. */
  query(run: CommandRunner): Promise<{ enabled: boolean; active: boolean; reachable: boolean; detail: string }>;
}

export function loginService(spec: ServiceSpec, platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): LoginService {
  if (platform === 'linux') {
    const unit = `${spec.name}.service`;
    const systemctl = (...args: string[]) => ['systemctl', '--user', ...args];
    return {
      manager: 'systemd',
      path: systemdUnitPath(spec, env),
      content: renderSystemdUnit(spec),
      enable: [{ argv: systemctl('daemon-reload') }, { argv: systemctl('enable', '--now', unit) }],
      disable: [{ argv: systemctl('disable', '--now', unit), mayFail: true }],
      afterRemove: [{ argv: systemctl('daemon-reload'), mayFail: true }],
      async query(run) {
        const enabled = await run('systemctl', ['--user', 'is-enabled', unit]);
        const active = await run('systemctl', ['--user', 'is-active', unit]);
        const unreachable = /Failed to connect to bus|No medium found|not been booted with systemd/i.test(`${enabled.stderr}${active.stderr}`);
        return {
          enabled: enabled.stdout.trim() === 'enabled',
          active: active.stdout.trim() === 'active',
          reachable: !unreachable,
          detail: unreachable ? firstLine(enabled.stderr || active.stderr) : `${enabled.stdout.trim() || 'unknown'}, ${active.stdout.trim() || 'unknown'}`,
        };
      },
    };
  }
  if (platform === 'darwin') {
    const domain = `gui/${userInfo().uid}`;
    const path = launchdPlistPath(spec);
    return {
      manager: 'launchd',
      path,
      content: renderLaunchdPlist(spec),
      enable: [{ argv: ['launchctl', 'bootout', `${domain}/${spec.label}`], mayFail: true }, { argv: ['launchctl', 'bootstrap', domain, path] }],
      disable: [{ argv: ['launchctl', 'bootout', `${domain}/${spec.label}`], mayFail: true }],
      afterRemove: [],
      async query(run) {
        const printed = await run('launchctl', ['print', `${domain}/${spec.label}`]);
        return { enabled: printed.code === 0, active: /state = running/.test(printed.stdout), reachable: true, detail: printed.code === 0 ? 'loaded' : 'not loaded' };
      },
    };
  }
  throw new UserError(`isartor service knows systemd (Linux) and launchd (macOS), not ${platform}.`, {
    hint: "Start the gateway with `isartor up --detach`, or with your system's own service manager running `isartor up`.",
  });
}

/** Writes the definition, then enables and starts it; stops at the first command that fails. */
export async function installLoginService(service: LoginService, run: CommandRunner = runCommand): Promise<{ failed?: { command: string; output: string } }> {
  mkdirSync(dirname(service.path), { recursive: true });
  writeFileSync(service.path, service.content, { mode: 0o644 });
  return runAll(service.enable, run);
}

/** Stops and disables it, then removes the definition. */
export async function uninstallLoginService(service: LoginService, run: CommandRunner = runCommand): Promise<{ removed: boolean; failed?: { command: string; output: string } }> {
  const stopped = await runAll(service.disable, run);
  const removed = existsSync(service.path);
  rmSync(service.path, { force: true });
  const reloaded = await runAll(service.afterRemove, run);
  const failed = stopped.failed ?? reloaded.failed;
  return failed ? { removed, failed } : { removed };
}

async function runAll(commands: ManagerCommand[], run: CommandRunner): Promise<{ failed?: { command: string; output: string } }> {
  for (const { argv, mayFail } of commands) {
    const [command, ...args] = argv as [string, ...string[]];
    const result = await run(command, args);
    if (result.code !== 0 && !mayFail) return { failed: { command: argv.join(' '), output: firstLine(result.stderr || result.stdout) } };
  }
  return {};
}

export function runCommand(command: string, args: string[]): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : 127) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) || (error && code === 127 ? error.message : '') });
    });
  });
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
