import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installLoginService, loginService, uninstallLoginService, type CommandRunner } from '../../source/daemon/service/login-service.js';
import { renderLaunchdPlist } from '../../source/daemon/service/launchd-plist.js';
import { serviceSpec } from '../../source/daemon/service/service-spec.js';
import { renderSystemdUnit } from '../../source/daemon/service/systemd-unit.js';

const spec = serviceSpec('/home/ada/state dir', '/opt/node 20/bin/node', '/usr/lib/node_modules/isartor-setup/dist/cli/index.js');

function recordingRunner(failing: string[] = []): { run: CommandRunner; calls: string[] } {
  const calls: string[] = [];
  const run: CommandRunner = async (command, args) => {
    const line = [command, ...args].join(' ');
    calls.push(line);
    return failing.some((prefix) => line.startsWith(prefix)) ? { code: 1, stdout: '', stderr: 'Failed to connect to bus: No medium found\n' } : { code: 0, stdout: '', stderr: '' };
  };
  return { run, calls };
}

describe('the login service definition', () => {
  it('is one per state dir: the default home is plain "isartor", any other gets its own name', () => {
    expect(serviceSpec(join(homedir(), '.isartor'), 'node', 'bin').name).toBe('isartor');
    expect(spec.name).toMatch(/^isartor-[0-9a-f]{8}$/);
    expect(spec.label).toMatch(/^dev\.isartor\.gateway\.[0-9a-f]{8}$/);
    expect(serviceSpec('/other', 'node', 'bin').name).not.toBe(spec.name);
  });

  it('systemd: runs the built bin with the state dir, restarts on failure, logs to the state dir, starts at login', () => {
    expect(renderSystemdUnit(spec)).toBe(`# Written by \`isartor service install\`; remove it with \`isartor service uninstall\`.
[Unit]
Description=isartor LLM gateway
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
Environment="ISARTOR_HOME=/home/ada/state dir"
WorkingDirectory=/home/ada/state dir
ExecStart="/opt/node 20/bin/node" --max-semi-space-size=32 /usr/lib/node_modules/isartor-setup/dist/cli/index.js up --log-file "/home/ada/state dir/logs/gateway.log"
Restart=on-failure
RestartSec=2
TimeoutStopSec=40
StandardOutput=append:/home/ada/state dir/logs/gateway.log
StandardError=append:/home/ada/state dir/logs/gateway.log

[Install]
WantedBy=default.target
`);
    // A % is a specifier to systemd: it must reach the program as itself.
    expect(renderSystemdUnit(serviceSpec('/tmp/100%', 'node', 'bin'))).toContain('Environment=ISARTOR_HOME=/tmp/100%%');
  });

  it('launchd: the same program and state dir, at load, again after a failed exit, logging to the state dir', () => {
    const plist = renderLaunchdPlist(serviceSpec('/Users/ada/.isartor & co', '/usr/local/bin/node', '/opt/isartor/dist/cli/index.js'));
    expect(plist).toContain(`  <key>ProgramArguments</key>
  <array>
    <string>/usr/local/bin/node</string>
    <string>--max-semi-space-size=32</string>
    <string>/opt/isartor/dist/cli/index.js</string>
    <string>up</string>
    <string>--log-file</string>
    <string>/Users/ada/.isartor &amp; co/logs/gateway.log</string>
  </array>`);
    expect(plist).toContain('<key>ISARTOR_HOME</key>\n    <string>/Users/ada/.isartor &amp; co</string>');
    expect(plist).toContain('<key>RunAtLoad</key>\n  <true/>');
    expect(plist).toContain('<key>KeepAlive</key>\n  <dict>\n    <key>SuccessfulExit</key>\n    <false/>');
    expect(plist).toContain('<key>StandardErrorPath</key>\n  <string>/Users/ada/.isartor &amp; co/logs/gateway.log</string>');
  });

  it('is refused on a platform without a known service manager', () => {
    expect(() => loginService(spec, 'win32')).toThrow(/systemd \(Linux\) and launchd \(macOS\)/);
  });
});

describe('installing and removing it', () => {
  it('systemd: writes the unit, reloads, enables and starts it; uninstall stops, removes and reloads', async () => {
    const configHome = mkdtempSync(join(tmpdir(), 'isartor-xdg-'));
    const service = loginService(spec, 'linux', { XDG_CONFIG_HOME: configHome });
    expect(service.path).toBe(join(configHome, 'systemd', 'user', `${spec.name}.service`));
    const { run, calls } = recordingRunner();
    expect(await installLoginService(service, run)).toEqual({});
    expect(readFileSync(service.path, 'utf8')).toBe(renderSystemdUnit(spec));
    expect(calls).toEqual(['systemctl --user daemon-reload', `systemctl --user enable --now ${spec.name}.service`]);

    calls.length = 0;
    expect(await uninstallLoginService(service, run)).toEqual({ removed: true });
    expect(existsSync(service.path)).toBe(false);
    expect(calls).toEqual([`systemctl --user disable --now ${spec.name}.service`, 'systemctl --user daemon-reload']);
  });

  it('says which command failed when there is no user session manager, keeping the unit written', async () => {
    const service = loginService(spec, 'linux', { XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'isartor-xdg-')) });
    const { run } = recordingRunner(['systemctl']);
    expect(await installLoginService(service, run)).toEqual({ failed: { command: 'systemctl --user daemon-reload', output: 'Failed to connect to bus: No medium found' } });
    expect(existsSync(service.path)).toBe(true);
    expect(await service.query(run)).toMatchObject({ reachable: false, enabled: false, active: false });
  });

  it('launchd: boots out an old copy (allowed to fail), then bootstraps the agent', () => {
    const service = loginService(spec, 'darwin');
    expect(service.path).toBe(join(homedir(), 'Library', 'LaunchAgents', `${spec.label}.plist`));
    expect(service.enable.map((command) => command.argv.slice(0, 2).join(' '))).toEqual(['launchctl bootout', 'launchctl bootstrap']);
    expect(service.enable[0]?.mayFail).toBe(true);
  });
});
