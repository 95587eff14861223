import { createHash } from 'node:crypto';
import { FrozenPartMemo, isDeeplyFrozen } from '../json/frozen.js';

/** Below this, hashing is cheaper than looking the text up. */
const minCachedLength = 4096;
const maxCachedTexts = 64;

interface Remembered {
  text: string;
  digest: string;
}

/** Recently digested large texts, by length; a Map's order doubles as recency for eviction. */
const recent = new Map<string, Remembered>();

/**
 * sha256 of a text, remembered for large ones. Agent requests repeat the same 50 KB system prompt on
 * every turn, arriving as a fresh string each time: comparing it with the remembered one (a memcmp)
 * costs a fraction of hashing it again, and both L1b and L2.5 need its digest on every request.
 */
export function textDigest(text: string): string {
  if (text.length < minCachedLength) return sha256(text);
  const slot = `${text.length}:${text.charCodeAt(0)}:${text.charCodeAt(text.length >> 1)}:${text.charCodeAt(text.length - 1)}`;
  const remembered = recent.get(slot);
  if (remembered && remembered.text === text) {
    recent.delete(slot);
    recent.set(slot, remembered);
    return remembered.digest;
  }
  const digest = sha256(text);
  recent.delete(slot);
  recent.set(slot, { text, digest });
  if (recent.size > maxCachedTexts) recent.delete(recent.keys().next().value!);
  return digest;
}

function sha256(text: string): string {
  return createHash('sha256').update(exactBytes(text)).digest('base64');
}

/**
 * A string's exact identity for a hash. `hash.update(string)` encodes UTF-8, which turns every lone
 * surrogate into U+FFFD, so two texts that differ only in lone surrogates (binary-ish output decoded as
 * UTF-16) would hash the same: such a text is hashed as its UTF-16 code units instead, marked so it never
 * collides with a well-formed text.
 */
export function exactBytes(text: string): string | Buffer {
  return (text as WellFormedCheck).isWellFormed() ? text : Buffer.concat([loneMarker, Buffer.from(text, 'utf16le')]);
}

/** ES2024's String.prototype.isWellFormed (Node 20 has it; the project's TypeScript lib is ES2023). */
type WellFormedCheck = string & { isWellFormed(): boolean };
/** Bytes no UTF-8 encoding of a string starts with. */
const loneMarker = Buffer.from([0xff, 0xfe]);

/** Fingerprints of shared (deeply frozen) request parts: the system prompt and tools of every turn. */
const fingerprints = new FrozenPartMemo<string>();

/**
 * JSON for identity, not for sending: every large string is replaced by its length and digest, so a
 * message's fingerprint costs a lookup instead of copying and hashing its 50 KB of text. A short
 * string cannot pose as one: the marker names a length of at least `minCachedLength`. Otherwise the
 * text is exactly JSON.stringify's (same fields, order and escapes), but for a large part shared between
 * requests (json/frozen.ts): it is computed once and stands as its digest, so the tools and a long
 * history do not make every later fingerprint long. (So the same value can print in two ways, shared
 * or not; fingerprints are compared between requests read the same way, and only within one process
 * run for a part's first sighting: a cache key seen once in each form is one extra miss, never a wrong hit.)
 */
export function fingerprintJson(value: unknown): string {
  return fingerprintOf(value) ?? '';
}

function fingerprintOf(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length >= minCachedLength ? `\u0000${value.length}:${textDigest(value)}` : value);
    case 'object':
      if (value === null) return 'null';
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return fingerprintOf((value as { toJSON: () => unknown }).toJSON());
      return fingerprints.get(value, () => {
        const text = Array.isArray(value) ? arrayFingerprint(value) : objectFingerprint(value as Record<string, unknown>);
        // A large shared part (the tools, a long message) stands in every later fingerprint by its digest.
        // The marker holds a raw control character, which JSON text never does, so no content can pose as it.
        return isDeeplyFrozen(value) && text.length >= minCachedLength ? `\u0001${text.length}:${sha256(text)}` : text;
      });
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    default:
      return JSON.stringify(value);
  }
}

function arrayFingerprint(items: readonly unknown[]): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) out += `${i === 0 ? '' : ','}${fingerprintOf(items[i]) ?? 'null'}`;
  return `${out}]`;
}

function objectFingerprint(record: Record<string, unknown>): string {
  let out = '{';
  let first = true;
  for (const key of Object.keys(record)) {
    const field = fingerprintOf(record[key]);
    if (field === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${field}`;
    first = false;
  }
  return `${out}}`;
}
