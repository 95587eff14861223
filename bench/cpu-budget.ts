// Turns a .cpuprofile of the gateway's miss path into a per-request CPU budget: every sample is charged
// to the innermost frame that belongs to a part of the pipeline (a layer, a library it uses, the socket
// writes, the garbage collector), and the part's share of the samples is scaled to µs per request.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

export interface BudgetLine {
  part: string;
  usPerRequest: number;
  percent: number;
  /** For shared helpers (hashing, token counting, socket writes): which parts called them, by share. */
  calledFrom: string;
}

/** Native leaves known by name. */
const byName: Array<[RegExp, string]> = [
  [/^\(garbage collector\)$/, 'garbage collection'],
  [/^\(idle\)$|^\(program\)$/, '(idle / program)'],
  [/^(writev|writeBuffers|writeUtf8String|writeLatin1String|writeBuffer|writeAsciiString)$/, 'socket writes (syscalls)'],
];

/** Frames by file, innermost match wins. */
const byUrl: Array<[RegExp, string]> = [
  [/tiktoken|stats\/count-tokens/, 'token counting'],
  [/caching\/text-digest|node:internal\/crypto/, 'hashing'],
  [/gateway\/read-body/, 'body read'],
  // Request validation lives in protocols/ but is part of reading the request, not of relaying the answer.
  [/layers\/parse-request|gateway\/responses-request|protocols\/request-schemas|(source|dist)\/json\//, 'JSON parse + validation'],
  [/layers\/auth/, 'auth (L0)'],
  [/layers\/virtual-keys|source\/keys\//, 'virtual-key policy'],
  [/prompt-churn/, 'prompt churn'],
  [/caching\/exact|layers\/exact-cache|state\/exact-cache/, 'L1a key + lookup'],
  [/caching\/near-duplicate|layers\/near-duplicate|state\/near-duplicate|wink-/, 'L1b analysis + indexing'],
  [/trimming\/|layers\/trim-context/, 'L2.5 trimming'],
  [/protocols\//, 'response relay (SSE parse/accumulate)'],
  [/layers\/upstream|upstream-exchange|gateway\/upstream-request|node_modules\/(got|@sindresorhus|@szmarczak|cacheable-|http2-wrapper|decompress-response|responselike|lowercase-keys|form-data-encoder|p-cancelable|mimic-response|normalize-url|get-stream|defer-to-connect|keyv|type-fest)/, 'upstream request + relay (layers/upstream, got before)'],
  [/request-record-of|stats\/request-record|stats\/price-book/, 'request record'],
  [/state\/request-log|gateway\/request-log/, 'log writes (record + line)'],
  [/stats\/prometheus-metrics|stats\/request-feed/, 'metrics + feed'],
  [/gateway\/respond|gateway\/replay-answer/, 'respond / replay'],
  [/gateway\/server|gateway\/context|identify-client/, 'gateway core (routing, context)'],
];

/** Parts whose callers are worth naming. */
const shared = new Set(['token counting', 'hashing', 'socket writes (syscalls)', 'garbage collection']);

export function cpuBudget(file: string, requests: number, window: { fromUs: number; toUs: number }): { totalMs: number; lines: BudgetLine[] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number };
  const parent = new Map<number, number>();
  const byId = new Map<number, ProfileNode>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const cache = new Map<number, { part: string; caller: string }>();
  const classify = (leaf: number): { part: string; caller: string } => {
    const known = cache.get(leaf);
    if (known) return known;
    let part: string | undefined;
    let caller = '';
    const leafName = byId.get(leaf)!.callFrame.functionName;
    for (const [pattern, name] of byName) if (pattern.test(leafName) && !byId.get(leaf)!.callFrame.url) part = name;
    for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
      const url = byId.get(id)!.callFrame.url;
      if (!url) continue;
      const match = byUrl.find(([pattern]) => pattern.test(url))?.[1];
      if (!match) continue;
      if (!part) {
        part = match;
        if (!shared.has(part)) break;
      } else if (match !== part && !shared.has(match)) {
        caller = match;
        break;
      }
    }
    const result = { part: part ?? 'node http/net internals', caller };
    cache.set(leaf, result);
    return result;
  };
  const us = new Map<string, number>();
  const callers = new Map<string, Map<string, number>>();
  let total = 0;
  let now = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    now += delta;
    if (now < window.fromUs || now > window.toUs) continue;
    const { part, caller } = classify(profile.samples[i]!);
    if (part === '(idle / program)') continue;
    total += delta;
    us.set(part, (us.get(part) ?? 0) + delta);
    if (shared.has(part)) {
      const m = callers.get(part) ?? new Map<string, number>();
      m.set(caller || 'node internals', (m.get(caller || 'node internals') ?? 0) + delta);
      callers.set(part, m);
    }
  }
  const lines = [...us.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([part, spent]) => ({
      part,
      usPerRequest: spent / requests,
      percent: (100 * spent) / total,
      calledFrom: [...(callers.get(part) ?? new Map<string, number>()).entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([name, v]) => `${name} ${((100 * v) / spent).toFixed(0)}%`)
        .join(', '),
    }));
  return { totalMs: total / 1000, lines };
}
