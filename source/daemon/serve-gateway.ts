import { createGateway, startGateway, type Gateway, type RunningGateway } from '../gateway/server.js';
import { VirtualKeys } from '../keys/virtual-keys.js';
import { buildRoutingTable } from '../routing/routing-table.js';
import { ConfigStore } from '../store/config.js';
import { liveConfig } from '../store/live-config.js';
import { ensureDir, statePaths } from '../store/state-dir.js';
import { RequestLogFile } from '../state/request-log-file.js';
import { openConfiguredState } from './open-shared-state.js';
import type { StoreReport } from '../state/shared-state.js';
import { isartorVersion } from '../version.js';
import { removeGatewayRecord, writeGatewayRecord, type GatewayRecord } from './pid-file.js';
import { refuseIfGatewayRunning } from './running-gateway.js';

export interface ServeOptions {
  stateDir: string;
  host?: string | undefined;
  port?: number | undefined;
  gatewayApiKey?: string | undefined;
  /** Shares state with other instances on this Redis (`--redis`, ISARTOR_REDIS_URL); else store.redisUrl, else embedded. */
  redisUrl?: string | undefined;
  log: (line: string) => void;
  onWarning: (message: string) => void;
}

export interface ServedGateway {
  running: RunningGateway;
  record: GatewayRecord;
  /** Where state lives, as /health says it. */
  store(): StoreReport;
  /** Lets in-flight requests finish, saves the cache, and removes the pid record. */
  shutdown(graceMs?: number): Promise<void>;
}

/** Starts the gateway for a state dir in this process: the body of `isartor up`. */
export async function serveGateway(options: ServeOptions): Promise<ServedGateway> {
  const store = new ConfigStore(options.stateDir);
  const config = store.read();
  const routing = buildRoutingTable(config);
  const target = routing.defaultRoute.target;
  const paths = statePaths(options.stateDir);
  await refuseIfGatewayRunning(paths.pidFile, options.stateDir);
  const host = options.host ?? config.gateway.host;
  const port = options.port ?? config.gateway.port;
  const gatewayApiKey = options.gatewayApiKey ?? config.gateway.apiKey;
  if (!isLoopback(host) && !gatewayApiKey) {
    options.onWarning(
      `Listening on ${host} without a gateway key: anyone who can reach this machine can spend your ${target.providerId} credits. Set one with --gateway-api-key.`,
    );
  }
  ensureDir(paths.cacheDir);
  const shared = await openConfiguredState(config, { redisUrl: options.redisUrl, log: options.log });
  const requestLog = shared ? undefined : new RequestLogFile(paths.statsDir, { onWarning: options.onWarning });
  const currentConfig = liveConfig(store, { onWarning: options.onWarning });
  // `isartor keys create|delete` edit the same files (or Redis); the gateway picks their changes up as they happen.
  const virtualKeys = shared
    ? new VirtualKeys({ backend: shared.keysBackend, spendStore: (windowStartOf) => shared.spendStore(windowStartOf) })
    : VirtualKeys.open(options.stateDir, { onWarning: options.onWarning });
  if (virtualKeys.skippedLedgerLines > 0) options.onWarning(`${virtualKeys.skippedLedgerLines} unreadable line(s) in the spend ledger were skipped (a crash mid-write leaves one).`);
  let gateway: Gateway;
  try {
    gateway = await createGateway({
      routing,
      gatewayApiKey,
      bodyLimitBytes: config.gateway.bodyLimitBytes,
      exactCache: config.cache.exact,
      nearDuplicateCache: config.cache.nearDuplicate,
      trimming: config.trimming,
      exactCacheFile: paths.exactCacheFile,
      log: options.log,
      ...(requestLog ? { requestLog } : {}),
      ...(shared ? { sharedState: shared } : {}),
      userPrices: () => currentConfig().pricing,
      onWarning: options.onWarning,
      virtualKeys,
      warmUp: true,
    });
  } catch (error) {
    virtualKeys.close();
    await shared?.close();
    throw error;
  }
  let running: RunningGateway;
  try {
    running = await startGateway(gateway, { host, port }, { maxConnections: config.gateway.maxConnections });
  } catch (error) {
    await gateway.close();
    virtualKeys.close();
    await shared?.close();
    throw error;
  }
  const record: GatewayRecord = {
    pid: process.pid,
    url: reachableUrl(running.url),
    host,
    port: Number(new URL(running.url).port),
    startedAt: new Date().toISOString(),
    provider: target.providerId,
    model: target.model ?? null,
    version: isartorVersion,
    authRequired: Boolean(gatewayApiKey),
  };
  writeGatewayRecord(paths.pidFile, record);
  return {
    running,
    record,
    store: () => gateway.health().store,
    shutdown: async (graceMs) => {
      await running.stop(graceMs);
      await requestLog?.close();
      virtualKeys.close();
      await shared?.close();
      removeGatewayRecord(paths.pidFile);
    },
  };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** A wildcard listener is reached through loopback by local clients. */
function reachableUrl(url: string): string {
  return url.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:');
}
