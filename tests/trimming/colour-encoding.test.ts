import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ColourShortening, shortenColour } from '../../source/trimming/colour-encoding.js';
import { isSgr, sgrAfter } from '../../source/trimming/sgr.js';

const esc = '\u001b';

/** Each character with the look (canonical SGR) it is shown in, and the look the text ends in. */
function looks(text: string): string[] {
  const out: string[] = [];
  let look = '';
  for (let i = 0; i < text.length; ) {
    const length = text.charCodeAt(i) === 0x1b ? isSgr(text, i) : 0;
    if (length > 0) {
      look = sgrAfter(look, text.slice(i, i + length));
      i += length;
      continue;
    }
    out.push(`${look}|${text[i]}`);
    i += 1;
  }
  out.push(`end|${look}`);
  return out;
}

const sgr = fc.constantFrom('0', '', '1', '2', '3', '4', '7', '22', '24', '27', '31', '32', '33', '39', '41', '49', '90', '97', '1;31', '0;1;32', '38;5;208', '48;2;10;20;30', '39;49;00', '4:1');
const piece = fc.oneof(
  sgr.map((params) => `${esc}[${params}m`),
  fc.constantFrom('.', 'F', 's', ' ', 'PASS', 'a.test.ts', '\n', '\r\n', '\r', '\t', `${esc}[K`, '日本', '█'),
);

describe('colour written in fewer escape bytes', () => {
  it('every character keeps exactly its look, and the text ends in the same look (property)', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (pieces) => {
        const text = pieces.join('');
        const shorter = shortenColour(text);
        expect(shorter.length).toBeLessThanOrEqual(text.length);
        expect(looks(shorter)).toEqual(looks(text));
      }),
      { numRuns: 500 },
    );
  });

  it('merges what a test runner writes around each dot; keeps a lone sequence byte for byte', () => {
    expect(shortenColour(`${esc}[32m.${esc}[0m${esc}[32m.${esc}[0m${esc}[32m.${esc}[0m\n`)).toBe(`${esc}[32m...${esc}[0m\n`);
    const ls = `${esc}[01;34msrc${esc}[0m  ${esc}[01;32mdeploy.sh${esc}[0m  README.md\n`;
    expect(shortenColour(ls)).toBe(ls);
  });

  it('leaves text with an SGR parameter it cannot write again exactly (fonts, curly underline, a malformed colour) unchanged', () => {
    for (const params of ['11', '4:3', '38;5', '38;2;1;2', '73']) {
      const text = `${esc}[32m.${esc}[0m${esc}[32m.${esc}[${params}m.${esc}[0m`;
      expect(shortenColour(text), params).toBe(text);
    }
  });

  it('gives the same text when done a slice at a time, whatever the slice (property)', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), fc.integer({ min: 1, max: 40 }), (pieces, chars) => {
        const text = pieces.join('');
        const shortening = new ColourShortening(text);
        let steps = 0;
        while (!shortening.done) {
          shortening.step(chars);
          steps += 1;
        }
        expect(shortening.result()).toBe(shortenColour(text));
        // A slice reads about `chars` characters: a long text takes several.
        expect(steps).toBeLessThanOrEqual(Math.ceil(text.length / chars) + 1);
      }),
      { numRuns: 500 },
    );
  });
});

