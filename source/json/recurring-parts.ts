import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { maxJsonDepth, parseJsonBody, type JsonBody } from './checked-parse.js';
import { deepFreeze } from './frozen.js';

/**
 * Reads a request body, reusing the parts it shares with recent bodies.
 *
 * An agent re-sends its whole conversation on every turn: the 50 KB system prompt, the tools and every
 * earlier message arrive again, byte for byte, with one new message at the end. Decoding, checking and
 * parsing them again cost more than everything else the gateway does for a request. So the top-level
 * object is read here field by field, and the conversation (`messages`, Responses' `input`) element by
 * element; every part of at least `minPartBytes` is looked up among the parts of recent bodies by its
 * exact bytes (a memcmp), and only parts not seen before are checked and parsed.
 *
 * What this returns is what `parseJsonBody(raw.toString('utf8'))` returns, with one difference callers
 * must respect: the reused parts are shared between requests, so they are deep-frozen (a layer that
 * wants a changed copy builds one; an attempt to change a shared part throws instead of corrupting the
 * requests that follow). The top-level object and the conversation array are the request's own.
 *
 * Anything unusual (a body that is not an object, a key `__proto__`, a part that does not parse, bytes
 * between parts that are not JSON whitespace or punctuation) falls back to the whole-body parse, which
 * gives the same answer and the same error messages as before.
 */

/** Below this a part is cheaper to parse than to look up. */
const minPartBytes = 256;
/** Bodies smaller than this are parsed whole. */
const minBodyBytes = 4096;
/** Raw bytes of remembered parts, all bodies together (their parsed values take about 2-3 times that). */
const maxRememberedBytes = 24 * 1024 * 1024;
/** Bytes of a part's start that pick its bucket; a bucket holds this many parts at most. */
const bucketKeyBytes = 64;
const maxBucketSize = 16;

/** Top-level fields whose arrays grow by a few elements per turn: remembered element by element. */
const conversationFields = new Set(['messages', 'input']);

interface RememberedPart {
  bucket: string;
  bytes: Buffer;
  value: unknown;
  /** Nesting depth inside the part (`{}` is 1), for the depth limit at the place it is reused. */
  depth: number;
  /** sha256 of `bytes`, once something asked for it (partDigest). */
  digest?: Buffer;
}

/**
 * Where a body holds a remembered part: its bytes are exactly `part`'s. Which values become parts
 * depends only on the body's bytes (every container, and every string of at least `minPartBytes`, that
 * is an element of the conversation or a top-level field), never on what was remembered before, so two
 * byte-identical bodies are cut at the same places in any process.
 */
export interface PartSpan {
  start: number;
  end: number;
  part: RememberedPart;
}

/** The parts of one body, with the bytes they index (a layer that replaces a body's bytes leaves these behind). */
export interface RawParts {
  raw: Buffer;
  spans: readonly PartSpan[];
}

/** sha256 of a remembered part's bytes, computed once per part: a body that repeats it needs no rehash. */
export function partDigest(part: RememberedPart): Buffer {
  return (part.digest ??= createHash('sha256').update(part.bytes).digest());
}

export class RecurringJsonParts {
  readonly #buckets = new Map<string, RememberedPart[]>();
  /**
   * Every remembered part by its bytes' length, least recently used evicted first (lru-cache: a Set
   * re-inserted on every find walked past the slots of all its deleted entries to find the oldest).
   */
  readonly #recency: LRUCache<RememberedPart, true>;

  constructor(private readonly maxBytes = maxRememberedBytes) {
    this.#recency = new LRUCache<RememberedPart, true>({
      maxSize: maxBytes,
      dispose: (_value, part, reason) => {
        if (reason === 'evict') this.#leaveBucket(part);
      },
    });
  }

  /** The remembered part whose bytes start at `at` in `raw`, if any. */
  find(raw: Buffer, at: number): RememberedPart | undefined {
    const bucket = this.#buckets.get(raw.toString('latin1', at, Math.min(raw.length, at + bucketKeyBytes)));
    if (!bucket) return undefined;
    for (const part of bucket) {
      const length = part.bytes.length;
      const end = at + length;
      // Parts of one bucket share their first bytes; versions of a long part mostly differ at the end,
      // so its last bytes are compared first, and the whole only when they match.
      const tail = Math.max(0, length - bucketKeyBytes);
      if (end > raw.length || raw.compare(part.bytes, tail, length, at + tail, end) !== 0) continue;
      if (raw.compare(part.bytes, 0, length, at, end) === 0) {
        this.#recency.get(part); // now the most recently used
        return part;
      }
    }
    return undefined;
  }

  /** Keeps a part just read; undefined for one too large to keep (its value is frozen all the same). */
  remember(raw: Buffer, start: number, end: number, value: unknown, depth: number): RememberedPart | undefined {
    const frozen = deepFreeze(value);
    if (end - start > this.maxBytes / 8) return undefined;
    const bucketKey = raw.toString('latin1', start, Math.min(end, start + bucketKeyBytes));
    const part: RememberedPart = { bucket: bucketKey, bytes: Buffer.from(raw.subarray(start, end)), value: frozen, depth };
    const bucket = this.#buckets.get(bucketKey) ?? [];
    bucket.unshift(part);
    this.#buckets.set(bucketKey, bucket);
    if (bucket.length > maxBucketSize) this.#forget(bucket.at(-1)!);
    // Least recently used parts leave until this one fits the budget.
    this.#recency.set(part, true, { size: part.bytes.length });
    return part;
  }

  get size(): number {
    return this.#recency.size;
  }

  #forget(part: RememberedPart): void {
    this.#recency.delete(part);
    this.#leaveBucket(part);
  }

  #leaveBucket(part: RememberedPart): void {
    const bucket = this.#buckets.get(part.bucket);
    if (!bucket) return;
    const left = bucket.filter((other) => other !== part);
    if (left.length > 0) this.#buckets.set(part.bucket, left);
    else this.#buckets.delete(part.bucket);
  }
}

/** The parts of recent request bodies, shared by every request of this process. */
export const recentRequestParts = new RecurringJsonParts();

/** A body read: as `parseJsonBody` gives it, and where it holds remembered parts (in order; none when parsed whole). */
export type ReadJsonBody = Exclude<JsonBody, { ok: true }> | { ok: true; value: unknown; spans: readonly PartSpan[] };

const noSpans: readonly PartSpan[] = Object.freeze([]);

/** Parses a request body as `parseJsonBody` does, reusing parts of recent bodies (see above). */
export function readJsonBody(raw: Buffer, parts: RecurringJsonParts = recentRequestParts): ReadJsonBody {
  if (raw.length >= minBodyBytes) {
    const read = readTopLevelObject(raw, parts);
    if (read !== undefined) return { ok: true, value: read.value, spans: read.spans };
  }
  const parsed = parseJsonBody(raw.toString('utf8'));
  return parsed.ok ? { ok: true, value: parsed.value, spans: noSpans } : parsed;
}

/** Thrown inside the reader when it should give up and let the whole-body parse decide. */
const fallBack = Symbol('fall back to the whole-body parse');

function readTopLevelObject(raw: Buffer, parts: RecurringJsonParts): { value: Record<string, unknown>; spans: PartSpan[] } | undefined {
  try {
    const reader = new PartReader(raw, parts);
    const value = reader.object();
    reader.end();
    return { value, spans: reader.spans };
  } catch (error) {
    if (error === fallBack) return undefined;
    throw error;
  }
}

const isWhitespace = (byte: number | undefined): boolean => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

class PartReader {
  #at = 0;
  /** The remembered parts read, in the order of the body. */
  readonly spans: PartSpan[] = [];

  constructor(
    private readonly raw: Buffer,
    private readonly parts: RecurringJsonParts,
  ) {}

  object(): Record<string, unknown> {
    this.#expect(0x7b); // {
    const out: Record<string, unknown> = {};
    const keys = new Set<string>();
    if (this.#peek() === 0x7d) throw fallBack; // {} is too small to be here
    for (;;) {
      const key = this.#key();
      if (key === '__proto__' || keys.has(key)) throw fallBack;
      keys.add(key);
      this.#expect(0x3a); // :
      const start = this.#skipWhitespace();
      out[key] = conversationFields.has(key) && this.raw[start] === 0x5b ? this.#conversation() : this.#value(1);
      const next = this.#next();
      if (next === 0x7d) return out; // }
      if (next !== 0x2c) throw fallBack; // ,
    }
  }

  /** Nothing but whitespace may follow the object. */
  end(): void {
    if (this.#skipWhitespace() !== this.raw.length) throw fallBack;
  }

  /** An array read element by element: the body's object and the array enclose each element. */
  #conversation(): unknown[] {
    this.#expect(0x5b); // [
    const items: unknown[] = [];
    if (this.#peek() === 0x5d) {
      this.#at += 1;
      return items;
    }
    for (;;) {
      items.push(this.#value(2));
      const next = this.#next();
      if (next === 0x5d) return items; // ]
      if (next !== 0x2c) throw fallBack;
    }
  }

  /** One value at `this.#at` (after whitespace), `enclosing` containers deep. */
  #value(enclosing: number): unknown {
    const start = this.#skipWhitespace();
    const first = this.raw[start];
    const container = first === 0x7b || first === 0x5b;
    const string = first === 0x22;
    // A string's end is a native search away, so only long ones are looked up; a container's end is
    // known only after a walk, which a remembered part saves.
    const stringClose = string ? stringEnd(this.raw, start) : -1;
    if (container || (string && stringClose + 1 - start >= minPartBytes)) {
      const known = this.parts.find(this.raw, start);
      if (known) {
        if (enclosing + known.depth > maxJsonDepth) throw fallBack;
        this.#at = start + known.bytes.length;
        this.spans.push({ start, end: this.#at, part: known });
        return known.value;
      }
    }
    let end: number;
    let depth = 0;
    if (container) ({ end, depth } = containerEnd(this.raw, start));
    else if (string) end = stringClose + 1;
    else end = scalarEnd(this.raw, start);
    if (end <= start || enclosing + depth > maxJsonDepth) throw fallBack;
    const parsed = parseJsonBody(this.raw.toString('utf8', start, end));
    if (!parsed.ok) throw fallBack;
    this.#at = end;
    if (!((container || string) && end - start >= minPartBytes)) return parsed.value;
    const part = this.parts.remember(this.raw, start, end, parsed.value, depth);
    if (!part) return deepFreeze(parsed.value);
    this.spans.push({ start, end, part });
    return part.value;
  }

  #key(): string {
    const start = this.#skipWhitespace();
    if (this.raw[start] !== 0x22) throw fallBack;
    const end = stringEnd(this.raw, start);
    if (end < 0) throw fallBack;
    this.#at = end + 1;
    const text = this.raw.toString('utf8', start + 1, end);
    // An escape, or a raw control character JSON.parse refuses, goes through JSON.parse.
    if (!/[\u0000-\u001f\\]/.test(text)) return text;
    try {
      return JSON.parse(`"${text}"`) as string;
    } catch {
      throw fallBack;
    }
  }

  #expect(byte: number): void {
    if (this.#next() !== byte) throw fallBack;
  }

  /** The next byte after whitespace, consumed. */
  #next(): number | undefined {
    const at = this.#skipWhitespace();
    this.#at = at + 1;
    return this.raw[at];
  }

  #peek(): number | undefined {
    return this.raw[this.#skipWhitespace()];
  }

  #skipWhitespace(): number {
    let at = this.#at;
    while (isWhitespace(this.raw[at])) at += 1;
    this.#at = at;
    return at;
  }
}

/**
 * Where the object or array starting at `start` ends (exclusive), and how deep it nests. Only brackets
 * outside strings count; whether they match, and everything else, JSON.parse checks on the part.
 */
function containerEnd(raw: Buffer, start: number): { end: number; depth: number } {
  let depth = 0;
  let deepest = 0;
  for (let at = start; at < raw.length; at += 1) {
    const byte = raw[at];
    if (byte === 0x22) {
      at = stringEnd(raw, at);
      if (at < 0) break;
    } else if (byte === 0x7b || byte === 0x5b) {
      depth += 1;
      if (depth > deepest) deepest = depth;
      if (deepest > maxJsonDepth) break;
    } else if (byte === 0x7d || byte === 0x5d) {
      depth -= 1;
      if (depth === 0) return { end: at + 1, depth: deepest };
    }
  }
  return { end: -1, depth: deepest };
}

/** The index of the quote closing the string that opens at `start` (one not escaped by an odd run of backslashes), or -1. */
function stringEnd(raw: Buffer, start: number): number {
  let end = raw.indexOf(0x22, start + 1);
  while (end !== -1) {
    let backslashes = 0;
    for (let at = end - 1; raw[at] === 0x5c; at -= 1) backslashes += 1;
    if (backslashes % 2 === 0) return end;
    end = raw.indexOf(0x22, end + 1);
  }
  return -1;
}

/** The end of a number, true, false or null: the next delimiter. */
function scalarEnd(raw: Buffer, start: number): number {
  let at = start;
  while (at < raw.length) {
    const byte = raw[at]!;
    if (byte === 0x2c || byte === 0x7d || byte === 0x5d || isWhitespace(byte)) break;
    at += 1;
  }
  return at;
}
