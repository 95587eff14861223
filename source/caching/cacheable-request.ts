import type { CallerProtocol } from '../protocols/caller-protocol.js';
import type { RawParts } from '../json/recurring-parts.js';

/**
 * What the caches read of a parsed model request. The gateway's request context satisfies it; the
 * caches know nothing else of HTTP or routing.
 */
export interface CacheableRequest {
  protocol: CallerProtocol;
  /** The parsed JSON body, in the caller's protocol. */
  body: Record<string, unknown>;
  /** The body exactly as the client sent it. */
  raw: Buffer;
  /** Where the body as read held parts remembered from recent bodies (json/recurring-parts.ts). */
  rawParts?: RawParts;
  /** The primary route's provider and base URL. */
  target: { providerId: string; baseUrl: string };
  /** The model the primary route asks for. */
  upstreamModel: string;
  /** `anthropic-version` and `anthropic-beta` as the caller sent them: forwarded, so part of both keys. */
  anthropicHeaders: Record<string, string>;
  /** The query parameters, sorted (`canonicalQuery`): forwarded, so part of both keys. */
  query: string;
}
