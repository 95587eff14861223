import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';

/**
 * An SSE parser for a provider's stream that passes on only events with data. An event whose data is
 * empty or blank (`data:` or `data: ` alone, which some proxies and servers send as a keep-alive) carries
 * nothing in any of the protocols, whose events are all JSON: read as an event, it would end the answer
 * as "not JSON". The bytes themselves still reach a client of the same protocol unchanged.
 */
export function createSseParser(onEvent: (event: EventSourceMessage) => void): EventSourceParser {
  return createParser({
    onEvent: (event) => {
      if (event.data.trim() !== '') onEvent(event);
    },
  });
}
