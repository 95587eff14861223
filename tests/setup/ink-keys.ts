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

type Expected = string | RegExp | ((frame: string) => boolean);

const matcher = (expected: Expected) => (frame: string): boolean =>
  typeof expected === 'string' ? frame.includes(expected) : expected instanceof RegExp ? expected.test(frame) : expected(frame);

/** Let the new screen's input handlers attach (passive effects) before the next key. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

/** Resolves once the last frame satisfies `expected` (a substring, a pattern or a predicate). */
export async function waitForFrame(ui: Rendered, expected: Expected, timeoutMs = 4000): Promise<string> {
  const matches = matcher(expected);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = ui.lastFrame() ?? '';
    if (matches(frame)) {
      await settle();
      return frame;
    }
    if (Date.now() > deadline) throw new Error(`waitForFrame: never saw ${String(expected)}; last frame:\n${frame}`);
    await settle();
  }
}

/**
 * Resolves with the first frame written since frame number `from` that satisfies `expected`.
 * Every frame counts, not only the last: a goodbye frame can be followed within a millisecond by
 * what Ink writes when it exits (with CI set, the last output again, which in debug mode is empty).
 */
async function waitForFrameSince(ui: Rendered, from: number, expected: Expected, timeoutMs: number): Promise<string> {
  const matches = matcher(expected);
  const deadline = Date.now() + timeoutMs;
  let seen = from;
  for (;;) {
    for (; seen < ui.frames.length; seen++) {
      const frame = ui.frames[seen] ?? '';
      if (matches(frame)) {
        await settle();
        return frame;
      }
    }
    if (Date.now() > deadline) throw new Error(`never saw ${String(expected)} in the ${ui.frames.length - from} frame(s) since the key; last frame:\n${ui.lastFrame() ?? ''}`);
    await settle();
  }
}

/** Writes a key and waits until a frame differs from the one before it (and, when given, shows `expected`). */
export async function press(ui: Rendered, key: string, expected?: Expected): Promise<string> {
  const before = ui.lastFrame() ?? '';
  const shows = expected === undefined ? () => true : matcher(expected);
  const changed = (frame: string): boolean => frame !== before && shows(frame);
  const from = ui.frames.length;
  ui.stdin.write(key);
  // A key written before the screen's input handler is attached (React runs it in a passive effect,
  // later on a busy machine) is lost, as it would be for a person, who presses again: when no frame
  // at all has differed a second later, the key is sent once more.
  try {
    return await waitForFrameSince(ui, from, changed, 1000);
  } catch {
    if (ui.frames.slice(from).some((frame) => frame !== before)) return waitForFrameSince(ui, from, changed, 4000);
    ui.stdin.write(key);
    return waitForFrameSince(ui, from, changed, 4000);
  }
}

/** Types text one character at a time, as a person would. */
export async function type(ui: Rendered, text: string): Promise<string> {
  let frame = ui.lastFrame() ?? '';
  for (const char of text) frame = await press(ui, char);
  return frame;
}
