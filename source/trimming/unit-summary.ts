import { talksAboutColour } from './colour-policy.js';
import { isRecord, isTextBlock } from './json.js';
import type { UnitKind } from './trim-unit.js';

/** What one message contributes to request-wide decisions (the colour policy), memoised per message. */
export interface UnitSummary {
  /** Its instructions or tool call arguments are about colour, formatting or escape sequences. */
  talksAboutColour: boolean;
}

export function summariseUnit(kind: UnitKind, value: unknown): UnitSummary {
  const summary: UnitSummary = { talksAboutColour: false };
  const instruction = (content: unknown): void => {
    if (typeof content === 'string') summary.talksAboutColour ||= talksAboutColour(content);
    else if (Array.isArray(content)) for (const block of content) if (isTextBlock(block)) summary.talksAboutColour ||= talksAboutColour(block.text);
  };

  // A system prompt's standing formatting rules ("use markdown", "bold the key terms") are not the
  // conversation being about colour: only what the user and the agent say, and the commands it runs, count.
  if (kind === 'anthropic-system' || !isRecord(value) || value.role === 'system' || value.role === 'developer') return summary;
  if (value.role === 'tool' || value.role === 'function') return summary;
  instruction(value.content);
  for (const call of Array.isArray(value.tool_calls) ? value.tool_calls : []) {
    if (isRecord(call) && isRecord(call.function) && typeof call.function.arguments === 'string') summary.talksAboutColour ||= talksAboutColour(call.function.arguments);
  }
  for (const block of Array.isArray(value.content) ? value.content : []) {
    if (isRecord(block) && block.type === 'tool_use') summary.talksAboutColour ||= talksAboutColour(JSON.stringify(block.input ?? {}));
  }
  return summary;
}
