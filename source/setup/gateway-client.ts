import { performance } from 'node:perf_hooks';
import { createParser } from 'eventsource-parser';
import { probeAt, type ProbeSpec } from './dashboard/probes.js';
import type { EventsSubscriber, GatewayHandle, ProbeResult } from './effects.js';
import type { LiveRequestRecord, StatsReport } from './gateway-contracts.js';

/** The dashboard's view of a running gateway: `GET /stats`, `GET /events` and a probe request. */

/** How the wizard names itself to the gateway, so its probes show up as their own tool. */
export const setupClientName = 'isartor-setup';

function authHeader(gateway: Pick<GatewayHandle, 'apiKey'>): Record<string, string> {
  return gateway.apiKey ? { authorization: `Bearer ${gateway.apiKey}` } : {};
}

export async function fetchGatewayStats(gateway: Pick<GatewayHandle, 'url' | 'apiKey'>, options: { timeoutMs?: number } = {}): Promise<StatsReport> {
  // The last day: the dashboard polls every few seconds, and a window keeps the gateway from parsing its whole log history each time.
  const response = await fetch(`${gateway.url}/stats?since=24h`, { headers: authHeader(gateway), signal: AbortSignal.timeout(options.timeoutMs ?? 3000) });
  if (response.status === 404) throw new Error('this gateway has no /stats yet (update isartor)');
  if (response.status === 401) throw new Error('the gateway rejected the gateway key (HTTP 401)');
  if (!response.ok) throw new Error(`/stats answered HTTP ${response.status}`);
  return (await response.json()) as StatsReport;
}

/** Sends one small chat completion through the gateway and reports which layer answered and how fast. */
export async function probeGateway(gateway: Pick<GatewayHandle, 'url' | 'apiKey' | 'model'>, probe: ProbeSpec = probeAt(0), options: { timeoutMs?: number } = {}): Promise<ProbeResult> {
  const startedAt = performance.now();
  try {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-isartor-client': setupClientName, ...authHeader(gateway) },
      body: JSON.stringify({ model: gateway.model ?? 'isartor-probe', max_tokens: 16, messages: [{ role: 'user', content: probe.content }] }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
    await response.arrayBuffer();
    return { probe, status: response.status, layer: response.headers.get('x-isartor-layer') ?? '?', latencyMs: Math.round(performance.now() - startedAt) };
  } catch (error) {
    return { probe, status: 0, layer: '?', latencyMs: Math.round(performance.now() - startedAt), error: error instanceof Error ? error.message : String(error) };
  }
}

export interface SubscribeOptions {
  /** First reconnect delay; doubles up to maxBackoffMs. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * Follows `GET /events` (text/event-stream), one `request` event per finished request. When the stream
 * ends or fails (the gateway restarted), it reconnects with backoff; the returned function stops it.
 */
export function subscribeGatewayEvents(gateway: Pick<GatewayHandle, 'url' | 'apiKey'>, subscriber: EventsSubscriber, options: SubscribeOptions = {}): () => void {
  const controller = new AbortController();
  const initialBackoffMs = options.initialBackoffMs ?? 500;
  const maxBackoffMs = options.maxBackoffMs ?? 10_000;
  let backoffMs = initialBackoffMs;

  const connectOnce = async (): Promise<'retry' | 'unavailable'> => {
    const response = await fetch(`${gateway.url}/events`, {
      headers: { accept: 'text/event-stream', ...authHeader(gateway) },
      signal: controller.signal,
    });
    // A gateway without /events will not grow one by retrying quickly; keep trying, slowly.
    if (response.status === 404) return 'unavailable';
    if (!response.ok || !response.body) return 'retry';
    subscriber.onStatus('live');
    backoffMs = initialBackoffMs;
    const parser = createParser({
      onEvent: (message) => {
        if (message.event !== 'request') return;
        try {
          subscriber.onRecord(JSON.parse(message.data) as LiveRequestRecord);
        } catch {
          // One malformed record must not end the stream.
        }
      },
    });
    const decoder = new TextDecoder();
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
    return 'retry';
  };

  void (async () => {
    subscriber.onStatus('connecting');
    while (!controller.signal.aborted) {
      let outcome: 'retry' | 'unavailable' = 'retry';
      try {
        outcome = await connectOnce();
      } catch {
        outcome = 'retry';
      }
      if (controller.signal.aborted) return;
      subscriber.onStatus(outcome === 'unavailable' ? 'unavailable' : 'reconnecting');
      await abortableSleep(outcome === 'unavailable' ? maxBackoffMs : backoffMs, controller.signal);
      backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
    }
  })();

  return () => controller.abort();
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
