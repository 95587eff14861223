/**
 * SSE events whose data is empty or blank (`data:` or `data: ` alone, which some proxies and servers send
 * as a keep-alive) carry nothing in any of the three protocols, whose events are all JSON; the openai SDK
 * reads one as an event and throws on JSON.parse(''). A passed-through stream (same protocol both sides)
 * drops them; comments (`: ping`), which SDKs skip and which keep a client's connection alive, stay.
 * sse-parser.ts drops the same events for the translators.
 */
import { rewriteSseEvents } from './sse-event-rewrite.js';

// (`data:` then more than one blank is rare enough in a real event that its slow path costs nothing.)
const blankData = ['data:\n', 'data:\r', 'data: \n', 'data: \r', 'data:  ', 'data:\t', 'data: \t'].map((text) => Buffer.from(text));

/** Whether `bytes` may hold an event with blank data (cheap: native searches; false means surely none). */
export function mayHoldBlankData(bytes: Buffer): boolean {
  for (const pattern of blankData) if (bytes.indexOf(pattern) !== -1) return true;
  return false;
}

/** `bytes` (whole events, as EventAlignedBytes gives them) without the events whose data is blank; every other byte as it came. */
export function withoutBlankDataEvents(bytes: Buffer): Buffer {
  return rewriteSseEvents(bytes, (lines) => {
    let hasData = false;
    let blank = true;
    for (const line of lines) {
      const colon = line.indexOf(':');
      if ((colon === -1 ? line : line.slice(0, colon)) !== 'data') continue;
      hasData = true;
      if (colon !== -1 && line.slice(colon + 1).trim() !== '') blank = false;
    }
    // Dropped when all the event had was blank data.
    return hasData && blank ? '' : undefined;
  });
}
