import type { PromptChurn, StatsRecord } from './request-record.js';

/** Rows per chunk: columns grow a chunk at a time instead of copying themselves as records arrive. */
const chunkRows = 4096;
// Per chunk, one Float64Array of numbers and one Uint32Array of small integers, a column after another
// (a window scans the times alone). JSON numbers are doubles: every value round-trips exactly.
const [tTime, tTotal, tOverhead, tInput, tOutput, tSaved, tCost, tCostSaved] = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => k * chunkRows) as number[] as [number, number, number, number, number, number, number, number];
const numberColumns = 8;
// Status, the interned client, layer and key alias, and the row's kind (below).
const [iStatus, iClient, iLayer, iKey, iKind] = [0, 1, 2, 3, 4].map((k) => k * chunkRows) as [number, number, number, number, number];
const intColumns = 5;
const noKey = 0xffffffff;
/**
 * Row kinds: no churn; compared and unchanged (what /stats counts is the same for every such record);
 * changed (its churn kept as written in `#changed`: /stats shows the last one); kept whole in `#whole`.
 */
const [churnNone, churnUnchanged, churnChanged, keptWhole] = [0, 1, 2, 3];
const unchangedChurn: PromptChurn = Object.freeze({ systemBytes: 0, systemLine: null, toolsBytes: 0, toolsChanged: Object.freeze([]) as unknown as string[] });

interface Chunk {
  numbers: Float64Array;
  ints: Uint32Array;
  /** The latest time in the chunk: a window that starts after it skips the chunk without scanning it. */
  latest: number;
}

/**
 * The request records `/stats` summarises, as columns: about 85 bytes a record instead of the ~360 a
 * parsed record takes (76 MB for five full 16 MB files). A record reads back with every field
 * SummaryAccumulator reads and the same values, so a summary of the rows equals one of the records. A
 * changed prompt's churn is kept as written; the rare record a column cannot hold exactly (a time not in
 * toISOString form, a field of an unexpected type in a hand-edited file) is kept whole beside the columns.
 */
export class RecordColumns {
  readonly #chunks: Chunk[] = [];
  #length = 0;
  readonly #strings: string[] = [];
  readonly #ids = new Map<string, number>();
  /** Rows kept whole (see above), by row. */
  readonly #whole = new Map<number, StatsRecord>();
  readonly #changed = new Map<number, PromptChurn>();

  get length(): number {
    return this.#length;
  }

  push(record: StatsRecord): void {
    const row = this.#length++;
    if (row % chunkRows === 0) this.#chunks.push({ numbers: new Float64Array(chunkRows * numberColumns), ints: new Uint32Array(chunkRows * intColumns), latest: Number.NEGATIVE_INFINITY });
    const chunk = this.#chunks[row / chunkRows | 0]!;
    const { numbers, ints } = chunk;
    const r = row % chunkRows;
    const time = Date.parse(record.time);
    numbers[r + tTime] = time;
    if (time > chunk.latest) chunk.latest = time;
    if (!fitsColumns(record, time)) {
      ints[r + iKind] = keptWhole;
      this.#whole.set(row, statsFieldsOf(record));
      return;
    }
    numbers[r + tTotal] = record.totalMs;
    numbers[r + tOverhead] = record.overheadMs;
    numbers[r + tInput] = record.inputTokens;
    numbers[r + tOutput] = record.outputTokens;
    numbers[r + tSaved] = record.tokensSaved;
    numbers[r + tCost] = record.costUsd ?? Number.NaN;
    numbers[r + tCostSaved] = record.costSavedUsd ?? Number.NaN;
    ints[r + iStatus] = record.status;
    ints[r + iClient] = this.#intern(record.client);
    ints[r + iLayer] = this.#intern(record.layer);
    ints[r + iKey] = record.keyAlias == null ? noKey : this.#intern(record.keyAlias);
    const churn = record.churn;
    if (!churn) ints[r + iKind] = churnNone;
    else if (churn.systemBytes > 0 || churn.toolsBytes > 0) {
      ints[r + iKind] = churnChanged;
      this.#changed.set(row, churn);
    } else ints[r + iKind] = churnUnchanged;
  }

  /** The rows whose time is at or after `sinceMs` (every row when 0), oldest first. */
  since(sinceMs: number): StatsRecord[] {
    const records: StatsRecord[] = [];
    for (let c = 0; c < this.#chunks.length; c++) {
      const { numbers, latest } = this.#chunks[c]!;
      if (sinceMs > 0 && !(latest >= sinceMs)) continue;
      const rows = Math.min(chunkRows, this.#length - c * chunkRows);
      for (let r = 0; r < rows; r++) if (sinceMs <= 0 || numbers[tTime + r]! >= sinceMs) records.push(this.recordAt(c * chunkRows + r));
    }
    return records;
  }

  /**
   * Visits the rows whose time is at or after `sinceMs` (every row when 0), oldest first, without building
   * a record for each: `visit` gets one reused row, valid only during the call (a summary copies what it keeps).
   */
  each(sinceMs: number, visit: (record: StatsRecord) => void): void {
    const row = new ReusedRow();
    for (let c = 0; c < this.#chunks.length; c++) {
      const { numbers, ints, latest } = this.#chunks[c]!;
      if (sinceMs > 0 && !(latest >= sinceMs)) continue;
      const rows = Math.min(chunkRows, this.#length - c * chunkRows);
      for (let r = 0; r < rows; r++) {
        const ms = numbers[tTime + r]!;
        if (sinceMs > 0 && !(ms >= sinceMs)) continue;
        const kind = ints[r + iKind];
        if (kind === keptWhole) {
          visit(this.#whole.get(c * chunkRows + r)!);
          continue;
        }
        const key = ints[r + iKey]!;
        row.ms = ms;
        row.client = this.#strings[ints[r + iClient]!]!;
        row.keyAlias = key === noKey ? null : this.#strings[key]!;
        row.layer = this.#strings[ints[r + iLayer]!]!;
        row.status = ints[r + iStatus]!;
        row.totalMs = numbers[r + tTotal]!;
        row.overheadMs = numbers[r + tOverhead]!;
        row.inputTokens = numbers[r + tInput]!;
        row.outputTokens = numbers[r + tOutput]!;
        row.tokensSaved = numbers[r + tSaved]!;
        row.costUsd = nullable(numbers[r + tCost]!);
        row.costSavedUsd = nullable(numbers[r + tCostSaved]!);
        row.churn = kind === churnChanged ? this.#changed.get(c * chunkRows + r)! : kind === churnUnchanged ? unchangedChurn : null;
        visit(row);
      }
    }
  }

  recordAt(row: number): StatsRecord {
    const { numbers, ints } = this.#chunks[row / chunkRows | 0]!;
    const r = row % chunkRows;
    const kind = ints[r + iKind];
    if (kind === keptWhole) return this.#whole.get(row)!;
    const time = numbers[r + tTime]!;
    const key = ints[r + iKey]!;
    return statsRecord(
      new Date(time).toISOString(),
      this.#strings[ints[r + iClient]!]!,
      key === noKey ? null : this.#strings[key]!,
      this.#strings[ints[r + iLayer]!]!,
      ints[r + iStatus]!,
      numbers[r + tTotal]!,
      numbers[r + tOverhead]!,
      numbers[r + tInput]!,
      numbers[r + tOutput]!,
      numbers[r + tSaved]!,
      nullable(numbers[r + tCost]!),
      nullable(numbers[r + tCostSaved]!),
      kind === churnChanged ? this.#changed.get(row)! : kind === churnUnchanged ? unchangedChurn : null,
    );
  }

  #intern(text: string): number {
    let id = this.#ids.get(text);
    if (id === undefined) {
      id = this.#strings.push(text) - 1;
      this.#ids.set(text, id);
    }
    return id;
  }
}

/** The row `each` visits: its time is written out only when read (a summary reads it for a changed prompt alone). */
class ReusedRow implements StatsRecord {
  ms = 0;
  client = '';
  keyAlias: string | null = null;
  layer = '';
  status = 0;
  totalMs = 0;
  overheadMs = 0;
  inputTokens = 0;
  outputTokens = 0;
  tokensSaved = 0;
  costUsd: number | null = null;
  costSavedUsd: number | null = null;
  churn: PromptChurn | null = null;

  get time(): string {
    return new Date(this.ms).toISOString();
  }
}

/** Every record read back is built here, so all share one shape and the summary's loop stays monomorphic. */
function statsRecord(
  time: string,
  client: string,
  keyAlias: string | null | undefined,
  layer: string,
  status: number,
  totalMs: number,
  overheadMs: number,
  inputTokens: number,
  outputTokens: number,
  tokensSaved: number,
  costUsd: number | null,
  costSavedUsd: number | null,
  churn: PromptChurn | null,
): StatsRecord {
  return { time, client, keyAlias: keyAlias as string | null, layer, status, totalMs, overheadMs, inputTokens, outputTokens, tokensSaved, costUsd, costSavedUsd, churn };
}

/** A record kept whole: its fields /stats reads, as they are (a hand-edited file may hold any JSON in them). */
function statsFieldsOf(r: StatsRecord): StatsRecord {
  return statsRecord(r.time, r.client, r.keyAlias, r.layer, r.status, r.totalMs, r.overheadMs, r.inputTokens, r.outputTokens, r.tokensSaved, r.costUsd, r.costSavedUsd, r.churn);
}

function nullable(value: number): number | null {
  return Number.isNaN(value) ? null : value;
}

/** Whether a column holds each field /stats reads exactly as the record has it. */
function fitsColumns(record: StatsRecord, time: number): boolean {
  return (
    Number.isFinite(time) &&
    new Date(time).toISOString() === record.time &&
    typeof record.client === 'string' &&
    typeof record.layer === 'string' &&
    (record.keyAlias === null || record.keyAlias === undefined || typeof record.keyAlias === 'string') &&
    Number.isInteger(record.status) &&
    record.status >= 0 &&
    record.status < noKey &&
    typeof record.totalMs === 'number' &&
    typeof record.overheadMs === 'number' &&
    typeof record.inputTokens === 'number' &&
    typeof record.outputTokens === 'number' &&
    typeof record.tokensSaved === 'number' &&
    (record.costUsd === null || typeof record.costUsd === 'number') &&
    (record.costSavedUsd === null || typeof record.costSavedUsd === 'number')
  );
}
