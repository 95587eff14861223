import { performance } from 'node:perf_hooks';
import { usageOf, type RequestRecord } from '../stats/request-record.js';
import type { RequestContext } from './context.js';
import { clientHungUp, gatewayOverheadMs } from './respond.js';

/** The stats record of a finished model request. */
export function requestRecordOf(ctx: RequestContext): RequestRecord {
  const provided = ctx.layer === 'l3' ? usageOf(ctx.completion) : undefined;
  const saved = ctx.savedCall ? ctx.savedCall.inputTokens + ctx.savedCall.outputTokens : 0;
  const trimmed = ctx.trimmedTokens ?? 0;
  const round = (ms: number): number => Math.round(ms * 100) / 100;
  return {
    time: new Date(Date.now() - (performance.now() - ctx.receivedAt)).toISOString(),
    client: ctx.client,
    protocol: ctx.protocol,
    route: ctx.path,
    layer: ctx.layer,
    status: clientHungUp(ctx) ? 499 : ctx.res.statusCode,
    totalMs: round(performance.now() - ctx.receivedAt),
    upstreamMs: round(ctx.upstreamWaitMs),
    overheadMs: round(gatewayOverheadMs(ctx)),
    provider: ctx.answeredBy?.provider ?? null,
    model: ctx.answeredBy?.model ?? ctx.chat?.upstreamModel ?? null,
    inputTokens: provided?.inputTokens ?? 0,
    outputTokens: provided?.outputTokens ?? 0,
    tokensSaved: saved + trimmed,
  };
}
