/**
 * The arithmetic behind the hand-drawn SVG charts of the Metrics and Policies tabs: a "nice" top
 * of the y axis, ticks, coordinates, line paths that break at empty buckets, stacked bars, axis
 * labels and the one-sentence text summary each chart carries for screen readers. Pure.
 */

/** The smallest 1, 2 or 5 × 10ⁿ at or above `value`. */
function niceStep(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5]) if (step * magnitude >= value * (1 - 1e-9)) return Number((step * magnitude).toPrecision(12));
  return Number((10 * magnitude).toPrecision(12));
}

/**
 * The y axis for values up to `max`: a top that is a whole number of "nice" steps (1, 2 or 5 ×
 * 10ⁿ) and at most `count` steps, so every tick label is exact. `integer` keeps steps ≥ 1 (counts,
 * milliseconds); an empty chart gets the axis of `1`.
 */
export function niceAxis(max: number, options: { count?: number; integer?: boolean } = {}): { top: number; step: number; ticks: number[] } {
  const count = options.count ?? 4;
  const value = Number.isFinite(max) && max > 0 ? max : 1;
  let step = niceStep(value / count);
  if (options.integer) step = Math.max(1, Math.round(step));
  const steps = Math.max(1, Math.ceil(value / step - 1e-9));
  const top = Number((steps * step).toPrecision(12));
  return { top, step, ticks: Array.from({ length: steps + 1 }, (_, index) => Number((index * step).toPrecision(12))) };
}

/** Decimals that show every tick of a step exactly (0.25 → 2, 5 → 0). */
export function stepDecimals(step: number): number {
  for (let decimals = 0; decimals < 10; decimals++) if (Math.abs(Math.round(step * 10 ** decimals) - step * 10 ** decimals) < 1e-6) return decimals;
  return 10;
}

export interface ChartBox {
  width: number;
  height: number;
  /** Space for the y labels on the left and the x labels below. */
  left: number;
  bottom: number;
  top: number;
  right: number;
}

/** Maps bucket index and value to SVG coordinates inside the box. */
export function scales(box: ChartBox, buckets: number, top: number): { x(index: number): number; y(value: number): number; band: number } {
  const plotWidth = box.width - box.left - box.right;
  const plotHeight = box.height - box.top - box.bottom;
  const band = plotWidth / Math.max(1, buckets);
  return {
    band,
    // Centre of the bucket's band, so lines and bars line up.
    x: (index) => box.left + band * index + band / 2,
    y: (value) => box.top + plotHeight - (Math.max(0, Math.min(value, top)) / top) * plotHeight,
  };
}

/** An SVG path through the values; a null (an empty bucket) breaks the line instead of dropping it to zero. */
export function linePath(values: readonly (number | null)[], x: (index: number) => number, y: (value: number) => number): string {
  const parts: string[] = [];
  let drawing = false;
  values.forEach((value, index) => {
    if (value === null || !Number.isFinite(value)) {
      drawing = false;
      return;
    }
    parts.push(`${drawing ? 'L' : 'M'}${round(x(index))},${round(y(value))}`);
    drawing = true;
  });
  return parts.join(' ');
}

/** Bars stacked bottom to top: per bucket, each series' [from, to] value range. */
export function stack(series: readonly (readonly number[])[]): [number, number][][] {
  const buckets = Math.max(0, ...series.map((values) => values.length));
  const base = new Array<number>(buckets).fill(0);
  return series.map((values) =>
    Array.from({ length: buckets }, (_, index) => {
      const from = base[index] ?? 0;
      const to = from + Math.max(0, values[index] ?? 0);
      base[index] = to;
      return [from, to] as [number, number];
    }),
  );
}

/** The largest stacked total (for the y axis of stacked bars). */
export function stackedMax(series: readonly (readonly number[])[]): number {
  const layers = stack(series);
  const top = layers[layers.length - 1] ?? [];
  return Math.max(0, ...top.map(([, to]) => to));
}

/** `14:05` for minute buckets; `14:00` for hours of today's window, `Mar 3 14:00` for longer ones. */
export function bucketLabel(iso: string, bucket: 'minute' | 'hour', withDate = false): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (value: number): string => String(value).padStart(2, '0');
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  if (bucket === 'minute' || !withDate) return time;
  return `${date.toLocaleString('en', { month: 'short' })} ${date.getDate()} ${time}`;
}

/** The indexes that get an x label: first, last and evenly between, at most `count`. */
export function labelIndexes(buckets: number, count = 5): number[] {
  if (buckets <= 0) return [];
  if (buckets <= count) return Array.from({ length: buckets }, (_, index) => index);
  const last = buckets - 1;
  const indexes = new Set<number>();
  for (let step = 0; step < count; step++) indexes.add(Math.round((last * step) / (count - 1)));
  return [...indexes].sort((a, b) => a - b);
}

/**
 * One sentence a screen reader reads instead of the picture: total (or range), peak and where.
 * `kind: 'sum'` for counts and money, `'level'` for latencies (no total).
 */
export function describeSeries(label: string, values: readonly (number | null)[], starts: readonly string[], options: { kind: 'sum' | 'level'; format(value: number): string; bucket: 'minute' | 'hour' }): string {
  const present = values.map((value, index) => ({ value, index })).filter((entry): entry is { value: number; index: number } => entry.value !== null && Number.isFinite(entry.value));
  if (present.length === 0 || (options.kind === 'sum' && present.every((entry) => entry.value === 0))) return `${label}: no data in this window.`;
  const peak = present.reduce((best, entry) => (entry.value > best.value ? entry : best));
  const at = bucketLabel(starts[peak.index] ?? '', options.bucket, options.bucket === 'hour');
  if (options.kind === 'sum') {
    const total = present.reduce((sum, entry) => sum + entry.value, 0);
    return `${label}: ${options.format(total)} in total; peak ${options.format(peak.value)} at ${at}.`;
  }
  const low = present.reduce((best, entry) => (entry.value < best.value ? entry : best));
  if (options.format(low.value) === options.format(peak.value)) return `${label}: ${options.format(peak.value)} at ${at}${present.length > 1 ? ' and after' : ''}.`;
  return `${label}: between ${options.format(low.value)} and ${options.format(peak.value)}; highest at ${at}.`;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
