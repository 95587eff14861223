import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ServiceSpec } from './service-spec.js';

/** `~/.config/systemd/user/<name>.service` (or under $XDG_CONFIG_HOME). */
export function systemdUnitPath(spec: ServiceSpec, env: NodeJS.ProcessEnv = process.env): string {
  const configHome = env.XDG_CONFIG_HOME?.trim() || join(homedir(), '.config');
  return join(configHome, 'systemd', 'user', `${spec.name}.service`);
}

/**
 * A systemd user unit that starts the gateway at login with the saved config, restarts it when it fails,
 * and appends its output to the state dir's log. SIGTERM is the gateway's graceful stop (in-flight
 * requests finish, the cache is saved), so the stop timeout leaves room for `isartor down`'s 35 s.
 */
export function renderSystemdUnit(spec: ServiceSpec): string {
  return [
    '# Written by `isartor service install`; remove it with `isartor service uninstall`.',
    '[Unit]',
    'Description=isartor LLM gateway',
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `Environment=${quote(`ISARTOR_HOME=${spec.stateDir}`)}`,
    `WorkingDirectory=${escapeSpecifiers(spec.stateDir)}`,
    `ExecStart=${[spec.execPath, ...spec.args].map(quote).join(' ')}`,
    'Restart=on-failure',
    'RestartSec=2',
    'TimeoutStopSec=40',
    `StandardOutput=append:${escapeSpecifiers(spec.logFile)}`,
    `StandardError=append:${escapeSpecifiers(spec.logFile)}`,
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}

/** systemd reads `%x` as a specifier and splits on spaces unless quoted. */
function quote(value: string): string {
  const escaped = escapeSpecifiers(value);
  return /[\s"'\\]/.test(escaped) ? `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : escaped;
}

function escapeSpecifiers(value: string): string {
  return value.replace(/%/g, '%%');
}
