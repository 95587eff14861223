import got from 'got';
import { classifyNetworkError } from '../../providers/network-failure.js';
import { authHeaders, modelsUrl, type UpstreamTarget } from '../../providers/upstream-target.js';
import type { Layer } from '../context.js';
import { sendJson, sendOpenAIError } from '../respond.js';
import type { UpstreamOptions } from './upstream.js';

/**
 * GET /v1/models: the model this gateway serves, in OpenAI's list format. A gateway without a
 * configured model forwards whatever clients name, so it shows the provider's own list instead.
 */
export function listModelsLayer(target: UpstreamTarget, upstream: UpstreamOptions): Layer {
  return async (ctx) => {
    if (target.model) {
      sendJson(ctx, 200, {
        object: 'list',
        data: [{ id: target.model, object: 'model', created: 0, owned_by: target.providerId }],
      });
      return;
    }
    ctx.layer = 'l3';
    const url = modelsUrl(target);
    try {
      const response = await got(url, {
        headers: authHeaders(target),
        agent: upstream.agents,
        timeout: { connect: upstream.connectTimeoutMs, request: 30_000 },
        throwHttpErrors: false,
        retry: { limit: 0 },
      });
      if (response.statusCode !== 200) {
        sendOpenAIError(ctx, 502, `${target.providerId} answered HTTP ${response.statusCode} when asked for its models.`, 'upstream_error', `upstream_${response.statusCode}`);
        return;
      }
      sendJson(ctx, 200, response.body);
    } catch (error) {
      const failure = classifyNetworkError(error, url);
      sendOpenAIError(ctx, failure.kind === 'timeout' ? 504 : 502, `${target.providerId}: ${failure.message} ${failure.fix}`, 'upstream_error', `upstream_${failure.kind}`);
    }
  };
}
