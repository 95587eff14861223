// Defaults that engines share with the settings; free of imports, so an engine can name one without loading conf.

/**
 * The similarity a near-duplicate needs before the guards are asked: 1, the same content terms.
 *
 * Chosen with bench/eval/near-duplicate-qqp.ts (20,000 Quora pairs). Every false hit left at 0.9 and
 * above scores 1 (12 of 12,000 non-paraphrases, most of them pairs no reading tells apart, such as
 * "What is the purpose of life ?" / "...life?"), so thresholds from 0.9 to 1 serve the same wrong
 * answers; 0.85 serves 21 and 0.8 serves 67. Between 0.9 and 1 only 3 paraphrase hits of 445 differ.
 * Below 1, though, a long question may differ from a cached one in a single word ("... in Python" /
 * "... in Rust" among 40 other terms scores 0.95), which short Quora questions cannot show: at 1 that
 * wrong answer is impossible, for the price of those 3 hits.
 */
export const defaultNearDuplicateThreshold = 1;
