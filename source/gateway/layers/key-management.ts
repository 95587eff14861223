import { parseKeyFields } from '../../keys/key-fields.js';
import { looksLikeVirtualKey } from '../../keys/virtual-key.js';
import { describeKey, type VirtualKeys } from '../../keys/virtual-keys.js';
import type { StoredVirtualKey } from '../../keys/virtual-key.js';
import { UserError } from '../../user-error.js';
import { StoreUnavailableError } from '../../state/store-unavailable.js';
import type { Layer, RequestContext } from '../context.js';
import { readBody } from '../read-body.js';
import { encodingProblem } from './parse-request.js';
import { parseJsonBody } from '../../json/checked-parse.js';
import { sendError, sendJson } from '../respond.js';
import { credentialMatches, presentedCredential } from './auth.js';

const bodyLimitBytes = 1024 * 1024;
const authenticate = { 'www-authenticate': 'Bearer realm="isartor"' };

type Handler = (ctx: RequestContext, keys: VirtualKeys) => Promise<void>;

/** LiteLLM's key management routes; all but GET /key/info (which a key may ask about itself) need the master key. */
const routes: Record<string, { method: string; handler: Handler }> = {
  '/key/generate': { method: 'POST', handler: generateKey },
  '/key/update': { method: 'POST', handler: updateKey },
  '/key/delete': { method: 'POST', handler: deleteKeys },
  '/key/list': { method: 'GET', handler: listKeys },
  '/key/info': { method: 'GET', handler: keyInfo },
};

/**
 * /key/*: create, change, list and delete virtual keys over HTTP, in LiteLLM's shapes. They write the same
 * keys file as `isartor keys`. Like LiteLLM, they need a master key: the gateway key.
 */
export function keyManagementLayer(gatewayApiKey: string | undefined, keys: VirtualKeys): Layer {
  return async (ctx) => {
    ctx.layer = 'gateway';
    const route = routes[ctx.path];
    if (!route) {
      sendError(ctx, 404, `isartor has no route ${ctx.req.method} ${ctx.path}. Key management routes: ${Object.entries(routes).map(([path, r]) => `${r.method} ${path}`).join(', ')}.`, 'unknown_route');
      return;
    }
    if (ctx.req.method !== route.method) {
      sendError(ctx, 405, `${ctx.path} does not accept ${ctx.req.method}; use ${route.method}.`, 'method_not_allowed');
      return;
    }
    if (!gatewayApiKey) {
      sendError(
        ctx,
        403,
        'Key management needs a master key, and this gateway has none. Set a gateway key first: `isartor up --gateway-api-key <key>` (or ISARTOR_GATEWAY_API_KEY, or gateway.apiKey in config), then send it as `Authorization: Bearer <key>`. `isartor keys create` works without one.',
        'master_key_required',
      );
      return;
    }
    const presented = presentedCredential(ctx.req.headers);
    if (credentialMatches(presented, gatewayApiKey)) {
      await runHandler(ctx, keys, route.handler);
      return;
    }
    // A virtual key may read its own info, as LiteLLM's `curl /key/info -H "Authorization: Bearer <key>"`.
    if (ctx.path === '/key/info' && looksLikeVirtualKey(presented)) {
      const own = await keys.findByKeyShared(presented!);
      if (own && keys.isExpired(own)) {
        sendError(ctx, 401, `Authentication Error - Expired Key: the virtual key ${describeKey(own)} expired at ${own.expires}. Ask the gateway's owner for a new key, or to extend this one (POST /key/update with a new "duration").`, 'expired_virtual_key', authenticate);
        return;
      }
      if (own) {
        await keys.freshSpend([own]);
        sendJson(ctx, 200, { key: own.maskedKey, info: keys.describe(own) });
        return;
      }
    }
    sendError(
      ctx,
      401,
      presented
        ? `${ctx.path} needs the gateway's key (the master key); the key you sent is not it.`
        : `${ctx.path} needs the gateway's key (the master key): send it as \`Authorization: Bearer <key>\`.`,
      'invalid_master_key',
      authenticate,
    );
  };
}

async function runHandler(ctx: RequestContext, keys: VirtualKeys, handler: Handler): Promise<void> {
  try {
    await handler(ctx, keys);
  } catch (error) {
    if (error instanceof StoreUnavailableError) {
      sendError(ctx, 503, `${error.message} ${error.hint ?? ''}`.trim(), 'store_unavailable', { 'retry-after': '5' });
      return;
    }
    if (!(error instanceof UserError)) throw error;
    sendError(ctx, 400, error.hint ? `${error.message} ${error.hint}` : error.message, 'invalid_key_request');
  }
}

async function generateKey(ctx: RequestContext, keys: VirtualKeys): Promise<void> {
  const body = await readJsonObject(ctx);
  if (!body) return;
  const parsed = parseKeyFields(body);
  if (!parsed.ok) return sendError(ctx, 400, parsed.message, 'invalid_key_field');
  const { key, stored } = keys.create(parsed.changes);
  await keys.saved();
  sendJson(ctx, 200, { key, ...keys.describe(stored) });
}

async function updateKey(ctx: RequestContext, keys: VirtualKeys): Promise<void> {
  const body = await readJsonObject(ctx);
  if (!body) return;
  const reference = typeof body.key === 'string' ? body.key : undefined;
  if (!reference) return sendError(ctx, 400, '/key/update needs `key`: the key, or its token (sha256) or alias, as /key/list shows them.', 'missing_key');
  const found = keys.find(reference);
  if (!found) return sendError(ctx, 404, `No virtual key matches "${safeReference(reference)}". List them with GET /key/list.`, 'key_not_found');
  const { key: _key, ...fields } = body;
  const parsed = parseKeyFields(fields);
  if (!parsed.ok) return sendError(ctx, 400, parsed.message, 'invalid_key_field');
  const updated = keys.update(found, parsed.changes);
  await keys.saved();
  sendJson(ctx, 200, { key: updated.maskedKey, ...keys.describe(updated) });
}

async function deleteKeys(ctx: RequestContext, keys: VirtualKeys): Promise<void> {
  const body = await readJsonObject(ctx);
  if (!body) return;
  const byKey = stringList(body.keys);
  const byAlias = stringList(body.key_aliases);
  if (byKey === undefined || byAlias === undefined || byKey.length + byAlias.length === 0) {
    return sendError(ctx, 400, '/key/delete takes `keys` (keys or their tokens) and/or `key_aliases`: non-empty lists of strings.', 'missing_keys');
  }
  const found: StoredVirtualKey[] = [];
  const missing: string[] = [];
  for (const reference of byKey) {
    const key = keys.find(reference);
    if (key) found.push(key);
    else missing.push(safeReference(reference));
  }
  for (const alias of byAlias) {
    const key = keys.list().find((k) => k.alias === alias);
    if (key) found.push(key);
    else missing.push(`alias "${alias}"`);
  }
  if (missing.length > 0) {
    return sendError(ctx, 404, `No virtual key matches ${missing.join(', ')}; nothing was deleted. List them with GET /key/list.`, 'key_not_found');
  }
  keys.delete(found);
  await keys.saved();
  sendJson(ctx, 200, { deleted_keys: byKey, deleted_key_aliases: byAlias, deleted: found.map((key) => describeKey(key)) });
}

async function listKeys(ctx: RequestContext, keys: VirtualKeys): Promise<void> {
  const alias = new URL(ctx.req.url ?? '/', 'http://gateway').searchParams.get('key_alias');
  const chosen = keys.list().filter((key) => alias === null || key.alias === alias);
  await keys.freshSpend(chosen);
  const listed = chosen.map((key) => keys.describe(key));
  sendJson(ctx, 200, { keys: listed, total_count: listed.length, current_page: 1, total_pages: 1 });
}

async function keyInfo(ctx: RequestContext, keys: VirtualKeys): Promise<void> {
  const reference = new URL(ctx.req.url ?? '/', 'http://gateway').searchParams.get('key');
  if (!reference) return sendError(ctx, 400, 'With the master key, /key/info needs `?key=<key, token or alias>`; a virtual key can ask about itself without it.', 'missing_key');
  const found = keys.find(reference);
  if (!found) return sendError(ctx, 404, `No virtual key matches "${safeReference(reference)}". List them with GET /key/list.`, 'key_not_found');
  await keys.freshSpend([found]);
  sendJson(ctx, 200, { key: found.maskedKey, info: keys.describe(found) });
}

async function readJsonObject(ctx: RequestContext): Promise<Record<string, unknown> | undefined> {
  const read = await readBody(ctx.req, bodyLimitBytes);
  if (read.kind === 'aborted') {
    ctx.clientGone = true;
    return undefined;
  }
  if (read.kind === 'too-large') {
    sendError(ctx, 413, 'A key management request must be under 1 MB.', 'request_too_large', { connection: 'close' });
    return undefined;
  }
  // As on the model routes: bytes that are not UTF-8 would be saved as U+FFFD in an alias or metadata.
  const encoding = encodingProblem(read.body);
  if (encoding) {
    sendError(ctx, 400, encoding, 'invalid_json');
    return undefined;
  }
  const parsed = parseJsonBody(read.body.toString('utf8') || '{}');
  if (parsed.ok && typeof parsed.value === 'object' && parsed.value !== null && !Array.isArray(parsed.value)) return parsed.value as Record<string, unknown>;
  const why = parsed.ok ? '' : ` (${parsed.reason})`;
  sendError(ctx, 400, `The request body must be a JSON object, like {"key_alias": "openclaw", "max_budget": 50}${why}.`, parsed.ok ? 'invalid_json' : parsed.code);
  return undefined;
}

function stringList(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined;
}

/** A reference echoed in an error: a plaintext key is masked, a token or alias shown as it is. */
function safeReference(reference: string): string {
  return looksLikeVirtualKey(reference) ? `${reference.slice(0, 4)}…${reference.slice(-4)}` : reference;
}
