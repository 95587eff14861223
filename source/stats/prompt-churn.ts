import { FrozenPartMemo } from '../json/frozen.js';
import { systemWithoutBookkeeping, withoutBookkeepingLine } from '../protocols/client-bookkeeping.js';
import type { PromptChurn } from '../state/request-record.js';

export type { PromptChurn } from '../state/request-record.js';

interface LastPrompt {
  system: string;
  toolsJson: string;
  tools: Map<string, string>;
}

/** The JSON of a tools list shared between requests (json/frozen.ts) is made once. */
const toolsJsonOf = new FrozenPartMemo<string>();

/** Remembers the last prompt of this many tools; the oldest is forgotten first. */
const maxTracked = 64;

export class PromptChurnTracker {
  readonly #last = new Map<string, LastPrompt>();

  /** Compares a request with the previous one from the same tool; null for a tool's first request. */
  observe(tool: string, body: Record<string, unknown>): PromptChurn | null {
    const system = systemPromptOf(body);
    const tools = Array.isArray(body.tools) ? (body.tools as unknown[]) : [];
    const toolsJson = toolsJsonOf.get(tools, () => JSON.stringify(tools));
    const previous = this.#last.get(tool);
    this.#last.delete(tool);
    const current: LastPrompt = { system, toolsJson, tools: previous && previous.toolsJson === toolsJson ? previous.tools : toolsByName(tools) };
    this.#last.set(tool, current);
    if (this.#last.size > maxTracked) this.#last.delete(this.#last.keys().next().value!);
    if (!previous) return null;
    const systemSpan = changedSpan(previous.system, system);
    return {
      systemBytes: systemSpan.bytes,
      systemLine: systemSpan.bytes === 0 ? null : lineAt(system, systemSpan.start),
      toolsBytes: changedSpan(previous.toolsJson, toolsJson).bytes,
      toolsChanged: previous.toolsJson === toolsJson ? [] : changedTools(previous.tools, current.tools),
    };
  }
}

/**
 * The instructions in front of the conversation: Anthropic's `system`, or OpenAI's leading system/developer
 * messages. A client's bookkeeping line (Claude Code's billing header, new with every prompt) is not
 * an instruction, so it is not counted as churn.
 */
function systemPromptOf(body: Record<string, unknown>): string {
  if (typeof body.system === 'string') return withoutBookkeepingLine(body.system);
  if (Array.isArray(body.system)) return textOf(systemWithoutBookkeeping(body.system.map(asTextBlock)));
  if (body.system !== undefined) return textOf(body.system);
  const messages = Array.isArray(body.messages) ? (body.messages as Array<{ role?: unknown; content?: unknown }>) : [];
  const leading: string[] = [];
  for (const message of messages) {
    if (message.role !== 'system' && message.role !== 'developer') break;
    leading.push(textOf(message.content));
  }
  return leading.join('\n');
}

/** A system entry as a text block (a block without text keeps its JSON as its text, as textOf would print it). */
function asTextBlock(block: unknown): { text: string } {
  const text = (block as { text?: unknown } | null)?.text;
  return typeof text === 'string' ? { text } : { text: JSON.stringify(block) };
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => (typeof (part as { text?: unknown }).text === 'string' ? (part as { text: string }).text : JSON.stringify(part))).join('\n');
  return content === undefined || content === null ? '' : JSON.stringify(content);
}

function toolsByName(tools: unknown[]): Map<string, string> {
  const byName = new Map<string, string>();
  tools.forEach((tool, index) => {
    const spec = tool as { name?: unknown; function?: { name?: unknown } };
    const name = typeof spec.function?.name === 'string' ? spec.function.name : typeof spec.name === 'string' ? spec.name : `#${index}`;
    byName.set(name, JSON.stringify(tool));
  });
  return byName;
}

function changedTools(before: Map<string, string>, after: Map<string, string>): string[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names].filter((name) => before.get(name) !== after.get(name)).sort();
}

/** The differing middle of two texts after their common prefix and suffix: where it starts in `after`, and its size in UTF-8 bytes. */
export function changedSpan(before: string, after: string): { start: number; bytes: number } {
  if (before === after) return { start: 0, bytes: 0 };
  const shorter = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < shorter && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix += 1;
  let suffix = 0;
  while (suffix < shorter - prefix && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix += 1;
  const removed = Buffer.byteLength(before.slice(prefix, before.length - suffix));
  const added = Buffer.byteLength(after.slice(prefix, after.length - suffix));
  return { start: prefix, bytes: Math.max(removed, added) };
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) line += 1;
  return line;
}
