import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { preview, referenceRepeatedParagraphs } from '../../source/trimming/repeated-text.js';

const nothingEarlier = { has: () => false };
const fresh = () => ({ earlier: nothingEarlier, added: new Set<string>() });

describe('instruction paragraphs', () => {
  it('split losslessly: with nothing said earlier, any text comes back as the same bytes', () => {
    const piece = fc.constantFrom('\n', '\r\n', '\n\n', ' ', '```', '~~~', '1. ', '- ', './migrate.sh', 'snapshot.json', 'v2.3.1', 'e.g.', 'https://x.io/a.b', 'Run the tests.', 'Führe die Tests aus.', 'x'.repeat(170));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const text = pieces.join('');
        expect(referenceRepeatedParagraphs(text, fresh()).text).toBe(text);
      }),
    );
  });

  it('replace a paragraph said in an earlier message, and keep lists and fenced code even then', () => {
    const prose = 'Always run the whole test suite before you report back, and never commit to the main branch directly; open a feature branch for each change you make, then ask for a review.';
    const list = `1. ${prose}\n2. ${prose}`;
    const fenced = `\`\`\`\n${prose}\n\`\`\``;
    const first = fresh();
    referenceRepeatedParagraphs(`${prose}\n\n${list}\n\n${fenced}`, first);
    const later = referenceRepeatedParagraphs(`Intro.\n\n${prose}\n\n${list}\n\n${fenced}\n`, { earlier: first.added, added: new Set() });
    expect(later.replaced).toBe(1);
    expect(later.text).toBe(`Intro.\n\n[paragraph repeated verbatim from an earlier message: "${prose.slice(0, 60).trimEnd()}…"]\n\n${list}\n\n${fenced}\n`);
  });
});

describe('the start a reference quotes', () => {
  it('is a verbatim start of the text (line breaks included), in whole characters: never half an emoji or a letter without its accent', () => {
    const unit = fc.constantFrom('a', ' ', '\t', 'é', 'e\u0301', '😀', '👨‍👩‍👧', '🇩🇪', 'ש', '\u202e', '漢', '\r\n', '\n', 'x'.repeat(20));
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 40 }), (units) => {
        const text = units.join('');
        const start = preview(text);
        expect(text.trimStart().startsWith(start)).toBe(true);
        expect(/\p{Cs}/u.test(start)).toBe(false);
        const rest = text.trimStart().slice(start.length);
        // The cut falls between graphemes: what follows never starts with a combining mark or a joiner.
        expect(/^[\p{M}\u200d\ufe0f]/u.test(rest)).toBe(false);
      }),
    );
  });
});
