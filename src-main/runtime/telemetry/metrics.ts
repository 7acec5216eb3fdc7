/**
 * A small Prometheus registry: declared metric families, constant `agent`/`version` labels on
 * every series, and the text exposition format 0.0.4 for `GET /metrics`.
 *
 * Cardinality is bounded: label values come from requests and agent code (service names, model
 * names), so each family keeps at most `maxSeriesPerFamily` series and counts the overflow in
 * `agentdock_metrics_dropped_series_total` instead of growing the scrape without limit.
 * Recording never throws: a wrong name or value is counted and logged once, never raised into
 * the request path.
 */
import type { Logger, Metrics } from '../contracts';
import { METRIC } from './metric-names';
import { formatLabels, formatSampleValue, escapeHelp } from './prometheus-text';

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricDefinition {
  name: string;
  help: string;
  type: MetricType;
  labelNames?: readonly string[];
  /** Histogram upper bounds (ascending); `+Inf` is implied. */
  buckets?: readonly number[];
  /**
   * An unlabelled gauge that has no value until set (a budget limit: 0 would read as "a $0 limit"):
   * no sample is exposed before the first `set`. Others start at 0.
   */
  absentUntilSet?: boolean;
}

export interface MetricsRegistryOptions {
  agent: string;
  version: string;
  /** Series kept per family before new label combinations are dropped. */
  maxSeriesPerFamily?: number;
  /** Told once per unknown metric name or misuse, at warn level. */
  logger?: Logger;
}

/** Prometheus' default buckets, seconds. */
export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Content-Type of `render()`'s output. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const RESERVED_SUFFIXES = ['_bucket', '_sum', '_count'];
/** Distinct problem names remembered for log-once; beyond this, problems are only counted. */
const MAX_WARNED = 256;

interface Series {
  labelValues: string[];
  value: number;
  /** Histograms: per-bucket (not cumulative) counts, one per bound plus +Inf. */
  bucketCounts?: number[];
  sum?: number;
}

interface Family {
  definition: Required<MetricDefinition>;
  series: Map<string, Series>;
}

/** Prometheus metrics registry implementing the runtime's `Metrics` port. */
export class MetricsRegistry implements Metrics {
  private readonly families = new Map<string, Family>();
  private readonly constantLabels: ReadonlyArray<readonly [string, string]>;
  private readonly maxSeriesPerFamily: number;
  private readonly logger: Logger | undefined;
  private readonly warned = new Set<string>();

  constructor({ agent, version, maxSeriesPerFamily = 1_000, logger }: MetricsRegistryOptions) {
    this.constantLabels = [
      ['agent', agent],
      ['version', version],
    ];
    this.maxSeriesPerFamily = maxSeriesPerFamily;
    this.logger = logger;
    this.declare({
      name: METRIC.metricsDroppedSeries,
      help: 'Metric samples not recorded: series over the per-family cap, unknown metric names, or invalid values.',
      type: 'counter',
      labelNames: ['metric', 'reason'],
    });
  }

  /** Declares a family; declaring the same definition twice is a no-op, a conflicting one throws. */
  declare(definition: MetricDefinition): void {
    const { name, type } = definition;
    const labelNames = [...(definition.labelNames ?? [])];
    if (!METRIC_NAME.test(name)) throw new Error(`invalid metric name ${JSON.stringify(name)}`);
    if (type === 'histogram' && RESERVED_SUFFIXES.some((suffix) => name.endsWith(suffix))) throw new Error(`histogram ${name} must not end in _bucket, _sum or _count`);
    for (const label of labelNames) {
      if (!LABEL_NAME.test(label) || label.startsWith('__')) throw new Error(`invalid label name ${JSON.stringify(label)} on ${name}`);
      if (label === 'agent' || label === 'version' || (type === 'histogram' && label === 'le')) throw new Error(`label ${label} on ${name} is reserved`);
    }
    let buckets: number[] = [];
    if (type === 'histogram') {
      buckets = [...(definition.buckets ?? DEFAULT_BUCKETS)].filter((bound) => bound !== Infinity);
      if (buckets.length === 0 || buckets.some((bound, i) => !Number.isFinite(bound) || (i > 0 && bound <= (buckets[i - 1] as number)))) {
        throw new Error(`histogram ${name} needs finite, strictly ascending buckets`);
      }
    }
    const full: Required<MetricDefinition> = { name, help: definition.help, type, labelNames, buckets, absentUntilSet: definition.absentUntilSet ?? false };
    const existing = this.families.get(name);
    if (existing) {
      if (JSON.stringify(existing.definition) !== JSON.stringify(full)) throw new Error(`metric ${name} is already declared differently`);
      return;
    }
    this.families.set(name, { definition: full, series: new Map() });
  }

  /** True when `name` is declared. */
  has(name: string): boolean {
    return this.families.has(name);
  }

  /** Adds `by` (default 1) to a counter or gauge. */
  increment(name: string, labels?: Record<string, string>, by = 1): void {
    const family = this.family(name);
    if (!family) return;
    const { type } = family.definition;
    if (type === 'histogram' || !Number.isFinite(by) || (type === 'counter' && by < 0)) return this.reject(name, 'invalid_value', `${type} ${name} cannot be incremented by ${by}`);
    const series = this.series(family, labels);
    if (series) series.value += by;
  }

  /** Records one observation in a histogram. */
  observe(name: string, value: number, labels?: Record<string, string>): void {
    const family = this.family(name);
    if (!family) return;
    if (family.definition.type !== 'histogram' || !Number.isFinite(value)) return this.reject(name, 'invalid_value', `${family.definition.type} ${name} cannot observe ${value}`);
    const series = this.series(family, labels);
    if (!series || !series.bucketCounts) return;
    const bounds = family.definition.buckets;
    let index = bounds.findIndex((bound) => value <= bound);
    if (index < 0) index = bounds.length;
    series.bucketCounts[index] = (series.bucketCounts[index] ?? 0) + 1;
    series.sum = (series.sum ?? 0) + value;
    series.value += 1;
  }

  /** Sets a gauge. */
  set(name: string, value: number, labels?: Record<string, string>): void {
    const family = this.family(name);
    if (!family) return;
    if (family.definition.type !== 'gauge' || Number.isNaN(value)) return this.reject(name, 'invalid_value', `${family.definition.type} ${name} cannot be set to ${value}`);
    const series = this.series(family, labels);
    if (series) series.value = value;
  }

  /** Current value of a counter or gauge series (histograms: the observation count); for tests and `/health`. */
  value(name: string, labels?: Record<string, string>): number | undefined {
    const family = this.families.get(name);
    if (!family) return undefined;
    return family.series.get(seriesKey(labelValuesOf(family, labels)))?.value;
  }

  /** The whole registry in Prometheus text exposition format 0.0.4. */
  render(): string {
    const lines: string[] = [];
    for (const family of this.families.values()) {
      const { name, help, type, labelNames, buckets } = family.definition;
      lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`);
      const unset = family.series.size === 0 && labelNames.length === 0;
      const series = unset ? (family.definition.absentUntilSet ? [] : [emptySeries(family)]) : [...family.series.values()];
      for (const entry of series) {
        const pairs: Array<readonly [string, string]> = [...this.constantLabels, ...labelNames.map((label, i) => [label, entry.labelValues[i] ?? ''] as const)];
        if (type !== 'histogram') {
          lines.push(`${name}${formatLabels(pairs)} ${formatSampleValue(entry.value)}`);
          continue;
        }
        let cumulative = 0;
        const counts = entry.bucketCounts ?? [];
        buckets.forEach((bound, i) => {
          cumulative += counts[i] ?? 0;
          lines.push(`${name}_bucket${formatLabels([...pairs, ['le', formatSampleValue(bound)]])} ${cumulative}`);
        });
        cumulative += counts[buckets.length] ?? 0;
        lines.push(`${name}_bucket${formatLabels([...pairs, ['le', '+Inf']])} ${cumulative}`);
        lines.push(`${name}_sum${formatLabels(pairs)} ${formatSampleValue(entry.sum ?? 0)}`);
        lines.push(`${name}_count${formatLabels(pairs)} ${cumulative}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }

  private family(name: string): Family | undefined {
    const family = this.families.get(name);
    if (!family) this.reject('_unknown', 'unknown_metric', `unknown metric ${name}`, name);
    return family;
  }

  private series(family: Family, labels: Record<string, string> | undefined): Series | undefined {
    const labelValues = labelValuesOf(family, labels);
    const key = seriesKey(labelValues);
    let series = family.series.get(key);
    if (series) return series;
    if (family.series.size >= this.maxSeriesPerFamily) {
      this.reject(family.definition.name, 'cardinality', `metric ${family.definition.name} reached ${this.maxSeriesPerFamily} series; new label combinations are dropped`);
      return undefined;
    }
    series = { labelValues, value: 0 };
    if (family.definition.type === 'histogram') {
      series.bucketCounts = new Array<number>(family.definition.buckets.length + 1).fill(0);
      series.sum = 0;
    }
    family.series.set(key, series);
    return series;
  }

  private reject(metric: string, reason: 'unknown_metric' | 'cardinality' | 'invalid_value', message: string, warnKey = `${metric}:${reason}`): void {
    // Written directly, not through series(): a full drop counter must not recurse into itself.
    // Its own size is bounded by (declared families + 1) x 3 reasons.
    const dropped = this.families.get(METRIC.metricsDroppedSeries);
    if (dropped) {
      const key = seriesKey([metric, reason]);
      const series = dropped.series.get(key);
      if (series) series.value += 1;
      else dropped.series.set(key, { labelValues: [metric, reason], value: 1 });
    }
    if (this.warned.size < MAX_WARNED && !this.warned.has(warnKey)) {
      this.warned.add(warnKey);
      try {
        this.logger?.warn('metric sample dropped', { reason, detail: message });
      } catch {
        // Logging is best effort here too.
      }
    }
  }
}

function labelValuesOf(family: Family, labels: Record<string, string> | undefined): string[] {
  // Undeclared labels are ignored and missing ones are empty, so a caller cannot widen a family.
  return family.definition.labelNames.map((label) => {
    const value = labels?.[label];
    return value === undefined || value === null ? '' : String(value);
  });
}

function seriesKey(labelValues: readonly string[]): string {
  return labelValues.length === 0 ? '' : JSON.stringify(labelValues);
}

function emptySeries(family: Family): Series {
  const histogram = family.definition.type === 'histogram';
  return { labelValues: [], value: 0, ...(histogram ? { bucketCounts: [], sum: 0 } : {}) };
}
