// A Redis that hangs (frozen with SIGSTOP: its connections stay open, commands get no answer) must
// turn into cache misses and budget decisions from memory, never into requests that hang with it; a
// key change is refused rather than left waiting. Thawed, it is used again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../../support/fake-upstream.js';
import { redisServerAvailable, startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { cleanupTempHomes, httpRequest } from '../../cli/run-cli.js';
import { asMaster, chatAs, configuredHome, eventually, generateKey, healthOf, startInstance, type Instance } from './instances.js';

const upstreamKey = 'sk-upstream-key-for-slow-redis';
const available = redisServerAvailable();

describe.skipIf(!available && !process.env.CI)('a Redis that stops answering (hung, not down)', () => {
  let redis: TestRedis;
  let upstream: FakeUpstream;
  let instance: Instance;
  beforeAll(async () => {
    redis = await startTestRedis();
    upstream = await startFakeUpstream({ apiKey: upstreamKey });
    instance = await startInstance(await configuredHome(upstream, upstreamKey), redis.url);
  }, 90_000);
  afterAll(async () => {
    instance?.child.kill('SIGTERM');
    await cleanupTempHomes();
    await upstream?.close();
    await redis?.close();
  });

  it('requests are still answered (cache misses, the budget from memory), /health answers, a key change is refused; thawed, all is well again', async () => {
    const { key } = await generateKey(instance, { key_alias: 'through-a-hang', max_budget: 100 });
    expect((await chatAs(instance, key, 'asked before the hang')).status).toBe(200);
    redis.freeze();
    try {
      const calls = upstream.requests.length;
      const during = await chatAs(instance, key, 'asked while Redis hangs');
      expect(during.status, during.body).toBe(200);
      // The cached answer cannot be read from a hung Redis: asked again, the provider answers, not a hang.
      expect((await chatAs(instance, key, 'asked before the hang')).status).toBe(200);
      expect(upstream.requests.length).toBeGreaterThan(calls);
      expect((await httpRequest(`${instance.url}/health`)).status).toBe(200);
      const change = await httpRequest(`${instance.url}/key/generate`, { method: 'POST', headers: asMaster, body: JSON.stringify({ key_alias: 'during-the-hang' }) });
      expect(change.status).toBeGreaterThanOrEqual(500);
      expect(JSON.parse(change.body)).toMatchObject({ error: { message: expect.any(String) } });
    } finally {
      redis.thaw();
    }
    expect(await eventually(async () => (await healthOf(instance)).store.connected, 20_000, 100)).toBe(true);
    expect((await generateKey(instance, { key_alias: 'after-the-hang' })).key).toMatch(/^sk-/);
    expect(instance.child.exitCode).toBeNull();
  }, 90_000);
});
