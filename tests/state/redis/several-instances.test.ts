// Three gateway processes on one Redis (issue 21): what one instance learns, the others serve; keys,
// budgets and stats are the deployment's, not an instance's; Redis restarting and an instance dying
// cost no requests and no double charges.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateVirtualKey, hashVirtualKey, maskVirtualKey } from '../../../source/keys/virtual-key.js';
import type { StoredVirtualKey } from '../../../source/state/virtual-key-record.js';
import { startFakeUpstream, type FakeUpstream } from '../../support/fake-upstream.js';
import { redisServerAvailable, startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { cleanupTempHomes, httpRequest, runCli } from '../../cli/run-cli.js';
import { asMaster, chatAs, configuredHome, eventually, generateKey, healthOf, keyInfo, master, requestsInMetrics, startInstance, statsOf, type Instance } from './instances.js';

const upstreamKey = 'sk-upstream-key-for-redis-tests';
let redis: TestRedis;
let upstream: FakeUpstream;
let instances: Instance[] = [];

// In CI (.ci/run installs redis-server) a missing redis-server is a failure, not a skip.
const available = redisServerAvailable();
describe.skipIf(!available && !process.env.CI)(`three instances on one Redis${available ? '' : ' (skipped: redis-server is not installed)'}`, () => {
  beforeAll(async () => {
    redis = await startTestRedis();
    upstream = await startFakeUpstream({ apiKey: upstreamKey });
    const template = await configuredHome(upstream, upstreamKey);
    instances = await Promise.all([0, 1, 2].map(() => startInstance(template, redis.url)));
  }, 90_000);
  afterAll(async () => {
    await cleanupTempHomes();
    await upstream?.close();
    await redis?.close();
  });

  const upstreamCalls = () => upstream.requests.filter((r) => r.path === '/v1/chat/completions').length;
  const a = (): Instance => instances[0]!;
  const b = (): Instance => instances[1]!;
  const c = (): Instance => instances[2]!;

  it('says where state lives: /health names the Redis store, connected', async () => {
    const health = await healthOf(a());
    expect(health.store).toMatchObject({ kind: 'redis', connected: true, url: redis.url });
  });

  it('serves an exact answer made on one instance from another (L1a), and a near-duplicate from a third (L1b)', async () => {
    const calls = upstreamCalls();
    const question = 'How do I reverse a list in Python?';
    const first = await chatAs(a(), master, question);
    expect(first.headers['x-isartor-layer']).toBe('l3');
    // The answer is stored as the client gets it (not before): wait until A itself finds it in Redis.
    expect(await eventually(async () => (await chatAs(a(), master, question)).headers['x-isartor-layer'] === 'l1a', 15_000, 100)).toBe(true);
    const exact = await chatAs(b(), master, question);
    expect(exact.status).toBe(200);
    expect(exact.headers['x-isartor-layer']).toBe('l1a');
    expect(JSON.parse(exact.body).choices[0].message.content).toBe(`Echo: ${question}`);
    expect(upstreamCalls()).toBe(calls + 1);
    // The L1b entry travels by stream; the third instance's index learns it as it is announced. Its
    // probes say no-store, so a probe that comes too early cannot answer the next one itself.
    const learned = await eventually(async () => {
      const near = await chatAs(c(), master, 'how to reverse a list in Python', { 'cache-control': 'no-store' });
      return near.headers['x-isartor-layer'] === 'l1b' && JSON.parse(near.body).choices[0].message.content === `Echo: ${question}`;
    }, 15_000, 200);
    expect(learned).toBe(true);
    // Not an over-eager share: a different question still goes to the provider.
    const other = await chatAs(c(), master, 'How do I sort a list in Python?');
    expect(other.headers['x-isartor-layer']).toBe('l3');
  });

  it('accepts a key created on one instance on the others at once, and refuses it everywhere soon after its deletion', async () => {
    const { key, token } = await generateKey(a(), { key_alias: 'shared-key' });
    for (const instance of [b(), c()]) {
      const answer = await chatAs(instance, key, 'hello from a shared key');
      expect(answer.status, answer.body).toBe(200);
    }
    const deleted = await httpRequest(`${b().url}/key/delete`, { method: 'POST', headers: asMaster, body: JSON.stringify({ keys: [token] }) });
    expect(deleted.status, deleted.body).toBe(200);
    // The others hear of it through the change stream: a blocking read, answered as soon as it is written.
    // The bound is generous because a loaded machine can hold any process back for a while.
    for (const instance of [a(), c()]) {
      expect(await eventually(async () => (await chatAs(instance, key, 'hello from a deleted key')).status === 401, 10_000)).toBe(true);
    }
  });

  it('accepts a key on its first request to an instance that has not yet heard of it', async () => {
    // Written to the shared hash without the announcement that would tell the instances: the order in
    // which an instance hears of a new key and gets its first request must not matter (a client that
    // creates a key through one instance and uses it through another a moment later).
    const key = generateVirtualKey();
    const now = new Date().toISOString();
    const stored: StoredVirtualKey = { id: 'unannounced01', tokenHash: hashVirtualKey(key), maskedKey: maskVirtualKey(key), alias: 'unannounced', models: [], maxBudget: null, budgetDuration: null, budgetAnchor: now, expires: null, metadata: {}, createdAt: now, updatedAt: now };
    const client = new Redis(redis.url);
    try {
      await client.hset('isartor:keys', stored.id, JSON.stringify(stored));
    } finally {
      client.disconnect();
    }
    for (const instance of instances) {
      const answer = await chatAs(instance, key, 'hello from an unannounced key');
      expect(answer.status, answer.body).toBe(200);
    }
    // A key nobody made is still refused, after the look in Redis.
    const unknown = await chatAs(a(), generateVirtualKey(), 'hello from nobody');
    expect(unknown.status).toBe(401);
    expect(JSON.parse(unknown.body).error.code).toBe('invalid_virtual_key');
  });

  it('holds parallel clients on all three instances to one budget: the overspend stays under the requests in flight', async () => {
    const probeKey = await generateKey(a(), { key_alias: 'probe' });
    const question = (n: number) => `budget question number ${String(n).padStart(4, '0')}`;
    expect((await chatAs(a(), probeKey.key, question(9999))).status).toBe(200);
    let cost = 0;
    await eventually(async () => (cost = (await keyInfo(a(), probeKey.key)).spend) > 0, 15_000);
    expect(cost).toBeGreaterThan(0);
    const budget = 12.5 * cost;
    const { key } = await generateKey(b(), { key_alias: 'tight', max_budget: budget });
    upstream.setMode({ kind: 'slow', delayMs: 40 });
    const workersPerInstance = 3;
    const workers = workersPerInstance * 3;
    let next = 0;
    let served = 0;
    let refused = 0;
    const unexpected: string[] = [];
    const worker = async (instance: Instance): Promise<void> => {
      // Every worker stops at the first unexpected answer, so none goes on into the next test.
      while (unexpected.length === 0) {
        const answer = await chatAs(instance, key, question(next++));
        if (answer.status === 400) {
          refused += 1;
          return;
        }
        if (answer.status !== 200) unexpected.push(`${answer.status} ${answer.body}`);
        else served += 1;
      }
    };
    try {
      await Promise.all(instances.flatMap((instance) => Array.from({ length: workersPerInstance }, () => worker(instance))));
    } finally {
      upstream.setMode({ kind: 'ok' });
    }
    expect(unexpected).toEqual([]);
    let spend = 0;
    await eventually(async () => Math.abs((spend = (await keyInfo(c(), key)).spend) - served * cost) < cost / 100, 15_000);
    const overspend = spend - budget;
    console.log(`3 instances x ${workersPerInstance} workers, budget = 12.5 calls: served ${served}, overspend ${(overspend / cost).toFixed(2)} calls (bound: ${workers})`);
    expect(spend).toBeCloseTo(served * cost, 6);
    expect(spend).toBeGreaterThanOrEqual(budget);
    // Each instance enforcing its own copy would have let through about three budgets.
    expect(overspend).toBeLessThanOrEqual(workers * cost);
    expect(refused).toBe(workers);
  }, 60_000);

  it('counts every instance’s requests in /stats on any instance', async () => {
    // A key of its own, so records of earlier tests still on their way to Redis are not counted.
    const { key } = await generateKey(a(), { key_alias: 'stats-counted' });
    const counted = async (instance: Instance) => (await statsOf(instance)).keys.find((row) => row.keyAlias === 'stats-counted')?.requests ?? 0;
    for (const [i, instance] of instances.entries()) expect((await chatAs(instance, key, `stats question ${i}`)).status).toBe(200);
    for (const instance of instances) {
      expect(await eventually(async () => (await counted(instance)) === 3, 15_000)).toBe(true);
    }
    // Each instance's /metrics follows the deployment's records too (all three started before any traffic).
    for (const instance of instances) {
      expect(await eventually(async () => (await requestsInMetrics(instance, 'stats-counted')) === 3, 15_000)).toBe(true);
    }
  });

  it('lets `isartor keys` (with ISARTOR_REDIS_URL) and `isartor status` work on the shared store', async () => {
    const created = await runCli(['keys', 'create', '--alias', 'from-the-cli', '--json'], { home: a().home, env: { ISARTOR_REDIS_URL: redis.url } });
    expect(created.code, created.stderr).toBe(0);
    const { key } = JSON.parse(created.stdout) as { key: string };
    const fromCli = await chatAs(b(), key, 'hello from a CLI key');
    expect(fromCli.status, fromCli.body).toBe(200);
    const stats = await runCli(['stats', '--json'], { home: b().home, env: { ISARTOR_REDIS_URL: redis.url } });
    expect(stats.code, stats.stderr).toBe(0);
    expect((JSON.parse(stats.stdout) as { total: { requests: number } }).total.requests).toBe((await statsOf(a())).total.requests);
    const status = await runCli(['status', '--json'], { home: c().home });
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ running: true, store: { kind: 'redis', connected: true, url: redis.url } });
  });

  it('keeps answering while Redis restarts mid-traffic, charges each request exactly once, and says so in /health', async () => {
    const { key } = await generateKey(a(), { key_alias: 'through-restart' });
    const probe = await chatAs(b(), key, 'restart probe question 000');
    expect(probe.status).toBe(200);
    let cost = 0;
    await eventually(async () => (cost = (await keyInfo(a(), key)).spend) > 0, 15_000);
    let sent = 1;
    const failures: string[] = [];
    let stop = false;
    const traffic = (async () => {
      while (!stop) {
        const instance = instances[sent % 3]!;
        const answer = await chatAs(instance, key, `restart probe question ${String(sent).padStart(3, '0')}`);
        sent += 1;
        if (answer.status !== 200) failures.push(`${answer.status} ${answer.body}`);
      }
    })();
    // Counted in answers, not in milliseconds: a few before, a few while Redis is away, a few after.
    const answered = async (count: number): Promise<boolean> => {
      const target = sent + count;
      return eventually(async () => sent >= target || stop, 30_000, 20);
    };
    try {
      expect(await answered(3)).toBe(true);
      await redis.stop();
      expect(await eventually(async () => !(await healthOf(a())).store.connected, 15_000)).toBe(true);
      expect(await answered(3)).toBe(true);
      await redis.start();
      expect(await eventually(async () => (await Promise.all(instances.map(healthOf))).every((health) => health.store.connected), 15_000, 100)).toBe(true);
      expect(await answered(3)).toBe(true);
    } finally {
      stop = true;
      await traffic;
    }
    expect(failures).toEqual([]);
    expect((await healthOf(a())).store.reconnects).toBeGreaterThanOrEqual(1);
    // The log reaches this process through a pipe, on its own schedule.
    expect(await eventually(async () => a().output().includes('redis: lost the connection') && a().output().includes('redis: connected again'), 5_000)).toBe(true);
    // Charges made while Redis was away are applied on reconnect, each once.
    let spend = 0;
    const settled = await eventually(async () => Math.abs((spend = (await keyInfo(c(), key)).total_spend) - sent * cost) < cost / 100, 15_000, 100);
    expect(settled, `spend ${spend} for ${sent} requests of ${cost}`).toBe(true);
  }, 60_000);

  it('goes on when one instance is killed', async () => {
    const victim = instances[2]!;
    victim.child.kill('SIGKILL');
    await new Promise((resolve) => victim.child.once('exit', resolve));
    for (const instance of instances.slice(0, 2)) {
      const answer = await chatAs(instance, master, `after the kill ${instance.url}`);
      expect(answer.status).toBe(200);
      expect((await statsOf(instance)).total.requests).toBeGreaterThan(0);
    }
  });
});
