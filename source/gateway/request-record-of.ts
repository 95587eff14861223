import { performance } from 'node:perf_hooks';
import { estimateInputTokens, estimateOutputTokens } from '../stats/count-tokens.js';
import { costOfInputTokens, costOfUsage, findPrice, type ModelPrice } from '../stats/price-book.js';
import { usageOf, type RequestRecord, type TokenUsage } from '../stats/request-record.js';
import { keyLabel } from '../keys/virtual-key.js';
import { hasPlausibleUsage, maxPlausibleTokens } from '../protocols/answer-usage.js';
import type { RequestContext } from './context.js';
import { clientHungUp, gatewayOverheadMs, outcomeStatus } from './respond.js';

/**
 * The stats record of a finished model request. Timings are read at once (the request just ended);
 * tokens come from the provider's usage, or are counted with the tokenizer when the answer has none,
 * which is why this resolves later.
 */
export function requestRecordOf(ctx: RequestContext, userPrices: Readonly<Record<string, ModelPrice>>, onWarning?: (message: string) => void): Promise<RequestRecord> {
  const round = (ms: number): number => Math.round(ms * 100) / 100;
  const provider = ctx.answeredBy?.provider ?? ctx.chat?.target.providerId ?? null;
  const model = ctx.answeredBy?.model ?? ctx.chat?.upstreamModel ?? null;
  const timed = {
    time: new Date(Date.now() - (performance.now() - ctx.receivedAt)).toISOString(),
    client: ctx.client,
    protocol: ctx.protocol,
    // Unknown routes are recorded too; a path is the caller's to choose, so a long one is cut.
    route: ctx.path.length > 200 ? `${ctx.path.slice(0, 200)}…` : ctx.path,
    layer: ctx.layer,
    status: outcomeStatus(ctx),
    totalMs: round(performance.now() - ctx.receivedAt),
    upstreamMs: round(ctx.upstreamWaitMs),
    overheadMs: round(gatewayOverheadMs(ctx)),
    provider,
    model,
    keyAlias: ctx.virtualKey ? keyLabel(ctx.virtualKey.key) : null,
  };
  return tokensOf(ctx).then((tokens) => {
    const { usage, counted, saved } = clampTokens(tokens, (what) => onWarning?.(`${provider ?? 'The provider'} reported ${what} for ${model ?? 'a model'}; counted as the nearest sane value.`));
    const found = findPrice(provider, model, userPrices);
    const trimmed = ctx.trimmedTokens ?? 0;
    const savedUsd = found ? (saved ? costOfUsage(found.price, saved) : 0) + costOfInputTokens(found.price, trimmed) : null;
    return {
      ...{}, ...timed,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      tokensCounted: counted,
      tokensSaved: (saved ? saved.inputTokens + saved.outputTokens : 0) + trimmed,
      costUsd: found ? costOfUsage(found.price, usage) : null,
      costSavedUsd: savedUsd,
      churn: ctx.promptChurn ?? null,
    };
  });
}

const noTokens: TokenUsage = { inputTokens: 0, outputTokens: 0 };

/** A response's output items as the content blocks the token estimate reads (text, and tool calls as input JSON). */
function responseOutputAsContent(answer: object): { content: unknown[] } {
  const output = Array.isArray((answer as { output?: unknown }).output) ? ((answer as { output: Array<Record<string, unknown>> }).output) : [];
  return {
    content: output.flatMap((item) => {
      if (item.type === 'message' && Array.isArray(item.content)) return item.content as unknown[];
      if (item.type === 'function_call') return [{ type: 'tool_use', name: item.name, input: item.arguments }];
      if (item.type === 'custom_tool_call') return [{ type: 'tool_use', name: item.name, input: item.input }];
      return [];
    }),
  };
}

/**
 * What the provider was paid for (an answer from L3), and what a cache hit saved (the call it
 * replaced). A hit costs nothing, and so does a call that failed before any of its answer reached the
 * client; the part of a stream that did reach it is charged (deliveredTokens).
 */
async function tokensOf(ctx: RequestContext): Promise<{ usage: TokenUsage; counted: RequestRecord['tokensCounted']; saved: TokenUsage | undefined }> {
  const hit = ctx.layer === 'l1a' || ctx.layer === 'l1b';
  const answer = (hit ? ctx.replayedAnswer : ctx.completion) as { choices?: unknown; content?: unknown } | undefined;
  // Part of a stream reached the client, which then left or got an error event: the provider billed it.
  if (!answer && !hit && ctx.layer === 'l3' && ctx.chat && (clientHungUp(ctx) || ctx.answerRelayed)) {
    const delivered = ctx.deliveredAnswer?.read();
    if (delivered) return deliveredTokens(ctx.chat.chatView ?? ctx.chat.body, ctx.chat.protocol === 'responses' ? { ...delivered, ...responseOutputAsContent(delivered) } : delivered);
  }
  if (!answer || !ctx.chat || (!hit && ctx.layer !== 'l3')) return { usage: noTokens, counted: 'none', saved: undefined };
  const provided = trustedUsageOf(answer);
  const usage = provided ?? {
    inputTokens: await estimateInputTokens(ctx.chat.chatView ?? ctx.chat.body),
    outputTokens: await estimateOutputTokens(ctx.chat.protocol === 'responses' ? responseOutputAsContent(answer) : answer),
  };
  if (hit) return { usage: noTokens, counted: provided ? 'provider' : 'estimated', saved: usage };
  return { usage, counted: provided ? 'provider' : 'estimated', saved: undefined };
}

/**
 * A stream the client left, or that broke off with an error: the provider still billed what it generated,
 * so the client is charged for what reached it (counts no provider could mean are not taken). The tokenizer counts the text delivered; a provider count that had already come is
 * charged when it is larger (the usage chunk of a client that left just after it). A count made before
 * the end is never taken alone: Anthropic's message_start says 1 output token for any answer.
 */
async function deliveredTokens(body: Record<string, unknown>, delivered: object): Promise<{ usage: TokenUsage; counted: RequestRecord['tokensCounted']; saved: undefined }> {
  const provided = hasPlausibleUsage(delivered) ? usageOf(delivered) : undefined;
  const outputTokens = await estimateOutputTokens(delivered as { choices?: unknown; content?: unknown });
  if (provided && provided.outputTokens > 0 && provided.outputTokens >= outputTokens) return { usage: provided, counted: 'provider', saved: undefined };
  const inputTokens = provided && provided.inputTokens > 0 ? provided.inputTokens : await estimateInputTokens(body);
  const cached = provided?.cachedInputTokens ? { cachedInputTokens: provided.cachedInputTokens } : {};
  return { usage: { inputTokens, outputTokens, ...cached }, counted: 'estimated', saved: undefined };
}

/**
 * The provider's usage when it can be believed, else undefined (and the tokenizer estimates): counts no
 * provider could mean (negative, absurd, not numbers) would charge a key for tokens nobody delivered, or
 * for none. A count of 0 is no count at all (every request reads tokens, and an answer writes some): a
 * stream cut before its usage chunk, or a translated answer whose provider sent none or garbage, says 0.
 */
function trustedUsageOf(answer: object): TokenUsage | undefined {
  if (!hasPlausibleUsage(answer)) return undefined;
  const usage = usageOf(answer);
  return usage && usage.inputTokens > 0 && usage.outputTokens > 0 ? usage : undefined;
}

/** No answer is larger than this; a count beyond it is a provider bug, not a bill. */
const maxTokensPerRequest = maxPlausibleTokens;

/**
 * Provider usage is data from the network: a negative, fractional-NaN or absurd count would make counters go
 * backwards (Prometheus refuses that) and budgets pay out. Counts are clamped to [0, 10M] and said once per record.
 */
function clampTokens<T extends { usage: TokenUsage; saved: TokenUsage | undefined }>(tokens: T, warn: (what: string) => void): T {
  const problems: string[] = [];
  const clamp = (usage: TokenUsage): TokenUsage => {
    const fix = (name: string, value: number): number => {
      if (Number.isFinite(value) && value >= 0 && value <= maxTokensPerRequest) return value;
      problems.push(`${name} ${value}`);
      return Number.isFinite(value) && value > 0 ? maxTokensPerRequest : 0;
    };
    const fixed: TokenUsage = { inputTokens: fix('input tokens', usage.inputTokens), outputTokens: fix('output tokens', usage.outputTokens) };
    if (usage.cachedInputTokens !== undefined) fixed.cachedInputTokens = Math.min(fix('cached input tokens', usage.cachedInputTokens), fixed.inputTokens);
    return fixed;
  };
  const result = { ...{}, ...tokens, usage: clamp(tokens.usage), saved: tokens.saved ? clamp(tokens.saved) : undefined };
  if (problems.length > 0) warn(problems.join(', '));
  return result;
}
