import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getBackend } from '@mtrl/tensors';
import { type LineChartOptions, lineChartSvg } from '../plot.js';
import type { Progress } from '../progress.js';
import { type Measurement, type SummaryPoint, summarize, toCsv } from '../summary.js';
import { type Claim, judgeClaims } from './claims.js';
import {
  assembleSeed,
  runUnit,
  type Unit,
  type UnitResult,
  unitCost,
  unitLabel,
  unitsOfSeed,
} from './experiments.js';
import { runUnitsOnWorkers } from './pool.js';
import { renderReport } from './report.js';
import type { ReproduceSize } from './sizes.js';

/** Everything `mtrl-bench reproduce` writes into results.json. */
export interface ReproduceResult {
  readonly command: 'reproduce';
  readonly size: ReproduceSize;
  readonly seeds: readonly number[];
  readonly completed: boolean;
  /** Worker threads used (1: everything on the main thread); results do not depend on it. */
  readonly jobs: number;
  readonly seconds: number;
  /** Why the run stopped early, when a unit failed (the results of the finished units are kept). */
  readonly error?: string;
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
 * per experiment, the SVG figures and report.md into `outDir`.
 *
 * The work is split into independent units (see {@link Unit}); with `jobs` > 1 they run on that
 * many worker threads, longest first, and the measurements are assembled in the fixed order of a
 * single-threaded run, so results.json is the same for every `jobs` (apart from timing fields).
 * On interruption (the workers are terminated) or when a unit fails, it writes the finished
 * units (with `completed: false`) before returning; a failure is then thrown.
 */
export async function reproduce(
  size: ReproduceSize,
  opts: {
    outDir: string;
    seeds: number;
    progress: Progress;
    signal: AbortSignal;
    meta: unknown;
    /** Worker threads (default 1: run on the calling thread). */
    jobs?: number;
  },
): Promise<ReproduceResult> {
  const t0 = performance.now();
  const seeds = Array.from({ length: opts.seeds }, (_, i) => i);
  const perSeed = seeds.map((seed) => unitsOfSeed(size, seed));
  const units: Unit[] = perSeed.flat();
  const results: (UnitResult | undefined)[] = units.map(() => undefined);
  const jobs = Math.max(1, Math.min(opts.jobs ?? 1, units.length));
  opts.progress.start(`reproduce ${size.name} (${jobs} job${jobs > 1 ? 's' : ''})`, units.length);
  let error: Error | undefined;
  if (jobs === 1) {
    for (const [i, u] of units.entries()) {
      // Yield to the event loop so Ctrl-C is seen between units.
      await new Promise((resolve) => setImmediate(resolve));
      if (opts.signal.aborted) break;
      try {
        results[i] = runUnit(size, u);
      } catch (e) {
        error = new Error(
          `reproduce: unit ${JSON.stringify(u)} failed: ${(e as Error).message ?? e}`,
          { cause: e },
        );
        break;
      }
      opts.progress.tick(1, unitLabel(u));
    }
  } else {
    const order = units
      .map((u, i) => ({ i, cost: unitCost(size, u) }))
      .sort((a, b) => b.cost - a.cost || a.i - b.i)
      .map((o) => o.i);
    const outcome = await runUnitsOnWorkers({
      size,
      units,
      order,
      jobs,
      backend: getBackend(),
      signal: opts.signal,
      onDone: (i, r) => {
        results[i] = r;
        opts.progress.tick(1, unitLabel(units[i]));
      },
    });
    error = outcome.error;
  }
  opts.progress.stop();
  const measurements: Measurement[] = [];
  let k = 0;
  for (const us of perSeed) {
    measurements.push(...assembleSeed(us, results.slice(k, k + us.length)));
    k += us.length;
  }
  const summary = summarize(measurements);
  const result: ReproduceResult = {
    command: 'reproduce',
    size,
    seeds,
    completed: results.every((r) => r !== undefined),
    jobs,
    seconds: (performance.now() - t0) / 1000,
    ...(error ? { error: error.message } : {}),
    claims: judgeClaims(size, summary),
    summary,
    measurements,
    meta: opts.meta,
  };
  await writeOutputs(opts.outDir, result);
  if (error) throw error;
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
