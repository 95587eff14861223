// Checking one provider fault through a real gateway: what the client gets (an answer, or an error in its
// own protocol's format), that a bad answer is kept by neither cache (the same request and a reworded one
// reach the provider again), that the virtual key is charged what its record says and the record is sane,
// and that /health still answers. Shared by the provider-fault matrix and its later rounds (describeFaultMatrix).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multiByteText, type Expectation, type MatrixFault, type Wire } from '../support/fake-upstream/fault-matrix.js';
import type { FakeMode } from '../support/fake-upstream/types.js';
import { startHarness, type Harness, type HarnessOptions } from './harness.js';

export type Caller = 'chat' | 'messages' | 'responses';
const master = 'sk-master-fault-matrix-0123456789';
const pricing = { 'fake-model': { input: 1000, output: 2000 }, 'fake-model-large': { input: 1000, output: 2000 } };

/** The caller protocol each wire means when the two are the same (bytes may then pass unchanged). */
export const sameProtocol = (caller: Caller, wire: Wire): boolean =>
  (caller === 'chat' && wire === 'chat') || (caller === 'messages' && wire === 'anthropic') || (caller === 'responses' && wire === 'responses');

export const paths: Record<Caller, string> = { chat: '/v1/chat/completions', messages: '/v1/messages', responses: '/v1/responses' };

export function requestBody(caller: Caller, stream: boolean, text: string): object {
  if (caller === 'chat') return { model: 'fake-model', stream, ...(stream ? { stream_options: { include_usage: true } } : {}), messages: [{ role: 'user', content: text }] };
  if (caller === 'messages') return { model: 'fake-model', max_tokens: 100, stream, messages: [{ role: 'user', content: text }] };
  return { model: 'fake-model', stream, store: false, input: text };
}

export function ask(harness: Harness, key: string, caller: Caller, stream: boolean, text: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${harness.url}${paths[caller]}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', authorization: `Bearer ${key}`, ...headers },
    body: JSON.stringify(requestBody(caller, stream, text)),
  });
}

// ---------------------------------------------------------------------------------------------------
// Reading what the client got, in its own protocol

type Json = Record<string, any>;

/** The JSON events of an SSE body; data that is not JSON is skipped (a passed-on fault may hold some). */
export function events(body: string): Array<Json | '[DONE]'> {
  const out: Array<Json | '[DONE]'> = [];
  // As the SSE spec reads a stream (and SDKs with it): a BOM dropped, CRLF, CR or LF ends a line, a blank line an event.
  let data: string[] = [];
  const dispatch = () => {
    const text = data.join('\n');
    data = [];
    if (text === '') return;
    if (text === '[DONE]') return void out.push('[DONE]');
    try {
      const value = JSON.parse(text);
      if (value && typeof value === 'object') out.push(value);
    } catch {
      // not JSON: a passed-on fault
    }
  };
  for (const line of body.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)) {
    if (line === '') dispatch();
    else if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
  }
  dispatch();
  return out;
}

interface Read {
  text: string;
  toolCall: string | undefined;
  /** The tool call's arguments as the client assembles them (JSON text). */
  toolArguments: string | undefined;
  /** The stream's last event is an error in the caller's protocol. */
  endsWithError: boolean;
}

export function readAnswer(caller: Caller, stream: boolean, body: string): Read {
  if (stream) {
    const list = untilTheEnd(caller, events(body));
    const last = list.at(-1);
    if (caller === 'chat') {
      const text = list.map((e) => (typeof e.choices?.[0]?.delta?.content === 'string' ? e.choices[0].delta.content : '')).join('');
      // A legacy function_call is read as the caller's SDK reads it (one call).
      const calls: Json[] = list.flatMap((e) => e.choices?.[0]?.delta?.tool_calls ?? (e.choices?.[0]?.delta?.function_call ? [{ function: e.choices[0].delta.function_call }] : []));
      const toolCall = calls.find((c: Json) => c?.function?.name)?.function.name;
      const toolArguments = calls.length > 0 ? calls.map((c) => c?.function?.arguments ?? '').join('') : undefined;
      return { text, toolCall, toolArguments, endsWithError: typeof last?.error?.message === 'string' };
    }
    if (caller === 'messages') {
      const text = list.filter((e) => e.type === 'content_block_delta' && e.delta?.type === 'text_delta').map((e) => e.delta.text).join('');
      const toolCall = list.find((e) => e.type === 'content_block_start' && e.content_block?.type === 'tool_use')?.content_block.name;
      const pieces = list.filter((e) => e.type === 'content_block_delta' && e.delta?.type === 'input_json_delta').map((e) => e.delta.partial_json);
      return { text, toolCall, toolArguments: toolCall ? pieces.join('') : undefined, endsWithError: last?.type === 'error' && typeof last.error?.message === 'string' };
    }
    const text = list.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta).join('');
    const toolCall = list.find((e) => e.type === 'response.output_item.added' && e.item?.type === 'function_call')?.item.name;
    const done = list.find((e) => e.type === 'response.output_item.done' && e.item?.type === 'function_call')?.item.arguments;
    const deltas = list.filter((e) => e.type === 'response.function_call_arguments.delta').map((e) => e.delta).join('');
    return { text, toolCall, toolArguments: toolCall ? (done ?? deltas) : undefined, endsWithError: (last?.type === 'error' && typeof last.message === 'string') || last?.type === 'response.failed' };
  }
  const json = JSON.parse(body) as Json;
  if (caller === 'chat') {
    const call = json.choices?.[0]?.message?.tool_calls?.[0]?.function ?? json.choices?.[0]?.message?.function_call;
    return { text: json.choices?.[0]?.message?.content ?? '', toolCall: call?.name, toolArguments: call?.arguments, endsWithError: false };
  }
  if (caller === 'messages') {
    const content: Json[] = json.content ?? [];
    const use = content.find((b) => b.type === 'tool_use');
    return { text: content.filter((b) => b.type === 'text').map((b) => b.text).join(''), toolCall: use?.name, toolArguments: use ? JSON.stringify(use.input) : undefined, endsWithError: false };
  }
  const output: Json[] = json.output ?? [];
  const text = output.flatMap((item) => (item.type === 'message' ? item.content : [])).filter((p: Json) => p.type === 'output_text').map((p: Json) => p.text).join('');
  const call = output.find((item) => item.type === 'function_call');
  return { text, toolCall: call?.name, toolArguments: call?.arguments, endsWithError: false };
}

/** The events a client's SDK reads: up to and including the protocol's end marker, nothing after it. */
function untilTheEnd(caller: Caller, list: Array<Json | '[DONE]'>): Json[] {
  const out: Json[] = [];
  for (const event of list) {
    if (event === '[DONE]') break;
    out.push(event);
    if (caller === 'messages' && event.type === 'message_stop') break;
    if (caller === 'responses' && ['response.completed', 'response.incomplete', 'response.failed'].includes(event.type)) break;
  }
  return out;
}

/** An error body in the caller's protocol: OpenAI's `{error:{message}}`, Anthropic's `{type:"error",error:{message}}`. */
export function isCallerError(caller: Caller, body: string): boolean {
  try {
    const json = JSON.parse(body) as Json;
    return typeof json?.error?.message === 'string' && (caller !== 'messages' || json.type === 'error');
  } catch {
    return false;
  }
}

function providerBytes(mode: FakeMode): Buffer | undefined {
  if (mode.kind !== 'raw' || mode.encoding) return undefined;
  // (At most the first 100,000 pieces: a body may be endless, keep-alives for ever.)
  const pieces: Array<string | Buffer> = [];
  for (const piece of typeof mode.body === 'string' ? [mode.body] : mode.body()) if (pieces.push(piece) >= 100_000) break;
  return Buffer.concat(pieces.map((piece) => Buffer.from(piece)));
}

export function expectFailure(caller: Caller, stream: boolean, status: number, body: string): void {
  if (status !== 200) {
    expect(status).toBeGreaterThanOrEqual(400);
    expect(isCallerError(caller, body), body.slice(0, 300)).toBe(true);
    return;
  }
  expect(stream, `a whole answer failed with 200: ${body.slice(0, 300)}`).toBe(true);
  expect(readAnswer(caller, true, body).endsWithError, body.slice(-400)).toBe(true);
}

// ---------------------------------------------------------------------------------------------------
// The matrix

export interface Setup {
  wire: Wire;
  callers: Caller[];
}

export const setups: Setup[] = [
  { wire: 'chat', callers: ['chat', 'messages', 'responses'] },
  { wire: 'anthropic', callers: ['chat', 'messages', 'responses'] },
  { wire: 'responses', callers: ['responses'] },
];

export function harnessOptions(wire: Wire, extra: Partial<HarnessOptions> = {}): HarnessOptions {
  return {
    provider: wire === 'anthropic' ? 'anthropic' : 'openai-compatible',
    gatewayApiKey: master,
    nearDuplicateCache: {},
    upstream: { maxAnswerBytes: 256 * 1024 },
    ...extra,
    config: {
      pricing,
      routing: { retries: 0, maxRetryAfterMs: 30_000 },
      ...(wire === 'responses' ? { providers: { 'openai-compatible': { responsesApi: true } } } : {}),
      ...extra.config,
    },
  };
}

/**
 * Every fault of `faults` for every caller protocol on every provider protocol, streamed and whole, each
 * checked by checkFault against one harness per provider protocol. A fault whose fake cannot play a case
 * (its `mode` gives none) is left out of that case, unless `everyMode` (the timeouts, which play every case).
 * `concurrent`: the faults wait out upstream timeouts (time, not work), so each case gets a harness of its
 * own and up to vitest's maxConcurrency of them wait at once; the checks are the same.
 */
export function describeFaultMatrix(
  title: (wire: Wire) => string,
  faults: readonly MatrixFault[],
  options: { harness?: Partial<HarnessOptions>; everyMode?: boolean; concurrent?: boolean } = {},
): void {
  for (const setup of setups) {
    const cases = faults.flatMap((fault) =>
      setup.callers.flatMap((caller) =>
        fault.streams.filter((stream) => options.everyMode || fault.mode(setup.wire, stream, 'x')).map((stream) => ({ fault, caller, stream, name: `${fault.name} (${stream ? 'stream' : 'whole'}), asked in ${caller}` })),
      ),
    );
    const startOne = async (): Promise<{ harness: Harness; key: string }> => {
      const harness = await startHarness(harnessOptions(setup.wire, options.harness));
      harness.records = [];
      return { harness, key: await virtualKey(harness) };
    };
    describe(title(setup.wire), () => {
      if (options.concurrent) {
        for (const { fault, caller, stream, name } of cases) {
          it.concurrent(name, async () => {
            const { harness, key } = await startOne();
            try {
              await checkFault(harness, key, fault, setup.wire, caller, stream);
            } finally {
              await harness.close();
            }
          });
        }
        return;
      }
      let shared: { harness: Harness; key: string };
      beforeAll(async () => {
        shared = await startOne();
      });
      afterAll(() => shared.harness.close());
      for (const { fault, caller, stream, name } of cases) {
        it(name, async () => {
          await checkFault(shared.harness, shared.key, fault, setup.wire, caller, stream);
        });
      }
    });
  }
}

export async function virtualKey(harness: Harness): Promise<string> {
  const answer = await fetch(`${harness.url}/key/generate`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${master}` }, body: '{}' });
  return ((await answer.json()) as { key: string }).key;
}

export async function spendOf(harness: Harness, key: string): Promise<number> {
  const answer = await fetch(`${harness.url}/key/info`, { headers: { authorization: `Bearer ${key}` } });
  return ((await answer.json()) as { info: { spend: number } }).info.spend;
}

let caseNumber = 0;

function readsAsAnswer(caller: Caller, stream: boolean, body: string): boolean {
  try {
    return !readAnswer(caller, stream, body).endsWithError;
  } catch {
    return false;
  }
}

export async function checkFault(harness: Harness, key: string, fault: MatrixFault, wire: Wire, caller: Caller, stream: boolean): Promise<void> {
  caseNumber += 1;
  const question = `Name one river in country number ${caseNumber}.`;
  const mode = fault.mode(wire, stream, `River ${caseNumber}: the Isar flows through Munich.`)!;
  const usualText = fault.name.startsWith('multi-byte') ? multiByteText : `River ${caseNumber}: the Isar flows through Munich.`;
  const servedText = typeof fault.servedText === 'function' ? fault.servedText(usualText, caller) : (fault.servedText ?? usualText);
  const expectation: Expectation = typeof fault.expect === 'function' ? fault.expect(wire, stream) : fault.expect;
  const same = sameProtocol(caller, wire);
  const records = harness.records!;
  await harness.gateway.drained();
  const recordsBefore = records.length;
  const spendBefore = await spendOf(harness, key);

  harness.fake.setMode(mode, { times: 1 });
  const first = await ask(harness, key, caller, stream, question);
  const firstBytes = Buffer.from(await first.arrayBuffer());
  const firstText = firstBytes.toString('utf8');

  let failed = false;
  // Same protocol both sides, the provider's bytes passed on unchanged count as 'fail-or-pass' (recorded as the provider's failure).
  const bytes = providerBytes(mode);
  const passedUnchanged = same && first.status === 200 && bytes !== undefined && firstBytes.subarray(0, bytes.length).equals(bytes);
  const served = expectation === 'serve' || (expectation === 'either' && !passedUnchanged && first.status === 200 && readsAsAnswer(caller, stream, firstText));
  if (served) {
    expect(first.status, firstText.slice(0, 400)).toBe(200);
    const read = readAnswer(caller, stream, firstText);
    expect(read.endsWithError, firstText.slice(-400)).toBe(false);
    if (fault.toolArguments) expect(JSON.parse(read.toolArguments ?? 'null')).toEqual(JSON.parse(fault.toolArguments));
    if (fault.afterEndIgnored && !same) expect(firstText).not.toContain('EXTRA');
    if (fault.toolCall) expect(read.toolCall).toBe('get_weather');
    else if (fault.exactText === false) expect(read.text).toMatch(/River \d+: the Isar flows through Munich\./);
    else expect(read.text).toBe(servedText);
  } else if (expectation === 'either' && passedUnchanged) {
    // Whether the gateway took the passed bytes for an answer shows in the record (below).
  } else if (expectation === 'fail' || expectation === 'either' || !same) {
    expectFailure(caller, stream, first.status, firstText);
    failed = true;
  } else {
    // Same protocol both sides: an error in the caller's format, or the provider's own bytes unchanged.
    const passed = first.status === 200 && (!stream || bytes === undefined || firstBytes.subarray(0, bytes.length).equals(bytes));
    if (!passed) expectFailure(caller, stream, first.status, firstText);
    failed = true;
  }
  // The provider's retry-after reaches the client with a 429 and with the 502 of a 5xx (503, 529 overloaded).
  const retryAfter = /^HTTP (?:429|5\d\d) with retry-after (\d+)/.exec(fault.name)?.[1];
  if (retryAfter) expect(first.headers.get('retry-after')).toBe(retryAfter);
  fault.check?.(first, firstText);

  // The record says what happened, and the key was charged what the record says.
  await harness.gateway.drained();
  const added = records.slice(recordsBefore);
  expect(added).toHaveLength(1);
  const record = added[0]!;
  if (expectation === 'either' && passedUnchanged) failed = record.status >= 400;
  for (const count of [record.inputTokens, record.outputTokens, record.tokensSaved]) {
    expect(Number.isFinite(count)).toBe(true);
    expect(count).toBeGreaterThanOrEqual(0);
    expect(count).toBeLessThan(1_000_000);
  }
  if (failed) expect(record.status, `recorded as ${record.status}`).toBeGreaterThanOrEqual(400);
  else expect(record.status).toBe(200);
  if (first.status !== 200) expect(record.costUsd ?? 0).toBe(0);
  // A stream that broke off after some of the answer reached the client: that part is charged.
  else if (failed && stream && !same && readAnswer(caller, true, firstText).text.length > 8) expect(record.costUsd).toBeGreaterThan(0);
  if (served) {
    expect(record.costUsd).toBeGreaterThan(0);
    if (fault.usage) expect(record.tokensCounted).toBe(fault.usage);
    if (fault.tokens) expect({ input: record.inputTokens, output: record.outputTokens }).toEqual(fault.tokens);
  }
  expect(await spendOf(harness, key)).toBeCloseTo(spendBefore + (record.costUsd ?? 0), 9);

  // A reworded question (L1b) and the same one (L1a) with the provider healthy again.
  const callsBefore = harness.upstreamChatCalls();
  const reworded = await ask(harness, key, caller, stream, question.replace('Name one', 'Name  one'), { 'cache-control': 'no-store' });
  await reworded.text();
  expect(reworded.status).toBe(200);
  const again = await ask(harness, key, caller, stream, question);
  const againText = await again.text();
  expect(again.status).toBe(200);
  const declared = typeof fault.cache === 'function' ? fault.cache({ wire, same, caller, stream }) : fault.cache;
  const cache = failed ? 'never' : declared;
  if (cache === 'any') {
    // Kept or not, a replay is what the first client got.
    for (const response of [again]) {
      if (response.headers.get('x-isartor-cache') !== 'hit') continue;
      const read = readAnswer(caller, stream, againText);
      if (fault.toolArguments) expect(JSON.parse(read.toolArguments ?? 'null')).toEqual(JSON.parse(fault.toolArguments));
      else expect(read.text).toBe(servedText);
    }
  } else if (cache === 'never') {
    expect(reworded.headers.get('x-isartor-cache')).not.toBe('hit');
    expect(again.headers.get('x-isartor-cache')).not.toBe('hit');
    expect(harness.upstreamChatCalls()).toBe(callsBefore + 2);
  } else {
    expect(reworded.headers.get('x-isartor-layer')).toBe('l1b');
    expect(again.headers.get('x-isartor-layer')).toBe('l1a');
    expect(harness.upstreamChatCalls()).toBe(callsBefore);
    // The replay is the answer the first client got, characters intact.
    expect(readAnswer(caller, stream, againText).text).toBe(servedText);
  }
  expect((await fetch(`${harness.url}/health`)).status).toBe(200);
}

