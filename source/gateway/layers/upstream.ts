import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { classifyNetworkError } from '../../providers/network-failure.js';
import type { Route, RoutingTable } from '../../routing/routing-table.js';
import type { ChatRequest, Layer, RequestContext } from '../context.js';
import { describeNetworkFailure, isartorHeaders, sendError, sendJson, sendNetworkFailure } from '../respond.js';
import { providerErrorMessage } from '../../providers/provider-error-message.js';
import { midStreamError, planExchange, type Exchange } from '../upstream-exchange.js';
import { UpstreamRequest } from '../upstream-request.js';
import { retryDelayMs, isRetryableStatus, parseRetryAfterMs } from './upstream-retry.js';

export interface UpstreamAgents {
  http: HttpAgent;
  https: HttpsAgent;
}

/** One keep-alive pool per gateway, so consecutive requests reuse warm connections. */
export function createUpstreamAgents(): UpstreamAgents {
  return {
    http: new HttpAgent({ keepAlive: true, maxSockets: 256 }),
    https: new HttpsAgent({ keepAlive: true, maxSockets: 256 }),
  };
}

/** Upstream error bodies are read only this far; they are for the user's eyes, not for storage. */
const errorBodyLimit = 64 * 1024;

/**
 * How one attempt ended: the answer (or a final error) went to the client, or it failed in a way the
 * next route may fix, carrying the error to send should no route succeed.
 */
type AttemptOutcome = { kind: 'committed' } | { kind: 'retryable'; retryAfterMs: number | undefined; sendFailure: () => void };

/**
 * L3: sends the request to its primary route, and on 429, 5xx, timeout or connection failure to each
 * fallback in turn; the whole chain is retried `routing.retries` more times with backoff that honours
 * `retry-after`. The answer streams to the client as it arrives.
 */
export function upstreamLayer(routing: RoutingTable, agents: UpstreamAgents): Layer {
  return async (ctx) => {
    const chat = ctx.chat;
    if (!chat) return;
    ctx.layer = 'l3';
    let last: Extract<AttemptOutcome, { kind: 'retryable' }> | undefined;
    let attempts = 0;
    for (let pass = 0; pass <= routing.settings.retries; pass += 1) {
      if (pass > 0) {
        const delay = retryDelayMs(pass, last?.retryAfterMs, routing.settings.maxRetryAfterMs);
        if (delay === undefined) break;
        await sleep(delay);
      }
      for (const route of chat.routes) {
        if (ctx.clientGone) return;
        attempts += 1;
        ctx.attempts = attempts;
        const outcome = await attempt(ctx, chat, route, agents);
        if (outcome.kind === 'committed') return;
        last = outcome;
      }
    }
    last?.sendFailure();
  };
}

function attempt(ctx: RequestContext, chat: ChatRequest, route: Route, agents: UpstreamAgents): Promise<AttemptOutcome> {
  return new Promise((resolve) => {
    const exchange = planExchange(chat, route);
    const provider = route.target.providerId;
    ctx.answeredBy = { provider, model: exchange.model };
    const startedAt = performance.now();
    const waitBefore = ctx.upstreamWaitMs;
    const upstream = new UpstreamRequest(exchange.url, {
      body: exchange.body,
      headers: exchange.headers,
      agents,
      timeout: { connect: route.connectTimeoutMs, request: route.timeoutMs },
    });
    let settled = false;
    const settle = (outcome: AttemptOutcome): void => {
      if (settled) return;
      settled = true;
      ctx.res.off('close', onClientClose);
      resolve(outcome);
    };
    // A client that hangs up must not keep the provider generating (and billing) tokens.
    const onClientClose = (): void => {
      if (ctx.res.writableFinished) return;
      ctx.clientGone = true;
      upstream.destroy();
      settle({ kind: 'committed' });
    };
    ctx.res.on('close', onClientClose);

    // Time until the provider's last byte is the provider's time, not the gateway's (a streamed answer
    // takes as long as the model writes); the per-chunk relaying in between is counted with it.
    const markWaited = (): void => {
      ctx.upstreamWaitMs = waitBefore + performance.now() - startedAt;
    };
    upstream.on('response', (response: { statusCode: number; headers: Record<string, string | string[] | undefined> }) => {
      markWaited();
      const status = response.statusCode;
      const isStream = String(response.headers['content-type'] ?? '').includes('text/event-stream');
      if (status >= 200 && status < 300 && isStream) {
        relayStream(ctx, upstream, exchange, markWaited, () => settle({ kind: 'committed' }));
        return;
      }
      collect(upstream, status < 300 ? Number.POSITIVE_INFINITY : errorBodyLimit, (body) => {
        markWaited();
        if (status < 300) {
          relayJson(ctx, exchange, provider, body);
          return settle({ kind: 'committed' });
        }
        const retryAfter = response.headers['retry-after'];
        const sendFailure = (): void => relayUpstreamError(ctx, exchange, provider, status, body, retryAfter);
        if (isRetryableStatus(status)) settle({ kind: 'retryable', retryAfterMs: parseRetryAfterMs(retryAfter), sendFailure });
        else {
          sendFailure();
          settle({ kind: 'committed' });
        }
      });
    });

    upstream.on('error', (error: Error) => {
      if (ctx.clientGone) return settle({ kind: 'committed' });
      ctx.upstreamWaitMs = waitBefore + performance.now() - startedAt;
      const failure = classifyNetworkError(error, exchange.url, route.timeoutMs);
      if (ctx.res.headersSent) {
        // Mid-stream the status is gone and the client has part of an answer: no fallback can splice
        // onto it, so say it in the stream and end it. Nothing is cached.
        ctx.res.end(midStreamError(ctx.protocol, describeNetworkFailure(provider, failure), `upstream_${failure.kind}`));
        return settle({ kind: 'committed' });
      }
      settle({ kind: 'retryable', retryAfterMs: undefined, sendFailure: () => sendNetworkFailure(ctx, provider, failure) });
    });
  });
}

function relayStream(ctx: RequestContext, upstream: UpstreamRequest, exchange: Exchange, markWaited: () => void, done: () => void): void {
  const relay = exchange.openStream();
  ctx.res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...isartorHeaders(ctx),
  });
  // No flushHeaders(): the headers leave with the first chunk, one write instead of two.
  upstream.on('data', (chunk: Buffer) => {
    const out = relay.push(chunk);
    if (out.length > 0) ctx.res.write(out);
  });
  upstream.on('end', () => {
    markWaited();
    const tail = relay.end();
    const completion = relay.result();
    if (completion) ctx.completion = completion;
    ctx.res.end(tail);
    done();
  });
}

function relayJson(ctx: RequestContext, exchange: Exchange, provider: string, body: Buffer): void {
  const text = body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    sendError(ctx, 502, `${provider} answered with a body that is not JSON.`, 'upstream_bad_body');
    return;
  }
  const answer = exchange.answerFromJson(parsed);
  if (answer) ctx.completion = answer;
  if (exchange.sameProtocol) sendJson(ctx, 200, text);
  else if (answer) sendJson(ctx, 200, answer);
  else sendError(ctx, 502, `${provider} answered with a body isartor could not translate.`, 'upstream_bad_body');
}

function relayUpstreamError(
  ctx: RequestContext,
  exchange: Exchange,
  provider: string,
  status: number,
  body: Buffer,
  retryAfter: string | string[] | undefined,
): void {
  const detail = upstreamErrorMessage(body);
  if (status === 401 || status === 403) {
    // Never echo the key, masked or not: the fix is the same either way.
    sendError(
      ctx,
      401,
      `The upstream provider (${provider}) rejected the configured API key (HTTP ${status}). Store a valid key with \`isartor set-key -p ${provider}\`, then run \`isartor check\`.`,
      'upstream_unauthorized',
    );
  } else if (status >= 500) {
    sendError(ctx, 502, `The upstream provider (${provider}) failed with HTTP ${status}${detail ? `: ${detail}` : ''}.`, 'upstream_server_error');
  } else {
    // 400, 404, 422, 429...: the provider's own words are the most useful thing to pass on.
    const headers = retryAfter ? { 'retry-after': String(retryAfter) } : {};
    if (exchange.sameProtocol && detail !== undefined && isJsonError(body)) sendJson(ctx, status, body.toString('utf8'), headers);
    else sendError(ctx, status, `The upstream provider (${provider}) answered HTTP ${status}${detail ? `: ${detail}` : ''}.`, `upstream_${status}`, headers);
  }
}

/** The provider's own words: its JSON error message, else the start of whatever text it sent. */
function upstreamErrorMessage(body: Buffer): string | undefined {
  const text = body.toString('utf8').trim();
  if (!text) return undefined;
  return providerErrorMessage(text, 500) ?? text.slice(0, 200);
}

/** Both OpenAI's and Anthropic's error bodies keep the message at `error.message`. */
function isJsonError(body: Buffer): boolean {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { error?: { message?: unknown } };
    return typeof parsed.error?.message === 'string';
  } catch {
    return false;
  }
}

function collect(stream: UpstreamRequest, limit: number, onEnd: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  stream.on('data', (chunk: Buffer) => {
    if (size >= limit) return;
    chunks.push(chunk);
    size += chunk.length;
  });
  stream.on('end', () => onEnd(Buffer.concat(chunks)));
}
