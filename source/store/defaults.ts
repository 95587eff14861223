// Defaults that engines share with the settings; free of imports, so an engine can name one without loading conf.

/**
 * The `threshold` setting of L1b: the similarity of content terms a candidate needs. Since L1b serves a
 * question only when it is the same question up to documented rewrites (question.ts), a match always
 * has every content term in common (score 1): the default says so, and no value widens the judgement.
 */
export const defaultNearDuplicateThreshold = 1;
