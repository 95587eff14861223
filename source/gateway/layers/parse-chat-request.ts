import type { UpstreamTarget } from '../../providers/upstream-target.js';
import type { Layer, RequestContext } from '../context.js';
import type { ChatCompletionRequest } from '../protocols/openai.js';
import { readBody } from '../read-body.js';
import { sendOpenAIError } from '../respond.js';

export interface ParseChatRequestOptions {
  bodyLimitBytes: number;
  target: UpstreamTarget;
}

/** Reads and validates a chat completion request; malformed input is answered here and goes no further. */
export function parseChatRequestLayer(options: ParseChatRequestOptions): Layer {
  return async (ctx, next) => {
    const read = await readBody(ctx.req, options.bodyLimitBytes);
    if (read.kind === 'aborted') {
      ctx.clientGone = true;
      return;
    }
    if (read.kind === 'too-large') {
      const megabytes = (options.bodyLimitBytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '');
      sendOpenAIError(
        ctx,
        413,
        `The request body is larger than this gateway's limit of ${megabytes} MB. Raise gateway.bodyLimitBytes in isartor's config if this is intended.`,
        'invalid_request_error',
        'request_too_large',
        { connection: 'close' },
      );
      return;
    }
    const parsed = parseJson(read.body);
    if (!parsed.ok) {
      sendOpenAIError(ctx, 400, `The request body is not valid JSON: ${parsed.reason}.`, 'invalid_request_error', 'invalid_json');
      return;
    }
    const problem = validate(parsed.value);
    if (problem) {
      sendOpenAIError(ctx, 400, problem.message, 'invalid_request_error', problem.code);
      return;
    }
    const body = parsed.value as ChatCompletionRequest;
    const upstreamModel = options.target.model ?? body.model;
    if (!upstreamModel) {
      sendOpenAIError(
        ctx,
        400,
        'The request names no `model`, and this gateway has no model configured. Send a model, or set one with `isartor set-key --model`.',
        'invalid_request_error',
        'missing_model',
      );
      return;
    }
    const cacheControl = parseCacheControl(ctx);
    ctx.chat = {
      body,
      raw: read.body,
      stream: body.stream === true,
      includeUsage: body.stream_options?.include_usage === true,
      skipLookup: cacheControl.has('no-cache'),
      skipStore: cacheControl.has('no-store'),
      target: options.target,
      upstreamModel,
    };
    await next();
  };
}

function parseJson(raw: Buffer): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (raw.length === 0) return { ok: false, reason: 'the body is empty' };
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

function validate(value: unknown): { message: string; code: string } | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { message: 'The request body must be a JSON object.', code: 'invalid_body' };
  }
  const { messages, model } = value as { messages?: unknown; model?: unknown };
  if (!Array.isArray(messages) || messages.length === 0) {
    return { message: '`messages` is required and must be a non-empty array.', code: 'missing_messages' };
  }
  if (!messages.every((m) => typeof m === 'object' && m !== null && typeof (m as { role?: unknown }).role === 'string')) {
    return { message: 'Every entry of `messages` must be an object with a `role`.', code: 'invalid_messages' };
  }
  if (model !== undefined && typeof model !== 'string') {
    return { message: '`model` must be a string.', code: 'invalid_model' };
  }
  return undefined;
}

function parseCacheControl(ctx: RequestContext): Set<string> {
  const header = ctx.req.headers['cache-control'];
  if (!header) return new Set();
  return new Set(header.split(',').map((d) => d.trim().toLowerCase().split('=')[0] ?? ''));
}
