import { createHash } from 'node:crypto';
import { fingerprintJson } from '../caching/text-digest.js';
import { countTextTokensSync, loadTokenizer, tokenizerLoaded } from '../stats/count-tokens.js';
import { cleanTerminalText } from './clean-output.js';
import { LruMemo } from './memo.js';
import { addCounts, countRule, type RuleCounts, type TrimRule } from './rules.js';
import { loadSentenceSplitter, removeRepeats, sentenceSplitterLoaded } from './sentences.js';
import { duplicateReference, toolResultKey, worthReplacing } from './tool-results.js';

export type { TrimRule } from './rules.js';

/**
 * L2.5, context trimming: before a request goes to the provider (after the caches missed), removes
 * what the provider does not need, deterministically:
 * 1. instruction paragraphs and sentences (system, user, assistant text) already said earlier in the request;
 * 2. a tool result identical to an earlier one (replaced by a reference to the first);
 * 3–7. in tool results and long text: escape codes, progress frames, runs of identical lines, runs of
 *      blank lines, trailing whitespace.
 * It never changes the last user message, tools, tool_choice or any other non-message field, images,
 * tool calls, cache_control markers, or the order, roles and ids of messages; it never empties a text.
 *
 * Prefix stability: the trimmed form of message i depends only on messages 0..i, so providers' prompt
 * caches keep hitting turn after turn. (The one exception is inherent in protecting the last user message:
 * while it is last it is sent as it is, and once later turns follow it, it is trimmed like the others.)
 * Each message is memoised under a chained hash (previous key + this message), holding the trimmed
 * message, its token counts and what it added to the running state, so repeated prefixes cost a hash.
 */
export interface TrimResult {
  /** The trimmed request body (a new object; the input is never mutated). */
  body: Record<string, unknown>;
  changed: boolean;
  /** Tokens of the message texts (system included; tools excluded), o200k, memoised per message. */
  tokensBefore: number;
  tokensAfter: number;
  /** How many times each rule fired. */
  rules: Partial<Record<TrimRule, number>>;
}

export type TrimProtocol = 'openai' | 'anthropic';

/** Bumped whenever a rule changes, so memoised results of an older rule set are never reused. */
const trimmerVersion = 'l2.5/v3';

/**
 * Tools whose results are file contents. A model copies from them into exact-match edits (OpenClaw's
 * `edit`, `apply_patch`), so collapsing a blank line or a trailing space there would make its next edit
 * miss. Their results are never cleaned, only deduplicated (a reference to identical text loses nothing).
 */
const fileContentTools = /(^|[_.-])(read|cat|view|open|get_?file|file_?read|fetch_?file)([_.-]|$)/i;
/** Text content from this length on also gets rules 3–7 (tool results always do). */
export const longTextChars = 1000;

/** Ready to trim: loads the tokenizer and the sentence splitter (call once at gateway start). */
export async function prepareTrimmer(): Promise<void> {
  await Promise.all([loadTokenizer(), loadSentenceSplitter()]);
}

/** Whether prepareTrimmer() has finished (trimRequestBody throws before that). */
export function trimmerReady(): boolean {
  return sentenceSplitterLoaded() && tokenizerLoaded();
}

/** What trimming one message (or the system prompt) added to the running state. */
interface Delta {
  /** Built once per unit; replaying a memoised message adds this whole set as one layer. */
  sentences: ReadonlySet<string>;
  results: Array<[key: string, id: string]>;
}

interface State {
  seen: LayeredSentences;
  results: Map<string, string>;
}

interface MemoEntry {
  /** The trimmed unit, or undefined when it is unchanged (the caller's own object is returned). */
  out: unknown;
  /** For an unchanged unit, counted only when a caller asks for whole-request totals. */
  tokensBefore: number | undefined;
  tokensAfter: number | undefined;
  rules: RuleCounts;
  delta: Delta;
}

const memo = new LruMemo<MemoEntry>(2000, 32_000_000);

/** Forgets every memoised message (for measurements and tests). */
export function clearTrimMemo(): void {
  memo.clear();
}

/** Trims a request body in the caller's protocol. Sync after prepareTrimmer(). */
export interface TrimOptions {
  /**
   * Count the tokens of every message, not only of those trimming changed. The saving is the same
   * either way; whole-request totals cost a tokenizer pass over each new message, which the gateway
   * does not pay (the provider's usage reports the prompt's exact size anyway).
   */
  countAll?: boolean;
  /**
   * A message is rewritten only when that saves at least this many tokens. Rewriting any message
   * re-serialises the whole request and ends byte-for-byte passthrough; for one repeated sentence in
   * a 50 KB prompt (22 tokens in OpenClaw's) that costs more than it saves. The decision depends only
   * on the message and those before it, so it keeps the output prefix-stable. Default 0.
   */
  minSavedTokens?: number;
}

export function trimRequestBody(body: Record<string, unknown>, protocol: TrimProtocol, options: TrimOptions = {}): TrimResult {
  if (!trimmerReady()) throw new Error('The L2.5 trimmer is not ready: await prepareTrimmer() once before trimming.');
  const messages = body.messages;
  if (!Array.isArray(messages)) return { body: { ...body }, changed: false, tokensBefore: 0, tokensAfter: 0, rules: {} };

  let lastUser = -1;
  messages.forEach((message, i) => {
    if (isRecord(message) && message.role === 'user') lastUser = i;
  });

  const units: Array<{ kind: UnitKind; value: unknown; protect: boolean }> = [];
  const hasSystem = protocol === 'anthropic' && body.system !== undefined;
  if (hasSystem) units.push({ kind: 'anthropic-system', value: body.system, protect: false });
  messages.forEach((message, i) => units.push({ kind: protocol === 'anthropic' ? 'anthropic-message' : 'openai-message', value: message, protect: i === lastUser }));

  const state: State = { seen: new LayeredSentences(), results: new Map() };
  // A tool result's tool call always comes earlier, so knowing names keeps the output prefix-stable.
  const toolNames = toolNamesById(messages);
  const pending: Delta[] = [];
  const rules: RuleCounts = {};
  let tokensBefore = 0;
  let tokensAfter = 0;
  let changed = false;
  let chain = trimmerVersion;
  const outputs = units.map((unit, index) => {
    // The protected last message, when nothing follows it, is sent as it came and no later message
    // here can repeat it: nothing to split, hash or remember. (Once a later turn follows it, its
    // memo key changes and it is trimmed like any other message.)
    if (unit.protect && index === units.length - 1) {
      if (options.countAll) {
        const count = countTokens(unit.value);
        tokensBefore += count;
        tokensAfter += count;
      }
      return unit.value;
    }
    const json = fingerprintJson(unit.value);
    chain = createHash('sha256')
      .update(chain)
      .update(unit.protect ? '\u0000P\u0000' : '\u0000-\u0000')
      .update(unit.kind)
      .update('\u0000')
      .update(json)
      .digest('base64');
    let entry = memo.get(chain);
    if (entry) {
      pending.push(entry.delta);
    } else {
      for (const delta of pending.splice(0)) applyDelta(state, delta);
      entry = trimUnit(unit.kind, unit.value, unit.protect, state, toolNames);
      memo.set(chain, entry, memoWeight(entry, json.length));
    }
    const worthIt = entry.out !== undefined && (entry.tokensBefore ?? 0) - (entry.tokensAfter ?? 0) >= (options.minSavedTokens ?? 0);
    if (!worthIt) {
      if (options.countAll) {
        const count = entry.out === undefined ? (entry.tokensBefore ??= countTokens(unit.value)) : (entry.tokensBefore ?? 0);
        tokensBefore += count;
        tokensAfter += count;
      }
      return unit.value;
    }
    tokensBefore += entry.tokensBefore ?? 0;
    tokensAfter += entry.tokensAfter ?? 0;
    addCounts(rules, entry.rules);
    changed = true;
    // Shared with the memo, so frozen: a caller cannot change what later requests get.
    return entry.out;
  });

  const out: Record<string, unknown> = { ...body };
  if (hasSystem) out.system = outputs.shift();
  out.messages = outputs;
  return { body: out, changed, tokensBefore, tokensAfter, rules };
}

type UnitKind = 'openai-message' | 'anthropic-message' | 'anthropic-system';

/** About the characters an entry keeps alive: the trimmed copy (if any) and the remembered sentences. */
function memoWeight(entry: MemoEntry, jsonLength: number): number {
  let sentences = 0;
  for (const key of entry.delta.sentences) sentences += key.length;
  return 200 + (entry.out === undefined ? 0 : jsonLength) + sentences + 64 * entry.delta.results.length;
}

function applyDelta(state: State, delta: Delta): void {
  state.seen.addLayer(delta.sentences);
  for (const [key, id] of delta.results) if (!state.results.has(key)) state.results.set(key, id);
}

/** Trims one unit against the running state (which it extends). */
function trimUnit(kind: UnitKind, value: unknown, protect: boolean, state: State, toolNames: ReadonlyMap<string, string>): MemoEntry {
  const delta: Delta = { sentences: new Set(), results: [] };
  const rules: RuleCounts = {};
  const added: string[] = [];
  const ctx: TrimContext = { state, delta, rules, toolNames, added };
  let trimmed: unknown = value;
  if (kind === 'anthropic-system') trimmed = trimInstructionContent(value, ctx);
  else if (isRecord(value)) trimmed = kind === 'openai-message' ? trimOpenAIMessage(value, ctx) : trimAnthropicMessage(value, ctx);

  ctx.delta.sentences = new Set(added);
  // The last user message still adds its sentences and results to the state (it stays in the request,
  // so later repeats of it may go), but is sent exactly as it came.
  if (protect || trimmed === value) return { out: undefined, tokensBefore: undefined, tokensAfter: undefined, rules: {}, delta };
  return { out: deepFreeze(cloneJson(trimmed)), tokensBefore: countTokens(value), tokensAfter: countTokens(trimmed), rules, delta };
}

interface TrimContext {
  state: State;
  delta: Delta;
  rules: RuleCounts;
  toolNames: ReadonlyMap<string, string>;
  /** Sentences this unit saw first, in order; they become its delta's layer. */
  added: string[];
}

/** Tool call id -> tool name, from OpenAI `tool_calls` and Anthropic `tool_use` blocks. */
function toolNamesById(messages: unknown[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const message of messages) {
    if (!isRecord(message)) continue;
    for (const call of Array.isArray(message.tool_calls) ? message.tool_calls : []) {
      if (isRecord(call) && typeof call.id === 'string' && isRecord(call.function) && typeof call.function.name === 'string') names.set(call.id, call.function.name);
    }
    for (const block of Array.isArray(message.content) ? message.content : []) {
      if (isRecord(block) && block.type === 'tool_use' && typeof block.id === 'string' && typeof block.name === 'string') names.set(block.id, block.name);
    }
  }
  return names;
}

/** System, user and assistant text: rules 3–7 when long, then rule 1. */
function trimInstructionText(text: string, ctx: TrimContext): string {
  const cleaned = text.length >= longTextChars ? cleanTerminalText(text, ctx.rules) : text;
  const trimmed = removeRepeats(cleaned, ctx.state.seen, ctx.added, ctx.rules);
  return trimmed === text ? text : trimmed;
}

/** A string or an array of text blocks/parts; anything else in it is left as it is. */
function trimInstructionContent(content: unknown, ctx: TrimContext): unknown {
  if (typeof content === 'string') return trimInstructionText(content, ctx);
  if (!Array.isArray(content)) return content;
  return mapIfChanged(content, (block) => {
    if (!isTextBlock(block)) return block;
    const text = trimInstructionText(block.text, ctx);
    return text === block.text ? block : { ...block, text };
  });
}

function trimOpenAIMessage(message: Record<string, unknown>, ctx: TrimContext): Record<string, unknown> {
  const role = message.role;
  let content: unknown = message.content;
  if (role === 'tool' || role === 'function') {
    content = trimToolContent(message.content, typeof message.tool_call_id === 'string' ? message.tool_call_id : undefined, ctx);
  } else if (role === 'system' || role === 'developer' || role === 'user' || role === 'assistant') {
    content = trimInstructionContent(message.content, ctx);
  }
  return content === message.content ? message : { ...message, content };
}

function trimAnthropicMessage(message: Record<string, unknown>, ctx: TrimContext): Record<string, unknown> {
  if (message.role !== 'user' && message.role !== 'assistant') return message;
  const original = message.content;
  let content: unknown = original;
  if (typeof original === 'string') content = trimInstructionText(original, ctx);
  else if (Array.isArray(original)) {
    content = mapIfChanged(original, (block) => {
      if (isTextBlock(block)) {
        const text = trimInstructionText(block.text, ctx);
        return text === block.text ? block : { ...block, text };
      }
      if (isRecord(block) && block.type === 'tool_result') {
        const id = typeof block.tool_use_id === 'string' ? block.tool_use_id : undefined;
        const resultContent = trimToolContent(block.content, id, ctx);
        return resultContent === block.content ? block : { ...block, content: resultContent };
      }
      return block; // images, documents, tool_use, thinking: never touched
    });
  }
  return content === original ? message : { ...message, content };
}

/** A tool result's content (string, or blocks/parts): rules 3–7 on its text (not for file contents), then rule 2. */
function trimToolContent(content: unknown, id: string | undefined, ctx: TrimContext): unknown {
  const isFileContent = id !== undefined && fileContentTools.test(ctx.toolNames.get(id) ?? '');
  const clean = (text: string): string => (isFileContent ? text : cleanTerminalText(text, ctx.rules));
  if (typeof content === 'string') {
    const text = clean(content);
    const duplicateOf = checkDuplicate([text], id, ctx);
    if (duplicateOf !== undefined) return duplicateReference(duplicateOf);
    return text === content ? content : text;
  }
  if (!Array.isArray(content)) return content;
  const cleaned = mapIfChanged(content, (block) => {
    if (!isTextBlock(block)) return block;
    const text = clean(block.text);
    return text === block.text ? block : { ...block, text };
  });
  // Only all-text results are compared: one with an image is never replaced.
  if (cleaned.length === 0 || !cleaned.every(isTextBlock)) return cleaned;
  const blocks = cleaned as Array<Record<string, unknown> & { text: string }>;
  const duplicateOf = checkDuplicate(
    blocks.map((block) => block.text),
    id,
    ctx,
  );
  if (duplicateOf === undefined) return cleaned;
  // The reference goes into the first block, which keeps its own fields (and any cache_control);
  // further blocks may only go if none of them carries cache_control.
  const first = { ...blocks[0]!, text: duplicateReference(duplicateOf) };
  if (blocks.length === 1) return [first];
  if (blocks.slice(1).some((block) => block.cache_control !== undefined)) return cleaned;
  return [first];
}

/**
 * Rule 2 against the running state: the id of an earlier identical result, or undefined (then this
 * result, if it has an id, becomes the one later duplicates refer to).
 */
function checkDuplicate(texts: string[], id: string | undefined, ctx: TrimContext): string | undefined {
  const key = toolResultKey(texts);
  const first = ctx.state.results.get(key);
  if (first !== undefined) {
    if (first === id || !worthReplacing(texts, first)) return undefined;
    countRule(ctx.rules, 'duplicate-tool-result');
    return first;
  }
  if (id !== undefined) {
    ctx.state.results.set(key, id);
    ctx.delta.results.push([key, id]);
  }
  return undefined;
}

/** Maps an array, returning the same array when no element changed. */
function mapIfChanged<T>(items: readonly T[], map: (item: T) => T): T[] {
  let changed = false;
  const out = items.map((item) => {
    const next = map(item);
    if (next !== item) changed = true;
    return next;
  });
  return changed ? out : (items as T[]);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTextBlock(value: unknown): value is Record<string, unknown> & { type: 'text'; text: string } {
  return isRecord(value) && value.type === 'text' && typeof value.text === 'string';
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const field of Object.values(value)) deepFreeze(field);
  }
  return value;
}

/**
 * The sentences seen so far in a request, as layers: each memoised message contributes its own frozen
 * set, pushed in O(1), instead of its sentences being copied into one set on every request (that copy
 * of a long system prompt's sentences was most of a 1.4 ms trim).
 */
class LayeredSentences {
  readonly #layers: Array<ReadonlySet<string>> = [];
  readonly #own = new Set<string>();

  addLayer(layer: ReadonlySet<string>): void {
    if (layer.size > 0) this.#layers.push(layer);
  }

  has(key: string): boolean {
    if (this.#own.has(key)) return true;
    return this.#layers.some((layer) => layer.has(key));
  }

  add(key: string): this {
    this.#own.add(key);
    return this;
  }
}

/** A structural copy; strings are immutable and shared. */
function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) out[key] = cloneJson(field);
    return out as T;
  }
  return value;
}

/** The texts of a message a provider bills: content text, tool results, tool calls, thinking. */
function collectTexts(node: unknown, out: string[]): void {
  if (typeof node === 'string') out.push(node);
  else if (Array.isArray(node)) for (const item of node) collectTexts(item, out);
  else if (isRecord(node)) {
    const type = node.type;
    if (type === 'image' || type === 'image_url' || type === 'document' || type === 'input_audio' || type === 'redacted_thinking') return;
    if (type === 'tool_use') {
      out.push(String(node.name ?? ''), JSON.stringify(node.input ?? {}));
      return;
    }
    for (const field of ['text', 'thinking', 'content', 'refusal']) if (field in node) collectTexts(node[field], out);
    if (Array.isArray(node.tool_calls)) {
      for (const call of node.tool_calls) {
        const fn = isRecord(call) && isRecord(call.function) ? call.function : undefined;
        if (fn) out.push(String(fn.name ?? ''), String(fn.arguments ?? ''));
      }
    }
  }
}

function countTokens(unit: unknown): number {
  const texts: string[] = [];
  collectTexts(unit, texts);
  return texts.reduce((sum, text) => sum + countTextTokensSync(text), 0);
}
