import type { IsartorConfig } from '../store/config.js';
import { UserError } from '../user-error.js';
import { findProvider, providerIds, type ProviderSpec } from './catalog.js';
import { didYouMean, unknownProviderError } from './suggest-provider.js';

/** One configured provider, resolved: where requests go, how they authenticate, which model they use. */
export interface UpstreamTarget {
  providerId: string;
  spec: ProviderSpec;
  baseUrl: string;
  apiKey: string | undefined;
  /** undefined: forward the model each client asks for (openai-compatible servers without a model set). */
  model: string | undefined;
  /** Responses requests pass through to `{baseUrl}/responses` (the catalog's capability, or the user's opt-in). */
  speaksResponses?: boolean;
}

/** The provider requests go to, or a UserError that says how to configure one. */
export function resolveActiveTarget(config: IsartorConfig): UpstreamTarget {
  const providerId = config.provider;
  if (!providerId) {
    throw new UserError('No provider is configured yet.', {
      hint: 'Set one up with the wizard, `isartor setup`, or store a key with `isartor set-key -p <provider>` (for example `isartor set-key -p groq`).',
    });
  }
  return resolveTarget(config, providerId);
}

export function resolveTarget(config: IsartorConfig, providerId: string): UpstreamTarget {
  const spec = findProvider(providerId);
  if (!spec) {
    // A name typed on the command line (check -p) is a typo; the default provider in the config is not.
    if (providerId !== config.provider) throw unknownProviderError(providerId);
    throw new UserError(`The configured provider "${providerId}" is not one isartor knows.`, {
      hint: `${didYouMean(providerId)}Run \`isartor set-key -p <provider>\` with one of: ${providerIds.join(', ')}.`,
    });
  }
  const settings = config.providers[spec.id] ?? {};
  const baseUrl = settings.baseUrl ?? spec.baseUrl;
  if (!baseUrl) {
    throw new UserError(`Provider ${spec.id} needs a base URL.`, {
      hint: `Run \`isartor set-key -p ${spec.id} --base-url ${spec.baseUrlExample ?? '<url>'}\`.`,
    });
  }
  if (spec.keyRequired && !settings.apiKey) {
    throw new UserError(`No API key is stored for ${spec.id}.`, { hint: `Run \`isartor set-key -p ${spec.id}\`.` });
  }
  return {
    providerId: spec.id,
    spec,
    baseUrl: baseUrl.replace(/\/+$/, ''),
    apiKey: settings.apiKey,
    model: settings.model ?? spec.defaultModel,
    speaksResponses: settings.responsesApi ?? spec.speaksResponses ?? false,
  };
}

export function authHeaders(target: UpstreamTarget): Record<string, string> {
  const headers: Record<string, string> = { ...target.spec.extraHeaders };
  const key = target.apiKey;
  if (!key) return headers;
  switch (target.spec.auth) {
    case 'bearer':
      headers.authorization = `Bearer ${key}`;
      break;
    case 'x-api-key':
      headers['x-api-key'] = key;
      break;
    case 'api-key':
      headers['api-key'] = key;
      break;
    case 'none':
      break;
  }
  return headers;
}

/** Where an OpenAI chat completion goes on an OpenAI-compatible provider. */
export function chatCompletionsUrl(target: UpstreamTarget): string {
  return `${target.baseUrl}/chat/completions`;
}

/** Where a Responses request goes on a provider that speaks the Responses API. */
export function responsesUrl(target: UpstreamTarget): string {
  return `${target.baseUrl}/responses`;
}

/** Where an Anthropic message goes; `beta` keeps the caller's `?beta=true`. */
export function messagesUrl(target: UpstreamTarget, beta: boolean): string {
  return `${target.baseUrl}/v1/messages${beta ? '?beta=true' : ''}`;
}

export function modelsUrl(target: UpstreamTarget): string {
  return target.spec.protocol === 'anthropic' ? `${target.baseUrl}/v1/models` : `${target.baseUrl}/models`;
}
