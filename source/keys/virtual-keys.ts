import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { statePaths } from '../store/state-dir.js';
import { budgetResetAt, parseDuration, windowStartAt, type BudgetWindowRule } from './budget.js';
import type { KeyChanges } from './key-fields.js';
import { SpendLedger } from '../state/spend-ledger-file.js';
import type { SpendStore, WindowStartOf } from '../state/spend-ledger.js';
import { memoryKeysBackend, type KeysBackend, type RefreshMode } from '../state/keys-backend.js';
import { fileKeysBackend } from '../state/keys-file.js';
import { generateVirtualKey, hashVirtualKey, maskVirtualKey, type StoredVirtualKey } from './virtual-key.js';
import { UserError } from '../user-error.js';

export interface VirtualKeysOptions {
  backend?: KeysBackend;
  /** Where spend is kept when not in `ledgerFile`: a shared store (Redis). */
  spendStore?: (windowStartOf: WindowStartOf) => SpendStore;
  /** The spend ledger (JSONL); omitted: spend is kept in memory only. */
  ledgerFile?: string;
  /** The clock budgets and expiry are judged by; tests move it instead of sleeping. */
  now?: () => number;
  /** Told once when the spend ledger cannot be written (a full disk). */
  onWarning?: (message: string) => void;
}

/** Where the keys and their spend live in a state dir. */
export function virtualKeyPaths(stateDir: string): { keysFile: string; ledgerFile: string } {
  const { keysDir } = statePaths(stateDir);
  return { keysFile: join(keysDir, 'keys.json'), ledgerFile: join(keysDir, 'spend.jsonl') };
}

/** A request admitted under a key's budget, until its cost is known. */
export interface KeyAdmission {
  key: StoredVirtualKey;
  /** Charges what the request cost (null: unpriced, counted as 0) and ends it; later calls do nothing. */
  settle(costUsd: number | null): void;
}

/** `unavailable`: the shared store could not be asked and its budget policy is to refuse. */
export type AdmissionResult = { ok: true; admission: KeyAdmission } | { ok: false; spend: number; maxBudget: number; unavailable?: boolean };

/** What /key/info, /key/list and `isartor keys info` say about a key, in LiteLLM's field names. Never the key. */
export interface KeyInfo {
  key_name: string;
  key_alias: string | null;
  /** sha256 of the key, as LiteLLM's `token`. */
  token: string;
  spend: number;
  max_budget: number | null;
  models: string[];
  expires: string | null;
  budget_duration: string | null;
  budget_reset_at: string | null;
  metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  /** isartor's own: spend since the key was created, across budget windows. */
  total_spend: number;
  /** isartor's own: requests admitted and not yet charged. */
  in_flight_requests: number;
  /** isartor's own: the key is past its expiry. */
  expired: boolean;
}

/**
 * Virtual keys: the keys file, the spend ledger and the requests in flight per key, judged by one clock.
 * The gateway's layers and `isartor keys` both work through this, on the same files.
 */
export class VirtualKeys {
  readonly now: () => number;
  readonly #backend: KeysBackend;
  readonly #ledger: SpendStore;
  readonly #inFlight = new Map<string, number>();
  /** USD reserved per key by requests in flight (their estimated cost), released when they are charged. */
  readonly #reserved = new Map<string, number>();
  /** Paid requests per key since start, for the mean cost a new request reserves. */
  readonly #costs = new Map<string, { requests: number; usd: number }>();
  #byHash = new Map<string, StoredVirtualKey>();
  #byId = new Map<string, StoredVirtualKey>();

  constructor(options: VirtualKeysOptions = {}) {
    this.now = options.now ?? Date.now;
    this.#backend = options.backend ?? memoryKeysBackend();
    this.#index();
    const windowStartOf: WindowStartOf = (id, atMs) => {
      const key = this.#byId.get(id);
      return key ? windowStartAt(windowRule(key), atMs) : undefined;
    };
    this.#ledger = options.spendStore
      ? options.spendStore(windowStartOf)
      : new SpendLedger({ ...{}, ...(options.ledgerFile ? { file: options.ledgerFile } : {}), windowStartOf, ...(options.onWarning ? { onWarning: options.onWarning } : {}) });
  }

  /** The keys and ledger of a state dir; changes other processes make to the keys file are picked up. */
  static open(stateDir: string, options: { now?: () => number; recheckMs?: number; onWarning?: (message: string) => void } = {}): VirtualKeys {
    const paths = virtualKeyPaths(stateDir);
    return new VirtualKeys({
      backend: fileKeysBackend(paths.keysFile, options),
      ledgerFile: paths.ledgerFile,
      ...(options.now ? { now: options.now } : {}),
      ...(options.onWarning ? { onWarning: options.onWarning } : {}),
    });
  }

  get skippedLedgerLines(): number {
    return this.#ledger.skippedLines;
  }

  list(): readonly StoredVirtualKey[] {
    this.#refresh('now');
    return this.#backend.current();
  }

  /** The key a client presented, by its hash; a key created elsewhere a moment ago is found too. */
  findByKey(presented: string): StoredVirtualKey | undefined {
    const hash = hashVirtualKey(presented);
    this.#refresh('throttled');
    const found = this.#byHash.get(hash);
    if (found || !this.#refresh('now')) return found;
    return this.#byHash.get(hash);
  }

  /**
   * findByKey, but a key this instance does not know is looked for in the shared store before it is
   * refused: one made on another instance a moment ago works at once here, whatever the order in which
   * this instance hears of it and the client's first request arrive.
   */
  async findByKeyShared(presented: string): Promise<StoredVirtualKey | undefined> {
    const found = this.findByKey(presented);
    if (found || !this.#backend.reloadNow) return found;
    await this.#backend.reloadNow();
    return this.findByKey(presented);
  }

  /** A key by its plaintext, its token (sha256) or its alias. */
  find(reference: string): StoredVirtualKey | undefined {
    this.#refresh('now');
    return this.#byHash.get(hashVirtualKey(reference)) ?? this.#byHash.get(reference) ?? this.list().find((key) => key.alias === reference);
  }

  isExpired(key: StoredVirtualKey): boolean {
    return key.expires !== null && Date.parse(key.expires) <= this.now();
  }

  spendOf(key: StoredVirtualKey): number {
    return this.#ledger.windowSpend(key.id, this.now());
  }

  inFlight(key: StoredVirtualKey): number {
    return this.#inFlight.get(key.id) ?? 0;
  }

  /**
   * Lets a request start unless the key's spend in this budget window, plus what requests in flight are
   * estimated to cost, already reached max_budget. Spend is charged when a request's cost is known; the
   * overspend is bounded by how far the estimates fall short, not by how many requests run at once.
   * `estimateUsd`: what this request is reserved at until the key has paid requests to average.
   */
  admit(key: StoredVirtualKey, estimateUsd = 0): AdmissionResult | Promise<AdmissionResult> {
    const maxBudget = key.maxBudget;
    if (maxBudget !== null && this.#ledger.admit) {
      // A shared store decides across instances; reservations are this instance's own and do not apply there.
      return this.#ledger
        .admit(key.id, windowStartAt(windowRule(key), this.now()), maxBudget)
        .then((verdict): AdmissionResult => (verdict.ok ? this.#admitted(key, 0) : { ok: false, spend: verdict.spend, maxBudget, ...(verdict.unavailable ? { unavailable: true } : {}) }));
    }
    const spend = this.spendOf(key);
    // What requests in flight are expected to cost counts as spent already: without it, 200 requests
    // admitted at once would each see the same spend and all run, overshooting by 200 answers' worth.
    const reserved = this.#reserved.get(key.id) ?? 0;
    if (maxBudget !== null && spend + reserved >= maxBudget) return { ok: false, spend, maxBudget };
    if (maxBudget === null) return this.#admitted(key, 0);
    const history = this.#costs.get(key.id);
    const guess = history ? history.usd / history.requests : estimateUsd;
    return this.#admitted(key, Number.isFinite(guess) && guess > 0 ? guess : 0);
  }

  /** Brings these keys' spend up to date from a shared store (other instances charge too); at once for the file. */
  async freshSpend(keys: readonly StoredVirtualKey[]): Promise<void> {
    await this.#ledger.refresh?.(keys.map((key) => key.id));
  }

  /** Resolves once key changes reached the shared store, so another instance knows them; at once for the file. */
  async saved(): Promise<void> {
    await this.#backend.saved?.();
  }

  #admitted(key: StoredVirtualKey, reservation: number): AdmissionResult {
    if (reservation > 0) this.#reserved.set(key.id, (this.#reserved.get(key.id) ?? 0) + reservation);
    this.#inFlight.set(key.id, this.inFlight(key) + 1);
    let settled = false;
    return {
      ok: true,
      admission: {
        key,
        settle: (costUsd) => {
          if (settled) return;
          settled = true;
          const left = this.inFlight(key) - 1;
          if (left > 0) this.#inFlight.set(key.id, left);
          else this.#inFlight.delete(key.id);
          const stillReserved = (this.#reserved.get(key.id) ?? 0) - reservation;
          if (left > 0 && stillReserved > 1e-12) this.#reserved.set(key.id, stillReserved);
          else this.#reserved.delete(key.id);
          if (costUsd && costUsd > 0) {
            this.#ledger.charge(key.id, costUsd, this.now());
            const seen = this.#costs.get(key.id) ?? { requests: 0, usd: 0 };
            this.#costs.set(key.id, { requests: seen.requests + 1, usd: seen.usd + costUsd });
          }
        },
      },
    };
  }

  /** A new key, returned once in plaintext; only its hash is kept. */
  create(changes: KeyChanges): { key: string; stored: StoredVirtualKey } {
    const key = generateVirtualKey();
    const now = new Date(this.now()).toISOString();
    const stored = applyChanges(
      {
        id: randomBytes(8).toString('hex'),
        tokenHash: hashVirtualKey(key),
        maskedKey: maskVirtualKey(key),
        alias: null,
        models: [],
        maxBudget: null,
        budgetDuration: null,
        budgetAnchor: now,
        expires: null,
        metadata: {},
        createdAt: now,
        updatedAt: now,
      },
      changes,
      this.now(),
    );
    // Whatever /key/generate would answer is computed before the key is kept: a key answered with an
    // error must not exist afterwards (the caller never saw it, and a broken one would break /key/list).
    this.describe(stored);
    this.#transact((current) => {
      refuseTakenAlias(current, changes.alias ?? null, undefined);
      return [...current, stored];
    });
    return { key, stored };
  }

  update(key: StoredVirtualKey, changes: KeyChanges): StoredVirtualKey {
    let updated: StoredVirtualKey | undefined;
    this.#transact((keys) => {
      const current = keys.find((k) => k.id === key.id);
      if (!current) throw new UserError(`The key ${describeKey(key)} no longer exists.`, { hint: 'List the keys with `isartor keys list`.' });
      if (changes.alias !== undefined) refuseTakenAlias(keys, changes.alias, current.id);
      const next = applyChanges(current, changes, this.now());
      this.describe(next);
      updated = next;
      return keys.map((k) => (k.id === current.id ? next : k));
    });
    return updated!;
  }

  delete(keys: readonly StoredVirtualKey[]): void {
    const ids = new Set(keys.map((key) => key.id));
    this.#transact((current) => current.filter((key) => !ids.has(key.id)));
  }

  describe(key: StoredVirtualKey): KeyInfo {
    const now = this.now();
    const reset = budgetResetAt(windowRule(key), now);
    return {
      key_name: key.maskedKey,
      key_alias: key.alias,
      token: key.tokenHash,
      spend: this.spendOf(key),
      max_budget: key.maxBudget,
      models: key.models,
      expires: key.expires,
      budget_duration: key.budgetDuration,
      budget_reset_at: reset === null ? null : new Date(reset).toISOString(),
      metadata: key.metadata,
      created_at: key.createdAt,
      updated_at: key.updatedAt,
      total_spend: this.#ledger.totalSpend(key.id),
      in_flight_requests: this.inFlight(key),
      expired: this.isExpired(key),
    };
  }

  close(): void {
    this.#ledger.close();
  }

  #transact(change: (current: readonly StoredVirtualKey[]) => readonly StoredVirtualKey[]): void {
    if (this.#backend.transact) this.#backend.transact(change);
    else {
      this.#refresh('strict');
      this.#backend.save(change(this.#backend.current()));
    }
    this.#index();
  }

  /** Reads the keys file again if it changed; true when it did. */
  #refresh(mode: RefreshMode): boolean {
    const changed = this.#backend.refresh(mode);
    if (changed) this.#index();
    return changed;
  }

  #index(): void {
    const keys = this.#backend.current();
    this.#byHash = new Map(keys.map((key) => [key.tokenHash, key]));
    this.#byId = new Map(keys.map((key) => [key.id, key]));
  }
}

function refuseTakenAlias(keys: readonly StoredVirtualKey[], alias: string | null, exceptId: string | undefined): void {
  if (alias === null) return;
  const holder = keys.find((key) => key.alias === alias && key.id !== exceptId);
  if (holder) {
    throw new UserError(`A virtual key with the alias "${alias}" already exists.`, {
      hint: `Pick another alias, or delete the old key first (\`isartor keys delete ${alias}\`).`,
    });
  }
}

function windowRule(key: StoredVirtualKey): BudgetWindowRule {
  return { anchorMs: Date.parse(key.budgetAnchor), durationMs: key.budgetDuration ? (parseDuration(key.budgetDuration) ?? null) : null };
}

function applyChanges(key: StoredVirtualKey, changes: KeyChanges, nowMs: number): StoredVirtualKey {
  const now = new Date(nowMs).toISOString();
  const next: StoredVirtualKey = { ...{}, ...key, updatedAt: now };
  if (changes.alias !== undefined) next.alias = changes.alias;
  if (changes.models !== undefined) next.models = changes.models;
  if (changes.maxBudget !== undefined) next.maxBudget = changes.maxBudget;
  // A new budget_duration starts a fresh window from now, as LiteLLM sets a new budget_reset_at.
  if (changes.budgetDuration !== undefined && changes.budgetDuration !== key.budgetDuration) {
    next.budgetDuration = changes.budgetDuration;
    next.budgetAnchor = now;
  }
  if (changes.expiresInMs !== undefined) next.expires = changes.expiresInMs === null ? null : new Date(nowMs + changes.expiresInMs).toISOString();
  if (changes.metadata !== undefined) next.metadata = changes.metadata;
  return next;
}

export function describeKey(key: Pick<StoredVirtualKey, 'alias' | 'maskedKey'>): string {
  return key.alias ? `"${key.alias}" (${key.maskedKey})` : key.maskedKey;
}
