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
import { analyseQuestion, judgeNearDuplicate, type QuestionFeatures, type Verdict } from '../../source/caching/near-duplicate/question.js';

export interface QqpPair {
  a: string;
  b: string;
  paraphrase: boolean;
}

export interface QqpEvaluation {
  /** Hits on non-paraphrase pairs: wrong answers served. */
  falseHits: number;
  nonParaphrases: number;
  falseHitRate: number;
  /** Hits on paraphrase pairs: savings (recall). */
  paraphraseHits: number;
  paraphrases: number;
  paraphraseHitRate: number;
  /** Hits by the rule that accepted them (same-form, list-order). */
  hitsBy: Record<string, number>;
  /** Why pairs were not served, all pairs / non-paraphrases / paraphrases. */
  rejections: Record<string, number>;
  rejectionsOfNonParaphrases: Record<string, number>;
  rejectionsOfParaphrases: Record<string, number>;
  falseHitPairs: QqpPair[];
  /** Mean cost per pair: analyseQuestion on both questions plus one judgement, in µs. */
  microsecondsPerPair: number;
}

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

export async function evaluateQqp(path: string): Promise<QqpEvaluation> {
  const pairs = await readPairs(path);
  analyseQuestion('warm up the tagger'); // the first call loads the model; do not time that.
  const evaluation: QqpEvaluation = {
    falseHits: 0, nonParaphrases: 0, falseHitRate: 0, paraphraseHits: 0, paraphrases: 0, paraphraseHitRate: 0,
    hitsBy: {}, rejections: {}, rejectionsOfNonParaphrases: {}, rejectionsOfParaphrases: {}, falseHitPairs: [], microsecondsPerPair: 0,
  };
  let ns = 0n;
  for (const pair of pairs) {
    const t0 = process.hrtime.bigint();
    const cached: QuestionFeatures = analyseQuestion(pair.a);
    const incoming: QuestionFeatures = analyseQuestion(pair.b);
    const verdict: Verdict = judgeNearDuplicate(cached, incoming);
    ns += process.hrtime.bigint() - t0;
    if (pair.paraphrase) evaluation.paraphrases++;
    else evaluation.nonParaphrases++;
    if (verdict.match) {
      increment(evaluation.hitsBy, verdict.by);
      if (pair.paraphrase) evaluation.paraphraseHits++;
      else {
        evaluation.falseHits++;
        evaluation.falseHitPairs.push(pair);
      }
    } else {
      increment(evaluation.rejections, verdict.reason);
      increment(pair.paraphrase ? evaluation.rejectionsOfParaphrases : evaluation.rejectionsOfNonParaphrases, verdict.reason);
    }
  }
  evaluation.falseHitRate = evaluation.nonParaphrases === 0 ? 0 : evaluation.falseHits / evaluation.nonParaphrases;
  evaluation.paraphraseHitRate = evaluation.paraphrases === 0 ? 0 : evaluation.paraphraseHits / evaluation.paraphrases;
  evaluation.microsecondsPerPair = pairs.length === 0 ? 0 : Number(ns) / 1000 / pairs.length;
  return evaluation;
}

const percent = (rate: number): string => `${(rate * 100).toFixed(2)}%`;

export function formatReport(evaluation: QqpEvaluation, show = 20): string {
  const lines: string[] = [];
  lines.push('| false hits | false-hit rate | paraphrase hits | paraphrase hit rate (recall) |');
  lines.push('|---:|---:|---:|---:|');
  lines.push(
    `| ${evaluation.falseHits} / ${evaluation.nonParaphrases} | ${percent(evaluation.falseHitRate)} | ` +
      `${evaluation.paraphraseHits} / ${evaluation.paraphrases} | ${percent(evaluation.paraphraseHitRate)} |`,
  );
  lines.push('');
  lines.push(`Hits by rule: ${Object.entries(evaluation.hitsBy).map(([rule, count]) => `${rule} ${count}`).join(', ') || 'none'}`);
  lines.push('');
  lines.push('| why not served | all pairs | non-paraphrases (wrong answers stopped) | paraphrases (savings lost) |');
  lines.push('|---|---:|---:|---:|');
  for (const [reason, count] of Object.entries(evaluation.rejections).sort((x, y) => y[1] - x[1])) {
    lines.push(`| ${reason} | ${count} | ${evaluation.rejectionsOfNonParaphrases[reason] ?? 0} | ${evaluation.rejectionsOfParaphrases[reason] ?? 0} |`);
  }
  lines.push('');
  lines.push(`Time per pair (analyseQuestion x2 + judgeNearDuplicate): ${evaluation.microsecondsPerPair.toFixed(1)} µs`);
  lines.push('');
  const shown = evaluation.falseHitPairs.slice(0, show);
  lines.push(`False hits: ${evaluation.falseHitPairs.length}${shown.length < evaluation.falseHitPairs.length ? ` (first ${shown.length})` : ''}`);
  for (const pair of shown) lines.push(`- ${JSON.stringify(pair.a)}  <->  ${JSON.stringify(pair.b)}`);
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
  const evaluation = await evaluateQqp(path);
  console.log(`Near-duplicate matcher on ${path}\n`);
  console.log(formatReport(evaluation, show));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main(process.argv.slice(2));
}
