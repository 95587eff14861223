import { Redis } from 'ioredis';
import { UserError } from '../../user-error.js';
import { maskRedisUrl } from './redis-url.js';

export interface RedisConnectionOptions {
  url: string;
  log: (line: string) => void;
  /** Commands give up after this long, so a hung Redis turns into cache misses, not hung requests. */
  commandTimeoutMs?: number;
}

/**
 * The two connections an instance keeps to Redis (commands, and one for blocking stream reads) and
 * what they went through: reconnects with exponential backoff (100 ms doubling up to 5 s), said in the
 * log once per outage and once when back. Commands fail at once while disconnected (no offline queue),
 * and a command sent before a drop is never resent by the client: callers retry with their own ids.
 */
export class RedisConnection {
  readonly commands: Redis;
  readonly reader: Redis;
  readonly maskedUrl: string;
  reconnects = 0;
  /** Epoch ms the connection was lost; undefined while connected. */
  downSince: number | undefined;
  readonly #log: (line: string) => void;
  readonly #onReady = new Set<() => void>();
  #started = false;
  #lastError: Error | undefined;
  #closing = false;

  constructor(options: RedisConnectionOptions) {
    this.maskedUrl = maskRedisUrl(options.url);
    this.#log = options.log;
    const common = {
      lazyConnect: true,
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 3_000,
      // Until the first connection, a failure is final (a clear error at start); afterwards, backoff.
      retryStrategy: (attempt: number) => (this.#started && !this.#closing ? Math.min(100 * 2 ** Math.min(attempt - 1, 6), 5_000) : null),
    };
    this.commands = new Redis(options.url, { ...{}, ...common, commandTimeout: options.commandTimeoutMs ?? 1_000, connectionName: 'isartor' });
    this.reader = new Redis(options.url, { ...{}, ...common, connectionName: 'isartor-reader' });
    // ioredis reports every failed attempt as an error event; the outage is said once instead.
    for (const client of [this.commands, this.reader]) {
      client.on('error', (error: Error) => {
        this.#lastError = error;
      });
    }
    this.commands.on('close', () => this.#lost());
    this.commands.on('reconnecting', (delayMs: number) => {
      if (this.#closing) return;
      this.#log(`redis: reconnecting to ${this.maskedUrl} in ${delayMs} ms`);
    });
    this.commands.on('ready', () => this.#back());
  }

  get connected(): boolean {
    return this.commands.status === 'ready';
  }

  /** Connects both; a Redis that cannot be reached at start is a clear error, not a retry loop. */
  async open(): Promise<void> {
    try {
      await Promise.all([this.commands.connect(), this.reader.connect()]);
    } catch (error) {
      this.commands.disconnect();
      this.reader.disconnect();
      // ioredis rejects with "Connection is closed."; the socket's own error says why.
      const cause = this.#lastError ?? error;
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new UserError(`Cannot reach Redis at ${this.maskedUrl} (${reason}).`, {
        hint: 'Start Redis there, or fix the URL (--redis, ISARTOR_REDIS_URL or store.redisUrl in config.json); without a Redis URL the gateway keeps its state in its own state dir.',
      });
    }
    this.#started = true;
  }

  /** Calls `listener` each time the connection is back after an outage. */
  onReconnect(listener: () => void): void {
    this.#onReady.add(listener);
  }

  async close(): Promise<void> {
    this.#closing = true;
    await Promise.allSettled([this.commands.quit(), this.reader.quit()]);
    this.commands.disconnect();
    this.reader.disconnect();
  }

  #lost(): void {
    if (!this.#started || this.#closing || this.downSince !== undefined) return;
    this.downSince = Date.now();
    this.#log(`redis: lost the connection to ${this.maskedUrl}; answering on: caches miss, request records and charges are kept in memory until it is back`);
  }

  #back(): void {
    if (this.downSince === undefined) return;
    const seconds = ((Date.now() - this.downSince) / 1000).toFixed(1);
    this.downSince = undefined;
    this.reconnects += 1;
    this.#log(`redis: connected again to ${this.maskedUrl} after ${seconds} s`);
    for (const listener of this.#onReady) listener();
  }
}
