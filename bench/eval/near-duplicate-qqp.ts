/**
 * Evaluation (not a test) of the L1b near-duplicate matcher on labelled Quora question pairs.
 *
 *   npx tsx bench/eval/near-duplicate-qqp.ts [path] [--show N]
 *
 * For each pair, question a is the cached one and b the incoming one. A hit on a non-paraphrase pair
 * is a false hit (a wrong answer served); a hit on a paraphrase pair is a saving. The default path is
 * ../shared/data/qqp-pairs-20k.jsonl relative to the repository root; when it is absent the script
 * says so and exits 0.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  analyseQuestion, defaultThreshold, judgeNearDuplicate, type QuestionFeatures, type Verdict,
} from '../../source/caching/near-duplicate/question.js';

export interface QqpRow {
  threshold: number;
  /** False hits over non-paraphrase pairs. */
  falseHitRate: number;
  falseHits: number;
  nonParaphrases: number;
  /** Hits over paraphrase pairs. */
  paraphraseHitRate: number;
  paraphraseHits: number;
  paraphrases: number;
}

export interface QqpPair {
  a: string;
  b: string;
  paraphrase: boolean;
}

export interface QqpEvaluation {
  rows: QqpRow[];
  /** Why pairs were not served at the default threshold (all pairs), by reason. */
  guardRejections: Record<string, number>;
  /** The same, for non-paraphrase pairs only: what stopped a wrong answer. */
  rejectionsOfNonParaphrases: Record<string, number>;
  /** The same, for paraphrase pairs only: what cost a saving. */
  rejectionsOfParaphrases: Record<string, number>;
  /** False hits at the default threshold, with their score. */
  falseHitPairs: Array<QqpPair & { score: number }>;
  /** Mean cost per pair: analyseQuestion on both questions plus one judgement, in µs. */
  microsecondsPerPair: number;
  /** Of which analyseQuestion (both questions). */
  analyseMicrosecondsPerPair: number;
  /** Of which judgeNearDuplicate. */
  judgeMicrosecondsPerPair: number;
}

export const defaultThresholds = [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1];

export async function readPairs(path: string): Promise<QqpPair[]> {
  const text = await readFile(path, 'utf8');
  const pairs: QqpPair[] = [];
  for (const line of text.split('\n')) {
    if (line.trim().length === 0) continue;
    const parsed = JSON.parse(line) as { a?: unknown; b?: unknown; paraphrase?: unknown };
    if (typeof parsed.a !== 'string' || typeof parsed.b !== 'string' || typeof parsed.paraphrase !== 'boolean') continue;
    pairs.push({ a: parsed.a, b: parsed.b, paraphrase: parsed.paraphrase });
  }
  return pairs;
}

const increment = (counts: Record<string, number>, key: string): void => {
  counts[key] = (counts[key] ?? 0) + 1;
};

export async function evaluateQqp(path: string, thresholds: number[] = defaultThresholds): Promise<QqpEvaluation> {
  const pairs = await readPairs(path);
  analyseQuestion('warm up the tagger'); // the first call loads the model; do not time that.

  const counts = thresholds.map(() => ({ falseHits: 0, paraphraseHits: 0 }));
  const guardRejections: Record<string, number> = {};
  const rejectionsOfNonParaphrases: Record<string, number> = {};
  const rejectionsOfParaphrases: Record<string, number> = {};
  const falseHitPairs: QqpEvaluation['falseHitPairs'] = [];
  let analyseNs = 0n;
  let judgeNs = 0n;

  for (const pair of pairs) {
    const t0 = process.hrtime.bigint();
    const cached: QuestionFeatures = analyseQuestion(pair.a);
    const incoming: QuestionFeatures = analyseQuestion(pair.b);
    const t1 = process.hrtime.bigint();
    const verdict: Verdict = judgeNearDuplicate(cached, incoming, defaultThreshold);
    const t2 = process.hrtime.bigint();
    analyseNs += t1 - t0;
    judgeNs += t2 - t1;

    if (verdict.match) {
      if (!pair.paraphrase) falseHitPairs.push({ ...pair, score: verdict.score });
    } else {
      increment(guardRejections, verdict.reason);
      increment(pair.paraphrase ? rejectionsOfParaphrases : rejectionsOfNonParaphrases, verdict.reason);
    }
    thresholds.forEach((threshold, i) => {
      const judged = threshold === defaultThreshold ? verdict : judgeNearDuplicate(cached, incoming, threshold);
      if (!judged.match) return;
      if (pair.paraphrase) counts[i]!.paraphraseHits++;
      else counts[i]!.falseHits++;
    });
  }

  const paraphrases = pairs.filter((pair) => pair.paraphrase).length;
  const nonParaphrases = pairs.length - paraphrases;
  const rows = thresholds.map((threshold, i) => ({
    threshold,
    falseHitRate: nonParaphrases === 0 ? 0 : counts[i]!.falseHits / nonParaphrases,
    falseHits: counts[i]!.falseHits,
    nonParaphrases,
    paraphraseHitRate: paraphrases === 0 ? 0 : counts[i]!.paraphraseHits / paraphrases,
    paraphraseHits: counts[i]!.paraphraseHits,
    paraphrases,
  }));
  const perPair = (ns: bigint): number => (pairs.length === 0 ? 0 : Number(ns) / 1000 / pairs.length);
  return {
    rows,
    guardRejections,
    rejectionsOfNonParaphrases,
    rejectionsOfParaphrases,
    falseHitPairs,
    microsecondsPerPair: perPair(analyseNs + judgeNs),
    analyseMicrosecondsPerPair: perPair(analyseNs),
    judgeMicrosecondsPerPair: perPair(judgeNs),
  };
}

const percent = (rate: number): string => `${(rate * 100).toFixed(2)}%`;

export function formatReport(evaluation: QqpEvaluation, show = 20): string {
  const lines: string[] = [];
  lines.push('| threshold | false hits | false-hit rate | paraphrase hits | paraphrase hit rate |');
  lines.push('|---:|---:|---:|---:|---:|');
  for (const row of evaluation.rows) {
    const mark = row.threshold === defaultThreshold ? ' (default)' : '';
    lines.push(
      `| ${row.threshold.toFixed(2)}${mark} | ${row.falseHits} / ${row.nonParaphrases} | ${percent(row.falseHitRate)} | ` +
        `${row.paraphraseHits} / ${row.paraphrases} | ${percent(row.paraphraseHitRate)} |`,
    );
  }
  lines.push('');
  lines.push(`Rejections at the default threshold (${defaultThreshold}):`);
  lines.push('');
  lines.push('| reason | all pairs | non-paraphrases (wrong answers stopped) | paraphrases (savings lost) |');
  lines.push('|---|---:|---:|---:|');
  const reasons = Object.entries(evaluation.guardRejections).sort((x, y) => y[1] - x[1]);
  for (const [reason, count] of reasons) {
    lines.push(`| ${reason} | ${count} | ${evaluation.rejectionsOfNonParaphrases[reason] ?? 0} | ${evaluation.rejectionsOfParaphrases[reason] ?? 0} |`);
  }
  lines.push('');
  lines.push(
    `Time per pair (analyseQuestion x2 + judgeNearDuplicate): ${evaluation.microsecondsPerPair.toFixed(1)} µs ` +
      `(analyse ${evaluation.analyseMicrosecondsPerPair.toFixed(1)} µs, judge ${evaluation.judgeMicrosecondsPerPair.toFixed(1)} µs)`,
  );
  lines.push('');
  const shown = evaluation.falseHitPairs.slice(0, show);
  lines.push(`False hits at the default threshold: ${evaluation.falseHitPairs.length}${shown.length < evaluation.falseHitPairs.length ? ` (first ${shown.length})` : ''}`);
  for (const pair of shown) lines.push(`- [${pair.score.toFixed(2)}] ${JSON.stringify(pair.a)}  <->  ${JSON.stringify(pair.b)}`);
  return lines.join('\n');
}

async function main(argv: string[]): Promise<void> {
  const args = [...argv];
  let show = 20;
  const showAt = args.indexOf('--show');
  if (showAt >= 0) {
    show = Number(args[showAt + 1] ?? '20');
    args.splice(showAt, 2);
  }
  const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
  const path = resolve(repoRoot, args[0] ?? '../shared/data/qqp-pairs-20k.jsonl');
  if (!existsSync(path)) {
    console.log(`No QQP pairs at ${path}: nothing to evaluate. Pass the path of a qqp-pairs JSONL file to run this evaluation.`);
    return;
  }
  const evaluation = await evaluateQqp(path, defaultThresholds.includes(defaultThreshold) ? defaultThresholds : [...defaultThresholds, defaultThreshold].sort((x, y) => x - y));
  console.log(`Near-duplicate matcher on ${path}\n`);
  console.log(formatReport(evaluation, show));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main(process.argv.slice(2));
}
