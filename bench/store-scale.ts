// Whether the gateway's bounded stores cost the same per request when full as when nearly empty: L1a
// answers, L1b questions (one scope, questions sharing most of their words: the worst case for its
// index), L2.5's memo and the remembered request parts. Each is filled to a size, then timed on a mix
// of new entries (evicting the least recently used once full) and hits; the baseline is the same
// store holding 1,000 entries, in the same run. CPU time (process.cpuUsage), which a busy machine
// distorts less than wall time.
//   npm run bench:stores      (BENCH_STORE_SIZES=1000,10000,100000)
import { cpus, loadavg } from 'node:os';
import { analyseQuestion, type QuestionFeatures } from '../source/caching/near-duplicate/question.js';
import { NearDuplicateStore } from '../source/caching/near-duplicate/store.js';
import { RecurringJsonParts, readJsonBody } from '../source/json/recurring-parts.js';
import { ExactCacheStore } from '../source/state/exact-cache-file.js';
import { LruMemo } from '../source/trimming/memo.js';

const sizes = (process.env.BENCH_STORE_SIZES ?? '1000,10000,100000').split(',').map(Number);
const timedOps = 20_000;
const answer = { id: 'chatcmpl-1', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'An answer of a few words. '.repeat(8) }, finish_reason: 'stop' }] };

/** CPU µs per call of `step`, over `count` calls. */
function cpuPerCall(count: number, step: (i: number) => void): number {
  const start = process.cpuUsage();
  for (let i = 0; i < count; i++) step(i);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / count;
}

const key = (i: number): string => i.toString(16).padStart(64, '0');

async function l1a(size: number): Promise<number> {
  const entryBytes = JSON.stringify(answer).length + 64 + 96;
  const store = await ExactCacheStore.open({ ttlMs: 3_600_000, maxBytes: entryBytes * size });
  for (let i = 0; i < size + size / 5; i++) {
    store.set(key(i), answer);
    if (i % 4 === 0) store.get(key(i >> 1));
  }
  let next = size * 2;
  return cpuPerCall(timedOps, (i) => {
    store.set(key(next++), answer);
    store.get(key(next - 1 - (i % 500)));
  });
}

/** Distinct questions that share most of their words (a store only adds a question it could not answer). */
const questions: QuestionFeatures[] = [];
const question = (i: number): QuestionFeatures => (questions[i] ??= analyseQuestion(`How do I reverse list number ${i} in Python?`));

function l1b(size: number): number {
  const store = new NearDuplicateStore({ threshold: 0.8, maxEntries: size, ttlMs: 3_600_000, maxBytes: 1e12 });
  const filled = size + size / 10;
  for (let i = 0; i < filled; i++) store.add('scope', question(i), answer);
  for (let i = 0; i < timedOps; i++) question(filled + i);
  return cpuPerCall(timedOps, (i) => {
    store.add('scope', question(filled + i), answer);
    if (i % 4 === 0) store.find('scope', question(filled + i - (i % 50)));
  });
}

function memo(size: number): number {
  const lru = new LruMemo<{ n: number }>(size, 1e12);
  for (let i = 0; i < size * 2; i++) lru.set(key(i), { n: i }, 100);
  let next = size * 3;
  return cpuPerCall(timedOps * 5, (i) => {
    const k = key(next++);
    lru.get(k);
    lru.set(k, { n: i }, 100);
    lru.get(key(next - 1 - (i % 100)));
  });
}

function parts(size: number): number {
  // Bodies of one conversation turn each: a shared 2 KB system prompt and a 300-byte new message.
  const system = 'You are a careful assistant. '.repeat(70);
  const body = (i: number): Buffer => Buffer.from(JSON.stringify({ model: 'm', messages: [{ role: 'system', content: system }, { role: 'user', content: `question ${i} `.repeat(25) }] }));
  const remembered = new RecurringJsonParts(size * 400);
  for (let i = 0; i < size * 1.2; i++) readJsonBody(body(i), remembered);
  const bodies = Array.from({ length: timedOps }, (_, i) => body(size * 2 + i));
  return cpuPerCall(timedOps, (i) => readJsonBody(bodies[i]!, remembered));
}

const rows: Array<[string, (size: number) => number | Promise<number>]> = [
  ['L1a: store an answer + a hit', l1a],
  ['L1b: store a question (+ a lookup every 4th)', l1b],
  ['L2.5 memo: a miss, a set, a hit', memo],
  ['request parts: read a body with a new message', parts],
];

console.log(`# Stores as they fill (${new Date().toISOString()}, ${cpus().length} cores, load ${loadavg()[0]!.toFixed(2)}, Node ${process.version})\n`);
console.log(`| store (CPU µs per step) | ${sizes.map((size) => `${size.toLocaleString('en')} entries`).join(' | ')} | largest / smallest |`);
console.log(`| --- | ${sizes.map(() => '---:').join(' | ')} | ---: |`);
for (const [name, run] of rows) {
  const measured: number[] = [];
  for (const size of sizes) measured.push(await run(size));
  console.log(`| ${name} | ${measured.map((us) => us.toFixed(2)).join(' | ')} | ${(measured.at(-1)! / measured[0]!).toFixed(2)}x |`);
}
