import type { ClientConnectionStatus, ClientConnector } from '../connectors/core/connector.js';
import { printWarning } from '../terminal/output.js';
import { isartorCommand } from '../terminal/invocation.js';

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * After `up` on another address than before: a client connected earlier still sends its requests to
 * the old one and fails with "connection refused", which names neither isartor nor the fix. Each such
 * client is named with the command that points it here.
 */
export async function warnAboutClientsElsewhere(gatewayUrl: string): Promise<void> {
  let connectors: ClientConnector[];
  try {
    // Every client's config reader (TOML for Codex) loads only once the gateway runs.
    connectors = (await import('../connectors/registry.js')).clientConnectors();
  } catch {
    return;
  }
  for (const connector of connectors) {
    const status = statusOf(connector);
    if (!status?.connected || !status.baseUrl || sameGateway(status.baseUrl, gatewayUrl)) continue;
    printWarning(`${connector.displayName} still sends its requests to ${status.baseUrl} (${status.configPath}), not to this gateway: run \`${isartorCommand(`connect ${connector.id}`)}\` to point it here.`);
  }
}

function statusOf(connector: ClientConnector): ClientConnectionStatus | undefined {
  try {
    return connector.status();
  } catch {
    // A client config that does not parse is `isartor connect`'s to report, not up's.
    return undefined;
  }
}

/** The same gateway: same origin, any loopback name standing for another. */
export function sameGateway(clientBaseUrl: string, gatewayUrl: string): boolean {
  try {
    const client = new URL(clientBaseUrl);
    const gateway = new URL(gatewayUrl);
    if (client.origin === gateway.origin) return true;
    return client.protocol === gateway.protocol && client.port === gateway.port && loopbackHosts.has(client.hostname) && loopbackHosts.has(gateway.hostname);
  } catch {
    // A base URL that is not a URL points nowhere isartor listens.
    return false;
  }
}
