// A virtual key this instance has not heard of is looked for in Redis before it is refused; many such
// lookups at once (a client with a wrong key, retrying) cost a couple of reads of the hash, not one each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateVirtualKey } from '../../../source/keys/virtual-key.js';
import { VirtualKeys } from '../../../source/keys/virtual-keys.js';
import { RedisConnection } from '../../../source/state/redis/connection.js';
import { RedisKeysBackend } from '../../../source/state/redis/keys-backend.js';
import { StreamReader } from '../../../source/state/redis/stream-reader.js';
import { redisServerAvailable, startTestRedis, type TestRedis } from '../../support/redis-server.js';

const available = redisServerAvailable();
describe.skipIf(!available && !process.env.CI)('looking up a key this instance does not know', () => {
  let redis: TestRedis;
  const connections: RedisConnection[] = [];
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await Promise.all(connections.map((connection) => connection.close()));
    await redis?.close();
  });

  /** Virtual keys on Redis whose stream reader never runs: this instance hears of no change by itself. */
  const instance = async (): Promise<{ keys: VirtualKeys; connection: RedisConnection }> => {
    const connection = new RedisConnection({ url: redis.url, log: () => {} });
    await connection.open();
    connections.push(connection);
    const backend = new RedisKeysBackend(connection.commands, { prefix: 'lookup', instanceId: `i${connections.length}` });
    await backend.open(new StreamReader(connection.reader));
    return { keys: new VirtualKeys({ backend }), connection };
  };
  const hgetallCalls = async (connection: RedisConnection): Promise<number> => {
    const info = await connection.commands.info('commandstats');
    return Number(/cmdstat_hgetall:calls=(\d+)/.exec(info)?.[1] ?? 0);
  };

  it('finds a key made on another instance a moment ago, which findByKey alone does not', async () => {
    const here = await instance();
    const there = await instance();
    const { key } = there.keys.create({ alias: 'made-there' });
    await there.keys.saved();
    expect(here.keys.findByKey(key)).toBeUndefined();
    expect((await here.keys.findByKeyShared(key))?.alias).toBe('made-there');
    expect(await here.keys.findByKeyShared(generateVirtualKey())).toBeUndefined();
  });

  it('50 lookups that miss at once read the hash at most twice', async () => {
    const { keys, connection } = await instance();
    const before = await hgetallCalls(connection);
    const found = await Promise.all(Array.from({ length: 50 }, () => keys.findByKeyShared(generateVirtualKey())));
    expect(found.every((key) => key === undefined)).toBe(true);
    const reads = (await hgetallCalls(connection)) - before;
    expect(reads).toBeGreaterThanOrEqual(1);
    expect(reads).toBeLessThanOrEqual(2);
  });
});
