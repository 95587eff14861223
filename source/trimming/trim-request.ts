import { createHash } from 'node:crypto';
import { exactBytes, fingerprintJson } from '../caching/text-digest.js';
import { FrozenPartMemo } from '../json/frozen.js';
import { loadTokenizer, tokenizerLoaded } from '../stats/count-tokens.js';
import { approximateChars, cloneJson, deepFreeze, isRecord } from './json.js';
import { noLossyRules, type LossySettings } from './lossy/apply-lossy.js';
import { LruMemo } from './memo.js';
import { Pacer } from './pacer.js';
import { addCounts, type RuleCounts, type TrimRule } from './rules.js';
import { summariseUnit, type UnitSummary } from './unit-summary.js';
import { callIdentity, labelFields, ToolCalls, type CallsSeen, type ToolCall } from './tool-calls.js';
import { trimUnit, type UnitKind, type TrimState, type Delta } from './trim-unit.js';
import { countTokensPaced } from './token-count.js';
import { rememberDescriptionStarts, unreadKey } from './repeated-text.js';
import { clearScreenMemo } from './tool-output.js';

export type { TrimRule } from './rules.js';

/**
 * L2.5, context trimming, lossless by contract: what the provider receives carries the same information
 * as what the client sent. Only two things are removed by default:
 * 1. in a tool result, what a terminal would never have shown: frames overwritten by `\r`, cursor movement
 *    and erase sequences, spinners and progress redraws (the final screen stays byte for byte), only where
 *    the output is plainly a terminal display (terminal-display.ts), and colour escape sequences that
 *    change nothing (colour itself is kept: colour-policy.ts);
 * 2. repeats: a tool result byte-identical to the previous result of the same call (same tool, same
 *    arguments but a label: tool-calls.ts), and an instruction paragraph or text block byte-identical to
 *    one in an earlier message, each replaced by a short reference the model can resolve without call ids (trim-unit.ts,
 *    repeated-text.ts): when it could be taken to mean another earlier text, the repeat is sent whole.
 * Lossy rules (collapsing repeated lines, blank lines, trailing whitespace) run only when switched on.
 * It never changes the text of the last user message, tools or any other non-message field, images, tool
 * calls, cache_control markers, or the order, roles and ids of messages; file contents are only deduplicated.
 *
 * Prefix stability: the trimmed form of message i depends only on messages 0..i, so provider prompt caches
 * keep hitting. The tool results of the last user message (Anthropic's, where Claude Code puts its one
 * moving cache breakpoint) are trimmed as every later request will trim them: were they sent as they came
 * while last and trimmed from the next turn on, the bytes the provider cached at that breakpoint would
 * change, and the next request would miss the cache for the whole conversation. Two exceptions, both in
 * the direction of sending more: the last user message's text is sent as it is while it is last, and
 * when a later message talks about colour or escape sequences, earlier results get their colour's exact
 * bytes back from that turn on.
 * Each message is memoised under a chained hash (previous key + this message), holding the trimmed message,
 * its token counts and what it added to the running state, so repeated prefixes cost a hash.
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
  /** Messages left alone because they were larger than `maxMessageChars`. */
  skippedForSize: number;
}

export type TrimProtocol = 'openai' | 'anthropic';

export interface TrimOptions {
  /**
   * Count the tokens of every message, not only of those trimming changed. The saving is the same
   * either way; whole-request totals cost a tokenizer pass over each new message, which the gateway
   * does not pay (the provider's usage reports the prompt's exact size anyway).
   */
  countAll?: boolean;
  /**
   * A message is rewritten only when that saves at least this many tokens. Rewriting any message
   * re-serialises the whole request and ends byte-for-byte passthrough; for a small saving in a 50 KB
   * prompt that costs more than it saves. The decision depends only on the message and those before it,
   * so it keeps the output prefix-stable. Default 0.
   */
  minSavedTokens?: number;
  /** `keep`: colour is never dropped, not even where it is decoration. Default `auto`. */
  colour?: 'auto' | 'keep';
  /**
   * `keep`: tool outputs are never drawn to their final screen (nor their colour bytes rewritten): the
   * conversation is about the raw bytes. Default `auto`: so when a message talks about escape sequences,
   * control characters or carriage returns (colour-policy.ts).
   */
  drawing?: 'auto' | 'keep';
  /** Opt-in lossy rules; all off by default. */
  lossy?: LossySettings;
  /** A message holding more characters than this is forwarded as it came and not analysed. */
  maxMessageChars?: number;
  /** Yield to the event loop after this long (ms); Infinity for callers that want it all at once. */
  sliceMs?: number;
}

/** Bumped whenever a rule changes, so memoised results of an older rule set are never reused. */
const trimmerVersion = 'l2.5/v10-lossless';

export const defaultMaxMessageChars = 512 * 1024;

/** Ready to trim: loads the tokenizer (call once at gateway start). */
export async function prepareTrimmer(): Promise<void> {
  await loadTokenizer();
}

/** Whether prepareTrimmer() has finished (trimRequestBody throws before that). */
export function trimmerReady(): boolean {
  return tokenizerLoaded();
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
const summaries = new LruMemo<UnitSummary>(4000, 8_000_000);

/** Forgets every memoised message (for measurements and tests). */
export function clearTrimMemo(): void {
  memo.clear();
  summaries.clear();
  clearScreenMemo();
}

interface Unit {
  kind: UnitKind;
  value: unknown;
  protect: boolean;
  json: string;
  hash: string;
  summary: UnitSummary | undefined;
}

/** Trims a request body in the caller's protocol (after prepareTrimmer()). */
export async function trimRequestBody(body: Record<string, unknown>, protocol: TrimProtocol, options: TrimOptions = {}): Promise<TrimResult> {
  if (!trimmerReady()) throw new Error('The L2.5 trimmer is not ready: await prepareTrimmer() once before trimming.');
  const messages = body.messages;
  if (!Array.isArray(messages)) return { body: { ...body }, changed: false, tokensBefore: 0, tokensAfter: 0, rules: {}, skippedForSize: 0 };
  const pacer = new Pacer(options.sliceMs ?? 4);
  const maxMessageChars = options.maxMessageChars ?? defaultMaxMessageChars;
  const lossy = options.lossy ?? noLossyRules;

  let lastUser = -1;
  messages.forEach((message, i) => {
    if (isRecord(message) && message.role === 'user') lastUser = i;
  });

  // A tool result's call always comes earlier, so knowing the calls keeps the output prefix-stable.
  // Arguments that are only a label (Claude Code's Bash `description`), as the request's tools define them.
  const labels = labelFields(body.tools);
  const calls = new ToolCalls(messages, labels);
  const units: Unit[] = [];
  const hasSystem = protocol === 'anthropic' && body.system !== undefined;
  const rawUnits: Array<{ kind: UnitKind; value: unknown; protect: boolean }> = [];
  if (hasSystem) rawUnits.push({ kind: 'anthropic-system', value: body.system, protect: false });
  messages.forEach((message, i) => rawUnits.push({ kind: protocol === 'anthropic' ? 'anthropic-message' : 'openai-message', value: message, protect: i === lastUser }));

  // First pass: what each message says about colour (memoised by the message's own hash and the labels).
  const labelsKey = JSON.stringify([...labels]);
  let skippedForSize = 0;
  for (const raw of rawUnits) {
    const { json, hash, chars } = unitIdentity(raw.kind, raw.value);
    let summary: UnitSummary | undefined;
    if (chars > maxMessageChars) skippedForSize += 1;
    else {
      summary = summaries.get(`${labelsKey}\u0000${hash}`);
      if (!summary) {
        summary = summariseUnit(raw.kind, raw.value, labels);
        summaries.set(`${labelsKey}\u0000${hash}`, summary, 100 + labelsKey.length);
      }
    }
    units.push({ ...{}, ...raw, json, hash, summary });
    await pacer.pace();
  }
  const bytesTalk = options.drawing === 'keep' || units.some((unit) => unit.summary?.talksAboutTerminalBytes);
  const colourTalk = bytesTalk || options.colour === 'keep' || units.some((unit) => unit.summary?.talksAboutColour);

  const earlierText = new LayeredSet();
  // The tools' descriptions are read before the messages (Anthropic puts them first; chat templates into
  // the system prompt): a reference whose quote starts like one of their paragraphs could be taken for it.
  // Chat's legacy `functions` field is read the same way (the model reads those descriptions too).
  const described = bothDescriptions(descriptionsOf(body.tools), descriptionsOf(body.functions));
  earlierText.describe(described.starts);
  const state: TrimState = { earlierText, results: new Map() };
  const pending: Delta[] = [];
  const rules: RuleCounts = {};
  let tokensBefore = 0;
  let tokensAfter = 0;
  let changed = false;
  let chain = `${trimmerVersion}\u0000${colourTalk ? 'c' : '-'}${bytesTalk ? 'b' : '-'}\u0000${JSON.stringify(lossy)}\u0000${labelsKey}\u0000${described.key}`;
  const outputs: unknown[] = [];
  for (const [index, unit] of units.entries()) {
    await pacer.pace();
    // The protected last message, when nothing follows it and it holds no tool results, is sent as it
    // came and no later message here can repeat it: nothing to analyse or remember. (Once a later turn
    // follows it, its memo key changes and its text is trimmed like any other.) Too large a message is
    // left alone too.
    if ((unit.protect && index === units.length - 1 && !holdsToolResults(unit.value)) || unit.summary === undefined) {
      if (unit.summary === undefined) {
        // Too large to analyse, but its results are the latest runs of their calls: a later identical
        // result must not refer past them to an older run.
        chain = createHash('sha256').update(chain).update('\u0000S\u0000').update(unit.hash).digest('base64');
        pending.push(unanalysedDelta(unit.value, calls.seenFrom(index - (hasSystem ? 1 : 0))));
      }
      if (options.countAll) {
        const count = await countUnitTokens(unit.value, pacer);
        tokensBefore += count;
        tokensAfter += count;
      }
      outputs.push(unit.value);
      continue;
    }
    chain = createHash('sha256')
      .update(chain)
      .update(unit.protect ? '\u0000P\u0000' : '\u0000-\u0000')
      .update(unit.hash)
      .digest('base64');
    let entry = memo.get(chain);
    if (entry) {
      pending.push(entry.delta);
    } else {
      for (const delta of pending.splice(0)) applyDelta(earlierText, state, delta);
      const trimmed = await trimUnit(unit.kind, unit.value, { state, calls: calls.seenFrom(index - (hasSystem ? 1 : 0)), pacer, colourTalk, keepDrawing: bytesTalk, lossy, keepText: unit.protect });
      entry =
        trimmed.value === unit.value
          ? { out: undefined, tokensBefore: undefined, tokensAfter: undefined, rules: {}, delta: trimmed.delta }
          : {
              out: deepFreeze(cloneJson(trimmed.value)),
              tokensBefore: await countUnitTokens(unit.value, pacer),
              tokensAfter: await countUnitTokens(trimmed.value, pacer),
              rules: trimmed.rules,
              delta: trimmed.delta,
            };
      applyDelta(earlierText, state, entry.delta);
      memo.set(chain, entry, memoWeight(entry, unit.json.length));
    }
    const worthIt = entry.out !== undefined && (entry.tokensBefore ?? 0) - (entry.tokensAfter ?? 0) >= (options.minSavedTokens ?? 0);
    if (!worthIt) {
      if (options.countAll) {
        const count = entry.out === undefined ? (entry.tokensBefore ??= await countUnitTokens(unit.value, pacer)) : (entry.tokensBefore ?? 0);
        tokensBefore += count;
        tokensAfter += count;
      }
      outputs.push(unit.value);
      continue;
    }
    tokensBefore += entry.tokensBefore ?? 0;
    tokensAfter += entry.tokensAfter ?? 0;
    addCounts(rules, entry.rules);
    changed = true;
    // Shared with the memo, so frozen: a caller cannot change what later requests get.
    outputs.push(entry.out);
  }

  const out: Record<string, unknown> = { ...body };
  if (hasSystem) out.system = outputs.shift();
  out.messages = outputs;
  return { body: out, changed, tokensBefore, tokensAfter, rules, skippedForSize };
}

/**
 * A request's tool descriptions: a key naming them (for the memo chain) and their paragraph starts
 * (rememberDescriptionStarts), read only when a reference is about to be made (most requests make none).
 */
interface Descriptions {
  key: string;
  starts: () => ReadonlySet<string>;
}

/** Tools recur in every request of a session, shared and frozen (json/frozen.ts): read once. */
const toolDescriptions = new FrozenPartMemo<Descriptions>();
const noDescriptions: Descriptions = { key: '', starts: () => new Set() };

function descriptionsOf(tools: unknown): Descriptions {
  if (!Array.isArray(tools) || tools.length === 0) return noDescriptions;
  return toolDescriptions.get(tools, () => {
    // Every `description` in a definition: the tool's own and its parameters' (all read by the model).
    const texts: string[] = [];
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) for (const item of node) visit(item);
      else if (isRecord(node)) {
        for (const [field, value] of Object.entries(node)) {
          if (field === 'description' && typeof value === 'string') texts.push(value);
          else visit(value);
        }
      }
    };
    visit(tools);
    if (texts.length === 0) return noDescriptions;
    const key = createHash('sha256');
    for (const text of texts) key.update(exactBytes(text)).update('\u0000');
    let starts: Set<string> | undefined;
    return {
      key: key.digest('base64'),
      starts: () => {
        if (starts === undefined) {
          starts = new Set();
          for (const text of texts) rememberDescriptionStarts(text, starts);
        }
        return starts;
      },
    };
  });
}

/** The descriptions of `tools` and of chat's legacy `functions`, as one (most requests carry only one of them). */
function bothDescriptions(tools: Descriptions, functions: Descriptions): Descriptions {
  if (functions === noDescriptions) return tools;
  if (tools === noDescriptions) return { key: `f${functions.key}`, starts: functions.starts };
  let starts: Set<string> | undefined;
  return { key: `${tools.key}\u0000f${functions.key}`, starts: () => (starts ??= new Set([...tools.starts(), ...functions.starts()])) };
}

/** Whether an (Anthropic) message holds tool results. */
function holdsToolResults(message: unknown): boolean {
  return isRecord(message) && Array.isArray(message.content) && message.content.some((block) => isRecord(block) && block.type === 'tool_result');
}

/** A message's fingerprint, hash and size; for a message shared between requests (json/frozen.ts), computed once. */
const identities = { 'anthropic-system': new FrozenPartMemo<UnitIdentity>(), 'anthropic-message': new FrozenPartMemo<UnitIdentity>(), 'openai-message': new FrozenPartMemo<UnitIdentity>() } satisfies Record<UnitKind, FrozenPartMemo<UnitIdentity>>;

interface UnitIdentity {
  json: string;
  hash: string;
  chars: number;
}

function unitIdentity(kind: UnitKind, value: unknown): UnitIdentity {
  return identities[kind].get(value, () => {
    const json = fingerprintJson(value);
    return { json, hash: createHash('sha256').update(kind).update('\u0000').update(json).digest('base64'), chars: approximateChars(value) };
  });
}

/** About the characters an entry keeps alive: the trimmed copy (if any) and the remembered keys. */
function memoWeight(entry: MemoEntry, jsonLength: number): number {
  return 200 + (entry.out === undefined ? 0 : jsonLength) + 64 * (entry.delta.text.size + entry.delta.results.length);
}

function applyDelta(earlierText: LayeredSet, state: TrimState, delta: Delta): void {
  earlierText.addLayer(delta.text);
  for (const [call, result] of delta.results) state.results.set(call, result);
}

/** The tool results of a message, in order: their call ids and calls (undefined when not in the request). */
function resultCalls(message: unknown, calls: CallsSeen): Array<[string, ToolCall | undefined]> {
  if (!isRecord(message)) return [];
  const ids: string[] = [];
  if ((message.role === 'tool' || message.role === 'function') && typeof message.tool_call_id === 'string') ids.push(message.tool_call_id);
  for (const block of Array.isArray(message.content) ? message.content : []) {
    if (isRecord(block) && block.type === 'tool_result' && typeof block.tool_use_id === 'string') ids.push(block.tool_use_id);
  }
  return ids.map((id) => [id, calls.get(id)]);
}

/** A message left unanalysed: each of its results becomes the latest of its call, matching nothing. */
function unanalysedDelta(message: unknown, calls: CallsSeen): Delta {
  const results: Delta['results'] = [];
  for (const [id, call] of resultCalls(message, calls)) if (call) results.push([callIdentity(call), { key: '', id, order: call.order, arguments: call.arguments }]);
  return { text: new Set([unreadKey]), results };
}

const noKeys: ReadonlySet<string> = new Set();

/**
 * The keys seen in earlier messages, as layers: each memoised message contributes its own frozen set,
 * pushed in O(1), instead of its keys being copied into one set on every request.
 */
class LayeredSet {
  readonly #layers: Array<ReadonlySet<string>> = [];
  /** The tool descriptions' keys (`d...`, repeated-text.ts), read on the first question about one. */
  #descriptions: () => ReadonlySet<string> = () => noKeys;
  /** Small layers (most messages leave a few keys) are copied into one set, so a lookup is not one per message. */
  readonly #small = new Set<string>();

  addLayer(layer: ReadonlySet<string>): void {
    if (layer.size > 64) this.#layers.push(layer);
    else for (const key of layer) this.#small.add(key);
  }

  describe(descriptions: () => ReadonlySet<string>): void {
    this.#descriptions = descriptions;
  }

  has(key: string): boolean {
    if (key.charCodeAt(0) === 0x64 /* d */) return this.#descriptions().has(key);
    return this.#small.has(key) || this.#layers.some((layer) => layer.has(key));
  }
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

async function countUnitTokens(unit: unknown, pacer: Pacer): Promise<number> {
  const texts: string[] = [];
  collectTexts(unit, texts);
  let total = 0;
  for (const text of texts) total += await countTokensPaced(text, pacer);
  return total;
}
