import { findRunningGateway } from '../../daemon/running-gateway.js';
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
