/**
 * Codex wraps every command's output in a header of its own before the output itself:
 *
 *   Chunk ID: fd12fe
 *   Wall time: 0.0002 seconds
 *   Process exited with code 0
 *   Original token count: 373
 *   Output:
 *   <what the command printed>
 *
 * (exec_command; its shell tools write `Exit code: 0`, `Wall time: ...`, `Total output lines: N`, `Output:`).
 * The chunk id and the wall time differ on every run, so two runs that printed the same would never be
 * "the same output": this splits the header off, so that the output is compared without those two lines
 * and, when it repeats, only the output becomes a reference while the whole header stays as it came.
 */
export interface RunEnvelope {
  /** The header as it came, up to and including the `Output:` line's line break. */
  header: string;
  /** The header without the lines that change on every run (chunk id, wall time). */
  stableHeader: string;
  output: string;
}

/** Header lines that differ between two runs of one command printing the same. */
const volatileLine = /^(?:Chunk ID: [0-9A-Za-z_-]{1,64}|Wall time: \d{1,9}(?:\.\d{1,9})? seconds)$/u;
/** Header lines that say something about the run: kept and compared. */
const factLine = /^(?:Process exited with code -?\d{1,10}|Process running with session ID \d{1,20}|Original token count: \d{1,12}|Exit code: -?\d{1,10}|Total output lines: \d{1,12})$/u;
/** More lines than any header has: a text is not searched further for its `Output:` line. */
const maxHeaderLines = 8;

/** The text's run header and output, when it starts with one (a wall time line included); else undefined. */
export function splitRunEnvelope(text: string): RunEnvelope | undefined {
  if (!text.startsWith('Chunk ID: ') && !text.startsWith('Wall time: ') && !text.startsWith('Exit code: ')) return undefined;
  const stable: string[] = [];
  let at = 0;
  let sawWallTime = false;
  for (let line = 0; line < maxHeaderLines; line += 1) {
    const end = text.indexOf('\n', at);
    if (end === -1) return undefined;
    const content = text.slice(at, end);
    at = end + 1;
    if (content === 'Output:') {
      if (!sawWallTime) return undefined;
      return { header: text.slice(0, at), stableHeader: stable.join('\n'), output: text.slice(at) };
    }
    if (volatileLine.test(content)) {
      if (content.startsWith('Wall time: ')) sawWallTime = true;
    } else if (factLine.test(content)) stable.push(content);
    else return undefined;
  }
  return undefined;
}
