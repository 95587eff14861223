import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { performance } from 'node:perf_hooks';
import got, { type Request as GotRequest } from 'got';
import { classifyNetworkError } from '../../providers/network-failure.js';
import { authHeaders, chatCompletionsUrl, type UpstreamTarget } from '../../providers/upstream-target.js';
import { isartorVersion } from '../../version.js';
import type { ChatRequest, Layer, RequestContext } from '../context.js';
import { isCompleteCompletion, openAIErrorBody } from '../protocols/openai.js';
import { ChatCompletionStreamAccumulator } from '../protocols/openai-stream.js';
import { isartorHeaders, sendJson, sendOpenAIError } from '../respond.js';

export interface UpstreamAgents {
  http: HttpAgent;
  https: HttpsAgent;
}

export interface UpstreamOptions {
  connectTimeoutMs: number;
  timeoutMs: number;
  agents: UpstreamAgents;
}

/** One keep-alive pool per gateway, so consecutive requests reuse warm connections. */
export function createUpstreamAgents(): UpstreamAgents {
  return {
    http: new HttpAgent({ keepAlive: true, maxSockets: 256 }),
    https: new HttpsAgent({ keepAlive: true, maxSockets: 256 }),
  };
}

/** Upstream error bodies are read only this far; they are for the user's eyes, not for storage. */
const errorBodyLimit = 64 * 1024;

/** L3: forwards to the configured provider, streaming its answer to the client as it arrives. */
export function upstreamLayer(options: UpstreamOptions): Layer {
  return (ctx) => {
    const chat = ctx.chat;
    if (!chat) return Promise.resolve();
    return new Promise<void>((resolve) => forward(ctx, chat, options, resolve));
  };
}

function forward(
  ctx: RequestContext,
  chat: ChatRequest,
  options: UpstreamOptions,
  done: () => void,
): void {
  const target = chat.target;
  const url = chatCompletionsUrl(target);
  ctx.layer = 'l3';
  ctx.answeredBy = { provider: target.providerId, model: chat.upstreamModel };
  const startedAt = performance.now();
  const upstream: GotRequest = got.stream.post(url, {
    body: upstreamBody(chat),
    headers: {
      ...authHeaders(target),
      'content-type': 'application/json',
      accept: chat.stream ? 'text/event-stream' : 'application/json',
      'user-agent': `isartor/${isartorVersion}`,
    },
    agent: options.agents,
    timeout: { connect: options.connectTimeoutMs, request: options.timeoutMs },
    throwHttpErrors: false,
    retry: { limit: 0 },
  });

  let finished = false;
  const finish = (): void => {
    if (finished) return;
    finished = true;
    done();
  };

  // A client that hangs up must not keep the provider generating (and billing) tokens.
  ctx.res.on('close', () => {
    if (!ctx.res.writableFinished) {
      ctx.clientGone = true;
      upstream.destroy();
      finish();
    }
  });

  upstream.on('response', (response: { statusCode: number; headers: Record<string, string | string[] | undefined> }) => {
    ctx.upstreamWaitMs = performance.now() - startedAt;
    const status = response.statusCode;
    const contentType = String(response.headers['content-type'] ?? '');
    if (status >= 200 && status < 300 && contentType.includes('text/event-stream')) {
      relayStream(ctx, upstream, finish);
    } else if (status >= 200 && status < 300) {
      collect(upstream, Number.POSITIVE_INFINITY, (body) => {
        relayJson(ctx, body);
        finish();
      });
    } else {
      collect(upstream, errorBodyLimit, (body) => {
        relayUpstreamError(ctx, target, status, body, response.headers['retry-after']);
        finish();
      });
    }
  });

  upstream.on('error', (error: Error) => {
    if (ctx.clientGone) return finish();
    ctx.upstreamWaitMs = performance.now() - startedAt;
    const failure = classifyNetworkError(error, url, options.timeoutMs);
    const message = `${target.providerId}: ${failure.message} ${failure.fix}`;
    if (ctx.res.headersSent) {
      // Mid-stream: the status is gone already, so say it in the stream and end it. Nothing is cached.
      ctx.res.end(`data: ${JSON.stringify(openAIErrorBody(message, 'upstream_error', `upstream_${failure.kind}`))}\n\n`);
    } else if (failure.kind === 'timeout') {
      sendOpenAIError(ctx, 504, message, 'timeout_error', 'upstream_timeout');
    } else {
      sendOpenAIError(ctx, 502, message, 'upstream_error', `upstream_${failure.kind}`);
    }
    finish();
  });
}

/** The client's body as sent, unless the configured model replaces the one it named. */
function upstreamBody(chat: ChatRequest): Buffer | string {
  if (chat.body.model === chat.upstreamModel) return chat.raw;
  return JSON.stringify({ ...chat.body, model: chat.upstreamModel });
}

function relayStream(ctx: RequestContext, upstream: GotRequest, finish: () => void): void {
  const accumulator = new ChatCompletionStreamAccumulator();
  ctx.res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...isartorHeaders(ctx),
  });
  // No flushHeaders(): the headers leave with the first chunk, one write instead of two.
  upstream.on('data', (chunk: Buffer) => {
    // Bytes go out exactly as they came in, chunk by chunk; the accumulator only watches.
    ctx.res.write(chunk);
    accumulator.push(chunk);
  });
  upstream.on('end', () => {
    const completion = accumulator.result();
    if (completion) ctx.completion = completion;
    ctx.res.end();
    finish();
  });
}

function relayJson(ctx: RequestContext, body: Buffer): void {
  const text = body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    sendOpenAIError(ctx, 502, `${ctx.chat?.target.providerId} answered with a body that is not JSON.`, 'upstream_error', 'upstream_bad_body');
    return;
  }
  if (isCompleteCompletion(parsed)) ctx.completion = parsed;
  sendJson(ctx, 200, text);
}

function relayUpstreamError(
  ctx: RequestContext,
  target: UpstreamTarget,
  status: number,
  body: Buffer,
  retryAfter: string | string[] | undefined,
): void {
  const provider = target.providerId;
  const detail = upstreamErrorMessage(body);
  if (status === 401 || status === 403) {
    // Never echo the key, masked or not: the fix is the same either way.
    sendOpenAIError(
      ctx,
      401,
      `The upstream provider (${provider}) rejected the configured API key (HTTP ${status}). Store a valid key with \`isartor set-key -p ${provider}\`, then run \`isartor check\`.`,
      'authentication_error',
      'upstream_unauthorized',
    );
  } else if (status >= 500) {
    sendOpenAIError(
      ctx,
      502,
      `The upstream provider (${provider}) failed with HTTP ${status}${detail ? `: ${detail}` : ''}.`,
      'upstream_error',
      'upstream_server_error',
    );
  } else {
    // 400, 404, 422, 429...: the provider's own words are the most useful thing to pass on.
    const headers = retryAfter ? { 'retry-after': String(retryAfter) } : {};
    const passthrough = detail !== undefined && isOpenAIErrorJson(body);
    if (passthrough) sendJson(ctx, status, body.toString('utf8'), headers);
    else sendOpenAIError(ctx, status, `The upstream provider (${provider}) answered HTTP ${status}${detail ? `: ${detail}` : ''}.`, status === 429 ? 'rate_limit_error' : 'invalid_request_error', `upstream_${status}`, headers);
  }
}

function upstreamErrorMessage(body: Buffer): string | undefined {
  const text = body.toString('utf8').trim();
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    const message = typeof parsed.error === 'string' ? parsed.error : (parsed.error?.message ?? parsed.message);
    if (typeof message === 'string') return message.slice(0, 500);
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return text.slice(0, 200);
}

function isOpenAIErrorJson(body: Buffer): boolean {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { error?: { message?: unknown } };
    return typeof parsed.error?.message === 'string';
  } catch {
    return false;
  }
}

function collect(stream: GotRequest, limit: number, onEnd: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  stream.on('data', (chunk: Buffer) => {
    if (size >= limit) return;
    chunks.push(chunk);
    size += chunk.length;
  });
  stream.on('end', () => onEnd(Buffer.concat(chunks)));
}
