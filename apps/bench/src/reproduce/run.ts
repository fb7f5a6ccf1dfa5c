import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LineChartOptions, lineChartSvg } from '../plot.js';
import type { Progress } from '../progress.js';
import { type Measurement, type SummaryPoint, summarize, toCsv } from '../summary.js';
import { type Claim, judgeClaims } from './claims.js';
import {
  accuracyVsComplexity,
  accuracyVsDim,
  collapse,
  energyVsTasks,
  unitsPerSeed,
} from './experiments.js';
import { renderReport } from './report.js';
import type { ReproduceSize } from './sizes.js';

/** Everything `mtrl-bench reproduce` writes into results.json. */
export interface ReproduceResult {
  readonly command: 'reproduce';
  readonly size: ReproduceSize;
  readonly seeds: readonly number[];
  readonly completed: boolean;
  readonly seconds: number;
  readonly claims: readonly Claim[];
  readonly summary: readonly SummaryPoint[];
  readonly measurements: readonly Measurement[];
  readonly meta: unknown;
}

/** The figures written per experiment: which metric, axes and scales. */
export const FIGURES: readonly ({
  experiment: string;
  metric: string;
  file: string;
} & LineChartOptions)[] = [
  {
    experiment: 'energy-vs-tasks',
    metric: 'energy',
    file: 'energy-vs-tasks',
    title: 'Subspace energy after pretraining',
    xTitle: 'number of tasks T',
    yTitle: 'energy ||W M^T||² / ||W||²',
    logX: true,
    yDomain: [0, 1],
    seriesTitle: 'input dimension',
  },
  {
    experiment: 'energy-vs-tasks',
    metric: 'coverage',
    file: 'coverage-vs-tasks',
    title: 'Coverage of the r directions',
    xTitle: 'number of tasks T',
    yTitle: 'coverage s_r / s_1',
    logX: true,
    yDomain: [0, 1],
    seriesTitle: 'input dimension',
  },
  {
    experiment: 'accuracy-vs-d',
    metric: 'halfspace',
    file: 'accuracy-vs-d-halfspace',
    title: 'Downstream halfspace task',
    xTitle: 'input dimension d',
    yTitle: 'test accuracy',
    logX: true,
    rule: { y: 0.5, label: 'chance' },
  },
  {
    experiment: 'accuracy-vs-d',
    metric: 'xor',
    file: 'accuracy-vs-d-xor',
    title: 'Downstream xor task',
    xTitle: 'input dimension d',
    yTitle: 'test accuracy',
    logX: true,
    rule: { y: 0.5, label: 'chance' },
  },
  {
    experiment: 'accuracy-vs-samples',
    metric: 'xor',
    file: 'accuracy-vs-samples',
    title: 'Sample complexity (xor)',
    xTitle: 'training samples n_train',
    yTitle: 'test accuracy',
    logX: true,
    rule: { y: 0.5, label: 'chance' },
  },
  {
    experiment: 'accuracy-vs-width',
    metric: 'xor',
    file: 'accuracy-vs-width',
    title: 'Neuron complexity (xor)',
    xTitle: 'width m',
    yTitle: 'test accuracy',
    logX: true,
    rule: { y: 0.5, label: 'chance' },
  },
  {
    experiment: 'collapse',
    metric: 'coverage',
    file: 'collapse',
    title: 'Many normalised rounds',
    xTitle: 'round',
    yTitle: 'coverage s_r / s_1',
    yDomain: [0, 1],
  },
];

/**
 * Runs the experiments of SPEC 7 at one size for `seeds` seeds and writes results.json, one CSV
 * per experiment, the SVG figures and report.md into `outDir`. On interruption it writes what
 * finished (with `completed: false`) before returning.
 */
export async function reproduce(
  size: ReproduceSize,
  opts: { outDir: string; seeds: number; progress: Progress; signal: AbortSignal; meta: unknown },
): Promise<ReproduceResult> {
  const t0 = performance.now();
  const measurements: Measurement[] = [];
  const seeds = Array.from({ length: opts.seeds }, (_, i) => i);
  const checkpoint = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    return opts.signal.aborted;
  };
  opts.progress.start(`reproduce ${size.name}`, seeds.length * unitsPerSeed(size));
  let completed = true;
  for (const seed of seeds) {
    const push = (m: Omit<Measurement, 'seed'>) => measurements.push({ ...m, seed });
    await energyVsTasks(size, seed, push, opts.progress, checkpoint);
    if (opts.signal.aborted) break;
    const layers = await accuracyVsDim(size, seed, push, opts.progress, checkpoint);
    if (opts.signal.aborted) break;
    await accuracyVsComplexity(size, seed, layers, push, opts.progress, checkpoint);
    if (await checkpoint()) break;
    await collapse(size, seed, push, opts.progress, checkpoint);
    if (await checkpoint()) break;
  }
  if (opts.signal.aborted) completed = false;
  opts.progress.stop();
  const summary = summarize(measurements);
  const result: ReproduceResult = {
    command: 'reproduce',
    size,
    seeds,
    completed,
    seconds: (performance.now() - t0) / 1000,
    claims: judgeClaims(size, summary),
    summary,
    measurements,
    meta: opts.meta,
  };
  await writeOutputs(opts.outDir, result);
  return result;
}

async function writeOutputs(outDir: string, res: ReproduceResult): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(res, null, 2)}\n`);
  const experiments = [...new Set(res.measurements.map((m) => m.experiment))];
  for (const e of experiments)
    writeFileSync(
      join(outDir, `${e}.csv`),
      toCsv(res.measurements.filter((m) => m.experiment === e)),
    );
  for (const f of FIGURES) {
    const pts = res.summary
      .filter((p) => p.experiment === f.experiment && p.metric === f.metric && (!f.logX || p.x > 0))
      .map((p) => ({ x: p.x, y: p.mean, stderr: p.stderr, series: p.method }));
    if (pts.length === 0) continue;
    writeFileSync(join(outDir, `${f.file}.svg`), await lineChartSvg(pts, f));
  }
  writeFileSync(join(outDir, 'report.md'), renderReport(res));
}
