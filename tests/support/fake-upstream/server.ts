// The HTTP server: routing, auth, modes (error/slow/hang/drop/toolCall) and counters.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleCountTokens, handleMessages } from './anthropic.js';
import { handleChatCompletions, handleModel, handleTags, openaiModel } from './openai.js';
import { handleResponses } from './responses.js';
import { type Ctx, type Protocol, OK, lastUserText, openaiError, pause, presentedKeys, sendError, sendJson, sendRaw, sendSocketBytes } from './shared.js';
import type { FakeMode, FakeUpstream, FakeUpstreamOptions, RecordedRequest } from './types.js';

// ---------------------------------------------------------------------------------------
// Routing
// ---------------------------------------------------------------------------------------

interface Route {
  protocol: Protocol;
  /** 'all': every mode applies (and is consumed); 'errorOnly': only an 'error' mode applies. */
  modes: 'all' | 'errorOnly';
  needsAnthropicVersion?: boolean;
  run(ctx: Ctx): void | Promise<void>;
}

function matchRoute(method: string, pathname: string): Route | undefined {
  const path = pathname.replace(/\/+$/, '') || '/';
  const rel = path.startsWith('/v1/') ? path.slice(3) : path; // '/v1/models' and '/models' both work
  if (method === 'GET') {
    if (rel === '/models') return { protocol: 'openai', modes: 'errorOnly', run: (ctx) => sendJson(ctx, 'openai', 200, { object: 'list', data: ctx.opts.models.map(openaiModel) }) };
    const id = /^\/models\/(.+)$/.exec(rel)?.[1];
    if (id !== undefined) return { protocol: 'openai', modes: 'errorOnly', run: (ctx) => handleModel(ctx, decodeURIComponent(id)) };
    if (path === '/api/tags') return { protocol: 'openai', modes: 'errorOnly', run: handleTags };
  }
  if (method === 'POST') {
    if (rel === '/chat/completions') return { protocol: 'openai', modes: 'all', run: handleChatCompletions };
    if (rel === '/responses') return { protocol: 'openai', modes: 'all', run: handleResponses };
    if (rel === '/messages') return { protocol: 'anthropic', modes: 'all', needsAnthropicVersion: true, run: handleMessages };
    if (rel === '/messages/count_tokens') return { protocol: 'anthropic', modes: 'errorOnly', needsAnthropicVersion: true, run: handleCountTokens };
  }
  return undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const done = () => resolve(Buffer.concat(chunks).toString('utf8'));
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', done);
    req.once('error', done);
    req.once('close', done);
  });
}

function parseJson(raw: string): any {
  if (raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** The 400 a provider sends for a request asking for more output tokens than its model writes (as OpenAI and Anthropic word it). */
function outputLimitRefusal(protocol: string, body: any, limit: number): { message: string; field: string } | undefined {
  for (const field of ['max_completion_tokens', 'max_tokens']) {
    const asked = body?.[field];
    if (typeof asked !== 'number' || asked <= limit) continue;
    if (protocol === 'anthropic') return { field, message: `max_tokens: ${asked} > ${limit}, which is the maximum allowed number of output tokens for ${String(body.model)}` };
    return { field, message: `${field} is too large: ${asked}. This model supports at most ${limit} completion tokens, whereas you provided ${asked}.` };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------

export async function startFakeUpstream(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const opts: Ctx['opts'] = {
    models: options.models ?? ['fake-model', 'fake-model-large'],
    chunkDelayMs: options.chunkDelayMs ?? 0,
    reply: options.reply ?? ((rec) => `Echo: ${lastUserText(rec.body)}`),
  };
  const requests: RecordedRequest[] = [];
  const stats = { completed: 0, aborted: 0, inFlight: 0 };
  let baseMode: FakeMode = OK;
  let temporary: { mode: FakeMode; remaining: number } | undefined;
  let closing = false;

  /** The mode for this request; consumes one use of a temporary mode when it applies. */
  function takeMode(applies: Route['modes']): FakeMode {
    const mode = temporary?.mode ?? baseMode;
    if (applies === 'errorOnly' && mode.kind !== 'error') return OK;
    if (temporary && --temporary.remaining <= 0) temporary = undefined;
    return mode;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const rec: RecordedRequest = { method, path: url.pathname, url: req.url ?? '/', headers: req.headers, body: undefined, rawBody: '' };
    requests.push(rec);

    const route = matchRoute(method, url.pathname);
    const protocol = route?.protocol ?? 'openai';
    const authorized = options.apiKey === undefined || presentedKeys(req.headers).includes(options.apiKey);
    const versionMissing = route?.needsAnthropicVersion === true && !req.headers['anthropic-version'];
    const mode = route && authorized && !versionMissing ? takeMode(route.modes) : OK;
    const ctx: Ctx = { req, res, rec, mode, opts, closed: false, droppedByServer: false };

    stats.inFlight++;
    res.on('error', () => {}); // writes racing a disconnect must not crash the server
    res.once('finish', () => stats.completed++);
    res.once('close', () => {
      ctx.closed = true;
      stats.inFlight--;
      if (!res.writableFinished && !ctx.droppedByServer && !closing) stats.aborted++;
    });

    rec.rawBody = await readBody(req);
    rec.body = parseJson(rec.rawBody);

    if (!route) return sendError(ctx, 'openai', 404, `Invalid URL (${method} ${url.pathname})`);
    if (!authorized) return sendError(ctx, protocol, 401);
    if (versionMissing) return sendError(ctx, 'anthropic', 400, 'anthropic-version: header is required');
    if (mode.kind === 'error') return sendError(ctx, protocol, mode.status, mode.message, { retryAfter: mode.retryAfter });
    if (options.maxTokensUnsupported && route?.protocol === 'openai' && typeof rec.body?.max_tokens === 'number') {
      return sendError(ctx, 'openai', 400, "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", { param: 'max_tokens', code: 'unsupported_parameter' });
    }
    const overLimit = route && options.maxOutputTokens !== undefined ? outputLimitRefusal(protocol, rec.body, options.maxOutputTokens) : undefined;
    if (overLimit) return sendError(ctx, protocol, 400, overLimit.message, { param: overLimit.field });
    if (mode.kind === 'hang') return; // never answer; the socket is released by the client or close()
    if (mode.kind === 'raw') return sendRaw(ctx, mode);
    if (mode.kind === 'socket') return sendSocketBytes(ctx, mode);
    if (mode.kind === 'slow') await pause(ctx, mode.delayMs);
    if (ctx.closed) return;
    await route.run(ctx);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify(openaiError(500, `fake upstream crashed: ${String(err)}`)));
      } else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    openaiBaseUrl: `${url}/v1`,
    anthropicBaseUrl: url,
    requests,
    get completedResponses() {
      return stats.completed;
    },
    get abortedByClient() {
      return stats.aborted;
    },
    get inFlight() {
      return stats.inFlight;
    },
    setMode(mode, modeOpts) {
      if (modeOpts?.times === undefined) {
        baseMode = mode;
        temporary = undefined;
      } else {
        temporary = modeOpts.times > 0 ? { mode, remaining: modeOpts.times } : undefined;
      }
    },
    reset() {
      requests.length = 0;
      stats.completed = 0;
      stats.aborted = 0;
      baseMode = OK;
      temporary = undefined;
    },
    close() {
      closing = true;
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
