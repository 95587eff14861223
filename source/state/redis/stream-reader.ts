import type { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';

export interface StreamEntry {
  id: string;
  fields: Record<string, string>;
}

type Handler = (entry: StreamEntry) => void;

/**
 * One blocking reader over the deployment's streams (request records, L1b entries, key changes): each
 * entry, in order, to its stream's handler. After a lost connection it goes on from the last id it saw,
 * so what other instances wrote meanwhile is caught up on, not lost.
 */
export class StreamReader {
  readonly #redis: Redis;
  readonly #handlers = new Map<string, Handler>();
  readonly #lastIds = new Map<string, string>();
  #running = false;
  #stopped = false;
  #loop: Promise<void> | undefined;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  /** Follows `stream` after `afterId` (the last entry already seen; '0-0': from the start). */
  follow(stream: string, afterId: string, handler: Handler): void {
    this.#handlers.set(stream, handler);
    this.#lastIds.set(stream, afterId);
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    // A blocked XREAD returns within its block time; the connection is closed by its owner.
    await this.#loop?.catch(() => {});
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      if (this.#redis.status !== 'ready') {
        await sleep(100);
        continue;
      }
      const streams = [...this.#lastIds.keys()];
      let reply: Array<[string, Array<[string, string[]]>]> | null;
      try {
        reply = (await this.#redis.xread('COUNT', 1000, 'BLOCK', 500, 'STREAMS', ...streams, ...streams.map((s) => this.#lastIds.get(s)!))) as typeof reply;
      } catch {
        if (!this.#stopped) await sleep(100);
        continue;
      }
      for (const [stream, entries] of reply ?? []) {
        const handler = this.#handlers.get(stream);
        for (const [id, flat] of entries) {
          this.#lastIds.set(stream, id);
          const fields: Record<string, string> = {};
          for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
          try {
            handler?.({ id, fields });
          } catch {
            // One bad entry must not stop the deployment's feed.
          }
        }
      }
    }
  }
}

/** The id of a stream's newest entry, or '0-0' when it is empty or absent. */
export async function lastStreamId(redis: Redis, stream: string): Promise<string> {
  const newest = (await redis.xrevrange(stream, '+', '-', 'COUNT', 1)) as Array<[string, string[]]>;
  return newest[0]?.[0] ?? '0-0';
}
