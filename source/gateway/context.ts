import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UpstreamTarget } from '../providers/upstream-target.js';
import type { ChatCompletion, ChatCompletionRequest } from './protocols/openai.js';

/** Which layer produced the answer. */
export type LayerName = 'l0' | 'l1a' | 'l1b' | 'l2.5' | 'l3' | 'gateway';
export type CacheStatus = 'hit' | 'miss' | 'bypass';

/** A parsed, validated chat completion request and what the client asked of the cache. */
export interface ChatRequest {
  body: ChatCompletionRequest;
  raw: Buffer;
  stream: boolean;
  includeUsage: boolean;
  /** `Cache-Control: no-cache`: do not answer from cache. */
  skipLookup: boolean;
  /** `Cache-Control: no-store`: do not keep this answer. */
  skipStore: boolean;
  target: UpstreamTarget;
  /** The model sent upstream: the configured one, or the client's when none is configured. */
  upstreamModel: string;
}

/** The one object every layer sees. Layers read what earlier layers set and add their own part. */
export interface RequestContext {
  readonly id: string;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly path: string;
  readonly receivedAt: number;
  /** Who is asking: part of every cache key, so tenants never share answers. */
  callerId: string;
  layer: LayerName;
  cache: CacheStatus | undefined;
  /** Time spent waiting on the provider; excluded from the gateway's reported overhead. */
  upstreamWaitMs: number;
  chat?: ChatRequest;
  /** A complete, successful answer, set by whichever layer produced it, for layers that keep it. */
  completion?: ChatCompletion;
  /** Which provider and model answered, when one did. */
  answeredBy?: { provider: string; model: string };
  clientGone: boolean;
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
