import { createHash } from 'node:crypto';
import { ColourShortening } from './colour-encoding.js';
import { exactBytes } from '../caching/text-digest.js';
import { applyLossyRules, type LossySettings } from './lossy/apply-lossy.js';
import { stepChars, type Pacer } from './pacer.js';
import { countRule, type RuleCounts } from './rules.js';
import { cutNotices, drawnForTerminalPaced, labelsRedrawnRows, warningsDrawnAway } from './terminal-display.js';
import type { WidthUse, Widths } from './screen-row.js';
import { needsRendering, TerminalRender } from './terminal-screen.js';
import { LruMemo } from './memo.js';

/**
 * The final screen of a program's output, rendered a slice at a time. Text without screen controls is
 * returned as it is, and so is text whose control characters are data (terminal-display.ts), and text
 * whose final screen depends on how wide the terminal draws characters terminals disagree on (a CJK
 * locale draws `□` and `·` two cells wide, an older terminal an emoji one cell): a shorter frame
 * over a longer one leaves another tail on each, and only one of them is what the user saw.
 */
export async function renderPaced(text: string, pacer: Pacer): Promise<string> {
  if (!needsRendering(text)) return text;
  await pacer.pace();
  // The newest results are trimmed while their message is the protected last one and again a turn later
  // (the message memo keys differ): the screen is the same, so it is drawn once.
  const key = createHash('sha256').update(exactBytes(text)).digest('base64');
  const known = screens.get(key);
  if (known !== undefined) return known.screen ?? text;
  const screen = await drawScreen(text, pacer);
  screens.set(key, screen === text ? unchangedScreen : { screen }, 64 + (screen === text ? 0 : screen.length));
  return screen;
}

/** Final screens by the digest of their text; no screen when it is the text itself (not kept twice). */
const screens = new LruMemo<{ screen?: string }>(1000, 16_000_000);
const unchangedScreen = Object.freeze({});

/** Forgets every remembered screen (for measurements and tests). */
export function clearScreenMemo(): void {
  screens.clear();
}

/** How many texts were rendered (drawn, not taken from the memo): for tests. */
export const renderCounter = { drawn: 0 };

async function drawScreen(text: string, pacer: Pacer): Promise<string> {
  renderCounter.drawn += 1;
  if (!(await drawnForTerminalPaced(text, pacer))) return text;
  // A multiplexer's labels (`web-1  | `) are not the program's drawing: a row redrawn under one would lose it.
  if (await labelsRedrawnRows(text, pacer)) return text;
  const usual = await renderWith(text, 'usual', pacer);
  if (usual.screen === text) return text;
  const others: Widths[] = [];
  if (usual.use.widerElsewhere) others.push('wide');
  if (usual.use.narrowerElsewhere) others.push('narrow');
  for (const widths of others) if ((await renderWith(text, widths, pacer)).screen !== usual.screen) return text;
  // A tool's cut notice (Codex's `…4021 tokens truncated…`) inside a row the program redrew would be drawn
  // over with the frames around it: the model would read a cut output as whole.
  await pacer.pace();
  if (cutNotices(usual.screen) < cutNotices(text)) return text;
  // A progress frame that warned (a retry, a missing peer dependency) and that no row of the screen still shows.
  if (await warningsDrawnAway(text, usual.screen, pacer)) return text;
  return usual.screen;
}

async function renderWith(text: string, widths: Widths, pacer: Pacer): Promise<{ screen: string; use: WidthUse }> {
  const render = new TerminalRender(text, widths);
  while (!render.done) {
    render.step(stepChars);
    await pacer.pace();
  }
  while (!render.emitted) {
    render.emit(stepChars);
    await pacer.pace();
  }
  return { screen: render.result(), use: render.widthUse };
}

/**
 * Identifies a result's (rendered) text for deduplication; colour included, so results differing only in
 * colour differ. `flags` is what else the result says (Anthropic's `is_error`): the same text as an error
 * and as a success is not "the same output".
 */
export function resultKey(texts: readonly string[], flags = ''): string {
  const hash = createHash('sha256').update(flags).update('\u0000');
  for (const text of texts) hash.update(String(text.length)).update('\u0000').update(exactBytes(text));
  return hash.digest('base64');
}

export interface OutputRules {
  /** Forward the colour's escape bytes as they came (the request talks about colour or escapes; `colour: keep`). */
  keepColourBytes: boolean;
  lossy: LossySettings;
}

/**
 * What is sent for a rendered program output: its colour kept, written with fewer escape bytes (colour-policy.ts),
 * then the opt-in lossy rules. Each step is one linear pass; the pacer lets the event loop run between them.
 */
export async function finishOutput(original: string, rendered: string, rules: OutputRules, counts: RuleCounts, pacer: Pacer): Promise<string> {
  let text = rendered;
  if (text !== original) countRule(counts, 'terminal-render');
  if (!rules.keepColourBytes) {
    const shortening = new ColourShortening(text);
    await pacer.pace();
    while (!shortening.done) {
      shortening.step(stepChars);
      await pacer.pace();
    }
    const shorter = shortening.result();
    if (shorter !== text) {
      text = shorter;
      countRule(counts, 'colour');
    }
  }
  await pacer.pace();
  const lossy = applyLossyRules(text, rules.lossy);
  if (lossy !== text) countRule(counts, 'lossy');
  return lossy === original ? original : lossy;
}

/**
 * The reference that replaces a repeated result. It locates the earlier output without ids (the previous
 * call of this tool with the same arguments) and names the ids too, for models that see them. When the
 * two calls differ in a label only (labelFields: Claude Code's Bash `description`), it says so: "the same
 * arguments" would not be true.
 */
export function duplicateReference(previousId: string, thisId: string, toolName: string, differingLabels: readonly string[] = []): string {
  const same = differingLabels.length === 0 ? 'the same arguments' : `the same arguments apart from its ${differingLabels.join(' and ')}`;
  return `[tool call ${thisId} printed exactly the same output as the previous ${toolName} call with ${same} above (tool call ${previousId})]`;
}
