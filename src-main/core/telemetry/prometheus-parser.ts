/**
 * A parser for the Prometheus text exposition format 0.0.4, as the runtime writes it
 * (runtime/telemetry/prometheus-text.ts): `name{label="value",…} value [timestamp]`, with `\\`,
 * `\"` and `\n` escaped in label values. Tolerant: a line it cannot read is counted and skipped,
 * so one odd series from agent code cannot hide the budget gauges.
 */

export interface PrometheusSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ParsedMetrics {
  samples: PrometheusSample[];
  /** Lines that were neither comments nor readable samples. */
  invalidLines: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/** Parses a whole scrape. */
export function parsePrometheusText(text: string): ParsedMetrics {
  const samples: PrometheusSample[] = [];
  let invalidLines = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const sample = parseSampleLine(line);
    if (sample) samples.push(sample);
    else invalidLines += 1;
  }
  return { samples, invalidLines };
}

/** One sample line, or undefined when it is not one. */
export function parseSampleLine(line: string): PrometheusSample | undefined {
  const name = NAME.exec(line)?.[0];
  if (!name) return undefined;
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    rest = rest.slice(1);
    for (;;) {
      rest = rest.trimStart();
      if (rest.startsWith('}')) {
        rest = rest.slice(1);
        break;
      }
      const labelName = LABEL_NAME.exec(rest)?.[0];
      if (!labelName) return undefined;
      rest = rest.slice(labelName.length).trimStart();
      if (!rest.startsWith('="')) return undefined;
      rest = rest.slice(2);
      let value = '';
      let index = 0;
      for (; index < rest.length; index++) {
        const char = rest[index];
        if (char === '"') break;
        if (char === '\\') {
          const next = rest[index + 1];
          value += next === 'n' ? '\n' : (next ?? '');
          index += 1;
        } else {
          value += char;
        }
      }
      if (index >= rest.length) return undefined;
      Object.defineProperty(labels, labelName, { value, enumerable: true, writable: true, configurable: true });
      rest = rest.slice(index + 1).trimStart();
      if (rest.startsWith(',')) rest = rest.slice(1);
    }
  }
  const fields = rest.trim().split(/\s+/);
  const value = parseSampleValue(fields[0]);
  if (value === undefined || fields.length > 2) return undefined;
  return { name, labels, value };
}

function parseSampleValue(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  const value = Number(text);
  return Number.isNaN(value) ? undefined : value;
}
