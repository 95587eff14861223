import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { looksLikeVirtualKey } from '../../keys/virtual-key.js';
import type { VirtualKeys } from '../../keys/virtual-keys.js';
import type { Layer } from '../context.js';
import { sendError } from '../respond.js';
import { identifyVirtualKey } from './virtual-keys.js';

/** The credential a client presented: `Authorization: Bearer K` or `x-api-key: K`. */
export function presentedCredential(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (authorization) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match?.[1]) return match[1].trim();
  }
  const apiKey = headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey.trim() ? apiKey.trim() : undefined;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Compares digests so neither the content nor the length of the key leaks through timing. An empty key matches nothing. */
export function credentialMatches(presented: string | undefined, expected: string): boolean {
  const equal = timingSafeEqual(digest(presented ?? ''), digest(expected));
  return equal && presented !== undefined && expected.length > 0;
}

/** A stable, non-reversible name for a caller, safe to keep in cache keys and logs. */
export function callerIdFor(credential: string): string {
  return `key:${digest(credential).toString('hex').slice(0, 16)}`;
}

export interface AuthOptions {
  /** Virtual keys (`sk-isr-...`) are accepted too, each as its own caller. */
  virtualKeys?: VirtualKeys;
  /** Routes only the gateway (master) key may use: a virtual key gets 403. */
  masterOnly?: boolean;
}

/** L0: when a gateway key is set, nothing but /health answers without it or a virtual key. */
export function authLayer(gatewayApiKey: string | undefined, options: AuthOptions = {}): Layer {
  return async (ctx, next) => {
    const presented = presentedCredential(ctx.req.headers);
    if (gatewayApiKey && credentialMatches(presented, gatewayApiKey)) {
      ctx.callerId = callerIdFor(gatewayApiKey);
    } else if (options.virtualKeys && looksLikeVirtualKey(presented)) {
      if (!(await identifyVirtualKey(ctx, options.virtualKeys, presented!, options.masterOnly ?? false))) return;
    } else if (gatewayApiKey) {
      ctx.layer = 'l0';
      const message = presented
        ? 'The gateway key you sent is not the one this isartor gateway expects. Send the key it was started with, or a virtual key (for a tool connected with `isartor connect <tool>`, run that again with --gateway-api-key <key>).'
        : 'This isartor gateway requires its key: send it as `Authorization: Bearer <key>` or `x-api-key: <key>` (for a tool connected with `isartor connect <tool>`, run that again with --gateway-api-key <key>).';
      sendError(ctx, 401, message, 'invalid_gateway_key', {
        'www-authenticate': 'Bearer realm="isartor"',
      });
      return;
    }
    await next();
  };
}
