import { afterAll, beforeAll, expect } from 'vitest';
import { startHarness, type Harness } from '../gateway/harness.js';

/** Guards every trimmed request must pass, whatever the rules did. */

type Protocol = 'openai' | 'anthropic';
type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export function lastUserIndex(messages: unknown[]): number {
  let last = -1;
  messages.forEach((message, i) => {
    if (isRecord(message) && message.role === 'user') last = i;
  });
  return last;
}

/** The instruction texts (system, user and assistant text; not tool results) of a request, in order. */
export function instructionTexts(body: Json, protocol: Protocol): string[] {
  const texts: string[] = [];
  const visit = (content: unknown): void => {
    if (typeof content === 'string') texts.push(content);
    else if (Array.isArray(content)) for (const block of content) if (isRecord(block) && block.type === 'text' && typeof block.text === 'string') texts.push(block.text);
  };
  if (protocol === 'anthropic') visit(body.system);
  for (const message of body.messages as Json[]) if (message.role !== 'tool' && message.role !== 'function') visit(message.content);
  return texts;
}

/**
 * Every non-blank line of the input's instruction texts that is no longer anywhere in the output's
 * instruction texts. Repeats may become references, but the first occurrence stays: the result must be empty.
 */
export function missingLines(before: Json, after: Json, protocol: Protocol): string[] {
  const corpus = new Set(instructionTexts(after, protocol).flatMap((text) => text.split('\n')));
  const missing = new Set<string>();
  for (const text of instructionTexts(before, protocol)) for (const line of text.split('\n')) if (line.trim() !== '' && !corpus.has(line)) missing.add(line);
  return [...missing];
}

/** A user message without its tool results' content: what the user (and the client with them) wrote. */
export function userText(message: unknown): unknown {
  if (!isRecord(message) || !Array.isArray(message.content)) return message;
  return { ...message, content: message.content.map((block) => (isRecord(block) && block.type === 'tool_result' ? { ...block, content: '<result>' } : block)) };
}

/**
 * The last user message of a prefix as it is sent while it is last: its text as it came, its tool results
 * as the full request (where later messages follow it) sends them.
 */
export function sentWhileLast(original: unknown, later: unknown): unknown {
  if (!isRecord(original) || !Array.isArray(original.content) || !isRecord(later) || !Array.isArray(later.content)) return original;
  const blocks = later.content;
  return { ...original, content: original.content.map((block, i) => (isRecord(block) && block.type === 'tool_result' ? blocks[i] : block)) };
}

/** Where each cache_control sits (a JSON path) and its value. */
export function cacheControls(body: Json): Array<[string, unknown]> {
  const found: Array<[string, unknown]> = [];
  const walk = (node: unknown, path: string): void => {
    if (Array.isArray(node)) node.forEach((item, i) => walk(item, `${path}[${i}]`));
    else if (isRecord(node)) {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'cache_control') found.push([`${path}.${key}`, value]);
        else walk(value, `${path}.${key}`);
      }
    }
  };
  walk(body, '$');
  return found;
}

/** The parts of a message trimming must never change: everything but text (and tool result content). */
function skeleton(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(skeleton);
  if (!isRecord(node)) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'text' && node.type === 'text') out[key] = '<text>';
    else if (key === 'content' && (typeof value === 'string' || value === null)) out[key] = '<text>';
    else if (key === 'content' && node.type === 'tool_result') out[key] = '<result>';
    else if (key === 'content' && node.role === 'tool') out[key] = '<result>';
    else out[key] = skeleton(value);
  }
  return out;
}

/** Asserts every "never" of L2.5 on one input/output pair. */
export function expectGuards(before: Json, after: Json, protocol: Protocol): void {
  const inMessages = before.messages as Json[];
  const outMessages = after.messages as Json[];
  // Every non-message field is untouched (tools, tool_choice, stream, model, ...); so is the system field's shape.
  for (const key of Object.keys(before)) {
    if (key === 'messages' || (protocol === 'anthropic' && key === 'system')) continue;
    expect(after[key], key).toEqual(before[key]);
  }
  expect(Object.keys(after)).toEqual(Object.keys(before));
  // Same messages, same order, roles, ids, tool calls, images; only text may differ.
  expect(outMessages).toHaveLength(inMessages.length);
  expect(skeleton(outMessages)).toEqual(skeleton(inMessages));
  if (protocol === 'anthropic' && before.system !== undefined) {
    if (typeof before.system === 'string') expect(typeof after.system).toBe('string');
    else expect(skeleton(after.system)).toEqual(skeleton(before.system));
  }
  // The last user message's text is byte-identical (its tool results are trimmed as every later request trims them).
  const last = lastUserIndex(inMessages);
  if (last >= 0) expect(JSON.stringify(userText(outMessages[last]))).toBe(JSON.stringify(userText(inMessages[last])));
  // cache_control stays where it was, with the same value.
  expect(cacheControls(after)).toEqual(cacheControls(before));
  // Every instruction line is still there at least once.
  expect(missingLines(before, after, protocol)).toEqual([]);
}

/**
 * Sends a request body through a real gateway in its caller protocol and returns what the fake provider
 * received, checked by the guards: chat and Anthropic bodies by `expectGuards`; Responses items are
 * received one for one, and only a `function_call_output`'s output may differ.
 */
export async function sendThroughGateway(harness: Harness, protocol: Protocol | 'responses', body: Json): Promise<Json> {
  const response =
    protocol === 'openai'
      ? await harness.chat(body)
      : protocol === 'anthropic'
        ? await harness.messages(body)
        : await fetch(`${harness.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.status).toBe(200);
  await response.text();
  const sent = harness.fake.requests.at(-1)!.body as Json;
  if (protocol !== 'responses') expectGuards(body, sent, protocol);
  else {
    const input = body.input as Json[];
    const received = sent.input as Json[];
    expect(received).toHaveLength(input.length);
    received.forEach((item, i) => {
      if (item.type === 'function_call_output') expect({ ...item, output: undefined }).toEqual({ ...input[i], output: undefined });
      else expect(item).toEqual(input[i]);
    });
  }
  return sent;
}

/**
 * The gateway an L2.5 audit sends one protocol through, started before its tests and closed after: L1a off
 * (every request reaches L2.5), every saving taken however small, and a Responses provider for Responses
 * callers. Read `.harness` inside a test.
 */
export function auditGateway(protocol: Protocol | 'responses'): { readonly harness: Harness } {
  let started: Harness | undefined;
  beforeAll(async () => {
    started = await startHarness({
      provider: protocol === 'anthropic' ? 'anthropic' : 'openai-compatible',
      exactCache: { enabled: false },
      trimming: { minSavedTokensPerMessage: 0 },
      ...(protocol === 'responses' ? { config: { providers: { 'openai-compatible': { responsesApi: true } } } } : {}),
    });
  });
  afterAll(async () => {
    await started?.close();
  });
  return {
    get harness(): Harness {
      if (!started) throw new Error('auditGateway: read .harness inside a test, after beforeAll');
      return started;
    },
  };
}
