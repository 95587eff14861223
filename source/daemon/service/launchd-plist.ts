import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ServiceSpec } from './service-spec.js';

/** `~/Library/LaunchAgents/<label>.plist`. */
export function launchdPlistPath(spec: ServiceSpec): string {
  return join(homedir(), 'Library', 'LaunchAgents', `${spec.label}.plist`);
}

/**
 * A launchd agent that starts the gateway at login (RunAtLoad), starts it again when it exits with an
 * error (KeepAlive.SuccessfulExit false: a clean `isartor down` stays down), and logs to the state dir.
 */
export function renderLaunchdPlist(spec: ServiceSpec): string {
  const strings = (values: string[]) => values.map((value) => `    <string>${xml(value)}</string>`).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<!-- Written by \`isartor service install\`; remove it with \`isartor service uninstall\`. -->
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>${xml(spec.label)}</string>
  <key>ProgramArguments</key>
  <array>
${strings([spec.execPath, ...spec.args])}
  </array>
  <key>EnvironmentVariables</key>
  <dict>
    <key>ISARTOR_HOME</key>
    <string>${xml(spec.stateDir)}</string>
  </dict>
  <key>WorkingDirectory</key>
  <string>${xml(spec.stateDir)}</string>
  <key>RunAtLoad</key>
  <true/>
  <key>KeepAlive</key>
  <dict>
    <key>SuccessfulExit</key>
    <false/>
  </dict>
  <key>ThrottleInterval</key>
  <integer>5</integer>
  <key>StandardOutPath</key>
  <string>${xml(spec.logFile)}</string>
  <key>StandardErrorPath</key>
  <string>${xml(spec.logFile)}</string>
</dict>
</plist>
`;
}

function xml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
