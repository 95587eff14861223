import got, { type Response as GotResponse } from 'got';
import { classifyNetworkError } from '../../providers/network-failure.js';
import { authHeaders, modelsUrl } from '../../providers/upstream-target.js';
import type { AdvertisedModel, RoutingTable } from '../../routing/routing-table.js';
import type { Layer, RequestContext } from '../context.js';
import { sendError, sendJson, sendNetworkFailure } from '../respond.js';
import type { UpstreamAgents } from './upstream.js';
import { modelAllowed } from './virtual-keys.js';

/**
 * GET /v1/models: the aliases and configured models this gateway routes, in the caller's list format.
 * A gateway whose only provider has no configured model forwards whatever clients name, so it shows
 * that provider's own list instead.
 */
export function listModelsLayer(routing: RoutingTable, agents: UpstreamAgents): Layer {
  return async (ctx) => {
    const advertised = routing.advertisedModels();
    if (advertised.length > 0) {
      // A virtual key sees the models it may use, as LiteLLM lists them per key.
      const key = ctx.virtualKey?.key;
      const listed = key ? advertised.filter((model) => modelAllowed(key, model.id, routing)) : advertised;
      sendJson(ctx, 200, ctx.protocol === 'anthropic' ? anthropicList(listed) : openAIList(listed));
      return;
    }
    await forwardProviderList(ctx, routing, agents);
  };
}

/**
 * GET /v1/models/{id}: one model the gateway lists, in the caller's shape (OpenAI's `models.retrieve`,
 * Anthropic's `models.retrieve`), or a 404 in the caller's protocol. A gateway that shows its
 * provider's own list asks the provider for the model.
 */
export function retrieveModelLayer(routing: RoutingTable, agents: UpstreamAgents): Layer {
  return async (ctx) => {
    const id = modelIdOf(ctx.path);
    const advertised = routing.advertisedModels();
    if (advertised.length > 0) {
      const key = ctx.virtualKey?.key;
      const found = advertised.find((model) => model.id === id && (!key || modelAllowed(key, model.id, routing)));
      if (found) sendJson(ctx, 200, ctx.protocol === 'anthropic' ? anthropicModel(found) : openAIModel(found));
      else sendModelNotFound(ctx, id);
      return;
    }
    await forwardProviderModel(ctx, routing, agents, id);
  };
}

function modelIdOf(path: string): string {
  const raw = path.slice(path.lastIndexOf('/models/') + '/models/'.length);
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function sendModelNotFound(ctx: RequestContext, id: string): void {
  ctx.layer = 'gateway';
  sendError(ctx, 404, `The model "${id}" is not one this gateway serves. GET /v1/models lists those it does.`, 'model_not_found');
}

function openAIModel(m: AdvertisedModel): object {
  return { id: m.id, object: 'model', created: 0, owned_by: m.servedBy.split('/')[0] };
}

function anthropicModel(m: AdvertisedModel): { id: string; [field: string]: unknown } {
  return { type: 'model', id: m.id, display_name: `${m.id} (via isartor: ${m.servedBy})`, created_at: '1970-01-01T00:00:00Z' };
}

function openAIList(models: AdvertisedModel[]): object {
  return { object: 'list', data: models.map(openAIModel) };
}

/** The shape the Anthropic SDK's models.list() reads. */
function anthropicList(models: AdvertisedModel[]): object {
  const data = models.map(anthropicModel);
  return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}

/** A GET to the default provider's models endpoint, once (no retries), its errors as answers. */
function getFromProvider(url: string, routing: RoutingTable, agents: UpstreamAgents): Promise<GotResponse<string>> {
  const { target, connectTimeoutMs } = routing.defaultRoute;
  return got(url, {
    headers: authHeaders(target),
    agent: agents,
    timeout: { connect: connectTimeoutMs, request: 30_000 },
    throwHttpErrors: false,
    retry: { limit: 0 },
  });
}

async function forwardProviderModel(ctx: RequestContext, routing: RoutingTable, agents: UpstreamAgents, id: string): Promise<void> {
  const { target } = routing.defaultRoute;
  ctx.layer = 'l3';
  const url = `${modelsUrl(target)}/${encodeURIComponent(id)}`;
  try {
    const response = await getFromProvider(url, routing, agents);
    if (response.statusCode === 404) sendModelNotFound(ctx, id);
    else if (response.statusCode !== 200) sendError(ctx, 502, `${target.providerId} answered HTTP ${response.statusCode} when asked for the model "${id}".`, `upstream_${response.statusCode}`);
    else sendJson(ctx, 200, response.body);
  } catch (error) {
    sendNetworkFailure(ctx, target.providerId, classifyNetworkError(error, url));
  }
}

async function forwardProviderList(ctx: RequestContext, routing: RoutingTable, agents: UpstreamAgents): Promise<void> {
  const { target } = routing.defaultRoute;
  ctx.layer = 'l3';
  const url = modelsUrl(target);
  try {
    const response = await getFromProvider(url, routing, agents);
    if (response.statusCode !== 200) {
      sendError(ctx, 502, `${target.providerId} answered HTTP ${response.statusCode} when asked for its models.`, `upstream_${response.statusCode}`);
      return;
    }
    sendJson(ctx, 200, response.body);
  } catch (error) {
    sendNetworkFailure(ctx, target.providerId, classifyNetworkError(error, url));
  }
}
