import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { SpendStore, WindowStartOf } from '../spend-ledger.js';

/**
 * Admission in one step on the server: the key's spend in the request's budget window against its budget.
 * Every instance asks the same numbers, so N instances cannot each spend the budget. Floats go back as
 * strings (a Lua number would come back truncated to an integer).
 */
const admitScript = `
local window = redis.call('HGET', KEYS[1], 'w')
local spent = 0
if window == ARGV[1] then spent = tonumber(redis.call('HGET', KEYS[1], 'ws') or '0') end
local total = redis.call('HGET', KEYS[1], 't') or '0'
if spent >= tonumber(ARGV[2]) then return {0, tostring(spent), total} end
return {1, tostring(spent), total}
`;

/**
 * A charge, applied once: its id is remembered for a day, so a charge resent after a lost reply (or
 * flushed after an outage) is never counted twice. A later window starts the window sum again.
 */
const chargeScript = `
if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', 86400) then
  return {0, redis.call('HGET', KEYS[1], 'w') or '', redis.call('HGET', KEYS[1], 'ws') or '0', redis.call('HGET', KEYS[1], 't') or '0'}
end
local total = redis.call('HINCRBYFLOAT', KEYS[1], 't', ARGV[2])
if ARGV[1] ~= '' then
  local window = tonumber(redis.call('HGET', KEYS[1], 'w') or '-1')
  local start = tonumber(ARGV[1])
  if start > window then redis.call('HSET', KEYS[1], 'w', ARGV[1], 'ws', ARGV[2])
  elseif start == window then redis.call('HINCRBYFLOAT', KEYS[1], 'ws', ARGV[2]) end
end
return {1, redis.call('HGET', KEYS[1], 'w') or '', redis.call('HGET', KEYS[1], 'ws') or '0', tostring(total)}
`;

interface Charge {
  id: string;
  keyId: string;
  usd: number;
  atMs: number;
  windowStart: number | undefined;
}

interface Mirror {
  windowStart: number | undefined;
  windowUsd: number;
  totalUsd: number;
}

/** Charges kept in memory while Redis is unreachable; past this, the oldest are dropped (and counted). */
export const maxBufferedCharges = 100_000;

export type BudgetPolicy = 'local' | 'refuse';

/**
 * Spend in Redis: one hash per key, `<prefix>:spend:<keyId>` (`w` window start, `ws` window spend, `t`
 * total). Admission and charges run as Lua scripts. This instance mirrors what it last heard, for key
 * info and for the `local` budget policy while Redis is unreachable; charges made then wait in memory with
 * their ids and are applied on reconnect.
 */
export class RedisSpendStore implements SpendStore {
  readonly skippedLines = 0;
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #windowStartOf: WindowStartOf;
  readonly #policy: BudgetPolicy;
  readonly #mirror = new Map<string, Mirror>();
  readonly #pending: Charge[] = [];
  #flushing: Promise<void> | undefined;
  dropped = 0;

  constructor(redis: Redis, options: { prefix: string; windowStartOf: WindowStartOf; budgetPolicy: BudgetPolicy }) {
    this.#redis = redis;
    this.#prefix = `${options.prefix}:spend:`;
    this.#windowStartOf = options.windowStartOf;
    this.#policy = options.budgetPolicy;
    this.#redis.defineCommand('isartorAdmit', { numberOfKeys: 1, lua: admitScript });
    this.#redis.defineCommand('isartorCharge', { numberOfKeys: 2, lua: chargeScript });
  }

  get buffered(): number {
    return this.#pending.length;
  }

  async admit(keyId: string, windowStartMs: number, maxBudget: number): Promise<{ ok: boolean; spend: number; unavailable?: boolean }> {
    // Charges made while Redis was away go first, so that it judges on every charge.
    if (this.#redis.status === 'ready' && this.#pending.length > 0) await this.flush();
    if (this.#redis.status === 'ready' && this.#pending.length === 0) {
      try {
        const [ok, spent, total] = (await (this.#redis as unknown as Scripts).isartorAdmit(this.#prefix + keyId, String(windowStartMs), String(maxBudget))) as [number, string, string];
        const spend = roundUsd(Number(spent));
        this.#mirror.set(keyId, { windowStart: windowStartMs, windowUsd: spend, totalUsd: Number(total) });
        return { ok: ok === 1, spend };
      } catch {
        // Unreachable or timed out: the policy decides below.
      }
    }
    if (this.#policy === 'refuse') return { ok: false, spend: this.windowSpend(keyId, windowStartMs), unavailable: true };
    const spend = this.#localWindowSpend(keyId, windowStartMs);
    return { ok: spend < maxBudget, spend };
  }

  charge(keyId: string, usd: number, atMs: number): void {
    if (!(usd > 0)) return;
    const charge: Charge = { id: randomUUID(), keyId, usd, atMs, windowStart: this.#windowStartOf(keyId, atMs) };
    if (this.#redis.status !== 'ready' || this.#pending.length > 0) {
      this.#keep(charge);
      if (this.#redis.status === 'ready') void this.flush();
      return;
    }
    this.#apply(charge).catch(() => this.#keep(charge));
  }

  windowSpend(keyId: string, atMs: number): number {
    const start = this.#windowStartOf(keyId, atMs);
    return start === undefined ? 0 : this.#localWindowSpend(keyId, start);
  }

  totalSpend(keyId: string): number {
    const pending = this.#pending.filter((charge) => charge.keyId === keyId).reduce((sum, charge) => sum + charge.usd, 0);
    return roundUsd((this.#mirror.get(keyId)?.totalUsd ?? 0) + pending);
  }

  /** Reads the keys' spend from Redis into the mirror: before key info is shown. */
  async refresh(keyIds: readonly string[]): Promise<void> {
    if (this.#redis.status !== 'ready' || keyIds.length === 0) return;
    try {
      const pipeline = this.#redis.pipeline();
      for (const id of keyIds) pipeline.hmget(this.#prefix + id, 'w', 'ws', 't');
      const results = (await pipeline.exec()) ?? [];
      keyIds.forEach((id, index) => {
        const [error, values] = results[index] ?? [];
        if (error || !values) return;
        const [w, ws, t] = values as Array<string | null>;
        this.#mirror.set(id, { windowStart: w ? Number(w) : undefined, windowUsd: Number(ws ?? 0), totalUsd: Number(t ?? 0) });
      });
    } catch {
      // Unreachable: the mirror stays as it was.
    }
  }

  /** Applies the charges made while Redis was away; called on reconnect. Each applies once, by its id. */
  flush(): Promise<void> {
    this.#flushing ??= (async () => {
      try {
        while (this.#pending.length > 0 && this.#redis.status === 'ready') {
          await this.#apply(this.#pending[0]!);
          this.#pending.shift();
        }
      } catch {
        // Lost again: the rest waits for the next reconnect.
      } finally {
        this.#flushing = undefined;
      }
    })();
    return this.#flushing;
  }

  close(): void {}

  #localWindowSpend(keyId: string, windowStart: number): number {
    const mirror = this.#mirror.get(keyId);
    const known = mirror && mirror.windowStart === windowStart ? mirror.windowUsd : 0;
    const pending = this.#pending.filter((charge) => charge.keyId === keyId && charge.windowStart === windowStart).reduce((sum, charge) => sum + charge.usd, 0);
    return roundUsd(known + pending);
  }

  #keep(charge: Charge): void {
    this.#pending.push(charge);
    if (this.#pending.length > maxBufferedCharges) {
      this.#pending.shift();
      this.dropped += 1;
    }
  }

  async #apply(charge: Charge): Promise<void> {
    const [, w, ws, t] = (await (this.#redis as unknown as Scripts).isartorCharge(
      this.#prefix + charge.keyId,
      `${this.#prefix}charged:${charge.id}`,
      charge.windowStart === undefined ? '' : String(charge.windowStart),
      String(charge.usd),
    )) as [number, string, string, string];
    this.#mirror.set(charge.keyId, { windowStart: w ? Number(w) : undefined, windowUsd: Number(ws), totalUsd: Number(t) });
  }
}

interface Scripts {
  isartorAdmit(key: string, windowStart: string, maxBudget: string): Promise<unknown>;
  isartorCharge(key: string, idKey: string, windowStart: string, usd: string): Promise<unknown>;
}

/** Micro-dollars, like the stats and the file ledger. */
function roundUsd(usd: number): number {
  return Math.round(usd * 1e9) / 1e9;
}
