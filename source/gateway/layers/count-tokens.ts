import got from 'got';
import { classifyNetworkError } from '../../providers/network-failure.js';
import { anthropicVersion } from '../../providers/catalog.js';
import { authHeaders } from '../../providers/upstream-target.js';
import type { RoutingTable } from '../../routing/routing-table.js';
import { estimateInputTokens } from '../../stats/count-tokens.js';
import type { Layer } from '../context.js';
import { sendJson, sendNetworkFailure } from '../respond.js';
import type { UpstreamAgents } from './upstream.js';

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
    const url = `${target.baseUrl}/v1/messages/count_tokens${chat.betaQuery ? '?beta=true' : ''}`;
    try {
      const response = await got.post(url, {
        body: chat.body.model === model ? chat.raw : JSON.stringify({ ...chat.body, model }),
        headers: { 'content-type': 'application/json', 'anthropic-version': anthropicVersion, ...chat.anthropicHeaders, ...authHeaders(target) },
        agent: agents,
        timeout: { connect: route.connectTimeoutMs, request: 30_000 },
        throwHttpErrors: false,
        retry: { limit: 0 },
      });
      ctx.answeredBy = { provider: target.providerId, model: model ?? '' };
      sendJson(ctx, response.statusCode, response.body, { 'x-isartor-token-count': 'upstream' });
    } catch (error) {
      sendNetworkFailure(ctx, target.providerId, classifyNetworkError(error, url));
    }
  };
}
