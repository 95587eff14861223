import { encodableSgr, isSgr, sgrAfter, sgrTransition } from './sgr.js';

/**
 * A program output's colour, written with fewer escape bytes: every character keeps exactly the look
 * (colours and attributes) it had, only the SGR sequences between characters change, and only where
 * several stand together. A run of sequences with no character between them that leaves the look as it
 * was goes (a test runner's `ESC[32m.ESC[0mESC[32m.ESC[0m...` becomes one green run of dots); one that
 * changes it becomes the shorter of itself and one canonical sequence (`ESC[1;92m` for `ESC[1mESC[92m`).
 * A lone sequence that changes the look is kept byte for byte.
 *
 * Text with an SGR parameter this model does not know (fonts, framing, a malformed colour) comes back
 * unchanged: it could not be written again exactly.
 */
export function shortenColour(text: string): string {
  const shortening = new ColourShortening(text);
  while (!shortening.done) shortening.step(Infinity);
  return shortening.result();
}

/**
 * shortenColour a slice at a time, so a long output (a build log of half a megabyte) does not hold the
 * event loop: `step(chars)` reads the sequences that start within the next `chars` characters, and
 * `result()` is the shortened text once `done`.
 */
export class ColourShortening {
  readonly #text: string;
  /** Where the next `ESC [` is; -1 once there is none left. */
  #at: number;
  readonly #parts: string[] = [];
  // The look the source has set so far, and the one the output has when the next character comes.
  #look = '';
  #written = '';
  #run: string[] = [];
  #plainFrom = 0;
  /** A sequence was found that could not be written again exactly: the text goes as it came. */
  #unencodable = false;

  constructor(text: string) {
    this.#text = text;
    this.#at = text.indexOf('\u001b[');
  }

  get done(): boolean {
    return this.#at === -1 || this.#unencodable;
  }

  step(chars: number): void {
    const text = this.#text;
    const until = this.#at + chars;
    while (this.#at !== -1 && this.#at < until) {
      const at = this.#at;
      const length = isSgr(text, at);
      if (length === 0) {
        // another escape sequence: characters like any other
        this.#at = text.indexOf('\u001b[', at + 1);
        continue;
      }
      const sequence = text.slice(at, at + length);
      if (!encodableSgr(sequence)) {
        this.#unencodable = true;
        return;
      }
      if (at > this.#plainFrom) {
        this.#flush();
        this.#parts.push(text.slice(this.#plainFrom, at));
      }
      this.#run.push(sequence);
      this.#look = sgrAfter(this.#look, sequence);
      this.#plainFrom = at + length;
      this.#at = text.indexOf('\u001b[', this.#plainFrom);
    }
  }

  result(): string {
    const text = this.#text;
    if (this.#unencodable || this.#parts.length + this.#run.length === 0) return text;
    if (this.#at !== -1) throw new Error('ColourShortening.result() before it is done');
    // Characters after the last sequence, or the text ends with a run: it ends in the look it ended in.
    this.#flush();
    if (this.#plainFrom < text.length) this.#parts.push(text.slice(this.#plainFrom));
    const shorter = this.#parts.join('');
    return shorter.length < text.length ? shorter : text;
  }

  #flush(): void {
    if (this.#look !== this.#written) {
      const canonical = sgrTransition(this.#written, this.#look);
      const original = this.#run.join('');
      this.#parts.push(this.#run.length > 1 && canonical.length < original.length ? canonical : original);
    }
    this.#written = this.#look;
    this.#run = [];
  }
}
