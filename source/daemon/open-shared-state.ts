import type { SharedState } from '../state/shared-state.js';
import type { IsartorConfig } from '../store/config.js';

/**
 * The deployment's shared state when a Redis URL is set (given here, else ISARTOR_REDIS_URL, else
 * store.redisUrl), else undefined: embedded. The gateway, `isartor keys` and `isartor stats` all open it
 * this one way, so they always agree on where state lives.
 */
export async function openConfiguredState(
  config: IsartorConfig,
  options: { redisUrl?: string | undefined; log?: (line: string) => void } = {},
): Promise<SharedState | undefined> {
  const url = options.redisUrl ?? (process.env.ISARTOR_REDIS_URL || undefined) ?? config.store.redisUrl;
  if (!url) return undefined;
  // Loaded only when used: an embedded gateway and the CLI's other commands never load the Redis client.
  const { openRedisState } = await import('../state/redis/redis-state.js');
  return openRedisState({
    url,
    keyPrefix: config.store.keyPrefix,
    budgetPolicy: config.store.budgetPolicy,
    maxRecords: config.store.maxRecords,
    nearDuplicateMaxEntries: config.cache.nearDuplicate.maxEntries,
    log: options.log ?? (() => {}),
  });
}
