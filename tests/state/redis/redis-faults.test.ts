// Redis faults, one part at a time: unreachable at start is a clear error that never shows a password;
// lost later, key changes are refused rather than kept on one instance, budgets follow store.budgetPolicy,
// and request records and charges wait in memory and are written once it is back.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisConnection } from '../../../source/state/redis/connection.js';
import { RedisKeysBackend } from '../../../source/state/redis/keys-backend.js';
import { maskRedisUrl } from '../../../source/state/redis/redis-url.js';
import { RedisRequestLog } from '../../../source/state/redis/request-log.js';
import { RedisSpendStore } from '../../../source/state/redis/spend-store.js';
import { StreamReader } from '../../../source/state/redis/stream-reader.js';
import { StoreUnavailableError } from '../../../source/state/store-unavailable.js';
import type { StoredVirtualKey } from '../../../source/state/virtual-key-record.js';
import { cleanupTempHomes, freePort, runCli } from '../../cli/run-cli.js';
import { requestRecord } from '../../stats/request-record-fixture.js';
import { redisServerAvailable, startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { configuredHome, eventually } from './instances.js';
import { startFakeUpstream, type FakeUpstream } from '../../support/fake-upstream.js';

afterAll(cleanupTempHomes);

describe('the Redis URL', () => {
  let upstream: FakeUpstream;
  beforeAll(async () => {
    upstream = await startFakeUpstream({ apiKey: 'sk-upstream' });
  });
  afterAll(async () => {
    await upstream?.close();
  });

  it('is masked wherever it is shown: the password never appears', () => {
    expect(maskRedisUrl('redis://:s3cret-pass@db.example:6380/2')).toBe('redis://:***@db.example:6380/2');
    expect(maskRedisUrl('rediss://app:s3cret-pass@db.example:6380/0')).toBe('rediss://***:***@db.example:6380/0');
    expect(maskRedisUrl('redis://127.0.0.1:6379/0')).toBe('redis://127.0.0.1:6379/0');
  });

  it('unreachable at start: `isartor up` stops with a clear error naming the masked URL and what to do', async () => {
    const home = await configuredHome(upstream, 'sk-upstream');
    const port = await freePort();
    const up = await runCli(['up', '--port', String(await freePort()), '--redis', `redis://:s3cret-pass@127.0.0.1:${port}/0`], { home, timeoutMs: 20_000 });
    expect(up.code).not.toBe(0);
    expect(up.stderr).toContain(`Cannot reach Redis at redis://:***@127.0.0.1:${port}/0`);
    expect(up.stderr).toContain('ISARTOR_REDIS_URL');
    expect(up.stderr + up.stdout).not.toContain('s3cret-pass');
  });

  it('refuses a URL that is not redis:// before trying it', async () => {
    const up = await runCli(['up', '--redis', 'http://127.0.0.1:6379'], { home: await configuredHome(upstream, 'sk-upstream') });
    expect(up.code).not.toBe(0);
    expect(up.stderr).toContain('must start with redis://');
  });
});

const available = redisServerAvailable();
describe.skipIf(!available && !process.env.CI)('while Redis is away', () => {
  let redis: TestRedis;
  let connection: RedisConnection;
  const lines: string[] = [];
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterEach(async () => {
    await connection?.close();
    await redis.start().catch(() => {});
  });
  afterAll(async () => {
    await redis?.close();
  });
  const connect = async (): Promise<RedisConnection> => {
    connection = new RedisConnection({ url: redis.url, log: (line) => lines.push(line) });
    await connection.open();
    return connection;
  };
  const lost = async (): Promise<void> => {
    await redis.stop();
    expect(await eventually(async () => !connection.connected, 5_000)).toBe(true);
  };
  const back = async (): Promise<void> => {
    await redis.start();
    expect(await eventually(async () => connection.connected, 15_000, 100)).toBe(true);
  };
  const windowStartOf = () => 0;

  it('budget policy "refuse": a budgeted request is refused as unavailable; "local": admitted while the known spend plus its own charges stay under the budget', async () => {
    await connect();
    const refusing = new RedisSpendStore(connection.commands, { prefix: 'p1', windowStartOf, budgetPolicy: 'refuse' });
    const local = new RedisSpendStore(connection.commands, { prefix: 'p1', windowStartOf, budgetPolicy: 'local' });
    expect(await refusing.admit('k', 0, 1)).toMatchObject({ ok: true, spend: 0 });
    expect(await local.admit('k', 0, 1)).toMatchObject({ ok: true, spend: 0 });
    await lost();
    expect(await refusing.admit('k', 0, 1)).toMatchObject({ ok: false, unavailable: true });
    expect(await local.admit('k', 0, 1)).toMatchObject({ ok: true });
    local.charge('k', 0.6, 1);
    local.charge('k', 0.6, 2);
    expect(local.buffered).toBe(2);
    expect(await local.admit('k', 0, 1)).toMatchObject({ ok: false, spend: 1.2 });
    await back();
    await local.flush();
    expect(local.buffered).toBe(0);
    expect(await refusing.admit('k', 0, 1)).toMatchObject({ ok: false, spend: 1.2 });
    // Flushing again (a second reconnect) charges nothing twice.
    await local.flush();
    await refusing.refresh(['k']);
    expect(refusing.totalSpend('k')).toBe(1.2);
  }, 40_000);

  it('a key change while Redis is away is refused (StoreUnavailableError) and not kept on this instance alone', async () => {
    await connect();
    const keys = new RedisKeysBackend(connection.commands, { prefix: 'p2', instanceId: 'one' });
    await keys.open(new StreamReader(connection.reader));
    await lost();
    const key = { id: 'k1', tokenHash: 'h1', createdAt: '2026-11-26T00:00:00Z' } as StoredVirtualKey;
    keys.save([key]);
    await expect(keys.saved()).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(keys.current()).toEqual([]);
    await back();
    keys.save([key]);
    await keys.saved();
    expect(keys.current()).toEqual([key]);
  }, 40_000);

  it('request records wait in memory and are written once it is back; /stats reads them from Redis again', async () => {
    await connect();
    const log = new RedisRequestLog(connection.commands, { prefix: 'p3', instanceId: 'one', maxRecords: 1000 });
    log.append(requestRecord({ layer: 'l3' }));
    await eventually(async () => (await log.read()).records.length === 1, 2_000);
    await lost();
    log.append(requestRecord({ layer: 'l1a' }));
    log.append(requestRecord({ layer: 'l1b' }));
    expect(log.buffered).toBe(2);
    expect((await log.read()).records.map((record) => record.layer)).toEqual(['l3', 'l1a', 'l1b']);
    await back();
    await log.flush();
    expect(log.buffered).toBe(0);
    const other = new RedisRequestLog(connection.commands, { prefix: 'p3', instanceId: 'two', maxRecords: 1000 });
    expect((await other.read()).records.map((record) => record.layer)).toEqual(['l3', 'l1a', 'l1b']);
    expect(lines.some((line) => line.includes('lost the connection'))).toBe(true);
    expect(lines.some((line) => line.includes('connected again'))).toBe(true);
  }, 40_000);
});
