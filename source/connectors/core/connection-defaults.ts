import got from 'got';
import { findRunningGateway } from '../../daemon/running-gateway.js';
import { maskSecret } from '../../store/mask-secret.js';
import { resolveActiveTarget } from '../../providers/upstream-target.js';
import type { IsartorConfig } from '../../store/config.js';
import { statePaths } from '../../store/state-dir.js';
import { UserError } from '../../user-error.js';

/** Clients such as OpenClaw insist on an API key; without a gateway key any placeholder passes the gateway. */
export const placeholderGatewayKey = 'isartor-local';

/** The key a connected client must send: an explicit one, ISARTOR_GATEWAY_API_KEY, the configured gateway key, else a placeholder. */
export function gatewayKeyForClient(explicit: string | undefined, config: IsartorConfig, env: NodeJS.ProcessEnv = process.env): string {
  return explicit ?? (env.ISARTOR_GATEWAY_API_KEY || undefined) ?? config.gateway.apiKey ?? placeholderGatewayKey;
}

/** The model a connected client should ask for: an explicit one, else isartor's configured model. */
export function modelForClient(explicit: string | undefined, config: IsartorConfig): string {
  if (explicit) return explicit;
  const model = resolveActiveTarget(config).model;
  if (!model) {
    throw new UserError('isartor has no model configured, so it cannot tell the client which model to ask for.', {
      hint: 'Pass --model <model>, or set one with `isartor set-key --model`.',
    });
  }
  return model;
}

/** The running gateway's URL (and whether its /health just answered), else where `isartor up` will listen. */
export async function locateGateway(stateDir: string, config: IsartorConfig): Promise<{ url: string; answering: boolean }> {
  const running = await findRunningGateway(statePaths(stateDir).pidFile);
  if (running) return { url: running.record.url, answering: running.health !== undefined };
  return { url: configuredGatewayUrl(config), answering: false };
}

/** Where `isartor up` listens with this config, as a local client reaches it. */
export function configuredGatewayUrl(config: IsartorConfig, port: number = config.gateway.port): string {
  const host = config.gateway.host === '0.0.0.0' || config.gateway.host === '::' ? '127.0.0.1' : config.gateway.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * Whether the gateway at `url` turns away `key` (401 on GET /v1/models), the credential a connected client
 * will send (undefined: none). A client connected with it would get nothing but 401s, e.g. after
 * `isartor up --gateway-api-key K`, whose key connect cannot know. false when nothing answers in time.
 */
export async function gatewayRefusesKey(url: string, key: string | undefined, timeoutMs = 1500): Promise<boolean> {
  try {
    const response = await got(`${url}/v1/models`, {
      headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
      timeout: { request: timeoutMs },
      retry: { limit: 0 },
      throwHttpErrors: false,
    });
    return response.statusCode === 401;
  } catch {
    return false;
  }
}

/** What to tell the user when the running gateway refuses the key a client is being connected with. */
export function refusedKeyWarning(url: string, client: { id: string; name: string }, key: string | undefined): string {
  const fix = `connect again with \`isartor connect ${client.id} --gateway-api-key <key>\` (the gateway's key, or a virtual key from \`isartor keys create\`), or set ISARTOR_GATEWAY_API_KEY to the key the gateway was started with.`;
  if (key === undefined || key === placeholderGatewayKey) {
    return `The gateway at ${url} requires a key, and isartor has none to give ${client.name} (no --gateway-api-key, ISARTOR_GATEWAY_API_KEY or gateway.apiKey in its config): ${client.name}'s requests will fail with 401. To fix it, ${fix}`;
  }
  return `The gateway at ${url} does not accept the key ${client.name} is given (${maskSecret(key)}): its requests will fail with 401. To fix it, ${fix}`;
}
