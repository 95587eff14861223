import type { StreamRelay } from './upstream-exchange.js';

/**
 * What of a streamed answer has reached the client, for charging a client that leaves (never for a cache):
 * read from the relay while the stream runs, and fixed at the moment the client left (ending the relay
 * afterwards closes a translator's answer, which the client never got).
 *
 * An object rather than a closure on the request context: on Node 20 a function stored on the context
 * made V8 keep every request's objects through young-generation collections (see RequestContext.promptToCompare).
 */
export class DeliveredAnswer {
  readonly #relay: StreamRelay;
  #fixed = false;
  #atLeave: object | undefined;

  constructor(relay: StreamRelay) {
    this.#relay = relay;
  }

  /** The answer as far as it reached the client; undefined when that cannot be read back (charged as nothing). Never throws. */
  read(): object | undefined {
    if (this.#fixed) return this.#atLeave;
    try {
      return this.#relay.delivered?.();
    } catch {
      return undefined;
    }
  }

  /** The client left: what it got so far is what it got. */
  fix(): void {
    if (this.#fixed) return;
    this.#atLeave = this.read();
    this.#fixed = true;
  }
}
