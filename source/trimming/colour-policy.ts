import { stripSgr } from './sgr.js';

/**
 * When colour is decoration, and when it is information. Colour (SGR sequences) left in a rendered tool
 * result is dropped only when all of these hold:
 * - nothing in the request is about colour or formatting (a question such as "is ERROR printed bold red?",
 *   a `--color` / `--word-diff=color` flag in a tool call): `requestTalksAboutColour`;
 * - dropping it would not merge two lines of the result that differ only in colour: `colourSeparatesLines`;
 * - no other result in the request reads the same once colour is gone while differing with it (a service
 *   status that went from green to red): trim-request.ts checks that across the request (`colourTwins`).
 * Two results that differ only in colour are never "identical" for deduplication: they are compared
 * with their colour.
 */

const colourWords = new RegExp(
  [
    String.raw`\bcolou?r(?:s|ed|ing|ise[ds]?|ize[ds]?|ful)?\b`,
    String.raw`\bfarb(?:e|en|ig|lich)\b`,
    String.raw`\b(?:ansi|sgr|escape (?:codes?|sequences?))\b`,
    String.raw`\b(?:red|green|yellow|blue|magenta|cyan|bold|underlined?|italics?|dim(?:med)?|blink(?:ing)?|inverse|highlight(?:ed|ing|s)?)\b`,
    String.raw`\b(?:rot|grün|gruen|gelb|blau|fett|unterstrichen|hervorgehoben)\b`,
    String.raw`\b(?:formatting|formatted|styled?|styling|formatierung|formatiert)\b`,
  ].join('|'),
  'iu',
);

/** Whether a text (an instruction, a tool call's arguments) is about colour or formatting. */
export function talksAboutColour(text: string): boolean {
  return colourWords.test(text);
}

/** Whether two lines of `text` differ only in their colour. */
export function colourSeparatesLines(text: string): boolean {
  const byPlain = new Map<string, string>();
  for (const line of text.split('\n')) {
    const plain = stripSgr(line);
    if (plain === line) continue;
    const seen = byPlain.get(plain);
    if (seen === undefined) byPlain.set(plain, line);
    else if (seen !== line) return true;
  }
  if (byPlain.size === 0) return false;
  // An uncoloured line equal to a coloured one once that is stripped.
  for (const line of text.split('\n')) if (byPlain.has(line) && !line.includes('\u001b')) return true;
  return false;
}
