import type { ServerResponse } from 'node:http';
import type { GatewayMetrics } from '../../stats/prometheus-metrics.js';
import type { RequestFeed } from '../../stats/request-feed.js';
import { parseSince } from '../../stats/stats-report.js';
import type { LiveStats } from '../../stats/live-stats.js';
import type { Layer } from '../context.js';
import { isartorHeaders, sendError, sendJson } from '../respond.js';

/** GET /stats[?since=24h]: the numbers `isartor stats --json` prints, from the same request log. */
export function statsLayer(stats: LiveStats): Layer {
  return async (ctx) => {
    ctx.layer = 'gateway';
    const since = new URL(ctx.req.url ?? '/', 'http://gateway').searchParams.get('since');
    const sinceMs = since === null ? undefined : parseSince(since);
    if (since !== null && sinceMs === undefined) {
      sendError(ctx, 400, `?since=${since} is neither a duration like 30m, 24h or 7d nor a date like 2026-11-21.`, 'invalid_since');
      return;
    }
    sendJson(ctx, 200, await stats.report(sinceMs));
  };
}

/** GET /metrics: Prometheus text format. */
export function metricsLayer(metrics: GatewayMetrics): Layer {
  return async (ctx) => {
    ctx.layer = 'gateway';
    const text = await metrics.render();
    ctx.res.writeHead(200, { 'content-type': metrics.contentType, 'content-length': Buffer.byteLength(text), ...isartorHeaders(ctx) });
    ctx.res.end(text);
  };
}

const heartbeatMs = 15_000;

/**
 * GET /events: a server-sent events feed of request records as they finish (`event: request`), with a
 * comment every 15 s so proxies and clients can tell a quiet gateway from a dead connection. `streams`
 * holds the open feeds so that a stopping gateway can end them instead of waiting for them.
 */
export function eventsLayer(feed: RequestFeed, streams: Set<ServerResponse>): Layer {
  return async (ctx) => {
    ctx.layer = 'gateway';
    const res = ctx.res;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...isartorHeaders(ctx) });
    res.write('retry: 3000\n: isartor request feed\n\n');
    const unsubscribe = feed.subscribe((record) => {
      res.write(`event: request\ndata: ${JSON.stringify(record)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
    heartbeat.unref();
    streams.add(res);
    await new Promise<void>((resolve) => {
      res.once('close', () => {
        unsubscribe();
        clearInterval(heartbeat);
        streams.delete(res);
        resolve();
      });
    });
  };
}
