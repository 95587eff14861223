import type { RawParts } from '../json/recurring-parts.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UpstreamTarget } from '../providers/upstream-target.js';
import type { Route } from '../routing/routing-table.js';
import type { PromptChurn } from '../stats/prompt-churn.js';
import type { StoredVirtualKey } from '../keys/virtual-key.js';
import type { KeyAdmission } from '../keys/virtual-keys.js';
import type { CallerProtocol } from '../protocols/caller-protocol.js';
import type { DeliveredAnswer } from './delivered-answer.js';
export type { CallerProtocol } from '../protocols/caller-protocol.js';

/** Which layer produced the answer. */
export type LayerName = 'l0' | 'l1a' | 'l1b' | 'l2.5' | 'l3' | 'gateway';
export type CacheStatus = 'hit' | 'miss' | 'bypass';

/** A parsed, validated model request (OpenAI chat completion, Anthropic message or OpenAI response) and what the client asked of the cache. */
export interface ChatRequest {
  protocol: CallerProtocol;
  /** The parsed JSON body, in the caller's protocol. */
  body: Record<string, unknown>;
  raw: Buffer;
  /** Where the body as read held parts remembered from recent bodies (json/recurring-parts.ts), for the L1a key. */
  rawParts?: RawParts;
  stream: boolean;
  /** OpenAI's `stream_options.include_usage`: a usage chunk ends the stream. */
  includeUsage: boolean;
  /** The model name the client used; translated answers carry it back. */
  requestedModel: string | undefined;
  /** Anthropic headers the caller sent, forwarded as they are to an Anthropic upstream. */
  anthropicHeaders: Record<string, string>;
  /** The caller used `?beta=true` on /v1/messages. */
  betaQuery: boolean;
  /** The request's query parameters, sorted (`canonicalQuery`): part of both cache keys. */
  query: string;
  /** `Cache-Control: no-cache`: do not answer from cache. */
  skipLookup: boolean;
  /** `Cache-Control: no-store`: do not keep this answer. */
  skipStore: boolean;
  /** Where the request goes: the primary route, then its fallbacks. Never empty. */
  routes: Route[];
  /** The primary route's target: with upstreamModel, what the cache key names. */
  target: UpstreamTarget;
  /** The model the primary route asks for: its configured one, or the client's when it has none. */
  upstreamModel: string;
  /**
   * A Responses request read as a chat completion (no ids, no delivery fields): what the layers that
   * read conversations (L1b, prompt churn, token estimates) look at. Only for protocol 'responses'.
   */
  chatView?: Record<string, unknown>;
}

/** The one object every layer sees. Layers read what earlier layers set and add their own part. */
export interface RequestContext {
  readonly id: string;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly path: string;
  readonly receivedAt: number;
  /** Decided by the route: the format of every answer and error. */
  protocol: CallerProtocol;
  /** Who is asking: part of every cache key, so tenants never share answers. */
  callerId: string;
  /** Which tool sent the request: `x-isartor-client`, else a User-Agent pattern, else "unknown". */
  client: string;
  layer: LayerName;
  cache: CacheStatus | undefined;
  /** Time spent waiting on the provider; excluded from the gateway's reported overhead. */
  upstreamWaitMs: number;
  chat?: ChatRequest;
  /** A complete, successful answer in the caller's protocol, set by whichever layer produced it, for layers that keep it. */
  completion?: object;
  /** Which provider and model answered, when one did. */
  answeredBy?: { provider: string; model: string };
  /** Upstream attempts made, fallbacks and retries included. */
  attempts: number;
  /** L1b: how similar the served question was to the one asked. */
  similarity?: number;
  /** A cache hit: the stored answer that was sent instead of calling the provider. */
  replayedAnswer?: object;
  /** L2.5: the tokens trimming saved on this request (0 when it ran and found nothing). */
  trimmedTokens?: number;
  /** How the system prompt and tools differ from this tool's previous request; null for its first. */
  promptChurn?: PromptChurn | null;
  /**
   * What prompt churn compares when the request is recorded, after its answer went out (it then sets
   * promptChurn). Data, not a callback: on Node 20 a function stored on the context made V8 keep each
   * request's objects through young-generation collections (measured: 0.1% of a hit's allocation
   * promoted with this object, 14% with a closure).
   */
  promptToCompare?: { tool: string; body: Record<string, unknown> };
  clientGone: boolean;
  /** Layers that left this request alone for size or safety, as `<layer>:<reason>` (`l1b:time`, `l1b:size`, `l1a:media`, `l2.5:size`); sent as `x-isartor-skipped`. */
  skipped: string[];
  /** Request fields the translation to the provider's protocol left out (`thinking`, `top_k`); sent as `x-isartor-dropped`. */
  dropped?: string[];
  /** Set by L1b's question analysis: the answer depends on when it is asked, so no cache keeps it (L1a included). */
  timeDependent?: boolean;
  /** A provider's answer went out with 200 (streamed or whole); without `completion` it was not a whole answer. */
  answerRelayed?: boolean;
  /** A streamed answer in progress: what has reached the client so far, to charge one who leaves (never to cache). */
  deliveredAnswer?: DeliveredAnswer;
  /** The virtual key the caller presented (L0), and once admitted under its budget, how its cost is charged. */
  virtualKey?: { key: StoredVirtualKey; admission?: KeyAdmission };
}

export type Layer = (ctx: RequestContext, next: () => Promise<void>) => Promise<void>;

/** Runs layers in order; each decides whether to answer or call the next one. */
export function composeLayers(layers: readonly Layer[]): (ctx: RequestContext) => Promise<void> {
  return (ctx) => {
    const run = (index: number): Promise<void> => {
      const layer = layers[index];
      return layer ? layer(ctx, () => run(index + 1)) : Promise.resolve();
    };
    return run(0);
  };
}
