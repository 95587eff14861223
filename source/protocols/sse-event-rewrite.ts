/**
 * `bytes` (whole SSE events, as EventAlignedBytes gives them) with each event offered to `rewrite`, which
 * gets the event's lines (without their line ends) and returns undefined to keep the event as it came, or
 * what stands in its place, its ending blank line included ('' drops the event), as latin1 text (one
 * character per byte). An unfinished last event is kept as it came. latin1 maps each byte to one character
 * and back, so what is kept is kept byte for byte; the same Buffer when no event was rewritten.
 */
export function rewriteSseEvents(bytes: Buffer, rewrite: (lines: readonly string[]) => string | undefined): Buffer {
  const pieces = bytes.toString('latin1').split(/(\r\n|\r|\n)/);
  let out = '';
  let event = '';
  let lines: string[] = [];
  let changed = false;
  for (let i = 0; i < pieces.length; i += 2) {
    const line = pieces[i]!;
    const end = pieces[i + 1] ?? '';
    if (line === '' && end !== '') {
      // A blank line dispatches the event.
      const replacement = lines.length > 0 ? rewrite(lines) : undefined;
      if (replacement === undefined) out += event + end;
      else {
        out += replacement;
        changed = true;
      }
      event = '';
      lines = [];
      continue;
    }
    event += line + end;
    lines.push(line);
  }
  return changed ? Buffer.from(out + event, 'latin1') : bytes;
}
