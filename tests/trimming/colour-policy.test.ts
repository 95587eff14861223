import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { colourWordPatterns, talksAboutColour, talksAboutTerminalBytes, terminalBytesPatterns } from '../../source/trimming/colour-policy.js';

/** The policy as it was written first: the pattern case-insensitive under Unicode rules (the reference). */
const reference = new RegExp(colourWordPatterns, 'iu');

const words = ['colour', 'colors', 'Colorful', 'farbe', 'ANSI', 'sgr', 'escape codes', 'ESC[', '\\e[', '\\x1b[', '\u001b[', 'red', 'GREEN', 'blinking', 'Dimmed', 'grün', 'GRÜN', 'gruen', 'Fett', 'styled', 'formatiert', 'redo', 'bluetooth', 'scored', 'uncolored'];
/** Characters where case-insensitive matching with and without Unicode semantics can differ, and word edges. */
const tricky = ['\u017f', '\u212a', 'K', 'k', 's', 'S', 'ü', 'Ü', 'İ', 'ı', '_', '-', ' ', '\n', '😀', '\u0301', 'é', '\\', '['];

describe('talksAboutColour', () => {
  it('names colour, formatting and escape-sequence talk, and not words that only contain such letters', () => {
    for (const text of ['keep the colours', 'why is there ESC[0m in the log?', 'run it with --color=always', 'make it bold', 'die Ausgabe ist grün']) expect(talksAboutColour(text)).toBe(true);
    for (const text of ['redo the build', 'bluetooth settings', 'the score was high', 'list the files']) expect(talksAboutColour(text)).toBe(false);
  });

  it('answers exactly as the Unicode case-insensitive pattern does, with long s and the Kelvin sign too (property)', () => {
    const piece = fc.oneof(fc.constantFrom(...words), fc.constantFrom(...tricky), fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 }));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const text = pieces.join('');
        expect(talksAboutColour(text)).toBe(reference.test(text));
      }),
      { numRuns: 5000 },
    );
    // Long s and Kelvin sign fold to s and k only under Unicode rules: the policy must see them as such.
    for (const text of ['colour\u017f', 'blin\u212a', 'e\u017fcape codes', '\u017fgr', 'dim\u212a', 'x\u212ared']) expect(talksAboutColour(text)).toBe(reference.test(text));
    expect(talksAboutColour('colour\u017f')).toBe(true);
    expect(talksAboutColour('blin\u212a')).toBe(true);
  });
});

describe('talksAboutTerminalBytes', () => {
  const bytesReference = new RegExp(terminalBytesPatterns, 'iu');

  it('names talk about the raw bytes (escape sequences, control characters, carriage returns, ^M, \\r), not colour words or ordinary words', () => {
    for (const text of ['Which escape sequences does npm print?', 'show me where it writes carriage returns', 'the parser chokes on control characters', 'the file has ^M at each line end', 'strip the \\r before parsing', 'why is there ESC[2K in the log?', 'das sind Steuerzeichen', 'show the raw output']) expect(talksAboutTerminalBytes(text), text).toBe(true);
    for (const text of ['make it bold and red', 'return the value', 'the cursor is a pointer here', 'install the dependencies', 'run it with --color=always']) expect(talksAboutTerminalBytes(text), text).toBe(false);
  });

  it('answers exactly as the Unicode case-insensitive pattern does (property)', () => {
    const piece = fc.oneof(fc.constantFrom('ANSI', 'escape sequences', 'Carriage-Return', 'control codes', 'raw bytes', '^M', '\\r', 'ESC[', '\u017f', '\u212a', 'r', 'M', ' ', '\\', '^'), fc.string({ maxLength: 6 }));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const text = pieces.join('');
        expect(talksAboutTerminalBytes(text)).toBe(bytesReference.test(text));
      }),
      { numRuns: 3000 },
    );
  });
});
