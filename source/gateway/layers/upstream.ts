import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { classifyNetworkError } from '../../providers/network-failure.js';
import type { Route, RoutingTable } from '../../routing/routing-table.js';
import type { ChatRequest, Layer, RequestContext } from '../context.js';
import { describeNetworkFailure, sendError, sendNetworkFailure } from '../respond.js';
import { midStreamError, planExchange, type Exchange } from '../upstream-exchange.js';
import { DeliveredAnswer } from '../delivered-answer.js';
import { answersAsStream, UpstreamRequest } from '../upstream-request.js';
import { collect, errorBodyLimit, failAnswer, relayJson, relayStream, relayStreamAsWhole, relayUpstreamError, tooLargeMessage } from './upstream-relay.js';
import { retryDelayMs, isRetryableStatus, parseRetryAfterMs } from './upstream-retry.js';
import { describeOutputLimitFix, LearnedOutputLimits, refusedOutputLimit, withOutputLimit, type OutputLimitFix } from '../../providers/output-limit.js';

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

/**
 * How one attempt ended: the answer (or a final error) went to the client, or it failed in a way the
 * next route may fix, carrying the error to send should no route succeed.
 */
type AttemptOutcome =
  | { kind: 'committed' }
  | { kind: 'retryable'; retryAfterMs: number | undefined; sendFailure: () => void }
  /** The provider refused the output limit as asked and said how it wants it: ask again so (output-limit.ts). */
  | { kind: 'outputLimit'; fix: OutputLimitFix };

/**
 * L3: sends the request to its primary route, and on 429, 5xx, timeout or connection failure to each
 * fallback in turn; the whole chain is retried `routing.retries` more times with backoff that honours
 * `retry-after`. The answer streams to the client as it arrives.
 */
type Warn = (message: string) => void;

export function upstreamLayer(routing: RoutingTable, agents: UpstreamAgents, onWarning?: Warn): Layer {
  const outputLimits = new LearnedOutputLimits();
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
        let outcome = await attempt(ctx, chat, route, agents, onWarning, { learned: outputLimits, mayAskAgain: true });
        // At most twice more: a lower limit and another field may each be asked for once.
        for (let again = 1; outcome.kind === 'outputLimit'; again += 1) {
          attempts += 1;
          ctx.attempts = attempts;
          outcome = await attempt(ctx, chat, route, agents, onWarning, { learned: outputLimits, fix: outcome.fix, mayAskAgain: again < 2 });
        }
        if (outcome.kind === 'committed') return;
        last = outcome;
      }
    }
    last?.sendFailure();
  };
}

/**
 * How the attempt asks for the output limit (output-limit.ts): as the provider said for this request (`fix`),
 * else as it said for the model before; `mayAskAgain` false: a refusal is passed on as it came.
 */
interface OutputLimitAsking {
  learned: LearnedOutputLimits;
  fix?: OutputLimitFix;
  mayAskAgain: boolean;
}

function attempt(ctx: RequestContext, chat: ChatRequest, route: Route, agents: UpstreamAgents, onWarning: Warn | undefined, asking: OutputLimitAsking): Promise<AttemptOutcome> {
  return new Promise((resolve) => {
    const provider = route.target.providerId;
    let exchange: Exchange;
    try {
      exchange = planExchange(chat, route);
    } catch (error) {
      // The request passed validation but could not be translated: the caller's request, not the provider, is at fault.
      onWarning?.(`Could not translate a request for ${provider}: ${errorText(error)}`);
      sendError(ctx, 400, `isartor could not translate this request for ${provider}: ${errorText(error)}. Check the request against the API reference.`, 'untranslatable_request');
      resolve({ kind: 'committed' });
      return;
    }
    ctx.answeredBy = { provider, model: exchange.model };
    ctx.dropped = exchange.dropped;
    const startedAt = performance.now();
    const waitBefore = ctx.upstreamWaitMs;
    const outputLimit = asking.fix ?? asking.learned.get(route.target.baseUrl, exchange.model);
    const sentBody = outputLimit === undefined ? exchange.body : (withOutputLimit(exchange.body, outputLimit) ?? exchange.body);
    const upstream = new UpstreamRequest(exchange.url, {
      body: sentBody,
      headers: exchange.headers,
      agents,
      timeout: { connect: route.connectTimeoutMs, request: route.timeoutMs, idle: route.idleTimeoutMs, head: chat.stream ? route.idleTimeoutMs : undefined },
    });
    let settled = false;
    const settle = (outcome: AttemptOutcome): void => {
      if (settled) return;
      settled = true;
      ctx.res.off('close', onClientClose);
      resolve(outcome);
    };
    /** Set once a stream is relayed: the whole answer when its final event has arrived, else undefined. */
    let finishedStream: (() => object | undefined) | undefined;
    // A client that hangs up must not keep the provider generating (and billing) tokens.
    const onClientClose = (): void => {
      if (ctx.res.writableFinished) return;
      ctx.clientGone = true;
      // What reached the client, read now: the record is made after this, and ending the relay below
      // closes a translator's answer.
      ctx.deliveredAnswer?.fix();
      // A client may leave as soon as the answer's last event reached it (Codex closes right after
      // `response.completed`), before the provider's stream has ended: that answer is whole, and kept.
      const whole = finishedStream?.();
      if (whole) ctx.completion = whole;
      upstream.destroy();
      settle({ kind: 'committed' });
    };
    ctx.res.on('close', onClientClose);
    /**
     * Whatever the provider sent that cannot be used ends this attempt: before any byte reached the client,
     * the next route may answer instead (else a 502); after, an error event ends the stream.
     */
    const fail = (message: string, code: string, error?: unknown, status?: number): void => {
      if (settled) return;
      if (error !== undefined) onWarning?.(`${provider} sent an answer isartor could not read (${code}): ${errorText(error)}`);
      upstream.destroy();
      if (!ctx.res.headersSent) return settle({ kind: 'retryable', retryAfterMs: undefined, sendFailure: () => failAnswer(ctx, provider, message, code, status) });
      failAnswer(ctx, provider, message, code, status);
      settle({ kind: 'committed' });
    };

    // Time until the provider's last byte is the provider's time, not the gateway's (a streamed answer
    // takes as long as the model writes); the per-chunk relaying in between is counted with it.
    const markWaited = (): void => {
      ctx.upstreamWaitMs = waitBefore + performance.now() - startedAt;
    };
    upstream.on('response', (response: { statusCode: number; headers: Record<string, string | string[] | undefined> }) => {
      try {
        markWaited();
        const status = response.statusCode;
        const isStream = answersAsStream(response.headers['content-type'], chat.stream);
        if (status >= 200 && status < 300 && isStream) {
          const relay = exchange.openStream();
          if (!chat.stream) return relayStreamAsWhole(ctx, upstream, relay, route, { markWaited, done: () => settle({ kind: 'committed' }), fail });
          ctx.deliveredAnswer = new DeliveredAnswer(relay);
          finishedStream = relayStream(ctx, upstream, relay, route, { markWaited, done: () => settle({ kind: 'committed' }), fail });
          return;
        }
        const ok = status < 300;
        collect(upstream, ok ? route.maxAnswerBytes : errorBodyLimit, {
          truncate: !ok,
          tooLarge: () => fail(tooLargeMessage(route.maxAnswerBytes), 'upstream_answer_too_large'),
          done: (body) => {
            try {
              markWaited();
              if (ok) {
                const unusable = relayJson(ctx, exchange, body);
                return unusable ? fail(unusable.message, unusable.code) : settle({ kind: 'committed' });
              }
              const asked = status === 400 && asking.mayAskAgain ? refusedOutputLimit(body, sentBody) : undefined;
              if (asked !== undefined) {
                const fix = asking.learned.remember(route.target.baseUrl, exchange.model, asked);
                onWarning?.(`${provider} refused the output limit as asked for ${exchange.model}: from now on ${describeOutputLimitFix(fix)}.`);
                return settle({ kind: 'outputLimit', fix });
              }
              const retryAfter = response.headers['retry-after'];
              const sendFailure = (): void => relayUpstreamError(ctx, exchange, provider, status, body, retryAfter, response.headers.location);
              if (isRetryableStatus(status)) settle({ kind: 'retryable', retryAfterMs: parseRetryAfterMs(retryAfter), sendFailure });
              else {
                sendFailure();
                settle({ kind: 'committed' });
              }
            } catch (error) {
              fail('answered with a body isartor could not read.', 'upstream_bad_body', error);
            }
          },
        });
      } catch (error) {
        fail('answered in a way isartor could not read.', 'upstream_bad_answer', error);
      }
    });

    upstream.on('error', (error: Error) => {
      if (settled) return;
      if (ctx.clientGone) return settle({ kind: 'committed' });
      ctx.upstreamWaitMs = waitBefore + performance.now() - startedAt;
      const failure = classifyNetworkError(error, exchange.url, route.timeoutMs);
      if (ctx.res.headersSent) {
        // Mid-stream the status is gone and the client has part of an answer: no fallback can splice
        // onto it, so say it in the stream and end it. Nothing is cached.
        if (!ctx.res.writableEnded) ctx.res.end(midStreamError(ctx.protocol, describeNetworkFailure(provider, failure), `upstream_${failure.kind}`));
        return settle({ kind: 'committed' });
      }
      settle({ kind: 'retryable', retryAfterMs: undefined, sendFailure: () => sendNetworkFailure(ctx, provider, failure) });
    });
  });
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
