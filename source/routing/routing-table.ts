import { resolveActiveTarget, resolveTarget, type UpstreamTarget } from '../providers/upstream-target.js';
import { configDefaults, type IsartorConfig, type RoutingSettings } from '../store/config.js';
import { UserError } from '../user-error.js';
import { formatModelRef, parseModelRef } from './model-ref.js';

/** One place a request can be served: a provider target with its model and its own timeouts. */
export interface Route {
  target: UpstreamTarget;
  connectTimeoutMs: number;
  timeoutMs: number;
  /** Longest silence inside an answer (upstream.idleTimeoutMs, else half of timeoutMs). */
  idleTimeoutMs: number;
  /** The largest answer taken from this route (upstream.maxAnswerBytes). */
  maxAnswerBytes: number;
  /** How long a stream's opening events wait for the answer's first bytes before they go anyway (upstream.openingHoldMs). */
  openingHoldMs: number;
}

export interface AdvertisedModel {
  id: string;
  /** The provider/model that serves it. */
  servedBy: string;
}

/** Which routes serve which requested model, decided once when the gateway starts. */
export interface RoutingTable {
  /** The default provider's route: it serves every model name that is not an alias. */
  defaultRoute: Route;
  /** The primary route for a requested model name, then its fallbacks in order. */
  routesFor(requestedModel: string | undefined): Route[];
  /** What /v1/models lists: the aliases, then each configured provider's model. */
  advertisedModels(): AdvertisedModel[];
  settings: RoutingSettings;
}

export const defaultFallbacksKey = 'default';

/** upstream.openingHoldMs unset: long enough for a provider's error right after its opening, short against a client's own timeouts. */
export const defaultOpeningHoldMs = 10_000;

/**
 * Builds the routing table from the config, or fails with a message naming what to fix: an alias or
 * fallback pointing at a provider without a key is found at start, not on the first request.
 */
export function buildRoutingTable(config: IsartorConfig): RoutingTable {
  const routeTo = (refText: string, usedBy: string): Route => {
    const ref = parseModelRef(refText);
    if (!config.providers[ref.provider]) {
      throw new UserError(`${usedBy} points at ${refText}, but ${ref.provider} is not configured.`, {
        hint: `Add it with \`isartor set-key -p ${ref.provider} --keep-default\`.`,
      });
    }
    return withTimeouts(config, { ...{}, ...resolveTarget(config, ref.provider), model: ref.model });
  };
  const defaultRoute = withTimeouts(config, resolveActiveTarget(config));
  const chains = new Map<string, Route[]>();
  for (const [alias, ref] of Object.entries(config.aliases)) chains.set(alias, [routeTo(ref, `The alias "${alias}"`)]);
  for (const [name, refs] of Object.entries(config.fallbacks)) {
    if (name !== defaultFallbacksKey && !chains.has(name)) {
      throw new UserError(`Fallbacks are set for "${name}", which is neither an alias nor "${defaultFallbacksKey}".`, {
        hint: `Create the alias first (\`isartor alias ${name} <provider/model>\`), or remove them with \`isartor fallbacks ${name} --clear\`.`,
      });
    }
  }
  const fallbacksOf = (name: string): Route[] => (config.fallbacks[name] ?? []).map((ref) => routeTo(ref, `A fallback of "${name}"`));
  const defaultChain = [defaultRoute, ...fallbacksOf(defaultFallbacksKey)];
  for (const [alias, chain] of chains) chain.push(...fallbacksOf(alias));
  const advertised: AdvertisedModel[] = Object.entries(config.aliases).map(([id, ref]) => ({ id, servedBy: ref }));

  // Each configured provider's model is also reachable by its own name, unless an alias took that name.
  for (const target of configuredTargets(config)) {
    const model = target.model;
    if (!model || chains.has(model)) continue;
    const isDefault = target.providerId === defaultRoute.target.providerId;
    chains.set(model, isDefault ? defaultChain : [withTimeouts(config, target)]);
    advertised.push({ id: model, servedBy: formatModelRef({ provider: target.providerId, model }) });
  }

  return {
    defaultRoute,
    routesFor: (requestedModel) => (requestedModel !== undefined ? chains.get(requestedModel) : undefined) ?? defaultChain,
    advertisedModels: () => advertised,
    settings: config.routing,
  };
}

/** The default provider first, then every other provider complete enough to serve requests. */
function configuredTargets(config: IsartorConfig): UpstreamTarget[] {
  const ids = [config.provider, ...Object.keys(config.providers).filter((id) => id !== config.provider)];
  const targets: UpstreamTarget[] = [];
  for (const id of ids) {
    if (!id) continue;
    try {
      targets.push(resolveTarget(config, id));
    } catch {
      // A half-configured provider (no key, no base URL) is simply not offered; `isartor providers` shows why.
    }
  }
  return targets;
}

function withTimeouts(config: IsartorConfig, target: UpstreamTarget): Route {
  const settings = config.providers[target.providerId] ?? {};
  const timeoutMs = settings.timeoutMs ?? config.upstream.timeoutMs;
  return {
    target,
    connectTimeoutMs: settings.connectTimeoutMs ?? config.upstream.connectTimeoutMs,
    timeoutMs,
    // Long by default: a reasoning model may think for minutes without sending a byte (the OpenAI and
    // Anthropic SDKs wait 600 s for one, LiteLLM's stream_timeout is opt-in). Half of timeoutMs (300 s)
    // still ends a stalled stream well before the whole limit, and follows it when it is raised for a slow model.
    idleTimeoutMs: settings.idleTimeoutMs ?? config.upstream.idleTimeoutMs ?? Math.ceil(timeoutMs / 2),
    maxAnswerBytes: config.upstream.maxAnswerBytes ?? configDefaults.upstream.maxAnswerBytes,
    openingHoldMs: config.upstream.openingHoldMs ?? defaultOpeningHoldMs,
  };
}
