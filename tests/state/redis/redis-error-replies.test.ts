// A Redis that is up and connected but refuses what it is asked: out of memory (`OOM command not allowed
// when used memory > 'maxmemory'`, maxmemory too small under noeviction) or read-only (`READONLY You can't
// write against a read only replica`, an instance turned into a replica by a failover). No reconnect ever
// happens, so nothing may wait for one: every request is still answered (a cache miss, nothing stored),
// budgets follow store.budgetPolicy (local by default: a key already over its budget stays refused, one
// under it is admitted), a key change is refused, and once Redis accepts writes again the charges and
// request records made meanwhile reach it, each once, without waiting for another request: another
// instance sees all of them.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../../support/fake-upstream.js';
import { redisServerAvailable, startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { cleanupTempHomes, freePort, httpRequest } from '../../cli/run-cli.js';
import { asMaster, chatAs, configuredHome, eventually, generateKey, healthOf, keyInfo, startInstance, statsOf, type Instance } from './instances.js';

const upstreamKey = 'sk-upstream-key-for-redis-errors';
const available = redisServerAvailable();

interface Fault {
  name: string;
  /** The error a write gets while the fault lasts. */
  error: RegExp;
  begin(admin: Redis): Promise<void>;
  end(admin: Redis): Promise<void>;
}

const faults: Fault[] = [
  {
    name: 'out of memory (OOM command not allowed)',
    error: /^OOM/,
    begin: async (admin) => {
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      await admin.config('SET', 'maxmemory', '1');
    },
    end: async (admin) => {
      await admin.config('SET', 'maxmemory', '256mb');
      await admin.config('SET', 'maxmemory-policy', 'volatile-lru');
    },
  },
  {
    name: 'read-only (a replica of a master that is gone: READONLY)',
    error: /^READONLY/,
    begin: async (admin) => {
      await admin.call('REPLICAOF', '127.0.0.1', String(await freePort()));
    },
    end: async (admin) => {
      await admin.call('REPLICAOF', 'NO', 'ONE');
    },
  },
];

describe.skipIf(!available && !process.env.CI)('a Redis that answers every write with an error', () => {
  let redis: TestRedis;
  let upstream: FakeUpstream;
  let template: string;
  let instance: Instance;
  let admin: Redis;
  beforeAll(async () => {
    redis = await startTestRedis();
    admin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    upstream = await startFakeUpstream({ apiKey: upstreamKey });
    template = await configuredHome(upstream, upstreamKey);
    instance = await startInstance(template, redis.url);
  }, 90_000);
  afterAll(async () => {
    instance?.child.kill('SIGTERM');
    admin?.disconnect();
    await cleanupTempHomes();
    await upstream?.close();
    await redis?.close();
  });

  for (const fault of faults) {
    it(`${fault.name}: requests answered, budgets by policy, key changes refused; afterwards every charge and record reaches Redis once`, async () => {
      const tag = fault.name.split(' ')[0]!;
      const { key } = await generateKey(instance, { key_alias: `under-${tag}`, max_budget: 100 });
      // A budget one request uses up: the second request is refused, before and during the fault.
      const { key: spent } = await generateKey(instance, { key_alias: `spent-${tag}`, max_budget: 0.000001 });
      expect((await chatAs(instance, spent, `use up the budget ${tag}`)).status).toBe(200);
      expect(await eventually(async () => (await chatAs(instance, spent, `over budget ${tag}`)).status >= 400, 10_000)).toBe(true);
      expect((await chatAs(instance, key, `cached before the fault ${tag}`)).status).toBe(200);
      const before = await statsOf(instance);
      const spendBefore = (await keyInfo(instance, key)).spend;
      const calls = upstream.requests.length;

      await fault.begin(admin);
      let during = 0;
      try {
        await expect(admin.set(`isartor-test-probe-${tag}`, 'x')).rejects.toThrow(fault.error);
        for (const question of [`asked during the fault ${tag} one`, `asked during the fault ${tag} two`, `asked during the fault ${tag} one`]) {
          const answer = await chatAs(instance, key, question);
          expect(answer.status, answer.body).toBe(200);
          during += 1;
        }
        // Stored answers can still be read (reads are allowed); whether or not, the request is answered.
        expect((await chatAs(instance, key, `cached before the fault ${tag}`)).status).toBe(200);
        during += 1;
        expect(upstream.requests.length).toBeGreaterThanOrEqual(calls + 2);
        // The key over its budget stays refused (local policy: its known spend is over the budget).
        const refused = await chatAs(instance, spent, `over budget during the fault ${tag}`);
        expect(refused.status).toBeGreaterThanOrEqual(400);
        expect(refused.status).toBeLessThan(500);
        const change = await httpRequest(`${instance.url}/key/generate`, { method: 'POST', headers: asMaster, body: JSON.stringify({ key_alias: `during-${tag}` }) });
        expect(change.status, change.body).toBe(503);
        expect(JSON.parse(change.body)).toMatchObject({ error: { message: expect.any(String) } });
        expect((await httpRequest(`${instance.url}/health`)).status).toBe(200);
      } finally {
        await fault.end(admin);
      }

      // Writes work again, and the connection never dropped (no reconnect to wait for): without any further
      // request, the charges and records that waited reach Redis.
      const other = await startInstance(template, redis.url);
      try {
        const everyone = async () => (await statsOf(other)).keys.find((entry) => entry.keyAlias === `under-${tag}`)?.requests ?? 0;
        const underBefore = before.keys.find((entry) => entry.keyAlias === `under-${tag}`)?.requests ?? 0;
        expect(await eventually(async () => (await everyone()) === underBefore + during, 20_000, 200), `records of under-${tag} on another instance: ${await everyone()}`).toBe(true);
        // Each request charged once: the key's spend is the cost its records add up to, on both instances.
        const recorded = (await statsOf(other)).keys.find((entry) => entry.keyAlias === `under-${tag}`)!.cost.usd;
        expect(await eventually(async () => Math.abs((await keyInfo(other, key)).spend - recorded) < 1e-9, 10_000, 200), `spend ${(await keyInfo(other, key)).spend} vs recorded ${recorded}`).toBe(true);
        expect((await keyInfo(other, key)).spend).toBeGreaterThan(spendBefore);
        expect((await keyInfo(instance, key)).spend).toBeCloseTo(recorded, 9);
        expect((await generateKey(instance, { key_alias: `after-${tag}` })).key).toMatch(/^sk-/);
        expect((await chatAs(instance, key, `asked after the fault ${tag}`)).status).toBe(200);
        expect((await healthOf(instance)).store.connected).toBe(true);
      } finally {
        other.child.kill('SIGTERM');
      }
      expect(instance.child.exitCode).toBeNull();
    }, 120_000);
  }
});
