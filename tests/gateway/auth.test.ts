import { afterEach, describe, expect, it } from 'vitest';
import { callerIdFor, credentialMatches, presentedCredential } from '../../source/gateway/layers/auth.js';
import { startHarness, userMessage, type Harness } from './harness.js';

const gatewayKey = 'isartor-gateway-key-7f3a';
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('L0: the gateway key', () => {
  it('rejects requests without the key, in OpenAI error format, before anything reaches the provider', async () => {
    harness = await startHarness({ gatewayApiKey: gatewayKey });
    const response = await harness.chat(userMessage('hi'));
    expect(response.status).toBe(401);
    expect(response.headers.get('x-isartor-layer')).toBe('l0');
    expect(response.headers.get('x-should-retry')).toBe('false');
    const body = (await response.json()) as { error: { message: string; type: string; code: string } };
    expect(body.error.type).toBe('authentication_error');
    expect(body.error.code).toBe('invalid_gateway_key');
    expect(body.error.message).toContain('Authorization: Bearer');
    expect(harness.fake.requests).toHaveLength(0);
  });

  it('rejects a wrong key without echoing it', async () => {
    harness = await startHarness({ gatewayApiKey: gatewayKey });
    const response = await harness.chat(userMessage('hi'), { authorization: 'Bearer not-the-key-at-all' });
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain('not-the-key-at-all');
  });

  it('accepts the key as Authorization: Bearer or x-api-key', async () => {
    harness = await startHarness({ gatewayApiKey: gatewayKey });
    expect((await harness.chat(userMessage('a'), { authorization: `Bearer ${gatewayKey}` })).status).toBe(200);
    expect((await harness.chat(userMessage('b'), { 'x-api-key': gatewayKey })).status).toBe(200);
  });

  it('guards every route but /health', async () => {
    harness = await startHarness({ gatewayApiKey: gatewayKey });
    expect((await fetch(`${harness.url}/health`)).status).toBe(200);
    expect((await fetch(`${harness.url}/v1/models`)).status).toBe(401);
    expect((await fetch(`${harness.url}/nope`)).status).toBe(401);
    const models = await fetch(`${harness.url}/v1/models`, { headers: { authorization: `Bearer ${gatewayKey}` } });
    expect(models.status).toBe(200);
    const unknown = await fetch(`${harness.url}/nope`, { headers: { authorization: `Bearer ${gatewayKey}` } });
    expect(unknown.status).toBe(404);
  });

  it('lets everything through when no key is set', async () => {
    harness = await startHarness();
    expect((await harness.chat(userMessage('open'))).status).toBe(200);
    expect((await fetch(`${harness.url}/v1/models`)).status).toBe(200);
  });
});

describe('credential helpers', () => {
  it('reads Bearer (any case) and x-api-key, preferring Authorization', () => {
    expect(presentedCredential({ authorization: 'bearer abc' })).toBe('abc');
    expect(presentedCredential({ 'x-api-key': ' xyz ' })).toBe('xyz');
    expect(presentedCredential({ authorization: 'Bearer one', 'x-api-key': 'two' })).toBe('one');
    expect(presentedCredential({ authorization: 'Basic Zm9v' })).toBeUndefined();
    expect(presentedCredential({})).toBeUndefined();
  });

  it('matches only the exact key, whatever the length', () => {
    expect(credentialMatches('secret', 'secret')).toBe(true);
    expect(credentialMatches('secret ', 'secret')).toBe(false);
    expect(credentialMatches('s', 'secret')).toBe(false);
    expect(credentialMatches(undefined, 'secret')).toBe(false);
    expect(credentialMatches('', '')).toBe(false);
  });

  it('names callers by a digest that neither reveals the key nor collides between keys', () => {
    const a = callerIdFor('key-a');
    expect(a).toMatch(/^key:[0-9a-f]{16}$/);
    expect(a).not.toContain('key-a'.slice(4));
    expect(callerIdFor('key-b')).not.toBe(a);
    expect(callerIdFor('key-a')).toBe(a);
  });
});
