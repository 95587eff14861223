import { Index } from 'flexsearch';
import { judgeNearDuplicate, type QuestionFeatures } from './question.js';

export interface NearDuplicateStoreOptions {
  /** Similarity a candidate needs before the guards are asked. */
  threshold: number;
  /** Index size: the most questions kept; the least recently used go first. */
  maxEntries: number;
  ttlMs: number;
  /** Budget for stored answers and their features. */
  maxBytes: number;
  now?: () => number;
}

export interface NearDuplicateHit {
  /** The stored answer's JSON text, in the caller's protocol. */
  json: string;
  score: number;
  /** The question that was asked when the answer was stored. */
  question: string;
}

interface Entry {
  id: number;
  scope: string;
  features: QuestionFeatures;
  json: string;
  bytes: number;
  expiresAt: number;
}

interface Scope {
  index: Index;
  /** Entries by their sorted content terms: the lookup for questions made only of common words. */
  byTerms: Map<string, Set<number>>;
  size: number;
}

/** Candidates judged per lookup; the guards are cheap but not free. */
const candidatesPerLookup = 10;
/**
 * Query terms per lookup. A near-duplicate must share the question's rare topic terms (the guards
 * insist on them anyway), so querying just the rarest few keeps posting lists short: at 100,000
 * entries, p99 under 2 ms where querying every term took 7 ms.
 */
const queryTerms = 3;
const entryOverheadBytes = 256;
/**
 * A term in more stored questions than this is too common to search by: merging its posting list was
 * the lookup's whole latency tail. A question made only of such terms has no topic word at all, so it
 * is looked up by its exact set of terms instead (which still finds case, order and stop-word variants).
 */
const commonTermLimit = 1000;

/**
 * The L1b store: answers kept by (scope, question). Each scope has its own flexsearch index, so a
 * question asked in thousands of other contexts can never crowd the right context's entry out of the
 * candidate list, and a lookup never even sees another context's entries.
 */
export class NearDuplicateStore {
  readonly #options: NearDuplicateStoreOptions;
  readonly #now: () => number;
  /** Insertion order is recency order: a hit re-inserts its entry. */
  readonly #entries = new Map<number, Entry>();
  readonly #scopes = new Map<string, Scope>();
  /** How many stored questions contain each term: rarity for choosing query terms. */
  readonly #documentFrequency = new Map<string, number>();
  #nextId = 1;
  #bytes = 0;

  constructor(options: NearDuplicateStoreOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** The best stored answer whose question passes the threshold and every guard, if any. */
  find(scope: string, incoming: QuestionFeatures): NearDuplicateHit | undefined {
    const bucket = this.#scopes.get(scope);
    if (!bucket || incoming.timeSensitive) return undefined;
    const rarest = this.#rarestTerms(incoming.terms);
    if (rarest.length === 0) return undefined;
    // Common terms narrow nothing and cost the most to merge, so they never join the query.
    const query = rarest.filter((term) => (this.#documentFrequency.get(term) ?? 0) <= commonTermLimit);
    const ids =
      query.length === 0
        ? [...(bucket.byTerms.get(termsKey(incoming)) ?? [])].slice(0, candidatesPerLookup)
        : (bucket.index.search(query.join(' '), { limit: candidatesPerLookup, suggest: true }) as number[]);
    const now = this.#now();
    let best: { entry: Entry; score: number } | undefined;
    for (const id of ids) {
      const entry = this.#entries.get(id);
      if (!entry) continue;
      if (entry.expiresAt <= now) {
        this.#remove(entry);
        continue;
      }
      const verdict = judgeNearDuplicate(entry.features, incoming, this.#options.threshold);
      if (verdict.match && (!best || verdict.score > best.score)) best = { entry, score: verdict.score };
    }
    if (!best) return undefined;
    this.#entries.delete(best.entry.id);
    this.#entries.set(best.entry.id, best.entry);
    return { json: best.entry.json, score: best.score, question: best.entry.features.text };
  }

  /**
   * Indexes an answer; returns what was kept (undefined: not kept). `expiresAt` is given for an answer
   * another instance stored, which keeps its own expiry.
   */
  add(scope: string, features: QuestionFeatures, answer: object, expiresAt?: number): { json: string; expiresAt: number } | undefined {
    if (features.timeSensitive || features.terms.length === 0) return undefined;
    const json = JSON.stringify(answer);
    const bytes = Buffer.byteLength(json) + features.text.length * 2 + entryOverheadBytes;
    if (bytes > this.#options.maxBytes) return undefined;
    let bucket = this.#scopes.get(scope);
    if (!bucket) {
      bucket = { index: new Index({ tokenize: 'strict', resolution: 1, encode: splitTerms }), byTerms: new Map(), size: 0 };
      this.#scopes.set(scope, bucket);
    }
    const entry: Entry = { id: this.#nextId++, scope, features, json, bytes, expiresAt: expiresAt ?? this.#now() + this.#options.ttlMs };
    bucket.index.add(entry.id, termsKey(features));
    const key = termsKey(features);
    bucket.byTerms.set(key, (bucket.byTerms.get(key) ?? new Set()).add(entry.id));
    bucket.size += 1;
    for (const term of features.terms) this.#documentFrequency.set(term, (this.#documentFrequency.get(term) ?? 0) + 1);
    this.#entries.set(entry.id, entry);
    this.#bytes += bytes;
    for (const oldest of this.#entries.values()) {
      if (this.#entries.size <= this.#options.maxEntries && this.#bytes <= this.#options.maxBytes) break;
      this.#remove(oldest);
    }
    return { json, expiresAt: entry.expiresAt };
  }

  #remove(entry: Entry): void {
    if (!this.#entries.delete(entry.id)) return;
    this.#bytes -= entry.bytes;
    for (const term of entry.features.terms) {
      const count = (this.#documentFrequency.get(term) ?? 1) - 1;
      if (count > 0) this.#documentFrequency.set(term, count);
      else this.#documentFrequency.delete(term);
    }
    const bucket = this.#scopes.get(entry.scope);
    if (!bucket) return;
    bucket.index.remove(entry.id);
    const key = termsKey(entry.features);
    const sameTerms = bucket.byTerms.get(key);
    sameTerms?.delete(entry.id);
    if (sameTerms?.size === 0) bucket.byTerms.delete(key);
    bucket.size -= 1;
    if (bucket.size === 0) this.#scopes.delete(entry.scope);
  }

  /** The rarest terms any stored question has, rarest first: a term none has cannot find anything. */
  #rarestTerms(terms: readonly string[]): string[] {
    return terms
      .filter((term) => this.#documentFrequency.has(term))
      .sort((a, b) => (this.#documentFrequency.get(a) ?? 0) - (this.#documentFrequency.get(b) ?? 0) || (a < b ? -1 : 1))
      .slice(0, queryTerms);
  }
}

function termsKey(features: QuestionFeatures): string {
  return features.terms.join(' ');
}

/**
 * The index holds content terms (the same terms similarity compares), not the question's words: a
 * short question's rarest words were otherwise "what" and "is". Split on spaces only, so a term like
 * `1.6` or `f-22` stays one term, as the frequency counts see it.
 */
function splitTerms(text: string): string[] {
  return text.split(' ').filter(Boolean);
}
