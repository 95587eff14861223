import { keyLabel } from '../keys/virtual-key.js';
import type { RequestContext } from './context.js';
import { gatewayOverheadMs, outcomeStatus } from './respond.js';

/**
 * One line per request for the foreground console and the detached log file. It names no key and
 * no prompt text: only what a user needs to see what the gateway did.
 */
export function formatRequestLogLine(ctx: RequestContext): string {
  const outcome = outcomeStatus(ctx);
  const status = outcome === 499 ? 'client-closed' : String(outcome);
  const parts = [
    new Date().toISOString(),
    status,
    ctx.req.method ?? '-',
    ctx.path,
    ctx.layer,
    ctx.cache ?? '-',
    `${(performance.now() - ctx.receivedAt).toFixed(1)}ms`,
    `overhead=${gatewayOverheadMs(ctx).toFixed(2)}ms`,
  ];
  if (ctx.chat) parts.push(`model=${ctx.chat.upstreamModel}`, ctx.chat.stream ? 'stream' : 'json');
  if (ctx.answeredBy) parts.push(`upstream=${ctx.answeredBy.provider}`);
  parts.push(`client=${ctx.client}`);
  if (ctx.virtualKey) parts.push(`key=${keyLabel(ctx.virtualKey.key)}`);
  return parts.join(' ');
}
