// Child process: the isartor gateway, configured as `isartor up` would be for an openai-compatible
// provider at the fake upstream: every layer at its default (L1a in memory and persisted to its file; L1b
// and L2.5 on), no gateway key, and a request record per request appended to a log file, both in a temp dir.
// With BENCH_REDIS_URL, state is shared on that Redis instead, as `isartor up --redis` does.
// BENCH_LAYERS=off switches L1a, L1b and L2.5 off, to measure the pipeline every request pays; a list
// (e.g. BENCH_LAYERS=l1a,l2.5) keeps only the layers it names on, to measure what each one adds.
//   node --import tsx bench/gateway-child.ts http://127.0.0.1:PORT/v1   (env BENCH_UPSTREAM_KEY, BENCH_REDIS_URL, BENCH_LAYERS)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as ServerModule from '../source/gateway/server.js';
import type * as RequestLogModule from '../source/state/request-log-file.js';
import type * as RedisStateModule from '../source/state/redis/redis-state.js';
import type * as RoutingModule from '../source/routing/routing-table.js';
import type * as ConfigModule from '../source/store/config.js';
import type { IsartorConfig } from '../source/store/config.js';
import { announce, shutdownOn } from './child-runtime.js';
import { markOnSignal } from './profile-on-signal.js';

/**
 * A module of the compiled gateway (dist/, what `isartor up` runs; the bench scripts build it first), typed
 * by its source. Not the sources through tsx: tsx's output wraps every function a request creates in a
 * naming helper (esbuild's keepNames), which made the measured gateway slower than the one users run.
 */
const compiled = <T>(path: string): Promise<T> => import(new URL(`../dist/${path}`, import.meta.url).href) as Promise<T>;
const { createGateway, startGateway } = await compiled<typeof ServerModule>('gateway/server.js');
const { RequestLogFile } = await compiled<typeof RequestLogModule>('state/request-log-file.js');
const { openRedisState } = await compiled<typeof RedisStateModule>('state/redis/redis-state.js');
const { buildRoutingTable } = await compiled<typeof RoutingModule>('routing/routing-table.js');
const { configDefaults } = await compiled<typeof ConfigModule>('store/config.js');

const baseUrl = process.argv[2];
if (!baseUrl) throw new Error('usage: gateway-child.ts http://127.0.0.1:PORT/v1');
const apiKey = process.env.BENCH_UPSTREAM_KEY ?? 'bench-upstream-key';
const layersOn = (layer: 'l1a' | 'l1b' | 'l2.5'): boolean => {
  const chosen = process.env.BENCH_LAYERS ?? '';
  if (chosen === '') return true;
  return chosen.split(',').includes(layer);
};

const config: IsartorConfig = {
  ...configDefaults,
  provider: 'openai-compatible',
  providers: { 'openai-compatible': { baseUrl, apiKey, model: 'fake-model' } },
};

const redisUrl = process.env.BENCH_REDIS_URL;
const sharedState = redisUrl
  ? await openRedisState({
      url: redisUrl,
      keyPrefix: `bench-${process.pid}`,
      budgetPolicy: 'local',
      maxRecords: config.store.maxRecords,
      nearDuplicateMaxEntries: config.cache.nearDuplicate.maxEntries,
      log: (line) => process.stderr.write(`${line}\n`),
    })
  : undefined;
const statsDir = mkdtempSync(join(tmpdir(), 'isartor-bench-stats-'));
const requestLog = new RequestLogFile(statsDir);
const gateway = await createGateway({
  routing: buildRoutingTable(config),
  bodyLimitBytes: config.gateway.bodyLimitBytes,
  exactCache: { ...config.cache.exact, enabled: layersOn('l1a') },
  // As `isartor up` runs it: answers appended to the L1a file (state/exact-cache-file.ts), not only kept in memory.
  ...(sharedState ? {} : { exactCacheFile: join(statsDir, 'l1a.jsonl') }),
  nearDuplicateCache: { ...config.cache.nearDuplicate, enabled: config.cache.nearDuplicate.enabled && layersOn('l1b') },
  trimming: { ...config.trimming, enabled: config.trimming.enabled && layersOn('l2.5') },
  // `isartor up` logs one line per request; format it (that cost is real) but write it nowhere.
  log: () => {},
  requestLog,
  ...(sharedState ? { sharedState } : {}),
  onWarning: (message) => process.stderr.write(`gateway warning: ${message}\n`),
  // As `isartor up` starts it (serve-gateway.ts).
  warmUp: true,
});
const running = await startGateway(gateway, { host: '127.0.0.1', port: 0 });

shutdownOn(async () => {
  await running.stop(1_000);
  await requestLog.close();
  await sharedState?.close();
  rmSync(statsDir, { recursive: true, force: true });
});
// BENCH_PROFILE_MARKS: SIGUSR2 marks the start and end of the window a CPU budget looks at.
if (process.env.BENCH_PROFILE_MARKS) markOnSignal(process.env.BENCH_PROFILE_MARKS);
announce(running.url);
