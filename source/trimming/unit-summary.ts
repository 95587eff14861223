import { talksAboutColour, talksAboutTerminalBytes } from './colour-policy.js';
import { chatMessageCalls, isRecord, isTextBlock } from './json.js';
import type { UnitKind } from './trim-unit.js';

/** What one message contributes to request-wide decisions (the colour policy), memoised per message. */
export interface UnitSummary {
  /** Its instructions or tool call arguments are about colour, formatting or escape sequences. */
  talksAboutColour: boolean;
  /** They are about a program's raw bytes (escape sequences, control characters, carriage returns): nothing is drawn. */
  talksAboutTerminalBytes: boolean;
}

/**
 * `labels` (labelFields): per tool, the arguments that are only a label for the user. Claude Code's Bash
 * `description` ("Run the tests and show the red failures") says what the agent meant to see, not that
 * the conversation is about colour: the command it runs does (`--color=always`).
 */
export function summariseUnit(kind: UnitKind, value: unknown, labels: ReadonlyMap<string, readonly string[]> = new Map()): UnitSummary {
  const summary: UnitSummary = { talksAboutColour: false, talksAboutTerminalBytes: false };
  const read = (text: string): void => {
    summary.talksAboutColour ||= talksAboutColour(text);
    summary.talksAboutTerminalBytes ||= talksAboutTerminalBytes(text);
  };
  const instruction = (content: unknown): void => {
    if (typeof content === 'string') read(content);
    else if (Array.isArray(content)) for (const block of content) if (isTextBlock(block)) read(block.text);
  };

  // A system prompt's standing formatting rules ("use markdown", "bold the key terms") are not the
  // conversation being about colour: only what the user and the agent say, and the commands it runs, count.
  if (kind === 'anthropic-system' || !isRecord(value) || value.role === 'system' || value.role === 'developer') return summary;
  if (value.role === 'tool' || value.role === 'function') return summary;
  instruction(value.content);
  for (const call of chatMessageCalls(value)) read(withoutLabels(call.arguments, labels.get(String(call.name))));
  for (const block of Array.isArray(value.content) ? value.content : []) {
    if (isRecord(block) && block.type === 'tool_use') read(withoutLabels(JSON.stringify(block.input ?? {}), labels.get(String(block.name))));
  }
  return summary;
}

/** A call's arguments without its label fields; as they are when it has none or they do not parse. */
function withoutLabels(args: string, labels: readonly string[] | undefined): string {
  if (labels === undefined) return args;
  try {
    const parsed: unknown = JSON.parse(args);
    if (!isRecord(parsed)) return args;
    return JSON.stringify(Object.fromEntries(Object.entries(parsed).filter(([key]) => !labels.includes(key))));
  } catch {
    return args;
  }
}
