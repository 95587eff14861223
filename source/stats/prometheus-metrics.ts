import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { RequestRecord } from './request-record.js';

/** Seconds: cache hits land in the first buckets, provider calls in the last. */
const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const overheadBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];

/** Distinct client labels in /metrics (and tools in /stats) before the rest are counted as "other". */
export const maxClientLabels = 50;
export const otherClients = 'other';

/**
 * The gateway's Prometheus metrics, fed by the same records as `isartor stats`. One registry per
 * gateway (not prom-client's global one), so two gateways in one process never mix their counts.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly #requests: Counter<'layer' | 'client' | 'status' | 'key'>;
  readonly #latency: Histogram<'layer'>;
  readonly #overhead: Histogram<'layer'>;
  readonly #tokens: Counter<'client' | 'direction'>;
  readonly #tokensSaved: Counter<'client' | 'layer'>;
  readonly #cost: Counter<'client' | 'key'>;
  readonly #costSaved: Counter<'client' | 'layer' | 'key'>;

  constructor() {
    const registers = [this.registry];
    this.#requests = new Counter({ name: 'isartor_requests_total', help: 'Model requests by the layer that answered, the tool that asked, the HTTP status, and the virtual key (alias; "none" for the gateway key).', labelNames: ['layer', 'client', 'status', 'key'], registers });
    this.#latency = new Histogram({ name: 'isartor_request_duration_seconds', help: 'Time from request to the end of the answer, by answering layer.', labelNames: ['layer'], buckets: latencyBuckets, registers });
    this.#overhead = new Histogram({ name: 'isartor_gateway_overhead_seconds', help: "The gateway's own time on a request, provider time excluded.", labelNames: ['layer'], buckets: overheadBuckets, registers });
    this.#tokens = new Counter({ name: 'isartor_tokens_total', help: 'Tokens sent to and received from providers.', labelNames: ['client', 'direction'], registers });
    this.#tokensSaved = new Counter({ name: 'isartor_tokens_saved_total', help: 'Tokens not sent to a provider: whole calls answered from cache, and context trimmed by L2.5.', labelNames: ['client', 'layer'], registers });
    this.#cost = new Counter({ name: 'isartor_cost_usd_total', help: 'USD spent at providers, from the pricing table (unpriced models count 0), by tool and virtual key.', labelNames: ['client', 'key'], registers });
    this.#costSaved = new Counter({ name: 'isartor_cost_saved_usd_total', help: 'USD not spent thanks to cache hits and trimming, by tool, layer and virtual key.', labelNames: ['client', 'layer', 'key'], registers });
    // Among the defaults: isartor_nodejs_eventloop_lag_{p50,p90,p99,max}_seconds, from perf_hooks'
    // monitorEventLoopDelay, over the time since the previous scrape.
    collectDefaultMetrics({ register: this.registry, prefix: 'isartor_' });
  }

  /** The client labels given out so far; past `maxClientLabels` every new one counts as "other". */
  readonly #clients = new Set<string>();

  observe(record: RequestRecord): void {
    const { layer } = record;
    const client = this.#clientLabel(record.client);
    const key = record.keyAlias ?? 'none';
    this.#requests.inc({ layer, client, status: String(record.status), key });
    this.#latency.observe({ layer }, record.totalMs / 1000);
    this.#overhead.observe({ layer }, record.overheadMs / 1000);
    if (record.inputTokens) this.#tokens.inc({ client, direction: 'input' }, record.inputTokens);
    if (record.outputTokens) this.#tokens.inc({ client, direction: 'output' }, record.outputTokens);
    if (record.tokensSaved) this.#tokensSaved.inc({ client, layer }, record.tokensSaved);
    if (record.costUsd) this.#cost.inc({ client, key }, record.costUsd);
    if (record.costSavedUsd) this.#costSaved.inc({ client, layer, key }, record.costSavedUsd);
  }

  /**
   * Any client may name itself (x-isartor-client), and every name is a new time series: the first
   * `maxClientLabels` names keep theirs (tools connect early and stay), later ones share "other".
   */
  #clientLabel(client: string): string {
    if (this.#clients.has(client)) return client;
    if (this.#clients.size >= maxClientLabels) return otherClients;
    this.#clients.add(client);
    return client;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
