import { randomBytes } from 'node:crypto';
import type { SharedState, StoreReport } from '../shared-state.js';
import { RedisConnection } from './connection.js';
import { RedisExactCache } from './exact-cache.js';
import { RedisKeysBackend } from './keys-backend.js';
import { RedisNearDuplicateEntries } from './near-duplicate-entries.js';
import { checkRedisUrl } from './redis-url.js';
import { RedisRequestLog } from './request-log.js';
import { RedisSpendStore, type BudgetPolicy } from './spend-store.js';
import { StreamReader } from './stream-reader.js';


/** How often records and charges that a connected Redis refused are offered to it again. */
const waitingRetryMs = 2_000;
export interface RedisStateOptions {
  url: string;
  /** Every key starts with `<keyPrefix>:`. */
  keyPrefix: string;
  budgetPolicy: BudgetPolicy;
  /** Request records the shared stream keeps. */
  maxRecords: number;
  /** L1b entries the shared stream keeps: the index size. */
  nearDuplicateMaxEntries: number;
  log: (line: string) => void;
}

/**
 * The state of a deployment of several instances, in one Redis: connects (a clear error when it
 * cannot), reads the keys, and follows the streams the other instances write. What each part keeps
 * where is said in its own file; readme.md ("Several instances on one Redis") says it for users.
 */
export async function openRedisState(options: RedisStateOptions): Promise<SharedState> {
  const connection = new RedisConnection({ url: checkRedisUrl(options.url), log: options.log });
  await connection.open();
  const redis = connection.commands;
  const instanceId = randomBytes(6).toString('hex');
  const prefix = options.keyPrefix;
  const reader = new StreamReader(connection.reader);
  const keysBackend = new RedisKeysBackend(redis, { prefix, instanceId });
  const requestLog = new RedisRequestLog(redis, { prefix, instanceId, maxRecords: options.maxRecords });
  const nearDuplicateEntries = new RedisNearDuplicateEntries(redis, reader, { prefix, instanceId, maxEntries: options.nearDuplicateMaxEntries });
  const spendStores: RedisSpendStore[] = [];
  try {
    await keysBackend.open(reader);
    await requestLog.follow(reader);
  } catch (error) {
    await connection.close();
    throw error;
  }
  reader.start();
  connection.onReconnect(() => {
    void keysBackend.reload();
    void requestLog.flush();
    for (const spend of spendStores) void spend.flush();
  });
  // A Redis that refuses writes while connected (OOM under noeviction, READONLY after a failover) never
  // reconnects: what waits in memory is offered again every few seconds once it is connected, instead
  // of only with the next request (an idle instance would hold it until it dies).
  const retryWaiting = setInterval(() => {
    if (!connection.connected) return;
    if (requestLog.buffered > 0) void requestLog.flush();
    for (const spend of spendStores) if (spend.buffered > 0) void spend.flush();
  }, waitingRetryMs);
  retryWaiting.unref();

  const report = (): StoreReport => ({
    kind: 'redis',
    url: connection.maskedUrl,
    connected: connection.connected,
    downSince: connection.downSince === undefined ? null : new Date(connection.downSince).toISOString(),
    reconnects: connection.reconnects,
    buffered: { records: requestLog.buffered, charges: spendStores.reduce((sum, spend) => sum + spend.buffered, 0) },
    budgetPolicy: options.budgetPolicy,
  });

  return {
    report,
    exactCache: (limits) => new RedisExactCache(redis, { prefix, ...limits }),
    nearDuplicateEntries,
    requestLog,
    onRemoteRecord: (listener) => requestLog.onRemoteRecord(listener),
    keysBackend,
    spendStore: (windowStartOf) => {
      const spend = new RedisSpendStore(redis, { prefix, windowStartOf, budgetPolicy: options.budgetPolicy });
      spendStores.push(spend);
      return spend;
    },
    close: async () => {
      clearInterval(retryWaiting);
      // What is still waiting gets one last chance before the connections go.
      await requestLog.flush();
      await Promise.all(spendStores.map((spend) => spend.flush()));
      await reader.stop();
      await connection.close();
    },
  };
}
