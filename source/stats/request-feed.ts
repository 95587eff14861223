import type { RequestRecord } from './request-record.js';

type Listener = (record: RequestRecord) => void;

/** Finished requests as they happen, for live views (`/events`). A listener that throws is dropped, never the gateway. */
export class RequestFeed {
  readonly #listeners = new Set<Listener>();

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get listeners(): number {
    return this.#listeners.size;
  }

  publish(record: RequestRecord): void {
    for (const listener of this.#listeners) {
      try {
        listener(record);
      } catch {
        this.#listeners.delete(listener);
      }
    }
  }
}
