import type { Route, RoutingTable } from '../../routing/routing-table.js';
import type { RequestRecord } from '../../stats/request-record.js';
import { describeKey, type VirtualKeys } from '../../keys/virtual-keys.js';
import type { StoredVirtualKey } from '../../keys/virtual-key.js';
import type { ChatRequest, Layer, RequestContext } from '../context.js';
import type { ModelPrice } from '../../store/config.js';
import { openAIErrorBody } from '../../protocols/openai.js';
import { finalRefusalHeaders, sendError, sendJson } from '../respond.js';

const authenticate = { 'www-authenticate': 'Bearer realm="isartor"' };

/**
 * L0 for a credential shaped like a virtual key: known, not expired, and (on routes only the master key
 * may use) refused with 403. Sets the caller to `vkey:<id>`, so the caches keep each key's answers apart.
 * Returns false when it answered.
 */
export async function identifyVirtualKey(ctx: RequestContext, keys: VirtualKeys, presented: string, masterOnly: boolean): Promise<boolean> {
  ctx.layer = 'l0';
  const key = await keys.findByKeyShared(presented);
  if (!key) {
    sendError(ctx, 401, 'This virtual key is not known to this isartor gateway: it was deleted, or was made for another gateway. Ask its owner for a new one (`isartor keys create`).', 'invalid_virtual_key', authenticate);
    return false;
  }
  if (keys.isExpired(key)) {
    sendError(ctx, 401, `Authentication Error - Expired Key: the virtual key ${describeKey(key)} expired at ${key.expires}. Ask the gateway's owner for a new key, or to extend this one (POST /key/update with a new "duration").`, 'expired_virtual_key', authenticate);
    return false;
  }
  if (masterOnly) {
    sendError(ctx, 403, `${ctx.path} needs the gateway's own key (the master key); the virtual key ${describeKey(key)} may only call models and GET /key/info.`, 'master_key_required');
    return false;
  }
  ctx.callerId = `vkey:${key.id}`;
  ctx.virtualKey = { key };
  ctx.layer = 'gateway';
  return true;
}

/**
 * After the request is parsed: a virtual key may only ask for the models on its list (aliases count),
 * and only while its spend in the current budget window is under max_budget. An admitted request is
 * charged when its record is made (`chargeVirtualKey`).
 */
export function virtualKeyPolicyLayer(
  routing: RoutingTable,
  keys: VirtualKeys,
  options: { admit: boolean; priceOf?: (provider: string, model: string) => ModelPrice | undefined },
): Layer {
  return async (ctx, next) => {
    const vkey = ctx.virtualKey;
    if (!vkey || !ctx.chat) return next();
    const { key } = vkey;
    const requested = ctx.chat.requestedModel ?? ctx.chat.upstreamModel;
    if (!modelAllowed(key, requested, routing)) {
      ctx.layer = 'l0';
      refuseModel(ctx, key, requested);
      return;
    }
    // A fallback serves another model: the key must be allowed that one too, or the fallback is skipped.
    const [primary, ...fallbacks] = ctx.chat.routes;
    if (primary && fallbacks.length > 0) ctx.chat.routes = [primary, ...fallbacks.filter((route) => routeAllowed(key, route, requested, routing))];
    if (!options.admit) return next();
    const admitted = await keys.admit(key, key.maxBudget === null ? 0 : estimateCostUsd(ctx.chat!, options.priceOf));
    if (!admitted.ok && admitted.unavailable) {
      ctx.layer = 'l0';
      sendError(
        ctx,
        503,
        `The shared store (Redis) is unreachable, so the budget of the virtual key ${describeKey(key)} cannot be checked, and this deployment refuses budgeted requests until it is back (store.budgetPolicy "refuse"). Retry in a moment.`,
        'store_unavailable',
        { 'retry-after': '5' },
      );
      return;
    }
    if (!admitted.ok) {
      ctx.layer = 'l0';
      sendError(
        ctx,
        budgetExceededStatus(ctx),
        `Budget has been exceeded! Current cost: ${admitted.spend}, Max budget: ${admitted.maxBudget}. The virtual key ${describeKey(key)} spent its budget${key.budgetDuration ? `; it resets at ${keys.describe(key).budget_reset_at}` : ''}. Ask the gateway's owner to raise max_budget (POST /key/update).`,
        'budget_exceeded',
      );
      return;
    }
    vkey.admission = admitted.admission;
    await next();
  };
}

/**
 * OpenAI callers get LiteLLM's 400, which clients written for LiteLLM expect. Anthropic callers get 402
 * billing_error, Anthropic's own status for money: Claude Code reads a 400 invalid_request_error as a beta
 * header the server refused and asks again up to five times with fewer betas before it shows the error.
 */
function budgetExceededStatus(ctx: RequestContext): number {
  return ctx.protocol === 'anthropic' ? 402 : 400;
}

/**
 * A model the key may not use: 403, which no client retries (Claude Code retries a 401 for minutes).
 * OpenAI callers get LiteLLM's own answer (status, type `key_model_access_denied`, param, code "403", and
 * its first sentence), so clients written for LiteLLM keep working; Anthropic callers get
 * `permission_error`, which Claude Code shows at once. isartor adds what the key may use and the fix.
 */
function refuseModel(ctx: RequestContext, key: StoredVirtualKey, requested: string): void {
  const message =
    `The requested model '${requested}' is not available for this API key, or the model name is invalid. Check the models available to you and try again. ` +
    `The virtual key ${describeKey(key)} can use: ${key.models.join(', ')}. Ask for one of those, or have the gateway's owner add "${requested}" to the key (POST /key/update with "models").`;
  if (ctx.protocol === 'anthropic') sendError(ctx, 403, message, 'model_not_allowed');
  else sendJson(ctx, 403, openAIErrorBody(message, 'key_model_access_denied', '403', 'model'), finalRefusalHeaders(403));
}

/** Whether a key may ask for a model: by the name asked, or by what an alias or a provider's model name resolves to. */
export function modelAllowed(key: StoredVirtualKey, requested: string, routing: RoutingTable): boolean {
  if (key.models.length === 0 || key.models.includes('*')) return true;
  if (key.models.includes(requested)) return true;
  const servedBy = routing.advertisedModels().find((model) => model.id === requested)?.servedBy;
  if (!servedBy) return false;
  const modelPart = servedBy.slice(servedBy.indexOf('/') + 1);
  return key.models.includes(servedBy) || key.models.includes(modelPart);
}

/**
 * A floor for what a request will cost, reserved against its key's budget while it runs until the key
 * has a history (then its mean cost is reserved): its input at ~4 bytes a token, at the primary route's
 * price. Output is not guessed: max_tokens is a ceiling, not an estimate. Unpriced models reserve nothing.
 */
export function estimateCostUsd(chat: ChatRequest, priceOf: ((provider: string, model: string) => ModelPrice | undefined) | undefined): number {
  const price = priceOf?.(chat.target.providerId, chat.upstreamModel);
  return price ? ((chat.raw.length / 4) * price.input) / 1e6 : 0;
}

/** Whether a key may be served by a route: by its `provider/model`, its model name, or an alias of it on the key's list. */
function routeAllowed(key: StoredVirtualKey, route: Route, requested: string, routing: RoutingTable): boolean {
  if (key.models.length === 0 || key.models.includes('*')) return true;
  const model = route.target.model ?? requested;
  const servedBy = `${route.target.providerId}/${model}`;
  if (key.models.includes(model) || key.models.includes(servedBy)) return true;
  return routing.advertisedModels().some((advertised) => advertised.servedBy === servedBy && key.models.includes(advertised.id));
}

/**
 * Charges a finished request to its key (cache hits cost 0) and ends its admission. A request on an
 * unpriced model is charged nothing, which would let a budget never run out: said once per model.
 */
export function chargeVirtualKey(ctx: RequestContext, record: RequestRecord | undefined, warned: Set<string>, onWarning?: (message: string) => void): void {
  const admission = ctx.virtualKey?.admission;
  if (!admission) return;
  const cost = record?.costUsd ?? null;
  admission.settle(cost);
  if (record && cost === null && record.layer === 'l3' && admission.key.maxBudget !== null && record.model && !warned.has(record.model)) {
    warned.add(record.model);
    onWarning?.(`Model ${record.model} has no price, so requests on it are not counted against virtual key budgets. Set one: isartor pricing set ${record.model} --input X --output Y`);
  }
}
