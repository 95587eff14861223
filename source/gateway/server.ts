import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { RoutingTable } from '../routing/routing-table.js';
import { configDefaults, type ExactCacheSettings, type NearDuplicateCacheSettings, type TrimmingSettings } from '../store/config.js';
import { UserError } from '../user-error.js';
import { identifyClient } from '../stats/identify-client.js';
import { findPrice } from '../stats/price-book.js';
import type { ModelPrice } from '../stats/price-book.js';
import { GatewayMetrics } from '../stats/prometheus-metrics.js';
import { PromptChurnTracker } from '../stats/prompt-churn.js';
import { RequestFeed } from '../stats/request-feed.js';
import { LiveStats } from '../stats/live-stats.js';
import { MemoryRequestLog, type RequestLog } from '../state/request-log.js';
import { requestRecordOf } from './request-record-of.js';
import { isartorVersion } from '../version.js';
import { ExactCacheStore } from '../state/exact-cache-file.js';
import { composeLayers, type Layer, type RequestContext } from './context.js';
import { authLayer } from './layers/auth.js';
import { countTokensLayer } from './layers/count-tokens.js';
import { exactCacheLayer } from './layers/exact-cache.js';
import { nearDuplicateCacheLayer } from './layers/near-duplicate-cache.js';
import { timeDependenceLayer } from './layers/time-dependence.js';
import { trimContextLayer } from './layers/trim-context.js';
import { loadQuestionReader } from '../caching/near-duplicate/question.js';
import { NearDuplicateStore } from '../caching/near-duplicate/store.js';
import { openNearDuplicateCache } from '../caching/near-duplicate/shared-cache.js';
import { unsharedNearDuplicateEntries } from '../state/near-duplicate-entries.js';
import type { SharedState, StoreReport } from '../state/shared-state.js';
import { prepareTrimmer } from '../trimming/trim-request.js';
import { warmUpLayers } from './warm-up.js';
import { listModelsLayer, retrieveModelLayer } from './layers/list-models.js';
import { eventsLayer, metricsLayer, statsLayer } from './layers/observability.js';
import { promptChurnLayer } from './layers/prompt-churn.js';
import { parseRequestLayer } from './layers/parse-request.js';
import { createUpstreamAgents, upstreamLayer } from './layers/upstream.js';
import { formatRequestLogLine } from './request-log.js';
import { VirtualKeys } from '../keys/virtual-keys.js';
import { keyManagementLayer } from './layers/key-management.js';
import { chargeVirtualKey, virtualKeyPolicyLayer } from './layers/virtual-keys.js';
import { errorBodyIn, sendError, sendJson } from './respond.js';
import { midStreamError } from './upstream-exchange.js';
import { answerClientError, noteProtocol } from './malformed-connection.js';

export interface GatewayOptions {
  routing: RoutingTable;
  gatewayApiKey?: string | undefined;
  bodyLimitBytes: number;
  exactCache: ExactCacheSettings;
  nearDuplicateCache?: NearDuplicateCacheSettings;
  /** L2.5; settings left out take their defaults. */
  trimming?: Partial<TrimmingSettings> & { enabled: boolean };
  /** Where L1a persists; omitted: memory only. */
  exactCacheFile?: string;
  /** One line per finished request. */
  log?: (line: string) => void;
  /** Where a record of every finished model request goes, and `/stats` reads from; omitted: memory only. */
  requestLog?: RequestLog;
  /** The user's prices, read on every record so that `isartor pricing set` applies without a restart. */
  userPrices?: () => Readonly<Record<string, ModelPrice>>;
  onWarning?: (message: string) => void;
  /** Virtual keys with budgets and model lists (/key/*); omitted: an empty, memory-only set. */
  virtualKeys?: VirtualKeys;
  /** State shared with other instances (Redis); omitted: embedded, in this process and exactCacheFile/requestLog. */
  sharedState?: SharedState;
  /** Compile L1b's reader and L2.5's trimmer on samples before serving (warm-up.ts); `isartor up` does, tests need not. */
  warmUp?: boolean;
}

export interface HealthReport {
  status: 'ok';
  version: string;
  pid: number;
  uptimeSeconds: number;
  provider: string;
  model: string | null;
  layers: { l0: boolean; l1a: boolean; l1b: boolean; 'l2.5': boolean; l3: boolean };
  store: StoreReport;
}

export interface Gateway {
  handle(req: IncomingMessage, res: ServerResponse): void;
  health(): HealthReport;
  readonly inFlight: number;
  /** Resolves once no request is in flight (live `/events` feeds do not count) and every record is written. */
  drained(): Promise<void>;
  /** Ends the live `/events` feeds, so that a stopping gateway does not wait for them. */
  endLiveFeeds(): void;
  /**
   * Ends what is still in flight in its caller's protocol, for a stop whose grace ran out: a stream gets
   * an error event, a request not yet answered a 503. A bare close would read as a network fault.
   */
  endInFlight(): void;
  /** Finished requests as they happen. */
  readonly feed: RequestFeed;
  /** Saves the cache and releases upstream connections. */
  close(): Promise<void>;
}

const chatPaths = new Set(['/v1/chat/completions', '/chat/completions']);
const messagePaths = new Set(['/v1/messages', '/messages']);
const responsesPaths = new Set(['/v1/responses', '/responses']);
const countTokensPaths = new Set(['/v1/messages/count_tokens', '/messages/count_tokens']);
const modelPaths = new Set(['/v1/models', '/models']);
/** No prices of the user's own: one object, so prices found in the built-in table are remembered (price-book.ts). */
const noUserPrices: Readonly<Record<string, never>> = Object.freeze({});
/** Requests about the gateway itself: neither logged line by line nor recorded in stats. */
const observabilityPaths = new Set(['/health', '/stats', '/metrics', '/events']);

/** Builds the gateway's request handler without listening anywhere; `startGateway` listens. */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const startedAt = Date.now();
  const shared = options.sharedState;
  const exactCacheLimits = { ttlMs: options.exactCache.ttlSeconds * 1000, maxBytes: options.exactCache.maxBytes };
  // Embedded: this process's LRU, persisted to exactCacheFile. Shared: the deployment's Redis.
  const exactCache = !options.exactCache.enabled
    ? undefined
    : (shared?.exactCache(exactCacheLimits) ??
      (await ExactCacheStore.open({
        ...exactCacheLimits,
        ...(options.exactCacheFile ? { file: options.exactCacheFile } : {}),
        ...(options.onWarning ? { onWarning: options.onWarning } : {}),
      })));
  const nearDuplicateIndex = options.nearDuplicateCache?.enabled
    ? new NearDuplicateStore({
        threshold: options.nearDuplicateCache.threshold,
        maxEntries: options.nearDuplicateCache.maxEntries,
        ttlMs: options.nearDuplicateCache.ttlSeconds * 1000,
        maxBytes: options.nearDuplicateCache.maxBytes,
      })
    : undefined;
  const trimming: TrimmingSettings = { ...{}, ...configDefaults.trimming, enabled: false, ...options.trimming };
  // L2.5's tokenizer (and L1b's NLP model) load here, not on some client's first request.
  if (trimming.enabled) await prepareTrimmer();
  // Without L1b, L1a still reads each question for time dependence (time-dependence.ts).
  if (nearDuplicateIndex || exactCache) loadQuestionReader();
  if (options.warmUp) await warmUpLayers({ questions: Boolean(nearDuplicateIndex || exactCache), trimming: trimming.enabled });
  // Shared: the index learns every live answer of the deployment before the first request.
  const nearDuplicate = nearDuplicateIndex ? await openNearDuplicateCache(nearDuplicateIndex, shared?.nearDuplicateEntries ?? unsharedNearDuplicateEntries) : undefined;
  const agents = createUpstreamAgents();
  const virtualKeys = options.virtualKeys ?? new VirtualKeys();
  const auth = authLayer(options.gatewayApiKey, { virtualKeys });
  const masterAuth = authLayer(options.gatewayApiKey, { virtualKeys, masterOnly: true });
  const unpricedWarned = new Set<string>();
  const requestLog: RequestLog = shared?.requestLog ?? options.requestLog ?? new MemoryRequestLog();
  const liveStats = new LiveStats(requestLog);
  const userPrices = options.userPrices ?? (() => noUserPrices);
  const metrics = new GatewayMetrics();
  const feed = new RequestFeed();
  const liveFeeds = new Set<ServerResponse>();
  const churn = new PromptChurnTracker();
  // Shared: the other instances' requests count in this one's /metrics and show in its /events too.
  const stopRemoteRecords =
    shared?.onRemoteRecord((finished) => {
      metrics.observe(finished);
      feed.publish(finished);
    }) ?? (() => {});

  // Chat completions, Anthropic messages and Responses share one pipeline; the context's protocol tells the layers apart.
  const routeModelRequest = composeLayers([
    auth,
    parseRequestLayer({ bodyLimitBytes: options.bodyLimitBytes, routing: options.routing }),
    virtualKeyPolicyLayer(options.routing, virtualKeys, { admit: true, priceOf: (provider, model) => findPrice(provider, model, userPrices())?.price }),
    promptChurnLayer(),
    exactCacheLayer(exactCache),
    nearDuplicate || !exactCache ? nearDuplicateCacheLayer(nearDuplicate) : timeDependenceLayer(),
    trimContextLayer(trimming),
    upstreamLayer(options.routing, agents, options.onWarning),
  ]);
  const routeCountTokens = composeLayers([
    auth,
    parseRequestLayer({ bodyLimitBytes: options.bodyLimitBytes, routing: options.routing, requireMaxTokens: false, dropUntranslatableRoutes: false }),
    virtualKeyPolicyLayer(options.routing, virtualKeys, { admit: false }),
    countTokensLayer(options.routing, agents),
  ]);
  const routeModels = composeLayers([auth, listModelsLayer(options.routing, agents)]);
  const routeModel = composeLayers([auth, retrieveModelLayer(options.routing, agents)]);
  const routeStats = composeLayers([masterAuth, statsLayer(liveStats)]);
  const routeMetrics = composeLayers([masterAuth, metricsLayer(metrics)]);
  const routeEvents = composeLayers([masterAuth, eventsLayer(feed, liveFeeds)]);
  const routeKeys = keyManagementLayer(options.gatewayApiKey, virtualKeys);
  const routeUnknown = composeLayers([auth, answerNotFound]);
  const routeWrongMethod = composeLayers([auth, answerWrongMethod]);

  let inFlight = 0;
  const inFlightContexts = new Set<RequestContext>();
  const drainWaiters: Array<() => void> = [];
  const pendingRecords = new Set<Promise<void>>();

  const record = (ctx: RequestContext): void => {
    try {
      if (ctx.promptToCompare) ctx.promptChurn = churn.observe(ctx.promptToCompare.tool, ctx.promptToCompare.body);
    } catch (error) {
      options.onWarning?.(`Could not compare a prompt with the previous one: ${error instanceof Error ? error.message : String(error)}`);
    }
    const pending = requestRecordOf(ctx, userPrices(), options.onWarning)
      .then((finished) => {
        chargeVirtualKey(ctx, finished, unpricedWarned, options.onWarning);
        liveStats.append(finished);
        metrics.observe(finished);
        feed.publish(finished);
      })
      .catch((error: unknown) => options.onWarning?.(`Could not record a request for stats: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        chargeVirtualKey(ctx, undefined, unpricedWarned);
        pendingRecords.delete(pending);
        if (inFlight === 0 && pendingRecords.size === 0) drainWaiters.splice(0).forEach((resolve) => resolve());
      });
    pendingRecords.add(pending);
  };

  const health = (): HealthReport => ({
    status: 'ok',
    version: isartorVersion,
    pid: process.pid,
    uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    provider: options.routing.defaultRoute.target.providerId,
    model: options.routing.defaultRoute.target.model ?? null,
    layers: { l0: Boolean(options.gatewayApiKey), l1a: Boolean(exactCache), l1b: Boolean(nearDuplicate), 'l2.5': trimming.enabled, l3: true },
    store: shared?.report() ?? { kind: 'embedded', connected: true },
  });

  const handlers: Record<Route, (ctx: RequestContext) => Promise<void>> = {
    health: async (ctx) => sendJson(ctx, 200, health()),
    chat: routeModelRequest,
    messages: routeModelRequest,
    responses: routeModelRequest,
    'count-tokens': routeCountTokens,
    models: routeModels,
    model: routeModel,
    stats: routeStats,
    metrics: routeMetrics,
    events: routeEvents,
    keys: async (ctx) => routeKeys(ctx, async () => {}),
    'wrong-method': routeWrongMethod,
    unknown: routeUnknown,
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const ctx = createContext(req, res);
    const route = pickRoute(req.method ?? 'GET', ctx.path);
    // A live feed stays open until its client leaves; a stopping gateway ends it instead of waiting.
    const counted = route !== 'events';
    if (counted) {
      inFlight += 1;
      inFlightContexts.add(ctx);
    }
    res.once('close', () => {
      inFlightContexts.delete(ctx);
      // This listener runs before the layers' own: a client that left is known as such to them.
      if (!res.writableFinished) ctx.clientGone = true;
      // The log line and the record wait for the layers' own close handlers: the upstream layer keeps the
      // whole answer of a client that left right after its last event, and the record must say so.
      process.nextTick(() => {
        if (counted) inFlight -= 1;
        // Health probes, scrapes and dashboards would drown out the requests that matter.
        if (!observabilityPaths.has(ctx.path)) options.log?.(formatRequestLogLine(ctx));
        // Unknown routes are recorded too (route, status, client; never a body): a client calling a path
        // isartor lacks should show up in `isartor stats`, not only in the log.
        if (ctx.chat || route === 'unknown') record(ctx);
        if (inFlight === 0 && pendingRecords.size === 0) drainWaiters.splice(0).forEach((resolve) => resolve());
      });
    });
    ctx.protocol = protocolOf(route, ctx.path, req.headers['anthropic-version']);
    noteProtocol(req.socket, ctx.protocol);
    const run = handlers[route];
    run(ctx).catch((error: unknown) => {
      options.onWarning?.(`Unexpected error on ${ctx.path}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      ctx.layer = 'gateway';
      if (!res.headersSent) sendError(ctx, 500, 'isartor hit an unexpected error; see the gateway log.', 'internal_error');
      else res.destroy();
    });
  };

  return {
    handle,
    health,
    get inFlight() {
      return inFlight;
    },
    feed,
    endLiveFeeds: () => {
      for (const res of liveFeeds) res.end();
    },
    endInFlight: () => {
      const message = 'isartor is stopping and could not finish this answer in time; send the request again.';
      for (const ctx of inFlightContexts) {
        if (ctx.res.writableEnded) continue;
        if (!ctx.res.headersSent) sendError(ctx, 503, message, 'gateway_stopping', { connection: 'close' });
        else if (ctx.answerRelayed) ctx.res.end(midStreamError(ctx.protocol, message, 'gateway_stopping'));
        else ctx.res.end();
      }
    },
    drained: async () => {
      if (inFlight > 0 || pendingRecords.size > 0) await new Promise<void>((resolve) => drainWaiters.push(resolve));
      // Appended is not yet written: a file log batches its writes.
      await requestLog.flush?.();
    },
    close: async () => {
      await exactCache?.close();
      nearDuplicate?.close();
      stopRemoteRecords();
      if (!options.virtualKeys) virtualKeys.close();
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

type Route =
  | 'health'
  | 'chat'
  | 'messages'
  | 'responses'
  | 'count-tokens'
  | 'models'
  | 'model'
  | 'stats'
  | 'metrics'
  | 'events'
  | 'keys'
  | 'wrong-method'
  | 'unknown';

function pickRoute(method: string, path: string): Route {
  if (path === '/health') return method === 'GET' || method === 'HEAD' ? 'health' : 'wrong-method';
  if (path === '/stats' || path === '/metrics' || path === '/events') return method === 'GET' ? path.slice(1) as Route : 'wrong-method';
  if (chatPaths.has(path)) return method === 'POST' ? 'chat' : 'wrong-method';
  if (messagePaths.has(path)) return method === 'POST' ? 'messages' : 'wrong-method';
  if (countTokensPaths.has(path)) return method === 'POST' ? 'count-tokens' : 'wrong-method';
  if (responsesPaths.has(path)) return method === 'POST' ? 'responses' : 'wrong-method';
  if (modelPaths.has(path)) return method === 'GET' ? 'models' : 'wrong-method';
  if (/^(\/v1)?\/models\/[^/]+$/.test(path)) return method === 'GET' ? 'model' : 'wrong-method';
  if (path.startsWith('/key/')) return 'keys';
  return 'unknown';
}

const answerNotFound: Layer = async (ctx) => {
  ctx.layer = 'gateway';
  if (/^(\/v1)?\/responses\//.test(ctx.path)) {
    sendError(
      ctx,
      404,
      `isartor keeps no responses, so ${ctx.req.method} ${ctx.path} (retrieving, cancelling or compacting a stored response) has nothing to act on. Send the whole conversation to POST /v1/responses with \`store: false\`.`,
      'unknown_route',
    );
    return;
  }
  sendError(
    ctx,
    404,
    `isartor has no route ${ctx.req.method} ${ctx.path}. OpenAI clients should use the base URL http://<host>:<port>/v1 (ending in /v1); Anthropic clients http://<host>:<port>.`,
    'unknown_route',
  );
};

const answerWrongMethod: Layer = async (ctx) => {
  ctx.layer = 'gateway';
  // RFC 9110: a 405 names the methods that work, so a client (or a human with curl) sees what to send.
  const allowed = allowedMethods(ctx.path);
  sendError(ctx, 405, `${ctx.path} does not accept ${ctx.req.method}; send ${allowed.join(' or ')}.`, 'method_not_allowed', { allow: allowed.join(', ') });
};

/** The methods a known path takes (pickRoute's answer for each). */
function allowedMethods(path: string): string[] {
  if (path === '/health') return ['GET', 'HEAD'];
  if (path === '/stats' || path === '/metrics' || path === '/events' || modelPaths.has(path) || /^(\/v1)?\/models\/[^/]+$/.test(path)) return ['GET'];
  return ['POST'];
}

/**
 * The protocol a request's answers (errors included) are written in: its path's, whatever the method (a
 * GET on /v1/chat/completions is an OpenAI client's mistake); elsewhere Anthropic's when the client sent
 * `anthropic-version`, else OpenAI's.
 */
function protocolOf(route: Route, path: string, anthropicVersion: string | string[] | undefined): RequestContext['protocol'] {
  if (route === 'responses' || responsesPaths.has(path)) return 'responses';
  if (route === 'chat' || chatPaths.has(path)) return 'openai';
  if (route === 'messages' || route === 'count-tokens' || messagePaths.has(path) || countTokensPaths.has(path)) return 'anthropic';
  return typeof anthropicVersion === 'string' ? 'anthropic' : 'openai';
}

/**
 * The request target without scheme and host: a client that takes the gateway for a proxy (HTTP_PROXY
 * pointed at it) sends the absolute form `POST http://host/v1/messages`, which HTTP/1.1 servers must accept.
 */
function originForm(url: string | undefined): string {
  if (url === undefined) return '/';
  if (url.charCodeAt(0) === 47 /* / */) return url;
  const path = url.replace(/^https?:\/\/[^/?#]*/i, '');
  return path.startsWith('/') ? path : `/${path}`;
}

function createContext(req: IncomingMessage, res: ServerResponse): RequestContext {
  const url = originForm(req.url);
  const query = url.indexOf('?');
  return {
    id: randomUUID(),
    req,
    res,
    path: query === -1 ? url : url.slice(0, query),
    receivedAt: performance.now(),
    protocol: 'openai',
    callerId: 'anonymous',
    client: identifyClient(req.headers),
    layer: 'gateway',
    cache: undefined,
    upstreamWaitMs: 0,
    attempts: 0,
    clientGone: false,
    skipped: [],
  };
}

export interface RunningGateway {
  url: string;
  server: Server;
  /** Resolves once no request is in flight and every record is written (Gateway.drained). */
  drained(): Promise<void>;
  /** Stops accepting, lets in-flight requests finish (up to graceMs), then saves and closes. */
  stop(graceMs?: number): Promise<void>;
}

/** How long slow or silent clients may hold a connection before it is closed for the others. */
export interface ConnectionLimits {
  /** Open connections at most; past it new ones are refused at once instead of descriptors running out. */
  maxConnections: number;
  /** A client must send its first request's headers within this (also a connection that sends nothing). */
  headersTimeoutMs: number;
  /** ...and its whole request (body included) within this; answers may take longer. */
  requestTimeoutMs: number;
}

export const defaultConnectionLimits: ConnectionLimits = { maxConnections: 1024, headersTimeoutMs: 10_000, requestTimeoutMs: 120_000 };

export async function startGateway(
  gateway: Gateway,
  listen: { host: string; port: number },
  limits: Partial<ConnectionLimits> = {},
): Promise<RunningGateway> {
  const { maxConnections, headersTimeoutMs, requestTimeoutMs } = { ...defaultConnectionLimits, ...limits };
  // A connection that never sends a byte must not hold a descriptor forever. Node 20.20's own check
  // (every connectionsCheckingInterval) also closes it, answering 408 first; this timer bounds it at
  // headersTimeout itself, on any Node version. Whichever runs first closes it: a late event loop makes
  // it Node's check, so a client may see a 408 before the close, or a bare close.
  const silentTimers = new WeakMap<Socket, NodeJS.Timeout>();
  const server = createServer(
    // keepAliveTimeout stays above common client pools' idle time; the others bound slow clients.
    { keepAliveTimeout: 65_000, headersTimeout: headersTimeoutMs, requestTimeout: requestTimeoutMs, connectionsCheckingInterval: Math.min(1_000, headersTimeoutMs) },
    (req, res) => {
      const silent = silentTimers.get(req.socket);
      if (silent) {
        clearTimeout(silent);
        silentTimers.delete(req.socket);
      }
      gateway.handle(req, res);
    },
  );
  server.maxConnections = maxConnections;
  server.on('clientError', answerClientError);
  // An Expect other than 100-continue: Node's own answer is a bare 417; this one says what to do, in the path's protocol.
  server.on('checkExpectation', (req, res) => answerUnmetExpectation(req, res));
  server.on('connection', (socket: Socket) => {
    const silent = setTimeout(() => socket.destroy(), headersTimeoutMs);
    silent.unref();
    silentTimers.set(socket, silent);
    socket.once('close', () => clearTimeout(silent));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, listen)));
    server.listen(listen.port, listen.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    server,
    drained: () => gateway.drained(),
    stop: async (graceMs = 30_000) => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      gateway.endLiveFeeds();
      server.closeIdleConnections();
      await Promise.race([gateway.drained(), delay(graceMs)]);
      gateway.endInFlight();
      server.closeAllConnections();
      await closed;
      // The records of the requests just ended are made after their close: written before the state closes.
      await Promise.race([gateway.drained(), delay(5_000)]);
      await gateway.close();
    },
  };
}

function answerUnmetExpectation(req: IncomingMessage, res: ServerResponse): void {
  const path = originForm(req.url).split('?')[0]!;
  const protocol = protocolOf(pickRoute(req.method ?? 'GET', path), path, req.headers['anthropic-version']);
  const expectation = String(req.headers.expect ?? '').slice(0, 60);
  const body = JSON.stringify(errorBodyIn(protocol, 417, `isartor cannot meet "Expect: ${expectation}" (only 100-continue); send the request without that header.`, 'expectation_failed'));
  // The body the client may still send is not read: the connection closes after this answer.
  res.writeHead(417, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-should-retry': 'false', connection: 'close' });
  res.end(body);
}

function listenError(error: NodeJS.ErrnoException, listen: { host: string; port: number }): Error {
  if (error.code === 'EADDRINUSE') {
    return new UserError(`Port ${listen.port} on ${listen.host} is already in use.`, {
      hint: `Another program holds it (perhaps an isartor gateway of another ISARTOR_HOME). Pick another port with \`isartor up --port <port>\`.`,
      cause: error,
    });
  }
  if (error.code === 'EACCES') {
    return new UserError(`Not allowed to listen on ${listen.host}:${listen.port}.`, {
      hint: 'Ports below 1024 need extra privileges; pick a higher one with `--port`.',
      cause: error,
    });
  }
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
    return new UserError(`Cannot listen on host ${listen.host}: no such address on this machine.`, {
      hint: 'Use `--host 127.0.0.1` (the default).',
      cause: error,
    });
  }
  return error;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
