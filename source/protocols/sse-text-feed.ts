import type { EventSourceParser } from 'eventsource-parser';

/**
 * Feeds decoded SSE text to an eventsource-parser. The parser holds a line that ends in a lone CR at the
 * end of a chunk, since a `\n` may follow (CRLF); so in a stream that ends its lines with CRs only, each
 * event would wait for the next chunk, and the last before a pause for the pause's end. A CR that ends an
 * empty line ends the event whatever follows: an `\n` is fed after it at once (a real `\n` that follows
 * then makes one more empty line, which dispatches nothing).
 */
export class SseTextFeed {
  readonly #parser: EventSourceParser;
  /** The last character fed, for a chunk of one character. */
  #last = '';

  constructor(parser: EventSourceParser) {
    this.#parser = parser;
  }

  feed(text: string): void {
    if (text === '') return;
    this.#parser.feed(text);
    const before = text.length >= 2 ? text[text.length - 2] : this.#last;
    this.#last = text[text.length - 1]!;
    if (this.#last === '\r' && (before === '\r' || before === '\n')) {
      this.#parser.feed('\n');
      this.#last = '\n';
    }
  }
}
