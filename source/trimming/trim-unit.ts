import { chatMessageCalls, isRecord, isTextBlock, mapIfChanged } from './json.js';
import type { LossySettings } from './lossy/apply-lossy.js';
import type { Pacer } from './pacer.js';
import { referenceRepeatedBlock, referenceRepeatedParagraphs, rememberResultStarts, type EarlierText } from './repeated-text.js';
import { countRule, type RuleCounts } from './rules.js';
import { callIdentity, filtersOutput, quotesFiles, type CallsSeen, type ToolCall } from './tool-calls.js';
import { cutByTool, movesAcrossRows } from './terminal-display.js';
import { splitRunEnvelope } from './run-envelope.js';
import { duplicateReference, finishOutput, renderPaced, resultKey } from './tool-output.js';

export type UnitKind = 'openai-message' | 'anthropic-message' | 'anthropic-system';

/** What earlier messages of the request left for later ones to refer to. */
export interface TrimState {
  earlierText: EarlierText;
  /** Call identity (tool and arguments) -> the latest result of that call: its key and its call's id. */
  results: Map<string, LatestResult>;
}

export interface LatestResult {
  /** The rendered result's key; '' for a result that was not analysed (it never matches). */
  key: string;
  id: string;
  /** Its call's place among the calls: "the previous call" must have been made before this one. */
  order: number;
  /** Its call's arguments as sent (labels included). */
  arguments: string;
}

/** What trimming one message (or the system prompt) added to the running state. */
export interface Delta {
  /** Keys of its paragraphs and text blocks (built once; replaying a memoised message adds it as one layer). */
  text: ReadonlySet<string>;
  /** Its tool results in order, each the latest of its call from then on. */
  results: Array<[call: string, result: LatestResult]>;
}

export interface UnitContext {
  state: TrimState;
  /** The calls this message's results answer (ToolCalls.seenFrom). */
  calls: CallsSeen;
  pacer: Pacer;
  /** The request talks about colour or escape sequences (or `colour: keep`): colour bytes are forwarded as they came. */
  colourTalk: boolean;
  /** The request is about a program's raw bytes (or `drawing: keep`): no output is drawn to its final screen. */
  keepDrawing?: boolean;
  lossy: LossySettings;
  /** The last user message: its text (the user's words, what the client injected with them) is sent as it came. */
  keepText?: boolean;
}

interface Work extends UnitContext {
  rules: RuleCounts;
  addedText: Set<string>;
  addedResults: Array<[string, LatestResult]>;
}

/** Trims one message (or the Anthropic system prompt) against what came before it. */
export async function trimUnit(kind: UnitKind, value: unknown, context: UnitContext): Promise<{ value: unknown; rules: RuleCounts; delta: Delta }> {
  const work: Work = { ...{}, ...context, rules: {}, addedText: new Set(), addedResults: [] };
  markAmbiguousStarts(kind, value, work);
  let trimmed: unknown = value;
  if (kind === 'anthropic-system') trimmed = trimInstructionContent(value, work);
  else if (isRecord(value)) trimmed = kind === 'openai-message' ? await trimOpenAIMessage(value, work) : await trimAnthropicMessage(value, work);
  return { value: trimmed, rules: work.rules, delta: { text: work.addedText, results: work.addedResults } };
}

/**
 * A reference quotes a start the model finds an earlier text by; a text later in the same message that
 * starts the same way with other content (a pasted file with a function duplicated and changed, a tool
 * result next to the user's words) sits right by the reference and could be taken for it. So before
 * anything is replaced, every text of the message is remembered as a place, in a scratch set, and the
 * starts this makes ambiguous (`a...` keys, repeated-text.ts) are known from the message's first text on.
 */
function markAmbiguousStarts(kind: UnitKind, value: unknown, work: Work): void {
  const scratch = { earlier: work.state.earlierText, added: new Set<string>() };
  const instruction = (content: unknown): void => {
    const visit = (text: string): void => {
      referenceRepeatedBlock(text, scratch, false);
      referenceRepeatedParagraphs(text, scratch, false);
    };
    if (typeof content === 'string') visit(content);
    else if (Array.isArray(content)) for (const block of content) isTextBlock(block) ? visit(block.text) : placesIn(block);
  };
  const placesIn = (node: unknown): void => {
    if (isRecord(node) && (node.type === 'image' || node.type === 'image_url')) return;
    if (typeof node === 'string') rememberResultStarts(node, scratch.added);
    else if (Array.isArray(node)) for (const item of node) placesIn(item);
    else if (isRecord(node)) for (const field of Object.values(node)) placesIn(field);
  };
  if (kind === 'anthropic-system') instruction(value);
  else if (isRecord(value)) {
    const role = value.role;
    const instructions = kind === 'openai-message' ? role === 'system' || role === 'developer' || role === 'user' || role === 'assistant' : role === 'user' || role === 'assistant';
    if (!instructions) placesIn(value.content);
    else if (!Array.isArray(value.content)) instruction(value.content);
    else for (const block of value.content) isTextBlock(block) ? instruction(block.text) : placesIn(block);
    for (const args of kind === 'openai-message' ? callArguments(value) : []) {
      try {
        placesIn(JSON.parse(args));
      } catch {
        placesIn(args);
      }
    }
  }
  for (const key of scratch.added) if (key.startsWith('a')) work.addedText.add(key);
}

/** System, user and assistant text: a whole text or paragraph repeated from an earlier message becomes a reference. */
function trimInstructionText(text: string, work: Work, replaceable = true): string {
  const seen = { earlier: work.state.earlierText, added: work.addedText };
  const mayReplace = replaceable && work.keepText !== true;
  const block = referenceRepeatedBlock(text, seen, mayReplace);
  if (block !== undefined) {
    countRule(work.rules, 'repeated-block');
    return block;
  }
  const paragraphs = referenceRepeatedParagraphs(text, seen, mayReplace);
  countRule(work.rules, 'repeated-paragraph', paragraphs.replaced);
  return paragraphs.text;
}

/** Fields a text block may carry and still have its text replaced by a reference. */
const plainBlockFields = new Set(['type', 'text', 'cache_control']);

/**
 * A text block whose other fields are tied to its text (Anthropic `citations` quote it) is sent as it
 * came; it is still remembered, as a place later references could point at.
 */
function textOf(block: Record<string, unknown> & { text: string }, work: Work): string {
  const plain = Object.entries(block).every(([field, value]) => plainBlockFields.has(field) || value === null || value === undefined || (Array.isArray(value) && value.length === 0));
  return trimInstructionText(block.text, work, plain);
}

/** A string or an array of text blocks/parts; anything else in it is left as it is. */
function trimInstructionContent(content: unknown, work: Work): unknown {
  if (typeof content === 'string') return trimInstructionText(content, work);
  if (!Array.isArray(content)) return content;
  return mapIfChanged(content, (block) => {
    if (!isTextBlock(block)) {
      rememberBlockTexts(block, work);
      return block;
    }
    const text = textOf(block, work);
    return text === block.text ? block : { ...{}, ...block, text };
  });
}

/**
 * The texts a tool call carries (a file written, an edit's new text) are places a later reference could
 * be taken to point at, like tool results: their paragraph starts are remembered.
 */
function rememberCallTexts(value: unknown, work: Work): void {
  if (typeof value === 'string') rememberResultStarts(value, work.addedText);
  else if (Array.isArray(value)) for (const item of value) rememberCallTexts(item, work);
  else if (isRecord(value)) for (const field of Object.values(value)) rememberCallTexts(field, work);
}

/**
 * A block the model reads that is not a text block (a document, a search result, thinking): its texts
 * are places a later reference could be taken to point at. An image holds none.
 */
function rememberBlockTexts(block: unknown, work: Work): void {
  if (isRecord(block) && (block.type === 'image' || block.type === 'image_url')) return;
  rememberCallTexts(block, work);
}

/** The arguments (JSON text) of a chat assistant message's calls: its `tool_calls`, and the legacy `function_call`. */
const callArguments = (message: Record<string, unknown>): string[] => chatMessageCalls(message).map((call) => call.arguments);

function rememberOpenAICalls(message: Record<string, unknown>, work: Work): void {
  for (const args of callArguments(message)) {
    try {
      rememberCallTexts(JSON.parse(args), work);
    } catch {
      rememberResultStarts(args, work.addedText);
    }
  }
}

async function trimOpenAIMessage(message: Record<string, unknown>, work: Work): Promise<Record<string, unknown>> {
  const role = message.role;
  if (role === 'assistant') rememberOpenAICalls(message, work);
  let content: unknown = message.content;
  if (role === 'tool' || role === 'function') {
    content = await trimToolContent(message.content, typeof message.tool_call_id === 'string' ? message.tool_call_id : undefined, work);
  } else if (role === 'system' || role === 'developer' || role === 'user' || role === 'assistant') {
    content = trimInstructionContent(message.content, work);
  } else rememberOtherRole(message, work);
  return content === message.content ? message : { ...{}, ...message, content };
}

/**
 * A message in a role this trimmer does not trim (Claude Code sends its environment as a `system` message
 * among the Anthropic messages): sent as it came, but the model reads it, so its paragraphs are places a
 * later reference could be taken to point at.
 */
function rememberOtherRole(message: Record<string, unknown>, work: Work): void {
  const content = message.content;
  if (typeof content === 'string') rememberResultStarts(content, work.addedText);
  else if (Array.isArray(content)) for (const block of content) rememberBlockTexts(block, work);
}

async function trimAnthropicMessage(message: Record<string, unknown>, work: Work): Promise<Record<string, unknown>> {
  if (message.role !== 'user' && message.role !== 'assistant') {
    rememberOtherRole(message, work);
    return message;
  }
  const original = message.content;
  if (typeof original === 'string') {
    const text = trimInstructionText(original, work);
    return text === original ? message : { ...{}, ...message, content: text };
  }
  if (!Array.isArray(original)) return message;
  const blocks: unknown[] = [];
  let changed = false;
  for (const block of original) {
    let next: unknown = block;
    if (isTextBlock(block)) {
      const text = textOf(block, work);
      if (text !== block.text) next = { ...{}, ...block, text };
    } else if (isRecord(block) && block.type === 'tool_use') {
      rememberCallTexts(block.input, work);
    } else if (isRecord(block) && block.type === 'tool_result') {
      const id = typeof block.tool_use_id === 'string' ? block.tool_use_id : undefined;
      const content = await trimToolContent(block.content, id, work, block.is_error === true ? 'is_error' : '');
      if (content !== block.content) next = { ...{}, ...block, content };
    } else rememberBlockTexts(block, work);
    // images, documents, tool_use, thinking: never touched
    if (next !== block) changed = true;
    blocks.push(next);
  }
  return changed ? { ...{}, ...message, content: blocks } : message;
}

/**
 * A tool result's content (a string, or text blocks/parts): rendered like a terminal unless it quotes
 * files, then replaced by a reference if the previous result of the same call (same tool, same acting
 * arguments) rendered the same (colour included) with the same `flags` (is_error), else sent with its
 * colour in fewer escape bytes.
 *
 * Only the previous run of the same call is a reference target, never any earlier identical output: many
 * models never see tool call ids (chat templates render results without them), so "same output as call
 * X" would be unresolvable for them, and a file read, edited, read, reverted and read again would seem
 * to refer to the middle read. "The previous `read` call with the same arguments" names one result
 * without ids.
 */
async function trimToolContent(content: unknown, id: string | undefined, work: Work, flags = ''): Promise<unknown> {
  const call = id === undefined ? undefined : work.calls.get(id);
  const blocks = typeof content === 'string' ? undefined : Array.isArray(content) ? content : null;
  if (blocks === null) {
    // No content (an empty result) or one of another shape: still the latest run of its call, matching
    // nothing, so a later identical result never refers past it to an older run.
    if (call !== undefined && id !== undefined) work.addedResults.push([callIdentity(call), { key: '', id, order: call.order, arguments: call.arguments }]);
    return content;
  }
  const texts = blocks === undefined ? [content as string] : blocks.filter(isTextBlock).map((block) => block.text);
  // Quoted files are data; so is cursor movement across rows in output a filter (filtersOutput) or the
  // tool itself (cutByTool) cut lines out of: the rows it moves over may be gone. So is the output of a
  // call the request does not hold (a Responses request continuing with `previous_response_id` sends
  // only the outputs): it could be a file read (`cat build.log`), whose `\r` and escape bytes are content.
  const data = call === undefined || quotesFiles(call, texts) || (texts.some(movesAcrossRows) && (filtersOutput(call) || texts.some(cutByTool)));
  // Output a line filter passed through is not drawn either: `grep -n`, `sed 's/^/[api] /'` and awk put a
  // prefix before each line the program wrote, and a `\r` in the program's line returns over the prefix
  // too ("41:" of "41:Downloading 10%\r\u001b[K..." would be gone). Its colour is still written shorter.
  const draw = !data && work.keepDrawing !== true && !filtersOutput(call);
  const rendered: string[] = [];
  for (const text of texts) rendered.push(draw ? await renderPaced(text, work.pacer) : text);

  // Only all-text results of a known call are compared: one with an image is never replaced.
  const allText = blocks === undefined || (blocks.length > 0 && blocks.every(isTextBlock));
  if (call !== undefined && id !== undefined) {
    await work.pacer.pace();
    const identity = callIdentity(call);
    // A run header (Codex's chunk id and wall time) is compared without what changes on every run, and stays.
    const envelope = rendered.length === 1 ? splitRunEnvelope(rendered[0]!) : undefined;
    const key = !allText ? '' : envelope ? resultKey(['run-envelope', envelope.stableHeader, envelope.output], flags) : resultKey(rendered, flags);
    const previous = latestResult(identity, work);
    work.addedResults.push([identity, { key, id, order: call.order, arguments: call.arguments }]);
    // "The previous call with the same arguments" must name that result: no call of the same identity in between
    // (two parallel runs answered in the other order: the later call's result is the previous one, whatever came last).
    if (key !== '' && previous !== undefined && previous.key === key && previous.id !== id && previous.order < call.order && !work.calls.madeBetween(identity, previous.order, call.order)) {
      const reference = `${envelope?.header ?? ''}${duplicateReference(previous.id, id, call.name, differingLabels(previous.arguments, call))}`;
      if (reference.length < texts.reduce((sum, text) => sum + text.length, 0)) {
        const replaced = replaceWithReference(content, reference);
        if (replaced !== content) {
          countRule(work.rules, 'duplicate-tool-result');
          return replaced;
        }
      }
    }
  }
  for (const text of texts) rememberResultStarts(text, work.addedText);
  for (const block of blocks ?? []) if (!isTextBlock(block)) rememberBlockTexts(block, work);
  if (data) return content;

  const rules = { keepColourBytes: work.colourTalk, lossy: work.lossy };
  if (blocks === undefined) return finishOutput(content as string, rendered[0]!, rules, work.rules, work.pacer);
  const finished: unknown[] = [];
  let index = 0;
  for (const block of blocks) {
    if (!isTextBlock(block)) finished.push(block);
    else {
      const text = await finishOutput(block.text, rendered[index++]!, rules, work.rules, work.pacer);
      finished.push(text === block.text ? block : { ...{}, ...block, text });
    }
  }
  return finished.every((block, i) => block === blocks[i]) ? blocks : finished;
}

/** The label arguments (labelFields) two calls of the same acting arguments differ in. */
function differingLabels(previousArguments: string, call: ToolCall): string[] {
  if (previousArguments === call.arguments) return [];
  const parse = (args: string): Record<string, unknown> => {
    try {
      const parsed: unknown = JSON.parse(args);
      return isRecord(parsed) ? parsed : {};
    } catch {
      return {};
    }
  };
  const before = parse(previousArguments);
  const now = parse(call.arguments);
  return [...new Set([...Object.keys(before), ...Object.keys(now)])].filter((key) => JSON.stringify(before[key]) !== JSON.stringify(now[key]));
}

/** The latest result of a call: in this message so far, else in the earlier ones. */
function latestResult(identity: string, work: Work): LatestResult | undefined {
  for (let i = work.addedResults.length - 1; i >= 0; i--) if (work.addedResults[i]![0] === identity) return work.addedResults[i]![1];
  return work.state.results.get(identity);
}

/**
 * The reference goes into the first block, which keeps its own fields (and any cache_control); further
 * blocks may only go if none of them carries cache_control (else the result is sent as it is).
 */
function replaceWithReference(content: unknown, reference: string): unknown {
  if (typeof content === 'string') return reference;
  const blocks = content as Array<Record<string, unknown>>;
  if (blocks.slice(1).some((block) => block.cache_control !== undefined)) return content;
  return [{ ...{}, ...blocks[0]!, text: reference }];
}
