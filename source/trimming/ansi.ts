/**
 * Terminal escape sequences: CSI (colours, cursor moves, erase), OSC (titles, hyperlinks; ended by BEL
 * or ST, or left open to the end of the line), DCS/SOS/PM/APC strings, two- and three-character escapes,
 * and a stray ESC. Only a real ESC (U+001B) or 8-bit CSI (U+009B) starts one: the text `\x1b[31m` or
 * `[31m` typed in code stays.
 */
const escapeSequence =
  // eslint-disable-next-line no-control-regex
  /\u001b\[[0-?]*[ -\/]*[@-~]|\u009b[0-?]*[ -\/]*[@-~]|\u001b\][^\u0007\u001b\u009c\n]*(?:\u0007|\u001b\\|\u009c)?|\u001b[PX^_][^\u001b\u009c\n]*(?:\u001b\\|\u009c)?|\u001b[ -\/]+[0-~]|\u001b[0-~]?/g;

/** Removes escape sequences; returns the text and how many were removed. */
export function stripAnsi(text: string): { text: string; removed: number } {
  if (!text.includes('\u001b') && !text.includes('\u009b')) return { text, removed: 0 };
  let removed = 0;
  const out = text.replace(escapeSequence, () => {
    removed += 1;
    return '';
  });
  return { text: out, removed };
}
