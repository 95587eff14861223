import { isRecord, isTextBlock, mapIfChanged } from './json.js';
import type { LossySettings } from './lossy/apply-lossy.js';
import type { Pacer } from './pacer.js';
import { referenceRepeatedBlock, referenceRepeatedParagraphs, type EarlierText } from './repeated-text.js';
import { countRule, type RuleCounts } from './rules.js';
import { isFileContent, type ToolCall } from './tool-calls.js';
import { duplicateReference, finishOutput, plainKey, renderPaced, resultKey } from './tool-output.js';

export type UnitKind = 'openai-message' | 'anthropic-message' | 'anthropic-system';

/** What earlier messages of the request left for later ones to refer to. */
export interface TrimState {
  earlierText: EarlierText;
  /** Result key -> id of the first tool call that printed it. */
  results: Map<string, string>;
}

/** What trimming one message (or the system prompt) added to the running state. */
export interface Delta {
  /** Keys of its paragraphs and text blocks (built once; replaying a memoised message adds it as one layer). */
  text: ReadonlySet<string>;
  results: Array<[key: string, id: string]>;
}

export interface UnitContext {
  state: TrimState;
  calls: ReadonlyMap<string, ToolCall>;
  pacer: Pacer;
  /** The request talks about colour: no result loses its colour. */
  colourTalk: boolean;
  /** Plain keys of results whose colour is what tells them apart from another result. */
  keepColourOf: ReadonlySet<string>;
  lossy: LossySettings;
}

interface Work extends UnitContext {
  rules: RuleCounts;
  addedText: string[];
  addedResults: Array<[string, string]>;
}

/** Trims one message (or the Anthropic system prompt) against what came before it. */
export async function trimUnit(kind: UnitKind, value: unknown, context: UnitContext): Promise<{ value: unknown; rules: RuleCounts; delta: Delta }> {
  const work: Work = { ...context, rules: {}, addedText: [], addedResults: [] };
  let trimmed: unknown = value;
  if (kind === 'anthropic-system') trimmed = trimInstructionContent(value, work);
  else if (isRecord(value)) trimmed = kind === 'openai-message' ? await trimOpenAIMessage(value, work) : await trimAnthropicMessage(value, work);
  return { value: trimmed, rules: work.rules, delta: { text: new Set(work.addedText), results: work.addedResults } };
}

/** System, user and assistant text: a whole text or paragraph repeated from an earlier message becomes a reference. */
function trimInstructionText(text: string, work: Work): string {
  const block = referenceRepeatedBlock(text, work.state.earlierText, work.addedText);
  if (block !== undefined) {
    countRule(work.rules, 'repeated-block');
    return block;
  }
  const paragraphs = referenceRepeatedParagraphs(text, work.state.earlierText, work.addedText);
  countRule(work.rules, 'repeated-paragraph', paragraphs.replaced);
  return paragraphs.text;
}

/** A string or an array of text blocks/parts; anything else in it is left as it is. */
function trimInstructionContent(content: unknown, work: Work): unknown {
  if (typeof content === 'string') return trimInstructionText(content, work);
  if (!Array.isArray(content)) return content;
  return mapIfChanged(content, (block) => {
    if (!isTextBlock(block)) return block;
    const text = trimInstructionText(block.text, work);
    return text === block.text ? block : { ...block, text };
  });
}

async function trimOpenAIMessage(message: Record<string, unknown>, work: Work): Promise<Record<string, unknown>> {
  const role = message.role;
  let content: unknown = message.content;
  if (role === 'tool' || role === 'function') {
    content = await trimToolContent(message.content, typeof message.tool_call_id === 'string' ? message.tool_call_id : undefined, work);
  } else if (role === 'system' || role === 'developer' || role === 'user' || role === 'assistant') {
    content = trimInstructionContent(message.content, work);
  }
  return content === message.content ? message : { ...message, content };
}

async function trimAnthropicMessage(message: Record<string, unknown>, work: Work): Promise<Record<string, unknown>> {
  if (message.role !== 'user' && message.role !== 'assistant') return message;
  const original = message.content;
  if (typeof original === 'string') {
    const text = trimInstructionText(original, work);
    return text === original ? message : { ...message, content: text };
  }
  if (!Array.isArray(original)) return message;
  const blocks: unknown[] = [];
  let changed = false;
  for (const block of original) {
    let next: unknown = block;
    if (isTextBlock(block)) {
      const text = trimInstructionText(block.text, work);
      if (text !== block.text) next = { ...block, text };
    } else if (isRecord(block) && block.type === 'tool_result') {
      const id = typeof block.tool_use_id === 'string' ? block.tool_use_id : undefined;
      const content = await trimToolContent(block.content, id, work);
      if (content !== block.content) next = { ...block, content };
    }
    // images, documents, tool_use, thinking: never touched
    if (next !== block) changed = true;
    blocks.push(next);
  }
  return changed ? { ...message, content: blocks } : message;
}

/**
 * A tool result's content (a string, or text blocks/parts): rendered like a terminal unless it is a file's
 * contents, then replaced by a reference if an earlier result rendered the same (colour included), else
 * sent with colour dropped where it is decoration.
 */
async function trimToolContent(content: unknown, id: string | undefined, work: Work): Promise<unknown> {
  const fileContent = isFileContent(id === undefined ? undefined : work.calls.get(id));
  const blocks = typeof content === 'string' ? undefined : Array.isArray(content) ? content : null;
  if (blocks === null) return content;
  const texts = blocks === undefined ? [content as string] : blocks.filter(isTextBlock).map((block) => block.text);
  const rendered: string[] = [];
  for (const text of texts) rendered.push(fileContent ? text : await renderPaced(text, work.pacer));

  // Only all-text results are compared: one with an image is never replaced.
  const allText = blocks === undefined || (blocks.length > 0 && blocks.every(isTextBlock));
  if (allText) {
    await work.pacer.pace();
    const key = resultKey(rendered);
    const first = work.state.results.get(key) ?? work.addedResults.find(([seen]) => seen === key)?.[1];
    if (first === undefined) {
      if (id !== undefined) work.addedResults.push([key, id]);
    } else if (first !== id) {
      const reference = duplicateReference(first, id);
      if (reference.length < texts.reduce((sum, text) => sum + text.length, 0)) {
        const replaced = replaceWithReference(content, reference);
        if (replaced !== content) {
          countRule(work.rules, 'duplicate-tool-result');
          return replaced;
        }
      }
    }
  }
  if (fileContent) return content;

  const keepColour = work.colourTalk || (work.keepColourOf.size > 0 && work.keepColourOf.has(plainKey(rendered)));
  const rules = { keepColour, lossy: work.lossy };
  if (blocks === undefined) return finishOutput(content as string, rendered[0]!, rules, work.rules, work.pacer);
  const finished: unknown[] = [];
  let index = 0;
  for (const block of blocks) {
    if (!isTextBlock(block)) finished.push(block);
    else {
      const text = await finishOutput(block.text, rendered[index++]!, rules, work.rules, work.pacer);
      finished.push(text === block.text ? block : { ...block, text });
    }
  }
  return finished.every((block, i) => block === blocks[i]) ? blocks : finished;
}

/**
 * The reference goes into the first block, which keeps its own fields (and any cache_control); further
 * blocks may only go if none of them carries cache_control (else the result is sent as it is).
 */
function replaceWithReference(content: unknown, reference: string): unknown {
  if (typeof content === 'string') return reference;
  const blocks = content as Array<Record<string, unknown>>;
  if (blocks.slice(1).some((block) => block.cache_control !== undefined)) return content;
  return [{ ...blocks[0]!, text: reference }];
}
