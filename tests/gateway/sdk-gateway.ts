// The official SDKs (openai, @anthropic-ai/sdk) in front of one gateway for a describe block, as the SDK
// fault rounds use them: neither the gateway nor the SDK retries, so each fault the fake upstream plays
// reaches the SDK once, as the gateway passed it on.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll } from 'vitest';
import { startHarness, type Harness } from './harness.js';

export interface SdkGateway {
  harness: Harness;
  /** Pointed at the gateway's /v1 (chat completions and Responses). */
  openai: OpenAI;
  /** Pointed at the gateway's /v1/messages. */
  anthropic: Anthropic;
}

/** Registers beforeAll/afterAll in the calling describe; the fields are set once beforeAll has run. */
export function sdkGatewayBefore(provider: 'chat' | 'anthropic' | 'responses'): SdkGateway {
  const gateway = {} as SdkGateway;
  beforeAll(async () => {
    gateway.harness = await startHarness({
      ...(provider === 'anthropic' ? { provider: 'anthropic' as const } : {}),
      config: { routing: { retries: 0, maxRetryAfterMs: 0 }, ...(provider === 'responses' ? { providers: { 'openai-compatible': { responsesApi: true } } } : {}) },
    });
    gateway.openai = new OpenAI({ baseURL: `${gateway.harness.url}/v1`, apiKey: 'isartor-local', maxRetries: 0 });
    gateway.anthropic = new Anthropic({ baseURL: gateway.harness.url, apiKey: 'isartor-local', maxRetries: 0 });
  });
  afterAll(() => gateway.harness.close());
  return gateway;
}
