import { Index } from 'flexsearch';
import { LRUCache } from 'lru-cache';
import { judgeNearDuplicate, type QuestionFeatures } from './question.js';

export interface NearDuplicateStoreOptions {
  /**
   * The similarity setting. A match always has every content term in common (score 1), which any
   * threshold from 0 to 1 admits: the judgement decides, and this no longer narrows or widens it.
   */
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
  /** Filed in its scope's index under at least one term. */
  indexed: boolean;
}

interface Scope {
  index: Index;
  /** Entries by canonical form and by order-free form: every question the judgement can accept is in one of these. */
  byForm: Map<string, Set<number>>;
  size: number;
}

/** Candidates the index adds per lookup. */
const candidatesPerLookup = 10;
/** Query terms per lookup: the rarest few keep posting lists short (p99 under 2 ms at 100,000 entries). */
const queryTerms = 3;
const entryOverheadBytes = 256;
/** A term in more stored questions than this narrows nothing and is never queried. */
const commonTermLimit = 1000;

/**
 * The L1b store: answers kept by (scope, question). Each scope has its own flexsearch index over content
 * terms, which finds similar questions; a map by canonical form makes sure the one the judgement will
 * accept is always among the candidates, however many similar ones the index returns first.
 */
export class NearDuplicateStore {
  readonly #options: NearDuplicateStoreOptions;
  readonly #now: () => number;
  /**
   * Entries by id, least recently used evicted first (lru-cache: a Map re-inserted on every hit walked
   * past the slots of all its deleted keys to find the oldest, ~120 µs per stored answer at 100,000).
   * No entry limit is given to lru-cache itself, which would allocate that many slots up front.
   */
  readonly #entries: LRUCache<number, Entry>;
  readonly #scopes = new Map<string, Scope>();
  readonly #documentFrequency = new Map<string, number>();
  #nextId = 1;

  constructor(options: NearDuplicateStoreOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#entries = new LRUCache<number, Entry>({
      maxSize: options.maxBytes,
      // Entries that leave to make room are taken out of their scope's index too.
      dispose: (entry, _id, reason) => {
        if (reason === 'evict') this.#unindex(entry);
      },
    });
  }

  get size(): number {
    return this.#entries.size;
  }

  get bytes(): number {
    return this.#entries.calculatedSize;
  }

  /** The best stored answer to the same question in this scope, if any. */
  find(scope: string, incoming: QuestionFeatures): NearDuplicateHit | undefined {
    const bucket = this.#scopes.get(scope);
    if (!bucket || incoming.time || incoming.form === '') return undefined;
    const ids = new Set<number>([...(bucket.byForm.get(incoming.form) ?? []), ...(bucket.byForm.get(incoming.orderFree) ?? [])]);
    const query = this.#rarestTerms(incoming.terms).filter((term) => (this.#documentFrequency.get(term) ?? 0) <= commonTermLimit);
    if (query.length > 0) {
      for (const id of bucket.index.search(query.join(' '), { limit: candidatesPerLookup, suggest: true }) as number[]) ids.add(id);
    }
    const now = this.#now();
    let best: { entry: Entry; score: number } | undefined;
    for (const id of ids) {
      const entry = this.#entries.peek(id);
      if (!entry) continue;
      if (entry.expiresAt <= now) {
        this.#remove(entry);
        continue;
      }
      const verdict = judgeNearDuplicate(entry.features, incoming);
      if (verdict.match && (!best || verdict.score > best.score)) best = { entry, score: verdict.score };
    }
    if (!best) return undefined;
    this.#entries.get(best.entry.id); // now the most recently used
    return { json: best.entry.json, score: best.score, question: best.entry.features.text };
  }

  /**
   * Indexes an answer; returns what was kept (undefined: not kept). `expiresAt` is given for an answer
   * another instance stored, which keeps its own expiry.
   */
  add(scope: string, features: QuestionFeatures, answer: object, expiresAt?: number): { json: string; expiresAt: number } | undefined {
    if (features.time || features.form === '') return undefined;
    const json = JSON.stringify(answer);
    const bytes = Buffer.byteLength(json) + features.text.length * 2 + features.form.length * 3 + entryOverheadBytes;
    if (bytes > this.#options.maxBytes) return undefined;
    let bucket = this.#scopes.get(scope);
    if (!bucket) {
      bucket = { index: new Index({ tokenize: 'strict', resolution: 1, fastupdate: true, encode: splitTerms }), byForm: new Map(), size: 0 };
      this.#scopes.set(scope, bucket);
    }
    // A term already in commonTermLimit stored questions is never queried (find), so a new entry is not
    // filed under it: its posting list stays short, and so does taking an entry out of it (a full store
    // of questions sharing a few words spent ~0.4 ms per stored answer in the index's remove).
    const indexed = features.terms.filter((term) => (this.#documentFrequency.get(term) ?? 0) < commonTermLimit);
    const entry: Entry = { id: this.#nextId++, scope, features, json, bytes, expiresAt: expiresAt ?? this.#now() + this.#options.ttlMs, indexed: indexed.length > 0 };
    if (entry.indexed) bucket.index.add(entry.id, indexed.join(' '));
    for (const form of formsOf(features)) bucket.byForm.set(form, (bucket.byForm.get(form) ?? new Set()).add(entry.id));
    bucket.size += 1;
    for (const term of features.terms) this.#documentFrequency.set(term, (this.#documentFrequency.get(term) ?? 0) + 1);
    // Least recently used entries leave until this one fits the byte budget, then the entry limit.
    this.#entries.set(entry.id, entry, { size: bytes });
    while (this.#entries.size > this.#options.maxEntries) this.#entries.pop();
    return { json, expiresAt: entry.expiresAt };
  }

  #remove(entry: Entry): void {
    if (this.#entries.delete(entry.id)) this.#unindex(entry);
  }

  /** Takes an entry that left `#entries` out of the term counts and its scope's index. */
  #unindex(entry: Entry): void {
    for (const term of entry.features.terms) {
      const count = (this.#documentFrequency.get(term) ?? 1) - 1;
      if (count > 0) this.#documentFrequency.set(term, count);
      else this.#documentFrequency.delete(term);
    }
    const bucket = this.#scopes.get(entry.scope);
    if (!bucket) return;
    if (entry.indexed) bucket.index.remove(entry.id);
    for (const form of formsOf(entry.features)) {
      const same = bucket.byForm.get(form);
      same?.delete(entry.id);
      if (same?.size === 0) bucket.byForm.delete(form);
    }
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

function formsOf(features: QuestionFeatures): string[] {
  return features.orderFree === features.form ? [features.form] : [features.form, features.orderFree];
}

/** The index holds content terms; split on spaces only, as the terms are written. */
function splitTerms(text: string): string[] {
  return text.split(' ').filter(Boolean);
}
