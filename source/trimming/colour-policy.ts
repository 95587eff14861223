/**
 * Colour in a program's output is kept: it is the only signal often enough that no rule can tell when
 * it is decoration. `ls` in a pty marks directories and executables by colour alone, `npm outdated`
 * marks which updates the semver range allows, `git diff --color-words`, `--color-moved`, delta and
 * difftastic mark changes with no `+`/`-`, a coverage table marks what is under its threshold, a status
 * goes from green to red. A test runner's `.`/`F` or cargo's `warning` repeat what their colour says,
 * but nothing in the bytes tells those apart from the others, so colour is never dropped by default.
 *
 * What L2.5 does with colour is lossless: its escape sequences are written again with fewer bytes,
 * every character keeping its exact look (colour-encoding.ts). Even that is left out, and the bytes go
 * as they came, when the conversation is about colour, formatting or escape sequences themselves (a
 * question such as "why does the log have ESC[39;49;00m?", a `--color` flag in a tool call), or with
 * `trimming.colour: "keep"`. Results that differ only in colour are never "identical": they are
 * compared with their colour.
 */

/** The words and escape-sequence spellings, as one pattern source (exported for the equivalence test). */
export const colourWordPatterns = [
  String.raw`\bcolou?r(?:s|ed|ing|ise[ds]?|ize[ds]?|ful)?\b`,
  String.raw`\bfarb(?:e|en|ig|lich)\b`,
  String.raw`\b(?:ansi|sgr|escape (?:codes?|sequences?|bytes?|characters?))\b`,
  // An escape sequence written out ("ESC[0m", "\e[31m", "\x1b[", "\u001b[", "\033[") or pasted raw.
  String.raw`\bESC\[|\\(?:e|x1b|u001b|033)\[|\u001b\[`,
  String.raw`\b(?:red|green|yellow|blue|magenta|cyan|bold|underlined?|italics?|dim(?:med)?|blink(?:ing)?|inverse|highlight(?:ed|ing|s)?)\b`,
  String.raw`\b(?:rot|grün|gruen|gelb|blau|fett|unterstrichen|hervorgehoben)\b`,
  String.raw`\b(?:formatting|formatted|styled?|styling|formatierung|formatiert)\b`,
].join('|');

const foldsToAscii = /[\u017f\u212a]/;

/**
 * A case-insensitive test for a pattern source. Under Unicode case folding ſ (U+017F) is an s and the
 * Kelvin sign (U+212A) a k, also for \b; a text without those two characters matches alike without the
 * `u` flag, about 7 times faster (V8 matches case-insensitive Unicode patterns slowly), and every
 * request's new message is read.
 */
function caseInsensitiveTest(patterns: string): (text: string) => boolean {
  const unicode = new RegExp(patterns, 'iu');
  const plain = new RegExp(patterns, 'i');
  return (text) => (foldsToAscii.test(text) ? unicode : plain).test(text);
}

/** Whether a text (an instruction, a tool call's arguments) is about colour, formatting or escape sequences. */
export const talksAboutColour = caseInsensitiveTest(colourWordPatterns);

/**
 * Words and spellings that make a conversation about a program's raw bytes rather than what it showed:
 * escape sequences (spelled as in colourWordPatterns), control characters, carriage returns (`\r`, `^M`),
 * cursor movement, raw output, output to be copied verbatim or byte for byte. Then what a terminal would have drawn is not the answer: the user asks
 * what the program wrote, so its output is forwarded as it came, frames, erases and colour bytes included.
 */
export const terminalBytesPatterns = [
  String.raw`\b(?:ansi|sgr|escape (?:codes?|sequences?|bytes?|characters?)|control (?:characters?|codes?|sequences?|bytes?)|carriage[- ]returns?|raw (?:bytes|output)|cursor (?:movements?|moves?|codes?|sequences?)|steuerzeichen|escape-sequenz(?:en)?|wagenrücklauf)\b`,
  String.raw`\bESC\[|\\(?:e|x1b|u001b|033)\[|\u001b\[|\^\[\[|\^M|\\r\b`,
  // Output to be copied exactly (into a fixture, a bug report, a file): what the program wrote, not what a terminal
  // showed. Not "exactly as written": Claude Code says that of CLAUDE.md in every session.
  String.raw`\b(?:verbatim|byte[- ]for[- ]byte|exactly as (?:it |they )?(?:was |were )?(?:printed|shown|output|emitted|came|displayed)|exact (?:output|bytes|copy))\b`,
].join('|');

/** Whether a text (an instruction, a tool call's arguments) is about a program's raw bytes: escape sequences, control characters, carriage returns. */
export const talksAboutTerminalBytes = caseInsensitiveTest(terminalBytesPatterns);
