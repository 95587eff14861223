/**
 * How much two questions ask about the same things: the Jaccard index of their content terms
 * (shared terms over all terms), 0..1. Terms are lemmas, so "lists" = "list"; words that never change
 * what is asked (articles, be/do/have, I/my/you, "in", "of"...) are not terms, and neither are the words
 * the guards compare exactly (question words, modals, negators...), so only content is weighed here.
 */
export function jaccard(a: readonly string[], b: readonly string[]): number {
  const left = new Set(a);
  const right = new Set(b);
  let shared = 0;
  for (const term of left) if (right.has(term)) shared++;
  const union = left.size + right.size - shared;
  return union === 0 ? 0 : shared / union;
}

/**
 * Drops a plural "s" the lemmatiser left on (it keeps names and capitalised words as written: "Apps",
 * "Stocks"), so that "apps" meets "app". Words ending in ss/us/is and short words keep theirs. Applied
 * to every word term when a question is analysed, so stored terms and compared terms are the same.
 */
export function singular(term: string): string {
  if (term.length <= 3 || !term.endsWith('s') || /(?:ss|us|is|\p{N}s)$/u.test(term)) return term;
  return term.slice(0, -1);
}
