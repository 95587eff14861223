// Driving an Ink app rendered by ink-testing-library the way a user would, without fixed sleeps:
// write a key, then wait until the frame shows what that key should have caused.
import type { render } from 'ink-testing-library';

export type Rendered = ReturnType<typeof render>;

export const keys = {
  up: '\u001B[A',
  down: '\u001B[B',
  enter: '\r',
  escape: '\u001B',
  backspace: '\u007F',
  pageUp: '\u001B[5~',
  pageDown: '\u001B[6~',
  ctrlC: '\u0003',
} as const;

/** Resolves once the last frame satisfies `expected` (a substring, a pattern or a predicate). */
export async function waitForFrame(ui: Rendered, expected: string | RegExp | ((frame: string) => boolean), timeoutMs = 4000): Promise<string> {
  const matches = (frame: string): boolean =>
    typeof expected === 'string' ? frame.includes(expected) : expected instanceof RegExp ? expected.test(frame) : expected(frame);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = ui.lastFrame() ?? '';
    if (matches(frame)) {
      // Let the new screen's input handlers attach (passive effects) before the next key.
      await new Promise((resolve) => setTimeout(resolve, 5));
      return frame;
    }
    if (Date.now() > deadline) throw new Error(`waitForFrame: never saw ${String(expected)}; last frame:\n${frame}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Writes a key and waits until the frame changes (and, when given, shows `expected`). */
export async function press(ui: Rendered, key: string, expected?: string | RegExp | ((frame: string) => boolean)): Promise<string> {
  const before = ui.lastFrame() ?? '';
  const changed = (frame: string): boolean =>
    frame !== before && (expected === undefined || (typeof expected === 'string' ? frame.includes(expected) : expected instanceof RegExp ? expected.test(frame) : expected(frame)));
  ui.stdin.write(key);
  // A key written before the screen's input handler is attached (React runs it in a passive effect,
  // later on a busy machine) is lost, as it would be for a person, who presses again: when nothing at
  // all has changed a second later, the key is sent once more.
  try {
    return await waitForFrame(ui, changed, 1000);
  } catch {
    if ((ui.lastFrame() ?? '') !== before) return waitForFrame(ui, changed);
    ui.stdin.write(key);
    return waitForFrame(ui, changed);
  }
}

/** Types text one character at a time, as a person would. */
export async function type(ui: Rendered, text: string): Promise<string> {
  let frame = ui.lastFrame() ?? '';
  for (const char of text) frame = await press(ui, char);
  return frame;
}
