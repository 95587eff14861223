/**
 * The dashboard's probe cycles through three questions so each press shows a different layer: the
 * same question again (exact cache, L1a, after the first time), the question reworded (near-duplicate
 * cache, L1b) and a near-miss that must never get the cached answer (it goes to the provider, L3).
 */
export interface ProbeSpec {
  id: 'repeat' | 'reworded' | 'near-miss';
  /** What the probe tests, in a few words. */
  label: string;
  /** The user message it sends. */
  content: string;
  /** What a healthy gateway answers with, said the way the dashboard shows it. */
  expected: string;
}

export const probeCycle: readonly ProbeSpec[] = [
  { id: 'repeat', label: 'the same question', content: 'Which planet is known as the Red Planet?', expected: 'l3 the first time, then l1a' },
  { id: 'reworded', label: 'reworded', content: 'which planet is known as the red planet', expected: 'l1b once the question is cached' },
  { id: 'near-miss', label: 'a near-miss', content: 'Which planet is known as the Blue Planet?', expected: 'never l1b: it asks something else' },
];

/** The probe a press sends: the cycle from the start, round and round. */
export function probeAt(count: number): ProbeSpec {
  return probeCycle[count % probeCycle.length]!;
}

const layerMeaning: Record<string, string> = {
  l1a: 'exact cache',
  l1b: 'near-duplicate cache',
  l3: 'the provider',
  l0: 'refused before any cache',
};

/** "l1b (near-duplicate cache)" for a layer header value. */
export function describeLayer(layer: string): string {
  return layerMeaning[layer] ? `${layer} (${layerMeaning[layer]})` : layer;
}
