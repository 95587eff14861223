import { afterEach, describe, expect, it } from 'vitest';
import { VirtualKeys } from '../../source/keys/virtual-keys.js';
import { startHarness, userMessage, type Harness } from '../gateway/harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const master = 'master-key-for-routes-123';
const asMaster = { authorization: `Bearer ${master}`, 'content-type': 'application/json' };

async function call(path: string, options: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; json: any }> {
  const response = await fetch(`${harness!.url}${path}`, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers: options.headers ?? asMaster,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  return { status: response.status, json: await response.json() };
}

describe('/key/* with the master key', () => {
  it('generates a key with every LiteLLM field, shows it once, and keeps only its sha256', async () => {
    let now = Date.parse('2026-11-21T12:00:00.000Z');
    const keys = new VirtualKeys({ now: () => now });
    harness = await startHarness({ gatewayApiKey: master, virtualKeys: keys });
    const generated = await call('/key/generate', {
      body: { key_alias: 'openclaw', models: ['fake-model', 'sonnet'], max_budget: 50, budget_duration: '30d', duration: '7d', metadata: { team: 'agents' }, team_id: 'ignored' },
    });
    expect(generated.status).toBe(200);
    const key = generated.json.key as string;
    expect(key).toMatch(/^sk-isr-[A-Za-z0-9_-]{43}$/);
    expect(generated.json).toMatchObject({
      key_alias: 'openclaw',
      models: ['fake-model', 'sonnet'],
      max_budget: 50,
      budget_duration: '30d',
      budget_reset_at: '2026-12-21T12:00:00.000Z',
      expires: '2026-11-28T12:00:00.000Z',
      metadata: { team: 'agents' },
      spend: 0,
      key_name: `${key.slice(0, 4)}…${key.slice(-4)}`,
    });
    expect(generated.json.token).toMatch(/^[0-9a-f]{64}$/);
    // Nothing but the response ever holds the key.
    expect(JSON.stringify(keys.list())).not.toContain(key);

    // A virtual key reads its own info; the master key reads anyone's by key, token or alias.
    const own = await call('/key/info', { headers: { authorization: `Bearer ${key}` } });
    expect(own.status).toBe(200);
    expect(own.json.key).toBe(generated.json.key_name);
    expect(own.json.info).toMatchObject({ key_alias: 'openclaw', spend: 0, max_budget: 50, models: ['fake-model', 'sonnet'], expires: '2026-11-28T12:00:00.000Z', budget_reset_at: '2026-12-21T12:00:00.000Z' });
    for (const reference of [key, generated.json.token, 'openclaw']) {
      const byMaster = await call(`/key/info?key=${encodeURIComponent(reference)}`);
      expect(byMaster.status).toBe(200);
      expect(byMaster.json.info.key_alias).toBe('openclaw');
    }
    expect((await call('/key/info?key=nope')).status).toBe(404);
    expect((await call('/key/info')).status).toBe(400);

    now += 1000;
    const updated = await call('/key/update', { body: { key, max_budget: 75, models: ['fake-model'], key_alias: 'openclaw-2', metadata: { team: 'tools' } } });
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject({ key: generated.json.key_name, key_alias: 'openclaw-2', max_budget: 75, models: ['fake-model'], metadata: { team: 'tools' }, budget_duration: '30d' });
    expect(updated.json.updated_at).toBe('2026-11-21T12:00:01.000Z');
    // Unchanged fields stay; a new key is not issued.
    expect(updated.json.expires).toBe('2026-11-28T12:00:00.000Z');
    expect(JSON.stringify(updated.json)).not.toContain(key);
  });

  it('lists aliases and spend but never a key; deletes by keys and by key_aliases, all or nothing', async () => {
    harness = await startHarness({ gatewayApiKey: master });
    const a = (await call('/key/generate', { body: { key_alias: 'a' } })).json;
    const b = (await call('/key/generate', { body: { key_alias: 'b', max_budget: 1 } })).json;
    const c = (await call('/key/generate', { body: {} })).json;
    expect(c.key_alias).toBeNull();

    const listed = await call('/key/list');
    expect(listed.status).toBe(200);
    expect(listed.json.total_count).toBe(3);
    expect(listed.json.keys.map((k: { key_alias: string | null }) => k.key_alias)).toEqual(['a', 'b', null]);
    expect(listed.json.keys[1]).toMatchObject({ spend: 0, max_budget: 1, token: b.token, key_name: b.key_name });
    for (const key of [a.key, b.key, c.key]) expect(JSON.stringify(listed.json)).not.toContain(key);
    expect((await call('/key/list?key_alias=b')).json.keys).toHaveLength(1);

    // An alias is unique.
    const taken = await call('/key/generate', { body: { key_alias: 'a' } });
    expect(taken.status).toBe(400);
    expect(taken.json.error.message).toContain('already exists');

    const missing = await call('/key/delete', { body: { keys: [a.key], key_aliases: ['nobody'] } });
    expect(missing.status).toBe(404);
    expect(missing.json.error.message).toContain('alias "nobody"');
    expect((await call('/key/list')).json.total_count).toBe(3);

    const deleted = await call('/key/delete', { body: { keys: [a.key, c.token], key_aliases: ['b'] } });
    expect(deleted.status).toBe(200);
    expect(deleted.json.deleted_keys).toEqual([a.key, c.token]);
    expect(deleted.json.deleted_key_aliases).toEqual(['b']);
    expect((await call('/key/list')).json.total_count).toBe(0);
    // A deleted key is refused at once, in the caller's protocol.
    const refused = await harness.chat(userMessage('hello'), { authorization: `Bearer ${a.key}` });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('invalid_virtual_key');
  });

  it('refuses bad fields with a message naming the field and the fix', async () => {
    harness = await startHarness({ gatewayApiKey: master });
    const cases: Array<[unknown, string]> = [
      [{ max_budget: -1 }, 'max_budget'],
      [{ max_budget: '50' }, 'max_budget'],
      [{ models: 'fake-model' }, 'models'],
      [{ budget_duration: 'monthly' }, '30d'],
      [{ duration: 5 }, 'duration'],
      [{ metadata: [1] }, 'metadata'],
      [{ key_alias: '' }, 'key_alias'],
      [{ key: 'sk-my-own-key' }, 'remove `key`'],
    ];
    for (const [body, mention] of cases) {
      const answer = await call('/key/generate', { body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.json.error.message).toContain(mention);
    }
    expect((await call('/key/update', { body: { max_budget: 1 } })).status).toBe(400);
    expect((await call('/key/update', { body: { key: 'sk-isr-unknown', max_budget: 1 } })).status).toBe(404);
    expect((await call('/key/delete', { body: {} })).status).toBe(400);
    expect((await call('/key/generate', { method: 'GET' })).status).toBe(405);
    expect((await call('/key/regenerate', { body: {} })).status).toBe(404);
  });
});

describe('who may use /key/*', () => {
  it('without a master key configured, every /key/* route says to set a gateway key first', async () => {
    harness = await startHarness();
    for (const [path, body] of [['/key/generate', { key_alias: 'x' }], ['/key/list', undefined], ['/key/info?key=x', undefined]] as const) {
      const answer = await call(path, { body, headers: { 'content-type': 'application/json' } });
      expect(answer.status).toBe(403);
      expect(answer.json.error.message).toContain('--gateway-api-key');
    }
  });

  it('an open gateway (no master key) still holds a presented virtual key to its models, and refuses unknown ones', async () => {
    const keys = new VirtualKeys();
    harness = await startHarness({ virtualKeys: keys });
    const { key } = keys.create({ alias: 'limited', models: ['fake-model-large'] });
    expect((await harness.chat(userMessage('hi'), { authorization: `Bearer ${key}` })).status).toBe(403);
    expect((await harness.chat(userMessage('hi', { model: 'fake-model-large' }), { authorization: `Bearer ${key}` })).status).toBe(200);
    expect((await harness.chat(userMessage('hi'), { authorization: 'Bearer sk-isr-not-a-real-key' })).status).toBe(401);
    // Any other credential, or none, is what an open gateway always accepted.
    expect((await harness.chat(userMessage('hi'), { authorization: 'Bearer isartor-local' })).status).toBe(200);
  });

  it('a wrong key gets 401, and a virtual key gets 403 on master-only routes (/key/generate, /stats, /metrics)', async () => {
    harness = await startHarness({ gatewayApiKey: master });
    const { key } = (await call('/key/generate', { body: { key_alias: 'tool' } })).json;
    expect((await call('/key/list', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await call('/key/list', { headers: {} })).status).toBe(401);
    const asVirtual = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const generate = await call('/key/generate', { body: {}, headers: asVirtual });
    expect(generate.status).toBe(401);
    expect(generate.json.error.message).toContain('master key');
    for (const path of ['/stats', '/metrics']) {
      const response = await fetch(`${harness.url}${path}`, { headers: asVirtual });
      expect(response.status, path).toBe(403);
      expect(((await response.json()) as { error: { message: string } }).error.message).toContain('master key');
    }
    // But it may call models, and list them.
    expect((await harness.chat(userMessage('hi'), asVirtual)).status).toBe(200);
    expect((await fetch(`${harness.url}/v1/models`, { headers: asVirtual })).status).toBe(200);
  });
});
