import type { StatsRecord } from './request-record.js';
import type { StatsSummary } from './summarise.js';

/** Bucket width of the percentile histograms: values within 1% of each other share a bucket. */
const growth = 1.01;
const logGrowth = Math.log(growth);

/**
 * Nearest-rank percentiles from a log-scale histogram, so that a summary can take one more value in
 * O(1) instead of keeping and sorting every value. Each bucket remembers the largest value it saw, so
 * a percentile is still a value that actually occurred: the largest one in the bucket where the exact
 * nearest-rank value lies, at most 1% above it (exact whenever values differ by more than 1%).
 */
export class PercentileSketch {
  readonly #buckets = new Map<number, { count: number; max: number }>();
  #count = 0;

  add(value: number): void {
    const index = value > 0 ? Math.floor(Math.log(value) / logGrowth) : Number.NEGATIVE_INFINITY;
    const bucket = this.#buckets.get(index);
    if (bucket) {
      bucket.count += 1;
      if (value > bucket.max) bucket.max = value;
    } else this.#buckets.set(index, { count: 1, max: value });
    this.#count += 1;
  }

  /** Adds every value another sketch took, as if they had been added here. */
  merge(other: PercentileSketch): void {
    for (const [index, { count, max }] of other.#buckets) {
      const bucket = this.#buckets.get(index);
      if (bucket) {
        bucket.count += count;
        if (max > bucket.max) bucket.max = max;
      } else this.#buckets.set(index, { count, max });
    }
    this.#count += other.#count;
  }

  percentiles(): { p50: number; p95: number } {
    if (this.#count === 0) return { p50: 0, p95: 0 };
    const sorted = [...this.#buckets.entries()].sort((a, b) => a[0] - b[0]);
    const rank = (p: number): number => {
      const wanted = Math.max(1, Math.ceil(p * this.#count));
      let seen = 0;
      for (const [, bucket] of sorted) {
        seen += bucket.count;
        if (seen >= wanted) return bucket.max;
      }
      return sorted.at(-1)![1].max;
    };
    return { p50: rank(0.5), p95: rank(0.95) };
  }
}

/** A StatsSummary built one record at a time, in log order. */
export class SummaryAccumulator {
  #requests = 0;
  readonly #layers: Record<string, number> = {};
  #errors = 0;
  readonly #latency = new PercentileSketch();
  readonly #overhead = new PercentileSketch();
  #input = 0;
  #output = 0;
  #saved = 0;
  #usd = 0;
  #savedUsd = 0;
  #unpriced = 0;
  /** Records that saved something, and those of them without a price for it. */
  #saving = 0;
  #savingUnpriced = 0;
  #compared = 0;
  #changed = 0;
  #systemBytes = 0;
  #toolsBytes = 0;
  #last: StatsSummary['churn']['last'] = null;

  add(record: StatsRecord): void {
    this.#requests += 1;
    this.#layers[record.layer] = (this.#layers[record.layer] ?? 0) + 1;
    if (record.status >= 400) this.#errors += 1;
    this.#latency.add(record.totalMs);
    this.#overhead.add(record.overheadMs);
    this.#input += record.inputTokens;
    this.#output += record.outputTokens;
    this.#saved += record.tokensSaved;
    this.#usd += record.costUsd ?? 0;
    this.#savedUsd += record.costSavedUsd ?? 0;
    if (record.tokensSaved > 0 || (record.costSavedUsd ?? 0) > 0) {
      this.#saving += 1;
      if (record.costSavedUsd === null) this.#savingUnpriced += 1;
    }
    if ((record.inputTokens > 0 && record.costUsd === null) || (record.tokensSaved > 0 && record.costSavedUsd === null)) this.#unpriced += 1;
    const churn = record.churn;
    if (churn) {
      this.#compared += 1;
      if (churn.systemBytes > 0 || churn.toolsBytes > 0) {
        this.#changed += 1;
        this.#systemBytes += churn.systemBytes;
        this.#toolsBytes += churn.toolsBytes;
        this.#last = { time: record.time, ...churn };
      }
    }
  }

  get requests(): number {
    return this.#requests;
  }

  /** Adds every record another accumulator took, as if added after these (the "other" row of the tools past the busiest). */
  merge(other: SummaryAccumulator): void {
    this.#requests += other.#requests;
    for (const [layer, count] of Object.entries(other.#layers)) this.#layers[layer] = (this.#layers[layer] ?? 0) + count;
    this.#errors += other.#errors;
    this.#latency.merge(other.#latency);
    this.#overhead.merge(other.#overhead);
    this.#input += other.#input;
    this.#output += other.#output;
    this.#saved += other.#saved;
    this.#usd += other.#usd;
    this.#savedUsd += other.#savedUsd;
    this.#unpriced += other.#unpriced;
    this.#saving += other.#saving;
    this.#savingUnpriced += other.#savingUnpriced;
    this.#compared += other.#compared;
    this.#changed += other.#changed;
    this.#systemBytes += other.#systemBytes;
    this.#toolsBytes += other.#toolsBytes;
    // As if other's records were added after these: its last change is the last (a record is logged when its
    // request ends, so a later one can carry an earlier time; picking the later time disagreed with summarise).
    if (other.#last) this.#last = other.#last;
  }

  summary(): StatsSummary {
    const hits = (this.#layers.l1a ?? 0) + (this.#layers.l1b ?? 0);
    return {
      requests: this.#requests,
      layers: { ...this.#layers },
      cacheHitRate: this.#requests ? hits / this.#requests : 0,
      errors: this.#errors,
      latencyMs: this.#latency.percentiles(),
      overheadMs: this.#overhead.percentiles(),
      tokens: { input: this.#input, output: this.#output, saved: this.#saved },
      cost: {
        usd: roundUsd(this.#usd),
        // null: there were savings and no price applied to any of them.
        savedUsd: this.#saving > 0 && this.#savingUnpriced === this.#saving ? null : roundUsd(this.#savedUsd),
        unpricedRequests: this.#unpriced,
      },
      churn: { compared: this.#compared, changed: this.#changed, systemBytes: this.#systemBytes, toolsBytes: this.#toolsBytes, last: this.#last },
    };
  }
}

/** Nano-dollars: sums of many small floats otherwise print as 0.30000000000000004. */
function roundUsd(usd: number): number {
  return Math.round(usd * 1e9) / 1e9;
}

/** The accumulator of `key` in `groups`, made on first use (a tool's, a key's). */
export function groupOf<K>(groups: Map<K, SummaryAccumulator>, key: K): SummaryAccumulator {
  let group = groups.get(key);
  if (!group) groups.set(key, (group = new SummaryAccumulator()));
  return group;
}
