/**
 * `npm run bench:dockfile`: how long validating the full §8.10 example takes in-process — the
 * editor runs this on every keystroke, so p95 must stay far below one 60 Hz frame (16.7 ms).
 *
 * Baseline, measured in the same run on the same text: a bare `yaml.parse`. The ratio shows what
 * the pipeline (includes, interpolation, source map, schema, semantics, lint) costs on top of
 * reading the YAML at all. Prints figures; asserts nothing (machines here are shared and noisy).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { createMemoryHost } from '../src-shared/dockfile/host';
import { validateDockfile } from '../src-shared/dockfile/validate';
import { FULL_EXAMPLE_ENV } from '../src-shared/dockfile/test-support';

const FRAME_MS = 1000 / 60;
const WARMUP = 300;
const SAMPLES = 2000;

const projectRoot = join(import.meta.dirname, '..', 'src-shared', 'dockfile', 'testdata', 'full');
const files: Record<string, string> = {};
const walk = (dir: string): void => {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) walk(path);
    else files[`/project/${relative(projectRoot, path)}`] = readFileSync(path, 'utf8');
  }
};
walk(projectRoot);
const text = files['/project/Dockfile.yaml'] as string;
const host = createMemoryHost(files);

async function sample(run: () => unknown): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
const format = (ms: number): string => `${ms < 1 ? (ms * 1000).toFixed(0) + ' µs' : ms.toFixed(2) + ' ms'}`.padStart(9);

const baseline = await sample(() => parse(text));
const full = await sample(async () => {
  const result = await validateDockfile({ file: '/project/Dockfile.yaml', projectDir: '/project', host, text, env: FULL_EXAMPLE_ENV });
  if (!result.valid) throw new Error('the benchmark example must validate');
});
const editor = await sample(() => validateDockfile({ file: '/project/Dockfile.yaml', projectDir: '/project', host, text, env: FULL_EXAMPLE_ENV, checkProject: false }));

const rows: [string, number[]][] = [
  ['yaml.parse (baseline)', baseline],
  ['validateDockfile, full pipeline', full],
  ['validateDockfile, no project checks', editor],
];
console.log(`Dockfile validation — full §8.10 example (${text.length} bytes), ${SAMPLES} samples after ${WARMUP} warm-up, Node ${process.versions.node}`);
console.log(`${'case'.padEnd(38)}${'p50'.padStart(9)}${'p95'.padStart(9)}${'p99'.padStart(9)}  ratio p50 vs baseline`);
for (const [name, times] of rows) {
  const ratio = percentile(times, 50) / percentile(baseline, 50);
  console.log(`${name.padEnd(38)}${format(percentile(times, 50))}${format(percentile(times, 95))}${format(percentile(times, 99))}  ${ratio.toFixed(2)}×`);
}
const p95 = percentile(full, 95);
console.log(`full-pipeline p95 is ${((p95 / FRAME_MS) * 100).toFixed(1)}% of one 60 Hz frame (${FRAME_MS.toFixed(1)} ms)`);
