/**
 * A small hand-drawn SVG chart over time buckets: lines (latencies) or stacked bars (counts,
 * money). No chart library: a few hundred elements at most. Accessible by construction — a
 * heading, a one-sentence summary per series that the SVG is labelled with, a legend, and the
 * numbers as a table behind "Show data" (built only when opened: 30 days are 720 rows).
 */
import { useId, useState } from 'react';
import type { ReactNode } from 'react';
import { bucketLabel, describeSeries, labelIndexes, linePath, niceAxis, scales, stack, stackedMax, stepDecimals } from './chart-scale';

/** Colour of a series: one of the theme's variables (see observe.css). */
export type ChartTone = 'accent' | 'ok' | 'warn' | 'bad' | 'info' | 'violet' | 'muted';

export interface ChartSeries {
  label: string;
  values: readonly (number | null)[];
  tone: ChartTone;
}

export interface TimeChartProps {
  title: string;
  /** Bucket starts, ISO, one per value. */
  starts: readonly string[];
  bucket: 'minute' | 'hour';
  kind: 'line' | 'bars';
  series: readonly ChartSeries[];
  format(value: number): string;
  /** How the summary reads the values: `sum` for counts and money, `level` for latencies. */
  summary: 'sum' | 'level';
  /** Whole-number axis steps (counts, milliseconds). */
  integer?: boolean;
  /** Tick labels when `format` would round them (money): the value and the decimals its step needs. */
  axisFormat?(value: number, decimals: number): string;
}

const BOX = { width: 640, height: 170, left: 52, right: 8, top: 10, bottom: 22 };

/** One chart with its text alternative. */
export function TimeChart({ title, starts, bucket, kind, series, format, summary, integer = false, axisFormat }: TimeChartProps): ReactNode {
  const titleId = useId();
  const summaryId = useId();
  const [showData, setShowData] = useState(false);
  const buckets = starts.length;
  const numeric = series.map((entry) => entry.values.map((value) => (value === null || !Number.isFinite(value) ? 0 : value)));
  const rawTop = kind === 'bars' ? stackedMax(numeric) : Math.max(0, ...numeric.flat());
  const axis = niceAxis(rawTop, { integer });
  const top = axis.top;
  const decimals = stepDecimals(axis.step);
  const { x, y, band } = scales(BOX, buckets, top);
  const withDate = bucket === 'hour' && buckets > 24;
  const sentences = series.map((entry) => describeSeries(entry.label, entry.values, starts, { kind: summary, format, bucket }));
  const barWidth = Math.max(1, band * (buckets > 200 ? 1 : 0.7));

  return (
    <figure className="chart" aria-labelledby={titleId}>
      <figcaption>
        <h3 id={titleId}>{title}</h3>
        <p id={summaryId} className="chart-summary muted">
          {sentences.join(' ')}
        </p>
      </figcaption>
      <svg viewBox={`0 0 ${BOX.width} ${BOX.height}`} role="img" aria-labelledby={`${titleId} ${summaryId}`} className="chart-svg">
        {axis.ticks.map((tick) => (
          <g key={tick} className="chart-grid">
            <line x1={BOX.left} x2={BOX.width - BOX.right} y1={y(tick)} y2={y(tick)} />
            <text x={BOX.left - 6} y={y(tick)} dy="0.32em" textAnchor="end">
              {axisFormat ? axisFormat(tick, decimals) : format(tick)}
            </text>
          </g>
        ))}
        {labelIndexes(buckets).map((index) => (
          <text key={index} className="chart-axis" x={x(index)} y={BOX.height - 6} textAnchor={index === 0 ? 'start' : index === buckets - 1 ? 'end' : 'middle'}>
            {bucketLabel(starts[index] ?? '', bucket, withDate)}
          </text>
        ))}
        {kind === 'bars'
          ? stack(numeric).map((layer, layerIndex) => (
              <g key={series[layerIndex]?.label} className={`tone-${series[layerIndex]?.tone ?? 'accent'}`}>
                {layer.map(([from, to], index) =>
                  to > from ? (
                    <rect key={index} x={x(index) - barWidth / 2} width={barWidth} y={y(to)} height={Math.max(0.5, y(from) - y(to))}>
                      <title>{`${bucketLabel(starts[index] ?? '', bucket, bucket === 'hour')} ${series[layerIndex]?.label}: ${format(to - from)}`}</title>
                    </rect>
                  ) : null,
                )}
              </g>
            ))
          : series.map((entry) => {
              const path = linePath(entry.values, x, y);
              const lone = entry.values.map((value, index) => ({ value, index })).filter(({ value, index }) => value !== null && entry.values[index - 1] == null && entry.values[index + 1] == null);
              return (
                <g key={entry.label} className={`tone-${entry.tone}`}>
                  <path d={path} className="chart-line" />
                  {/* A bucket with no neighbours would be an invisible line: a dot shows it. */}
                  {lone.map(({ value, index }) => (
                    <circle key={index} cx={x(index)} cy={y(value as number)} r={2.5} />
                  ))}
                </g>
              );
            })}
      </svg>
      <ul className="chart-legend">
        {series.map((entry) => (
          <li key={entry.label} className={`tone-${entry.tone}`}>
            <span className="swatch" aria-hidden="true" />
            {entry.label}
          </li>
        ))}
      </ul>
      <details className="chart-data" onToggle={(event) => setShowData((event.target as HTMLDetailsElement).open)}>
        <summary>Show data: {title}</summary>
        {showData ? (
          <table className="table" aria-label={`${title} data`}>
            <thead>
              <tr>
                <th>{bucket === 'minute' ? 'Minute' : 'Hour'}</th>
                {series.map((entry) => (
                  <th key={entry.label}>{entry.label}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {starts.map((start, index) => (
                <tr key={start}>
                  <td className="mono">{bucketLabel(start, bucket, bucket === 'hour')}</td>
                  {series.map((entry) => {
                    const value = entry.values[index];
                    return (
                      <td key={entry.label} className="mono">
                        {value === null || value === undefined ? '—' : format(value)}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </details>
    </figure>
  );
}
