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

/** How long a wait pauses between looks at the frames. */
const pause = () => new Promise((resolve) => setTimeout(resolve, 5));

/** Resolves once the last frame satisfies `expected` (a substring, a pattern or a predicate). */
export async function waitForFrame(ui: Rendered, expected: Expected, timeoutMs = 10_000): Promise<string> {
  const matches = matcher(expected);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = ui.lastFrame() ?? '';
    if (matches(frame)) return frame;
    if (Date.now() > deadline) throw new Error(`waitForFrame: never saw ${String(expected)}; last frame:\n${frame}`);
    await pause();
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
      if (matches(frame)) return frame;
    }
    if (Date.now() > deadline) throw new Error(`never saw ${String(expected)} in the ${ui.frames.length - from} frame(s) since the key; last frame:\n${ui.lastFrame() ?? ''}`);
    await pause();
  }
}

/**
 * Writes a key and waits until a frame differs from the one before it (and, when given, shows `expected`).
 * The key is written once: the wizard's handlers are attached in the commit that draws their screen
 * (source/setup/hooks/use-keys.tsx), so a key written after a frame always meets that frame's handlers.
 */
export async function press(ui: Rendered, key: string, expected?: Expected, timeoutMs = 10_000): Promise<string> {
  const before = ui.lastFrame() ?? '';
  const shows = expected === undefined ? () => true : matcher(expected);
  const from = ui.frames.length;
  ui.stdin.write(key);
  return waitForFrameSince(ui, from, (frame) => frame !== before && shows(frame), timeoutMs);
}

/** Types text one character at a time, as a person would. */
export async function type(ui: Rendered, text: string): Promise<string> {
  let frame = ui.lastFrame() ?? '';
  for (const char of text) frame = await press(ui, char);
  return frame;
}
