import { buildRoutingTable } from '../../source/routing/routing-table.js';
import { configDefaults, type ExactCacheSettings, type IsartorConfig, type NearDuplicateCacheSettings, type TrimmingSettings, type UpstreamSettings } from '../../source/store/config.js';
import { createGateway, startGateway, type Gateway, type RunningGateway } from '../../source/gateway/server.js';
import type { RequestRecord } from '../../source/stats/request-record.js';
import type { VirtualKeys } from '../../source/keys/virtual-keys.js';
import { startFakeUpstream, type FakeUpstream, type FakeUpstreamOptions } from '../support/fake-upstream.js';

export const upstreamKey = 'sk-upstream-secret-0123456789';

export interface HarnessOptions {
  /** The upstream's protocol: an OpenAI-compatible provider (default) or Anthropic. */
  provider?: 'openai-compatible' | 'anthropic';
  gatewayApiKey?: string;
  fake?: FakeUpstreamOptions;
  /** null: no model configured, so the client's model is forwarded. */
  model?: string | null;
  exactCache?: Partial<ExactCacheSettings>;
  exactCacheFile?: string;
  /** L1b: off unless asked for, so other tests see only the layers they are about. */
  nearDuplicateCache?: Partial<NearDuplicateCacheSettings>;
  /** L2.5: off unless asked for; `true` or settings (the rest at their defaults) turn it on. */
  trimming?: boolean | Partial<TrimmingSettings>;
  bodyLimitBytes?: number;
  upstream?: Partial<UpstreamSettings>;
  /** More config: aliases, fallbacks, routing, extra providers. */
  config?: Partial<IsartorConfig>;
  /** Virtual keys (a state dir's, or one with a test clock); default: empty, in memory. */
  virtualKeys?: VirtualKeys;
  /** Another upstream than the fake (a test's own server): its base URL. */
  upstreamBaseUrl?: string;
  /** Warm L1b and L2.5 up before serving, as `isartor up` does. */
  warmUp?: boolean;
}

export interface Harness {
  fake: FakeUpstream;
  gateway: Gateway;
  running: RunningGateway;
  url: string;
  logLines: string[];
  /** Set to an array to collect the gateway's stats records. */
  records: RequestRecord[] | undefined;
  /** POST /v1/chat/completions with a JSON body. */
  chat(body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** POST /v1/messages with a JSON body and an anthropic-version header. */
  messages(body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Chat requests the fake upstream received. */
  upstreamChatCalls(): number;
  close(): Promise<void>;
}

/** A real gateway on a random loopback port in front of a fresh fake upstream. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const fake = await startFakeUpstream({ apiKey: upstreamKey, ...options.fake });
  const model = options.model === undefined ? 'fake-model' : options.model;
  const provider = options.provider ?? 'openai-compatible';
  const baseUrl = options.upstreamBaseUrl ?? (provider === 'anthropic' ? fake.anthropicBaseUrl : fake.openaiBaseUrl);
  const routing = buildRoutingTable({
    ...configDefaults,
    upstream: { ...configDefaults.upstream, ...options.upstream },
    ...options.config,
    provider,
    providers: {
      ...options.config?.providers,
      [provider]: { baseUrl, apiKey: upstreamKey, ...(model ? { model } : {}), ...options.config?.providers?.[provider] },
    },
  });
  const logLines: string[] = [];
  const gateway = await createGateway({
    routing,
    gatewayApiKey: options.gatewayApiKey,
    bodyLimitBytes: options.bodyLimitBytes ?? configDefaults.gateway.bodyLimitBytes,
    exactCache: { ...configDefaults.cache.exact, ...options.exactCache },
    nearDuplicateCache: { ...configDefaults.cache.nearDuplicate, enabled: options.nearDuplicateCache !== undefined, ...options.nearDuplicateCache },
    trimming:
      typeof options.trimming === 'object'
        ? { ...configDefaults.trimming, enabled: true, ...options.trimming }
        : { ...configDefaults.trimming, enabled: options.trimming ?? false },
    ...(options.exactCacheFile ? { exactCacheFile: options.exactCacheFile } : {}),
    log: (line) => logLines.push(line),
    userPrices: () => options.config?.pricing ?? {},
    ...(options.virtualKeys ? { virtualKeys: options.virtualKeys } : {}),
    requestLog: { append: (record) => harness.records?.push(record), read: () => ({ records: harness.records ?? [], skipped: 0 }) },
    ...(options.warmUp ? { warmUp: true } : {}),
  });
  const running = await startGateway(gateway, { host: '127.0.0.1', port: 0 });
  const harness: Harness = {
    fake,
    gateway,
    running,
    url: running.url,
    logLines,
    chat: (body, headers = {}) =>
      fetch(`${running.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    messages: (body, headers = {}) =>
      fetch(`${running.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    upstreamChatCalls: () => fake.requests.filter((r) => r.path.endsWith('/chat/completions') || r.path.endsWith('/messages') || r.path.endsWith('/responses')).length,
    records: undefined,
    close: async () => {
      await running.stop(1000);
      await fake.close();
    },
  };
  return harness;
}

export function userMessage(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: 'fake-model', messages: [{ role: 'user', content: text }], ...extra };
}

/** Splits an SSE body into its `data:` payloads. */
export function sseData(text: string): string[] {
  return text
    .split(/\r?\n\r?\n/)
    .map((event) => event.split(/\r?\n/).filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trimStart()).join('\n'))
    .filter((data) => data.length > 0);
}

/** The text a client assembles from a chat completion SSE body. */
export function streamedText(text: string): string {
  return sseData(text)
    .filter((d) => d !== '[DONE]')
    .map((d) => JSON.parse(d) as { choices: Array<{ delta?: { content?: string } }> })
    .map((chunk) => chunk.choices.map((c) => c.delta?.content ?? '').join(''))
    .join('');
}
