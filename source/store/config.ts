import Conf, { type Schema } from 'conf';
import { defaultNearDuplicateThreshold } from './defaults.js';
import { UserError } from '../user-error.js';
import { ensureDir, statePaths } from './state-dir.js';

/** USD per million tokens. `cachedInput`: the price of input the provider served from its own prompt cache. */
export interface ModelPrice {
  input: number;
  output: number;
  cachedInput?: number;
}

export interface ProviderSettings {
  apiKey?: string;
  model?: string;
  baseUrl?: string;
  /** Overrides upstream.timeoutMs for this provider. */
  timeoutMs?: number;
  /** Overrides upstream.connectTimeoutMs for this provider. */
  connectTimeoutMs?: number;
  /** Overrides upstream.idleTimeoutMs for this provider. */
  idleTimeoutMs?: number;
  /** The provider serves OpenAI's Responses API at `{baseUrl}/responses` (an openai-compatible server that has it). */
  responsesApi?: boolean;
}

export interface GatewaySettings {
  host: string;
  port: number;
  /** When set, every route but /health needs it. */
  apiKey?: string;
  bodyLimitBytes: number;
  /** Open client connections at most; more wait in the kernel's queue, so idle ones cannot take every descriptor. */
  maxConnections: number;
}

export interface ExactCacheSettings {
  enabled: boolean;
  ttlSeconds: number;
  maxBytes: number;
}

export interface NearDuplicateCacheSettings {
  enabled: boolean;
  /** Similarity a cached question needs before the guards are asked (0..1). */
  threshold: number;
  /** Index size: the most questions kept. */
  maxEntries: number;
  ttlSeconds: number;
  maxBytes: number;
}

export interface TrimmingSettings {
  enabled: boolean;
  /** A message is rewritten only when that saves at least this many tokens. */
  minSavedTokensPerMessage: number;
  /**
   * Colour is always kept (readme: "L2.5 context trimming"). `auto`: its escape sequences are written in
   * fewer bytes, every character keeping its look; `keep`: its bytes are forwarded as they came.
   */
  colour: 'auto' | 'keep';
  /** Bigger request bodies are forwarded untrimmed (`x-isartor-skipped: l2.5:size`), so L2.5 never holds the gateway up. */
  maxRequestBytes: number;
  /** A message bigger than this (as JSON) is forwarded as it came and not analysed. */
  maxMessageBytes: number;
  /** Requests with more messages are forwarded untrimmed. */
  maxMessages: number;
  /** Opt-in rules that change what a result says. All off by default; see the readme before switching one on. */
  lossy: LossyTrimmingSettings;
}

export interface LossyTrimmingSettings {
  /** Runs of 3+ identical lines in a tool result become one line with `(×N)`. */
  collapseRepeatedLines: boolean;
  /** Runs of blank lines in a tool result become one. */
  collapseBlankLines: boolean;
  /** Spaces and tabs at line ends in a tool result go. */
  stripTrailingWhitespace: boolean;
}

export interface UpstreamSettings {
  connectTimeoutMs: number;
  /** Whole-request limit, streaming included. */
  timeoutMs: number;
  /**
   * Longest silence between two bytes of an answer once its headers came (SSE comments and pings count).
   * Unset: half of timeoutMs, so whoever raises timeoutMs for a slow model raises this with it.
   */
  idleTimeoutMs?: number;
  /** A provider answer larger than this (streamed or not) is cut off with a 502 or a stream error event. */
  maxAnswerBytes: number;
  /**
   * How long a stream's opening events (a role chunk, message_start, response.created) are held back
   * waiting for the first bytes of the answer (so a provider that fails right after them can still be
   * replaced by a fallback) before they go to the client anyway, with the headers: a reasoning model that
   * thinks silently for minutes must not leave its client without headers for minutes. Default 10 s.
   */
  openingHoldMs?: number;
}

export interface RoutingSettings {
  /** How many more times the whole route chain is tried after every route failed with a retryable error. */
  retries: number;
  /** A provider's retry-after longer than this is not waited for: the request fails instead. */
  maxRetryAfterMs: number;
}

/** Where state lives: this process and its state dir (the default), or one Redis shared by several instances. */
export interface StoreSettings {
  /** `redis://[:password@]host:port/db` (or `rediss://`); unset: embedded. `--redis` and ISARTOR_REDIS_URL win over it. */
  redisUrl?: string;
  /** Every Redis key of this deployment starts with it, so several deployments can share one Redis. */
  keyPrefix: string;
  /**
   * What budgeted virtual keys get while Redis is unreachable: `local` admits while this instance's last
   * known spend plus its own charges since stay under the budget; `refuse` answers 503 until Redis is back.
   */
  budgetPolicy: 'local' | 'refuse';
  /** Request records the shared stream keeps (older ones are trimmed): what `/stats` can see. */
  maxRecords: number;
}

export interface IsartorConfig {
  /** The default provider: it serves every model name that is not an alias. */
  provider?: string;
  providers: Record<string, ProviderSettings>;
  /** Requested model name -> `provider/model` that serves it. */
  aliases: Record<string, string>;
  /** Alias name, or "default" for the default provider, -> ordered `provider/model` fallbacks. */
  fallbacks: Record<string, string[]>;
  routing: RoutingSettings;
  gateway: GatewaySettings;
  cache: { exact: ExactCacheSettings; nearDuplicate: NearDuplicateCacheSettings };
  trimming: TrimmingSettings;
  upstream: UpstreamSettings;
  store: StoreSettings;
  /** The user's prices (USD per million tokens), by `model` or `provider/model`; they win over the built-in table. */
  pricing: Record<string, ModelPrice>;
}

export const defaultGatewayPort = 8080;

export { defaultNearDuplicateThreshold };

export const configDefaults: Readonly<IsartorConfig> = Object.freeze({
  providers: {},
  aliases: {},
  fallbacks: {},
  routing: { retries: 1, maxRetryAfterMs: 30_000 },
  gateway: { host: '127.0.0.1', port: defaultGatewayPort, bodyLimitBytes: 20 * 1024 * 1024, maxConnections: 1024 },
  cache: {
    exact: { enabled: true, ttlSeconds: 3600, maxBytes: 256 * 1024 * 1024 },
    nearDuplicate: { enabled: true, threshold: defaultNearDuplicateThreshold, maxEntries: 100_000, ttlSeconds: 3600, maxBytes: 128 * 1024 * 1024 },
  },
  trimming: {
    enabled: true,
    minSavedTokensPerMessage: 32,
    colour: 'auto' as const,
    maxRequestBytes: 2 * 1024 * 1024,
    maxMessageBytes: 512 * 1024,
    maxMessages: 5000,
    lossy: { collapseRepeatedLines: false, collapseBlankLines: false, stripTrailingWhitespace: false },
  },
  upstream: { connectTimeoutMs: 10_000, timeoutMs: 600_000, maxAnswerBytes: 64 * 1024 * 1024 },
  store: { keyPrefix: 'isartor', budgetPolicy: 'local' as const, maxRecords: 200_000 },
  pricing: {},
});

const usdPerMillion = { type: 'number', minimum: 0 } as const;

const positiveInteger = { type: 'integer', minimum: 1 } as const;

// Validated by conf on every read and write, so a hand edit with a typo fails loudly instead of
// starting a gateway with a surprising setting.
const schema: Schema<IsartorConfig> = {
  provider: { type: 'string' },
  providers: {
    type: 'object',
    additionalProperties: {
      type: 'object',
      properties: {
        apiKey: { type: 'string' },
        model: { type: 'string' },
        baseUrl: { type: 'string' },
        timeoutMs: { type: 'integer', minimum: 1 },
        connectTimeoutMs: { type: 'integer', minimum: 1 },
        idleTimeoutMs: { type: 'integer', minimum: 1 },
        responsesApi: { type: 'boolean' },
      },
      additionalProperties: false,
    },
  },
  aliases: { type: 'object', additionalProperties: { type: 'string', pattern: '^[^/]+/.+' } },
  fallbacks: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string', pattern: '^[^/]+/.+' } } },
  routing: {
    type: 'object',
    properties: { retries: { type: 'integer', minimum: 0, maximum: 5 }, maxRetryAfterMs: { type: 'integer', minimum: 0 } },
  },
  gateway: {
    type: 'object',
    properties: {
      host: { type: 'string' },
      port: { type: 'integer', minimum: 0, maximum: 65535 },
      apiKey: { type: 'string' },
      bodyLimitBytes: positiveInteger,
      maxConnections: positiveInteger,
    },
  },
  cache: {
    type: 'object',
    properties: {
      exact: {
        type: 'object',
        properties: { enabled: { type: 'boolean' }, ttlSeconds: positiveInteger, maxBytes: positiveInteger },
      },
      nearDuplicate: {
        type: 'object',
        properties: {
          enabled: { type: 'boolean' },
          threshold: { type: 'number', minimum: 0, maximum: 1 },
          maxEntries: positiveInteger,
          ttlSeconds: positiveInteger,
          maxBytes: positiveInteger,
        },
      },
    },
  },
  trimming: {
    type: 'object',
    properties: {
      enabled: { type: 'boolean' },
      minSavedTokensPerMessage: { type: 'integer', minimum: 0 },
      colour: { type: 'string', enum: ['auto', 'keep'] },
      maxRequestBytes: positiveInteger,
      maxMessageBytes: positiveInteger,
      maxMessages: positiveInteger,
      lossy: {
        type: 'object',
        properties: { collapseRepeatedLines: { type: 'boolean' }, collapseBlankLines: { type: 'boolean' }, stripTrailingWhitespace: { type: 'boolean' } },
        additionalProperties: false,
      },
    },
  },
  upstream: {
    type: 'object',
    properties: { connectTimeoutMs: positiveInteger, timeoutMs: positiveInteger, idleTimeoutMs: positiveInteger, maxAnswerBytes: positiveInteger, openingHoldMs: positiveInteger },
  },
  store: {
    type: 'object',
    properties: {
      redisUrl: { type: 'string', pattern: '^rediss?://' },
      keyPrefix: { type: 'string', pattern: '^[A-Za-z0-9_.:-]+$' },
      budgetPolicy: { type: 'string', enum: ['local', 'refuse'] },
      maxRecords: positiveInteger,
    },
  },
  pricing: {
    type: 'object',
    additionalProperties: {
      type: 'object',
      properties: { input: usdPerMillion, output: usdPerMillion, cachedInput: usdPerMillion },
      required: ['input', 'output'],
      additionalProperties: false,
    },
  },
};

/** The typed view of `$ISARTOR_HOME/config.json`. Reads always see the file as it is now. */
export class ConfigStore {
  readonly path: string;
  readonly #conf: Conf<IsartorConfig>;

  constructor(stateDir: string) {
    const paths = statePaths(stateDir);
    ensureDir(paths.root);
    this.path = paths.configFile;
    this.#conf = translateConfError(this.path, () => {
      return new Conf<IsartorConfig>({
        cwd: paths.root,
        configName: 'config',
        // The file holds provider keys.
        configFileMode: 0o600,
        schema,
        clearInvalidConfig: false,
      });
    });
  }

  read(): IsartorConfig {
    const raw = translateConfError(this.path, () => this.#conf.store);
    return withDefaults(raw);
  }

  /** Stores a provider's settings; unless told to keep the current default, it becomes the default. */
  saveProvider(id: string, settings: ProviderSettings, options: { makeDefault?: boolean } = {}): void {
    const current = this.read().providers[id] ?? {};
    // Settings left undefined keep what is stored (a --model-only re-run must not lose the base URL).
    const merged = { ...current, ...dropUndefined(settings) };
    translateConfError(this.path, () => {
      this.#conf.set(`providers.${id}`, merged);
      if (options.makeDefault !== false) this.#conf.set('provider', id);
    });
  }

  /** Stores where the gateway listens; `isartor up` without --host/--port listens there. */
  saveGatewayAddress(address: { host?: string | undefined; port?: number | undefined }): void {
    translateConfError(this.path, () => {
      if (address.host !== undefined) this.#conf.set('gateway.host', address.host);
      if (address.port !== undefined) this.#conf.set('gateway.port', address.port);
    });
  }

  /** Sets (or with undefined, removes) the `provider/model` an alias names. */
  setAlias(name: string, ref: string | undefined): void {
    const aliases = { ...this.read().aliases };
    if (ref === undefined) delete aliases[name];
    else aliases[name] = ref;
    translateConfError(this.path, () => this.#conf.set('aliases', aliases));
  }

  /** Sets (or with an empty list, removes) the fallback chain of an alias or of "default". */
  setFallbacks(name: string, refs: string[]): void {
    const fallbacks = { ...this.read().fallbacks };
    if (refs.length === 0) delete fallbacks[name];
    else fallbacks[name] = refs;
    translateConfError(this.path, () => this.#conf.set('fallbacks', fallbacks));
  }

  /** Sets (or with undefined, removes) the user's price of a model. */
  setPrice(model: string, price: ModelPrice | undefined): void {
    const pricing = { ...this.read().pricing };
    if (price === undefined) delete pricing[model];
    else pricing[model] = price;
    translateConfError(this.path, () => this.#conf.set('pricing', pricing));
  }
}

function withDefaults(raw: Partial<IsartorConfig>): IsartorConfig {
  return {
    ...{}, ...(raw.provider === undefined ? {} : { provider: raw.provider }),
    providers: { ...raw.providers },
    aliases: { ...raw.aliases },
    fallbacks: { ...raw.fallbacks },
    routing: { ...configDefaults.routing, ...raw.routing },
    gateway: { ...configDefaults.gateway, ...raw.gateway },
    cache: {
      exact: { ...configDefaults.cache.exact, ...raw.cache?.exact },
      nearDuplicate: { ...configDefaults.cache.nearDuplicate, ...raw.cache?.nearDuplicate },
    },
    trimming: { ...{}, ...configDefaults.trimming, ...raw.trimming, lossy: { ...configDefaults.trimming.lossy, ...raw.trimming?.lossy } },
    upstream: { ...configDefaults.upstream, ...raw.upstream },
    store: { ...configDefaults.store, ...raw.store },
    pricing: { ...raw.pricing },
  };
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function translateConfError<T>(path: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof SyntaxError) {
      throw new UserError(`The config file ${path} is not valid JSON (${message}). Nothing was changed.`, {
        hint: 'Fix the file by hand, or move it away and run `isartor set-key` again.',
        cause: error,
      });
    }
    if (message.startsWith('Config schema violation')) {
      throw new UserError(`The config file ${path} has an invalid setting: ${message.replace(/^Config schema violation: /, '')}. Nothing was changed.`, {
        hint: 'Fix that setting by hand; readme.md documents the format.',
        cause: error,
      });
    }
    throw error;
  }
}
