/** A set of words from a whitespace-separated list (the word lists the question readers keep). */
export const words = (list: string): ReadonlySet<string> => new Set(list.trim().split(/\s+/));
