/**
 * Sums rollup rows (of any tier: the columns are the same) into a window's totals and
 * percentiles. Histograms go into a dense array, one slot per bucket; a row's histogram text may
 * be several stored histograms joined by commas (SQL `group_concat`), which a small scanner adds
 * up without building objects — the fleet summary's hot loop (bench/control-plane-telemetry.ts).
 */
import { HISTOGRAM_LAST_BUCKET, LatencyHistogram } from './latency-histogram';

/** Totals and percentiles over a window. */
export interface TelemetrySummary {
  from: string;
  to: string;
  requests: number;
  errors: number;
  /** errors / requests, or null without requests. */
  errorRate: number | null;
  /** Requests per second over the whole window. */
  throughputPerSecond: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  meanLatencyMs: number | null;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
}

/** The rollup columns summaries read one row at a time, in the order RollupTotals.add expects. */
export const SUMMARY_COLUMNS = 'requests, errors, tokens_in, tokens_out, cost_usd, latency_sum_ms, latency_min_ms, latency_max_ms, latency_histogram';

/** The same columns summed over a group of rows (histograms joined for RollupTotals.add). */
export const SUMMED_COLUMNS =
  'sum(requests), sum(errors), sum(tokens_in), sum(tokens_out), sum(cost_usd), sum(latency_sum_ms), min(latency_min_ms), max(latency_max_ms), group_concat(latency_histogram)';

/** Each bucket's estimate before clamping, taken from LatencyHistogram itself so the two never disagree. */
const ESTIMATES = Float64Array.from({ length: HISTOGRAM_LAST_BUCKET + 1 }, (_, bucket) => LatencyHistogram.fromStored({ [bucket]: 1 }, undefined, undefined).quantile(1) ?? 0);
const QUANTILES = [0.5, 0.95, 0.99] as const;

/** Sums raw rows read with SUMMARY_COLUMNS or SUMMED_COLUMNS. */
export class RollupTotals {
  private requests = 0;
  private errors = 0;
  private tokensIn = 0;
  private tokensOut = 0;
  private costUsd = 0;
  private latencySumMs = 0;
  private min: number | undefined;
  private max: number | undefined;
  private readonly counts = new Float64Array(HISTOGRAM_LAST_BUCKET + 1);

  /** Adds one raw row; `offset` skips leading columns (agent id, bucket). */
  add(row: readonly unknown[], offset = 0): void {
    this.requests += row[offset] as number;
    this.errors += row[offset + 1] as number;
    this.tokensIn += row[offset + 2] as number;
    this.tokensOut += row[offset + 3] as number;
    this.costUsd += row[offset + 4] as number;
    this.latencySumMs += row[offset + 5] as number;
    const min = row[offset + 6] as number | null;
    const max = row[offset + 7] as number | null;
    if (min !== null) this.min = this.min === undefined ? min : Math.min(this.min, min);
    if (max !== null) this.max = this.max === undefined ? max : Math.max(this.max, max);
    const histograms = row[offset + 8] as string | null;
    if (histograms && !addFast(histograms, this.counts)) addParsed(histograms, this.counts);
  }

  /** The totals as a summary of `window` (throughput is per second of the whole window). */
  summary(window: { from: string; to: string }): TelemetrySummary {
    const requests = this.requests;
    const seconds = Math.max(1, (Date.parse(window.to) - Date.parse(window.from)) / 1000);
    const [p50Ms = null, p95Ms = null, p99Ms = null] = this.quantiles();
    return {
      from: window.from,
      to: window.to,
      requests,
      errors: this.errors,
      errorRate: requests ? this.errors / requests : null,
      throughputPerSecond: requests / seconds,
      p50Ms,
      p95Ms,
      p99Ms,
      meanLatencyMs: requests ? this.latencySumMs / requests : null,
      tokensIn: this.tokensIn,
      tokensOut: this.tokensOut,
      costUsd: this.costUsd,
    };
  }

  /** p50/p95/p99 exactly as LatencyHistogram.quantile computes them, in one pass over the dense counts. */
  private quantiles(): (number | null)[] {
    const counts = this.counts;
    let total = 0;
    for (let bucket = 0; bucket < counts.length; bucket++) total += counts[bucket] as number;
    if (total === 0) return QUANTILES.map(() => null);
    return QUANTILES.map((q) => {
      const rank = Math.max(1, Math.ceil(q * total));
      let seen = 0;
      for (let bucket = 0; bucket < counts.length; bucket++) {
        seen += counts[bucket] as number;
        if (seen >= rank) return this.clamp(ESTIMATES[bucket] as number);
      }
      return this.max ?? null;
    });
  }

  private clamp(value: number): number {
    let result = value;
    if (this.min !== undefined) result = Math.max(result, this.min);
    if (this.max !== undefined) result = Math.min(result, this.max);
    return result;
  }
}

// The counts as they were before addFast began: restored if the text turns out not to be in the stored form.
const before = new Float64Array(HISTOGRAM_LAST_BUCKET + 1);

/**
 * Adds histograms in the stored form (`{"12":3,"15":1}`, several joined by commas) to `counts`.
 * Returns false, having changed nothing, on anything else (spaces, fractions, exponents…): the
 * caller then parses it as JSON.
 */
function addFast(text: string, counts: Float64Array): boolean {
  before.set(counts);
  const end = text.length;
  let index = 0;
  for (;;) {
    if (text.charCodeAt(index) !== 0x7b) return restore(counts); // {
    index += 1;
    if (text.charCodeAt(index) === 0x7d) index += 1; // } of an empty histogram
    else {
      for (;;) {
        if (text.charCodeAt(index++) !== 0x22) return restore(counts); // "
        let key = 0;
        const keyStart = index;
        let code = text.charCodeAt(index);
        while (code >= 0x30 && code <= 0x39) {
          key = key * 10 + (code - 0x30);
          code = text.charCodeAt(++index);
        }
        if (index === keyStart || code !== 0x22 || text.charCodeAt(index + 1) !== 0x3a) return restore(counts); // ":
        index += 2;
        let value = 0;
        const valueStart = index;
        code = text.charCodeAt(index);
        while (code >= 0x30 && code <= 0x39) {
          value = value * 10 + (code - 0x30);
          code = text.charCodeAt(++index);
        }
        // Up to 15 digits: exact in a double, as JSON.parse would read it.
        if (index === valueStart || index - valueStart > 15) return restore(counts);
        if (key <= HISTOGRAM_LAST_BUCKET && value > 0) counts[key] = (counts[key] as number) + value;
        index += 1;
        if (code === 0x7d) break; // }
        if (code !== 0x2c) return restore(counts); // ,
      }
    }
    if (index === end) return true;
    if (text.charCodeAt(index++) !== 0x2c) return restore(counts);
  }
}

function restore(counts: Float64Array): false {
  counts.set(before);
  return false;
}

/** The general path: any JSON the database holds. */
function addParsed(text: string, counts: Float64Array): void {
  let stored: unknown;
  try {
    stored = JSON.parse(`[${text}]`);
  } catch {
    return; // json_valid() guards every row; a damaged one contributes nothing rather than failing the whole read.
  }
  for (const histogram of stored as Record<string, unknown>[]) {
    for (const bucket in histogram) {
      const count = histogram[bucket];
      if (typeof count === 'number') addCount(counts, Number(bucket), count);
    }
  }
}

/** The same rule as LatencyHistogram.fromStored, so every read path skips the same damaged entries. */
function addCount(counts: Float64Array, bucket: number, count: number): void {
  if (Number.isInteger(bucket) && bucket >= 0 && bucket <= HISTOGRAM_LAST_BUCKET && count > 0) counts[bucket] = (counts[bucket] as number) + count;
}
