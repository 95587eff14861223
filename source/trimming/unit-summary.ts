import { talksAboutColour } from './colour-policy.js';
import { isRecord, isTextBlock } from './json.js';
import type { Pacer } from './pacer.js';
import { quotesFiles, type ToolCall } from './tool-calls.js';
import { plainKey, renderPaced, resultKey } from './tool-output.js';
import type { UnitKind } from './trim-unit.js';

/** What one message contributes to request-wide decisions (the colour policy), memoised per message. */
export interface UnitSummary {
  /** Its instructions or tool call arguments are about colour or formatting. */
  talksAboutColour: boolean;
  /** Its coloured program outputs, by their rendered key with and without colour. */
  colouredResults: Array<{ coloured: string; plain: string }>;
}

export async function summariseUnit(kind: UnitKind, value: unknown, calls: ReadonlyMap<string, ToolCall>, pacer: Pacer): Promise<UnitSummary> {
  const summary: UnitSummary = { talksAboutColour: false, colouredResults: [] };
  const instruction = (content: unknown): void => {
    if (typeof content === 'string') summary.talksAboutColour ||= talksAboutColour(content);
    else if (Array.isArray(content)) for (const block of content) if (isTextBlock(block)) summary.talksAboutColour ||= talksAboutColour(block.text);
  };
  const result = async (content: unknown, id: unknown): Promise<void> => {
    const texts = typeof content === 'string' ? [content] : Array.isArray(content) ? content.filter(isTextBlock).map((block) => block.text) : [];
    if (quotesFiles(typeof id === 'string' ? calls.get(id) : undefined, texts)) return;
    if (!texts.some((text) => text.includes('\u001b') || text.includes('\u009b'))) return;
    const rendered: string[] = [];
    for (const text of texts) rendered.push(await renderPaced(text, pacer));
    const coloured = resultKey(rendered);
    await pacer.pace();
    summary.colouredResults.push({ coloured, plain: plainKey(rendered) });
    await pacer.pace();
  };

  // A system prompt's standing formatting rules ("use markdown", "bold the key terms") are not the
  // conversation being about colour: only what the user and the agent say, and the commands it runs, count.
  if (kind === 'anthropic-system' || !isRecord(value) || value.role === 'system' || value.role === 'developer') return summary;
  if (value.role === 'tool' || value.role === 'function') {
    await result(value.content, value.tool_call_id);
    return summary;
  }
  instruction(value.content);
  for (const call of Array.isArray(value.tool_calls) ? value.tool_calls : []) {
    if (isRecord(call) && isRecord(call.function) && typeof call.function.arguments === 'string') summary.talksAboutColour ||= talksAboutColour(call.function.arguments);
  }
  for (const block of Array.isArray(value.content) ? value.content : []) {
    if (isRecord(block) && block.type === 'tool_use') summary.talksAboutColour ||= talksAboutColour(JSON.stringify(block.input ?? {}));
    if (isRecord(block) && block.type === 'tool_result') await result(block.content, block.tool_use_id);
  }
  return summary;
}
