import { isUtf8 } from 'node:buffer';
import type { IncomingHttpHeaders } from 'node:http';
import type { RoutingTable } from '../../routing/routing-table.js';
import type { Layer, RequestContext } from '../context.js';
import { canonicalQuery } from '../../caching/forwarded-request-parts.js';
import { readBody } from '../read-body.js';
import { decodedBody } from '../request-encoding.js';
import { decodableEncodings } from '../content-encodings.js';
import { readJsonBody } from '../../json/recurring-parts.js';
import { anthropicRequestSchema, openAIRequestSchema, requestProblem } from '../../protocols/request-schemas.js';
import { sendError } from '../respond.js';
import { prepareResponsesRequest, validateResponsesBody } from '../responses-request.js';
import { keepTranslatableRoutes } from '../translatable-routes.js';

export interface ParseRequestOptions {
  bodyLimitBytes: number;
  routing: RoutingTable;
  /** count_tokens takes a message request without max_tokens. */
  requireMaxTokens?: boolean;
  /** Routes that cannot take the request as asked leave its chain (default); count_tokens sends nothing to be answered and keeps them. */
  dropUntranslatableRoutes?: boolean;
}

/**
 * Reads and validates a model request in the caller's protocol (OpenAI chat completion, Anthropic
 * message or OpenAI response); malformed input is answered here, in that protocol's error format, and goes no further.
 */
export function parseRequestLayer(options: ParseRequestOptions): Layer {
  return async (ctx, next) => {
    const read = await readBody(ctx.req, options.bodyLimitBytes);
    if (read.kind === 'aborted') {
      ctx.clientGone = true;
      return;
    }
    const decoded = read.kind === 'too-large' ? read : await decodedBody(ctx.req.headers['content-encoding'], read.body, options.bodyLimitBytes);
    if (decoded.kind === 'too-large') {
      const megabytes = (options.bodyLimitBytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '');
      sendError(
        ctx,
        413,
        `The request body is larger than this gateway's limit of ${megabytes} MB. Raise gateway.bodyLimitBytes in isartor's config if this is intended.`,
        'request_too_large',
        { connection: 'close' },
      );
      return;
    }
    if (decoded.kind === 'unsupported') {
      // zstd: Node 20's zlib has none (22.15 added it); see request-encoding.ts for why no JavaScript decoder stands in.
      const why = decoded.encoding === 'zstd' ? ' (the Node 20 runtime isartor runs on has no zstd decoder)' : '';
      sendError(
        ctx,
        415,
        `The request body is sent with Content-Encoding "${decoded.encoding.slice(0, 40)}", which isartor cannot decode${why}. Turn the client's request compression off, or send the body as ${decodableEncodings}.`,
        'unsupported_content_encoding',
        { 'accept-encoding': decodableEncodings.replace(/ or /g, ', ') },
      );
      return;
    }
    if (decoded.kind === 'corrupt') {
      sendError(ctx, 400, `The request body says Content-Encoding "${decoded.encoding}" but does not decompress as such. Send it uncompressed, or compressed as it says.`, 'invalid_content_encoding');
      return;
    }
    const raw = decoded.body;
    const encoding = encodingProblem(raw);
    if (encoding) {
      sendError(ctx, 400, encoding, 'invalid_json');
      return;
    }
    // Parts this body shares with recent ones (the system prompt, tools, earlier turns) are reused, frozen.
    const parsed = readJsonBody(raw);
    if (!parsed.ok) {
      sendError(ctx, 400, `The request body is not valid JSON: ${parsed.reason}.${contentTypeHint(ctx.req.headers['content-type'])}`, parsed.code);
      return;
    }
    const problem =
      ctx.protocol === 'responses'
        ? validateObject(parsed.value) ?? validateResponsesBody(parsed.value as Record<string, unknown>) ?? validateModel(parsed.value as Record<string, unknown>)
        : validate(parsed.value, ctx.protocol === 'anthropic' && options.requireMaxTokens !== false) ?? shapeProblem(ctx, parsed.value);
    if (problem) {
      sendError(ctx, 400, problem.message, problem.code);
      return;
    }
    const body = parsed.value as Record<string, unknown>;
    const requestedModel = typeof body.model === 'string' ? body.model : undefined;
    const routes = options.routing.routesFor(requestedModel);
    const primary = routes[0] ?? options.routing.defaultRoute;
    const upstreamModel = primary.target.model ?? requestedModel;
    if (!upstreamModel) {
      sendError(
        ctx,
        400,
        'The request names no `model`, and this gateway has no model configured. Send a model, or set one with `isartor set-key --model`.',
        'missing_model',
      );
      return;
    }
    const cacheControl = parseCacheControl(ctx);
    const streamOptions = body.stream_options as { include_usage?: unknown } | null | undefined;
    ctx.chat = {
      protocol: ctx.protocol,
      body,
      raw,
      rawParts: { raw, spans: parsed.spans },
      stream: body.stream === true,
      includeUsage: streamOptions?.include_usage === true,
      requestedModel,
      anthropicHeaders: anthropicHeadersOf(ctx.req.headers),
      betaQuery: /[?&]beta=true(&|$)/.test(ctx.req.url ?? ''),
      query: canonicalQuery(ctx.req.url),
      skipLookup: cacheControl.has('no-cache'),
      skipStore: cacheControl.has('no-store'),
      routes,
      target: primary.target,
      upstreamModel,
    };
    // Routes that cannot take the request as asked leave the chain here, so that a fallback that can answers it.
    const refusal = ctx.protocol === 'responses' ? prepareResponsesRequest(ctx.chat) : options.dropUntranslatableRoutes === false ? undefined : keepTranslatableRoutes(ctx.chat);
    if (refusal) {
      sendError(ctx, 400, refusal.message, refusal.code);
      return;
    }
    await next();
  };
}

/**
 * JSON on the wire is UTF-8 (RFC 8259). Decoding bytes that are not would replace them with U+FFFD: two
 * different requests would then share a cache key, and the provider would get bytes isartor never read.
 * A byte order mark is refused by name, since JSON.parse's own complaint about it is unreadable.
 */
export function encodingProblem(body: Buffer): string | undefined {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) {
    return 'The request body starts with a byte order mark (BOM). Send the JSON as UTF-8 without one.';
  }
  if (!isUtf8(body)) return 'The request body is not valid UTF-8. Send the JSON encoded as UTF-8.';
  return undefined;
}

/** Every field a later layer reads has the type it assumes, so no layer meets a `content: 5`. */
function shapeProblem(ctx: RequestContext, value: unknown): { message: string; code: string } | undefined {
  const anthropic = ctx.protocol === 'anthropic';
  const problem = requestProblem(anthropic ? anthropicRequestSchema : openAIRequestSchema, value);
  if (!problem) return undefined;
  const reference = anthropic ? 'https://docs.anthropic.com/en/api/messages' : 'https://platform.openai.com/docs/api-reference/chat/create';
  return { message: `The request does not match the ${anthropic ? 'Anthropic Messages' : 'OpenAI chat completions'} API: ${problem}. See ${reference}.`, code: 'invalid_request_shape' };
}

function validateObject(value: unknown): { message: string; code: string } | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { message: 'The request body must be a JSON object.', code: 'invalid_body' };
  }
  return undefined;
}

function validateModel(value: Record<string, unknown>): { message: string; code: string } | undefined {
  return value.model !== undefined && typeof value.model !== 'string' ? { message: '`model` must be a string.', code: 'invalid_model' } : undefined;
}

function validate(value: unknown, requireMaxTokens: boolean): { message: string; code: string } | undefined {
  const notObject = validateObject(value);
  if (notObject) return notObject;
  const { messages, model, max_tokens: maxTokens } = value as { messages?: unknown; model?: unknown; max_tokens?: unknown };
  if (!Array.isArray(messages) || messages.length === 0) {
    return { message: '`messages` is required and must be a non-empty array.', code: 'missing_messages' };
  }
  if (!messages.every((m) => typeof m === 'object' && m !== null && typeof (m as { role?: unknown }).role === 'string')) {
    return { message: 'Every entry of `messages` must be an object with a `role`.', code: 'invalid_messages' };
  }
  if (model !== undefined && typeof model !== 'string') {
    return { message: '`model` must be a string.', code: 'invalid_model' };
  }
  // Anthropic's API requires max_tokens; failing here gives the same answer without a round trip.
  if (requireMaxTokens && !(typeof maxTokens === 'number' && Number.isInteger(maxTokens) && maxTokens > 0)) {
    return { message: '`max_tokens` is required and must be a positive integer.', code: 'missing_max_tokens' };
  }
  return undefined;
}

function anthropicHeadersOf(headers: IncomingHttpHeaders): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of ['anthropic-version', 'anthropic-beta']) {
    const value = headers[name];
    if (typeof value === 'string') picked[name] = value;
  }
  return picked;
}

function parseCacheControl(ctx: RequestContext): Set<string> {
  const header = ctx.req.headers['cache-control'];
  if (!header) return new Set();
  return new Set(header.split(',').map((d) => d.trim().toLowerCase().split('=')[0] ?? ''));
}

/** For a body that is not JSON and was not labelled JSON either (a form post, a file upload): what to send instead. */
function contentTypeHint(contentType: string | undefined): string {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === '' || type === 'application/json' || type.endsWith('+json')) return '';
  return ` It was sent as content-type "${type.slice(0, 60)}": send the request as JSON with content-type: application/json.`;
}
