import { ConfigStore, type GatewaySettings } from '../store/config.js';
import type { GatewayRecord } from './pid-file.js';

export interface AddressChoice {
  host?: string | undefined;
  port?: number | undefined;
}

/**
 * Makes a chosen --host/--port the config's, so that a plain `isartor up` (a restart, the login service)
 * comes back where clients such as OpenClaw were pointed. Port 0 (any free port) is not remembered.
 * Returns what changed against `previous` (the settings before the start), e.g. ["port 18121"].
 */
export function saveGatewayAddress(stateDir: string, choice: AddressChoice, previous?: GatewaySettings): string[] {
  const store = new ConfigStore(stateDir);
  const before = previous ?? store.read().gateway;
  const port = choice.port === 0 ? undefined : choice.port;
  const changed: string[] = [];
  if (choice.host !== undefined && choice.host !== before.host) changed.push(`host ${choice.host}`);
  if (port !== undefined && port !== before.port) changed.push(`port ${port}`);
  if (changed.length > 0) store.saveGatewayAddress({ host: choice.host, port });
  return changed;
}

/** The one command that restarts this gateway where it listens now: the config's address, else explicit flags. */
export function restartCommand(record: Pick<GatewayRecord, 'host' | 'port'> | undefined, gateway: GatewaySettings): string {
  const flags: string[] = [];
  if (record && record.host !== gateway.host) flags.push(`--host ${record.host}`);
  if (record && record.port !== gateway.port) flags.push(`--port ${record.port}`);
  return `isartor down && isartor up --detach${flags.length > 0 ? ` ${flags.join(' ')}` : ''}`;
}
