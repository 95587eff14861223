import { performance } from 'node:perf_hooks';
import type { OutgoingHttpHeaders } from 'node:http';
import type { RequestContext } from './context.js';
import { safeHeaderValue } from './header-value.js';
import { anthropicErrorBody, anthropicErrorTypeForStatus } from '../protocols/anthropic.js';
import { openAIErrorBody, openAIErrorTypeForStatus } from '../protocols/openai.js';
import type { NetworkFailure } from '../providers/network-failure.js';

/** What every answer says about how the gateway produced it. */
export function isartorHeaders(ctx: RequestContext): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    'x-isartor-layer': ctx.layer,
    'x-isartor-overhead-ms': gatewayOverheadMs(ctx).toFixed(2),
    'x-isartor-request-id': ctx.id,
  };
  if (ctx.cache) headers['x-isartor-cache'] = ctx.cache;
  // The model name may be the client's own (a provider without a configured model serves what was asked).
  if (ctx.answeredBy) headers['x-isartor-upstream'] = safeHeaderValue(`${ctx.answeredBy.provider}/${ctx.answeredBy.model}`);
  if (ctx.attempts > 1) headers['x-isartor-attempts'] = String(ctx.attempts);
  if (ctx.similarity !== undefined) headers['x-isartor-similarity'] = ctx.similarity.toFixed(3);
  if (ctx.trimmedTokens !== undefined) headers['x-isartor-trimmed-tokens'] = String(ctx.trimmedTokens);
  if (ctx.skipped.length > 0) headers['x-isartor-skipped'] = [...new Set(ctx.skipped)].join(', ');
  if (ctx.dropped && ctx.dropped.length > 0) headers['x-isartor-dropped'] = ctx.dropped.join(', ');
  return headers;
}

/**
 * The client hung up before its whole answer reached it. One that left right after the last event (Codex
 * closes on `response.completed`) got all of it: that answer is kept, charged and recorded as delivered.
 */
export function clientHungUp(ctx: RequestContext): boolean {
  return ctx.clientGone && !ctx.res.writableFinished && !ctx.completion;
}

/**
 * The status a request is logged and recorded with: what the client saw, except 499 for a client that
 * left before its whole answer, and 502 for a provider's answer that went out with 200 but was not a
 * whole answer (a stream broken off or ended by an error event, a malformed answer passed on as it came):
 * the provider failed that request, and stats count it as an error.
 */
export function outcomeStatus(ctx: RequestContext): number {
  if (clientHungUp(ctx)) return 499;
  const status = ctx.res.statusCode;
  if (status === 200 && ctx.answerRelayed && !ctx.completion) return 502;
  return status;
}

/** Time the gateway itself spent on this request so far, not counting the wait for the provider. */
export function gatewayOverheadMs(ctx: RequestContext): number {
  return Math.max(0, performance.now() - ctx.receivedAt - ctx.upstreamWaitMs);
}

export function sendBody(
  ctx: RequestContext,
  status: number,
  body: string,
  contentType: string,
  extraHeaders: OutgoingHttpHeaders = {},
): void {
  if (ctx.res.headersSent || ctx.res.destroyed) return;
  ctx.res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    ...extraHeaders,
    ...isartorHeaders(ctx),
  });
  ctx.res.end(body);
}

export function sendJson(ctx: RequestContext, status: number, body: unknown, extraHeaders: OutgoingHttpHeaders = {}): void {
  sendBody(ctx, status, typeof body === 'string' ? body : JSON.stringify(body), 'application/json', extraHeaders);
}

/** An error body in the caller's protocol; `code` is isartor's own machine-readable reason. */
export function errorBody(ctx: RequestContext, status: number, message: string, code: string): object {
  return errorBodyIn(ctx.protocol, status, message, code);
}

/** errorBody for a protocol known without a request context (a connection that stopped being HTTP). */
export function errorBodyIn(protocol: RequestContext['protocol'], status: number, message: string, code: string): object {
  return protocol === 'anthropic' ? anthropicErrorBody(message, anthropicErrorTypeForStatus(status)) : openAIErrorBody(message, openAIErrorTypeForStatus(status), code);
}

/** Answers with an error the caller's SDK understands: OpenAI's `{error:{...}}` or Anthropic's `{type:"error",...}`. */
export function sendError(ctx: RequestContext, status: number, message: string, code: string, extraHeaders: OutgoingHttpHeaders = {}): void {
  sendJson(ctx, status, errorBody(ctx, status, message, code), { ...finalRefusalHeaders(status), ...extraHeaders });
}

/**
 * A refusal that asking again cannot change says so with `x-should-retry: false`, which the OpenAI and
 * Anthropic SDKs (and Claude Code, built on the latter) obey before their own rules. Without it Claude
 * Code retries a 401 with backoff for about three minutes and prints nothing. 408, 409, 429 and 5xx are
 * left to the client's judgment: waiting may help.
 */
export function finalRefusalHeaders(status: number): OutgoingHttpHeaders {
  const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
  return status >= 400 && !retryable ? { 'x-should-retry': 'false' } : {};
}

export function describeNetworkFailure(provider: string, failure: NetworkFailure): string {
  return `${provider}: ${failure.message} ${failure.fix}`;
}

/** A provider that never answered over HTTP: 504 when it timed out, else 502, with the cause and the fix. */
export function sendNetworkFailure(ctx: RequestContext, provider: string, failure: NetworkFailure): void {
  sendError(ctx, failure.kind === 'timeout' ? 504 : 502, describeNetworkFailure(provider, failure), `upstream_${failure.kind}`);
}
