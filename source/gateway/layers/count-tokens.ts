import { classifyNetworkError } from '../../providers/network-failure.js';
import { anthropicVersion } from '../../providers/catalog.js';
import { authHeaders } from '../../providers/upstream-target.js';
import type { Route, RoutingTable } from '../../routing/routing-table.js';
import { estimateInputTokens } from '../../stats/count-tokens.js';
import type { Layer, RequestContext } from '../context.js';
import { sendError, sendJson, sendNetworkFailure } from '../respond.js';
import { UpstreamRequest } from '../upstream-request.js';
import type { UpstreamAgents } from './upstream.js';
import { collect, errorBodyLimit, relayUpstreamError, tooLargeMessage } from './upstream-relay.js';

/** Counting is quick at Anthropic; a provider silent this long is not going to answer. */
const countTimeoutMs = 30_000;

/**
 * POST /v1/messages/count_tokens: an Anthropic upstream counts exactly, so it is asked; any other
 * upstream cannot, so isartor estimates locally and says so in `x-isartor-token-count`.
 */
export function countTokensLayer(routing: RoutingTable, agents: UpstreamAgents): Layer {
  return async (ctx) => {
    const chat = ctx.chat;
    if (!chat) return;
    const route = chat.routes[0] ?? routing.defaultRoute;
    if (route.target.spec.protocol !== 'anthropic') {
      ctx.layer = 'gateway';
      const inputTokens = await estimateInputTokens(chat.body);
      sendJson(ctx, 200, { input_tokens: inputTokens }, { 'x-isartor-token-count': 'estimate-o200k' });
      return;
    }
    ctx.layer = 'l3';
    const target = route.target;
    const model = target.model ?? chat.requestedModel;
    ctx.answeredBy = { provider: target.providerId, model: model ?? '' };
    await askUpstream(ctx, route, agents, {
      url: `${target.baseUrl}/v1/messages/count_tokens${chat.betaQuery ? '?beta=true' : ''}`,
      body: chat.body.model === model ? chat.raw : JSON.stringify({ ...{}, ...chat.body, model }),
      headers: { 'content-type': 'application/json', 'anthropic-version': anthropicVersion, ...chat.anthropicHeaders, ...authHeaders(target) },
    });
  };
}

/**
 * One count at the provider, read as the relay reads answers: at most `upstream.maxAnswerBytes` of it
 * (an error body at most 64 KB), and passed on only if it is the count the caller's SDK expects; anything
 * else becomes a clear error in Anthropic's format.
 */
function askUpstream(ctx: RequestContext, route: Route, agents: UpstreamAgents, request: { url: string; body: Buffer | string; headers: Record<string, string> }): Promise<void> {
  const provider = route.target.providerId;
  return new Promise((resolve) => {
    const upstream = new UpstreamRequest(request.url, { body: request.body, headers: request.headers, agents, timeout: { connect: route.connectTimeoutMs, request: countTimeoutMs } });
    let settled = false;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      ctx.res.off('close', onClientClose);
      resolve();
    };
    const onClientClose = (): void => {
      if (ctx.res.writableFinished) return;
      ctx.clientGone = true;
      upstream.destroy();
      settle();
    };
    ctx.res.on('close', onClientClose);
    upstream.on('response', (response: { statusCode: number; headers: Record<string, string | string[] | undefined> }) => {
      const ok = response.statusCode >= 200 && response.statusCode < 300;
      collect(upstream, ok ? route.maxAnswerBytes : errorBodyLimit, {
        truncate: !ok,
        tooLarge: () => {
          upstream.destroy();
          sendError(ctx, 502, `The upstream provider (${provider}) ${tooLargeMessage(route.maxAnswerBytes)}`, 'upstream_answer_too_large');
          settle();
        },
        done: (body) => {
          if (ok) relayCount(ctx, provider, response.statusCode, body);
          else relayUpstreamError(ctx, { sameProtocol: true }, provider, response.statusCode, body, response.headers['retry-after']);
          settle();
        },
      });
    });
    upstream.on('error', (error: Error) => {
      if (settled) return;
      if (!ctx.clientGone) sendNetworkFailure(ctx, provider, classifyNetworkError(error, request.url, countTimeoutMs));
      settle();
    });
  });
}

/** A count is a JSON object with a whole, non-negative `input_tokens`; it goes on as the provider wrote it. */
function relayCount(ctx: RequestContext, provider: string, status: number, body: Buffer): void {
  const text = body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    sendError(ctx, 502, `The upstream provider (${provider}) answered count_tokens with a body that is not JSON. Try again; if it persists, check the provider's base URL in isartor's config.`, 'upstream_bad_body');
    return;
  }
  const tokens = (parsed as { input_tokens?: unknown } | null)?.input_tokens;
  if (typeof tokens !== 'number' || !Number.isSafeInteger(tokens) || tokens < 0) {
    sendError(ctx, 502, `The upstream provider (${provider}) answered count_tokens without a token count (input_tokens). Try again; if it persists, check the provider's base URL in isartor's config.`, 'upstream_bad_body');
    return;
  }
  sendJson(ctx, status, text, { 'x-isartor-token-count': 'upstream' });
}
