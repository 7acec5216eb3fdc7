/**
 * A mergeable latency histogram: fixed log-spaced buckets, so per-minute histograms add up into
 * any window exactly and percentiles come out within ±4.5% (each bucket spans a factor of
 * 2^(1/8); the estimate is its geometric middle), clamped to the observed min and max.
 *
 * Bucket 0 holds ≤ 0.1 ms; bucket i holds (0.1·g^(i-1), 0.1·g^i] ms with g = 2^(1/8); the last
 * bucket (≈ 28 minutes and beyond) is open-ended. Stored sparsely as `{"bucket": count}`.
 */

export const HISTOGRAM_BASE_MS = 0.1;
export const HISTOGRAM_GROWTH = 2 ** (1 / 8);
/** Buckets 0…192; 192 = 8 per doubling × 24 doublings above 0.1 ms, the last one open-ended. */
export const HISTOGRAM_LAST_BUCKET = 192;

/** The bucket a latency (milliseconds) falls in. */
export function bucketOf(ms: number): number {
  if (!(ms > HISTOGRAM_BASE_MS)) return 0;
  // The epsilon keeps an exact bucket boundary in the bucket below despite floating-point log.
  const index = Math.ceil(Math.log(ms / HISTOGRAM_BASE_MS) / Math.log(HISTOGRAM_GROWTH) - 1e-9);
  return Math.min(HISTOGRAM_LAST_BUCKET, Math.max(1, index));
}

/** The upper bound (ms) of a bucket; the last bucket's is Infinity. */
export function bucketUpperBound(bucket: number): number {
  if (bucket >= HISTOGRAM_LAST_BUCKET) return Infinity;
  return HISTOGRAM_BASE_MS * HISTOGRAM_GROWTH ** bucket;
}

/** Counts per bucket plus the exact min and max. */
export class LatencyHistogram {
  private readonly counts = new Map<number, number>();
  private total = 0;
  min: number | undefined;
  max: number | undefined;

  /** Adds `count` observations of `ms`. */
  record(ms: number, count = 1): void {
    if (!Number.isFinite(ms) || ms < 0 || count <= 0) return;
    const bucket = bucketOf(ms);
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + count);
    this.total += count;
    this.min = this.min === undefined ? ms : Math.min(this.min, ms);
    this.max = this.max === undefined ? ms : Math.max(this.max, ms);
  }

  /** Adds another histogram's counts (and bounds) to this one. */
  merge(other: LatencyHistogram): this {
    for (const [bucket, count] of other.counts) this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + count);
    this.total += other.total;
    if (other.min !== undefined) this.min = this.min === undefined ? other.min : Math.min(this.min, other.min);
    if (other.max !== undefined) this.max = this.max === undefined ? other.max : Math.max(this.max, other.max);
    return this;
  }

  get count(): number {
    return this.total;
  }

  /** The q-quantile (0 < q ≤ 1) in ms, or undefined when empty. */
  quantile(q: number): number | undefined {
    if (this.total === 0) return undefined;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (const bucket of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(bucket) ?? 0;
      if (seen >= rank) return this.clamp(estimate(bucket));
    }
    return this.max;
  }

  /** The sparse `{"bucket": count}` form stored in telemetry_rollups. */
  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a - b).map(([bucket, count]) => [String(bucket), count]));
  }

  /** Rebuilds a histogram from its stored form and bounds. */
  static fromStored(stored: Record<string, number>, min: number | null | undefined, max: number | null | undefined): LatencyHistogram {
    const histogram = new LatencyHistogram();
    for (const [bucket, count] of Object.entries(stored)) {
      const index = Number(bucket);
      if (!Number.isInteger(index) || index < 0 || index > HISTOGRAM_LAST_BUCKET || !(count > 0)) continue;
      histogram.counts.set(index, (histogram.counts.get(index) ?? 0) + count);
      histogram.total += count;
    }
    histogram.min = min ?? undefined;
    histogram.max = max ?? undefined;
    return histogram;
  }

  private clamp(value: number): number {
    let result = value;
    if (this.min !== undefined) result = Math.max(result, this.min);
    if (this.max !== undefined) result = Math.min(result, this.max);
    return result;
  }
}

/** The geometric middle of a bucket (bucket 0: half the base; the open last bucket: its lower bound). */
function estimate(bucket: number): number {
  if (bucket === 0) return HISTOGRAM_BASE_MS / 2;
  const lower = HISTOGRAM_BASE_MS * HISTOGRAM_GROWTH ** (bucket - 1);
  if (bucket >= HISTOGRAM_LAST_BUCKET) return lower;
  return lower * Math.sqrt(HISTOGRAM_GROWTH);
}
