import type { NearDuplicateEntries, NearDuplicateEntry } from '../../state/near-duplicate-entries.js';
import { analyseQuestion, type QuestionFeatures } from './question.js';
import type { NearDuplicateHit, NearDuplicateStore } from './store.js';

/** What the L1b layer asks of its cache. */
export interface NearDuplicateCache {
  find(scope: string, incoming: QuestionFeatures): NearDuplicateHit | undefined;
  add(scope: string, features: QuestionFeatures, answer: object): void;
  close(): void;
}

/**
 * This process's L1b index over the entries state shares: what it stores is announced to the other
 * instances, what they announce is indexed here too, and at start the index learns every live entry.
 * The lookup itself never leaves the process. Embedded (entries shared with nobody) it is just the index.
 */
export async function openNearDuplicateCache(store: NearDuplicateStore, entries: NearDuplicateEntries, now: () => number = Date.now): Promise<NearDuplicateCache> {
  const learn = (entry: NearDuplicateEntry): void => {
    if (entry.expiresAt <= now()) return;
    try {
      store.add(entry.scope, analyseQuestion(entry.question), JSON.parse(entry.json) as object, entry.expiresAt);
    } catch {
      // An entry that does not parse is skipped: a lookup must never fail because another instance wrote junk.
    }
  };
  const unsubscribe = entries.onAdded(learn);
  for (const entry of await entries.loadAll()) learn(entry);
  return {
    find: (scope, incoming) => store.find(scope, incoming),
    add: (scope, features, answer) => {
      const kept = store.add(scope, features, answer);
      if (kept) entries.add({ scope, question: features.text, json: kept.json, expiresAt: kept.expiresAt });
    },
    close: unsubscribe,
  };
}
