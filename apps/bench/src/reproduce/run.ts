import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getBackend } from '@mtrl/tensors';
import { heatmapSvg, type LineChartOptions, lineChartSvg } from '../plot.js';
import type { Progress } from '../progress.js';
import { canonicalJson, versionDifferences } from '../queue/sweepIdentity.js';
import { type Measurement, type SummaryPoint, summarize, toCsv } from '../summary.js';
import { openRecordLog, type RecordLog } from '../sweepLog.js';
import { UsageError } from '../usageError.js';
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
import { phaseCells, phaseHeatCells, phaseThreshold } from './phase.js';
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
  /** Units taken from the journal of an earlier run (`resume`) instead of being run again. */
  readonly resumed: number;
  readonly seconds: number;
  /**
   * Peak resident set size of the whole process (main thread and worker threads), in bytes,
   * when the outputs were written: `process.resourceUsage().maxRSS`. Like `seconds`, it depends
   * on the machine and the run, not on the results.
   */
  readonly peakRssBytes: number;
  /** Why the run stopped early, when a unit failed (the results of the finished units are kept). */
  readonly error?: string;
  readonly claims: readonly Claim[];
  readonly summary: readonly SummaryPoint[];
  readonly measurements: readonly Measurement[];
  readonly meta: unknown;
}

/** The journal of a reproduction directory: one line per finished unit, appended as it finishes. */
export const UNITS_FILE = 'units.jsonl';

/** One finished unit, as one line of {@link UNITS_FILE}. */
export interface UnitRecord {
  /** The unit as JSON (its seed included). */
  readonly id: string;
  readonly unit: Unit;
  /** What the result depends on besides the unit: the size's settings and the software. */
  readonly size: ReproduceSize;
  readonly software: Readonly<Record<string, string>>;
  readonly result: UnitResult;
  /** Wall time of the unit (on its worker thread): what to expect of it on this machine. */
  readonly seconds: number;
}

const unitId = (u: Unit): string => JSON.stringify(u);
// Resumed measurements must equal fresh ones exactly, NaN included.
const JOURNAL_FORMAT = { exactNumbers: true } as const;

// A journal line must be a unit record whose id is its unit's.
function unitRecordProblems(rec: unknown): string[] {
  const r = rec as Partial<UnitRecord> | null;
  if (r === null || typeof r !== 'object') return ['expected an object'];
  const problems: string[] = [];
  if (r.unit === null || typeof r.unit !== 'object') problems.push('unit: expected an object');
  else if (r.id !== unitId(r.unit)) problems.push('id: not the id of its unit');
  if (!Array.isArray(r.result?.main) || !Array.isArray(r.result?.complexity))
    problems.push('result: expected { main: [...], complexity: [...] }');
  if (r.size === null || typeof r.size !== 'object') problems.push('size: expected an object');
  if (r.software === null || typeof r.software !== 'object')
    problems.push('software: expected an object');
  return problems;
}

/**
 * Opens the journal of `outDir`. A journal this run did not write is never deleted: without
 * `resume` an earlier journal holding units is refused, unless `fresh` asks to move it aside
 * (renamed to `units.jsonl.<time>.bak`, said in a log line); `fresh` wins over `resume`. With `resume`, every record must
 * come from the same size settings and software, or this throws naming the difference, so one
 * results.json never mixes two runs. Malformed lines are set aside (see `openRecordLog`).
 */
function openJournal(
  outDir: string,
  size: ReproduceSize,
  software: Readonly<Record<string, string>>,
  resume: boolean,
  fresh: boolean,
  log: (line: string) => void,
): RecordLog<UnitRecord> {
  const file = join(outDir, UNITS_FILE);
  // A fresh start wins over resuming (`npm run reproduce -- --fresh` passes both).
  const resuming = resume && !fresh;
  if (!resuming && existsSync(file)) {
    const units = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '').length;
    if (units > 0 && !fresh)
      throw new UsageError(
        `reproduce: ${file} holds ${units} finished unit(s) of an earlier run; pass --resume to continue it, or --fresh to move it aside and start anew`,
      );
    if (units > 0) {
      const aside = `${file}.${new Date().toISOString().replace(/[:.]/g, '-')}.bak`;
      renameSync(file, aside);
      log(`reproduce --fresh: moved the earlier journal (${units} unit(s)) aside to ${aside}`);
    }
  }
  const journal = openRecordLog<UnitRecord>(file, JOURNAL_FORMAT, {
    validate: unitRecordProblems,
    warn: log,
  });
  if (resuming) {
    for (const rec of journal.records()) {
      // Both sides' keys: a setting present on one side only (such as `sampler`) differs too.
      const keys = [
        ...new Set([...Object.keys(size), ...Object.keys(rec.size ?? {})]),
      ] as (keyof ReproduceSize)[];
      const diffs = [
        ...keys
          .filter((k) => canonicalJson(rec.size?.[k]) !== canonicalJson(size[k]))
          .map(
            (k) =>
              `size.${k} ${canonicalJson(rec.size?.[k]) ?? '(absent)'} there, ${canonicalJson(size[k]) ?? '(absent)'} here`,
          ),
        ...versionDifferences(rec.software ?? {}, software, ['there', 'here']),
      ];
      if (diffs.length > 0)
        throw new UsageError(
          `reproduce: ${file} holds units of another run (${diffs.join('; ')}); pass --fresh to move that journal aside and start anew (npm run reproduce -- --fresh), or choose another --out`,
        );
    }
  }
  return journal;
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
    xTitle: 'number of tasks T (0: initialisation)',
    yTitle: 'energy ||W M^T||² / ||W||²',
    logX: true,
    yDomain: [0, 1],
    seriesTitle: 'input dimension',
  },
  {
    experiment: 'energy-vs-tasks',
    metric: 'angle-cos',
    file: 'angles-vs-tasks',
    title: 'Alignment of the top-r right singular subspace of W with span(M^T)',
    xTitle: 'number of tasks T (0: initialisation)',
    yTitle: 'cos θ_r (largest principal angle)',
    logX: true,
    yDomain: [0, 1],
    seriesTitle: 'input dimension',
  },
  {
    experiment: 'energy-vs-tasks',
    metric: 'coverage',
    file: 'coverage-vs-tasks',
    title: 'Coverage of the r directions',
    xTitle: 'number of tasks T (0: initialisation)',
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
 * Runs the experiments of the specification's 'What the bench reproduces' at one size for `seeds` seeds and writes results.json, one CSV
 * per experiment, the SVG figures and report.md into `outDir`.
 *
 * The work is split into independent units (see {@link Unit}); with `jobs` > 1 they run on that
 * many worker threads, longest first, and the measurements are assembled in the fixed order of a
 * single-threaded run, so results.json is the same for every `jobs` (apart from timing fields).
 * On interruption (the workers are terminated) or when a unit fails, it writes the finished
 * units (with `completed: false`) before returning; a failure is then thrown.
 *
 * Each finished unit is also appended to `outDir/units.jsonl` at once. An earlier journal is
 * never deleted: without `resume` or `fresh` it is refused. With `resume`, the units
 * found there are not run again: a run interrupted (Ctrl-C, a crash, a killed machine) and
 * resumed writes the same results.json as one that never stopped (apart from timing fields).
 * The journal's units must come from the same size settings and `software` (package versions
 * and kernel), or the run refuses to start.
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
    /** Take the units already in `outDir/units.jsonl` instead of running them (default false). */
    resume?: boolean;
    /**
     * Move an earlier `outDir/units.jsonl` aside (renamed, never deleted) and start anew; without
     * it or `resume`, an earlier journal holding units is refused (default false).
     */
    fresh?: boolean;
    /** Warnings and notices (journal lines set aside, a journal moved aside), shown even when progress is silent; default: progress.log. */
    warn?: (message: string) => void;
    /** What results depend on besides the size and unit (package versions, kernel); default {}. */
    software?: Readonly<Record<string, string>>;
  },
): Promise<ReproduceResult> {
  const t0 = performance.now();
  const seeds = Array.from({ length: opts.seeds }, (_, i) => i);
  const perSeed = seeds.map((seed) => unitsOfSeed(size, seed));
  const units: Unit[] = perSeed.flat();
  const software = opts.software ?? {};
  const journal = openJournal(
    opts.outDir,
    size,
    software,
    opts.resume ?? false,
    opts.fresh ?? false,
    opts.warn ?? ((l) => opts.progress.log(l)),
  );
  const results: (UnitResult | undefined)[] = units.map((u) => journal.get(unitId(u))?.result);
  const todo = units.flatMap((_, i) => (results[i] === undefined ? [i] : []));
  const resumed = units.length - todo.length;
  const finished = (i: number, result: UnitResult, seconds: number) => {
    results[i] = result;
    const unit = units[i];
    journal.record({ id: unitId(unit), unit, size, software, result, seconds });
    opts.progress.tick(1, unitLabel(unit), unitCost(size, unit));
  };
  const jobs = Math.max(1, Math.min(opts.jobs ?? 1, todo.length));
  if (resumed > 0)
    opts.progress.log(`reproduce: ${resumed} of ${units.length} units taken from ${journal.file}`);
  // The ETA follows the units' estimated cost: they differ by orders of magnitude, longest first.
  const work = todo.reduce((w, i) => w + unitCost(size, units[i]), 0);
  opts.progress.start(
    `reproduce ${size.name} (${jobs} job${jobs > 1 ? 's' : ''})`,
    todo.length,
    work,
  );
  let error: Error | undefined;
  if (jobs === 1) {
    for (const i of todo) {
      const u = units[i];
      // Yield to the event loop so Ctrl-C is seen between units.
      await new Promise((resolve) => setImmediate(resolve));
      if (opts.signal.aborted) break;
      let result: UnitResult;
      const t = performance.now();
      try {
        result = runUnit(size, u);
      } catch (e) {
        error = new Error(
          `reproduce: unit ${JSON.stringify(u)} failed: ${(e as Error).message ?? e}`,
          { cause: e },
        );
        break;
      }
      finished(i, result, (performance.now() - t) / 1000);
    }
  } else if (todo.length > 0) {
    const order = todo
      .map((i) => ({ i, cost: unitCost(size, units[i]) }))
      .sort((a, b) => b.cost - a.cost || a.i - b.i)
      .map((o) => o.i);
    const outcome = await runUnitsOnWorkers({
      size,
      units,
      order,
      jobs,
      backend: getBackend(),
      signal: opts.signal,
      onDone: finished,
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
    resumed,
    seconds: (performance.now() - t0) / 1000,
    // maxRSS is in KiB (Linux getrusage), for every thread of the process.
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    ...(error ? { error: error.message } : {}),
    claims: judgeClaims(size, measurements),
    summary,
    measurements,
    meta: opts.meta,
  };
  await writeOutputs(opts.outDir, result);
  if (error) throw error;
  return result;
}

/** Every file a reproduction writes into its folder (checked before it starts). */
export function reproduceFiles(): string[] {
  const csv = [
    'energy-vs-tasks',
    'accuracy-vs-d',
    'accuracy-vs-samples',
    'accuracy-vs-width',
    'collapse',
    'phase',
  ].map((e) => `${e}.csv`);
  const svg = [...FIGURES.map((f) => f.file), 'phase-energy', 'phase-angles', 'phase-vs-snr'];
  return [
    'results.json',
    'report.md',
    UNITS_FILE,
    'units.quarantine.jsonl',
    ...csv,
    ...svg.map((f) => `${f}.svg`),
  ];
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
      .filter((p) => p.experiment === f.experiment && p.metric === f.metric)
      .map((p) => ({ x: p.x, y: p.mean, stderr: p.stderr, series: methodLabel(p.method) }));
    if (pts.length === 0) continue;
    const xTicks = [...new Set(pts.map((p) => p.x))].sort((a, b) => a - b);
    const caption = figureCaption(res, f.experiment);
    writeFileSync(
      join(outDir, `${f.file}.svg`),
      await lineChartSvg(pts, { ...f, xTicks, caption }),
    );
  }
  await writePhaseFigures(outDir, res);
  writeFileSync(join(outDir, 'report.md'), renderReport(res));
}

/** The phase diagram: heat maps of the energy and cos θ_r gains, and both against T n^2 / d^2. */
async function writePhaseFigures(outDir: string, res: ReproduceResult): Promise<void> {
  const cells = phaseCells(res.summary);
  if (cells.length === 0) return;
  const caption = figureCaption(res, 'phase');
  const gains = [
    { file: 'phase-energy', gain: (c: (typeof cells)[number]) => c.energyGain, what: 'energy' },
    { file: 'phase-angles', gain: (c: (typeof cells)[number]) => c.angleGain, what: 'cos θ_r' },
  ];
  for (const g of gains) {
    const t = phaseThreshold(cells, g.gain);
    const at =
      t.x === null ? 'no crossing' : `gain ${t.level} crossed at T n²/d² ≈ ${t.x.toPrecision(3)}`;
    writeFileSync(
      join(outDir, `${g.file}.svg`),
      await heatmapSvg(phaseHeatCells(cells, g.gain), {
        title: `Phase diagram: ${g.what} gain over initialisation after one round`,
        caption: `${caption}; cells labelled with T n²/d²; ${at}`,
        colTitle: 'samples per task n = n1 = n2',
        rowTitle: 'tasks T',
        valueTitle: `${g.what} gain`,
        panelTitle: 'input dimension',
      }),
    );
  }
  const pts = res.summary
    .filter(
      (p) => p.experiment === 'phase' && (p.metric === 'energy-gain' || p.metric === 'angle-gain'),
    )
    .map((p) => ({
      x: p.x,
      y: p.mean,
      stderr: p.stderr,
      series: `${p.metric === 'energy-gain' ? 'energy' : 'cos θ_r'}, ${p.method.split(' ')[0]}`,
    }))
    .sort((a, b) => a.x - b.x);
  writeFileSync(
    join(outDir, 'phase-vs-snr.svg'),
    await lineChartSvg(pts, {
      title: 'Gain after one round against T n²/d²',
      caption,
      xTitle: 'T n² / d²',
      yTitle: 'gain over initialisation',
      logX: true,
      yDomain: [-0.2, 1],
      seriesTitle: 'gain, dimension',
    }),
  );
}

/** Readable method names for legends and tables. */
export function methodLabel(method: string): string {
  const labels: Record<string, string> = {
    multiTask: 'multi-task',
    randomFeatures: 'random features',
    singleTask: 'single task',
    oracle: 'oracle (true Mx)',
    methodOfMoments: 'method of moments',
    'majority-class': 'majority class',
  };
  return labels[method] ?? method;
}

/** The setting of one experiment's figure: d, r, m, samples, T and the number of seeds. */
export function figureCaption(res: ReproduceResult, experiment: string): string {
  const s = res.size;
  const seeds = `${res.seeds.length} seed${res.seeds.length === 1 ? '' : 's'}, mean ± 1 s.e.${s.sampler === 'projected' ? '; projected sampler' : ''}`;
  const control = s.control ? `; NEGATIVE CONTROL: ${s.control}` : '';
  const lines: Record<string, string> = {
    'energy-vs-tasks': `d = ${s.tasks.ds.join(', ')}; r = ${s.r}, m = ${s.tasks.m}, ${s.tasks.nPerD === undefined || s.tasks.etaPerD === undefined ? `n1 = n2 = ${s.n}, one step, eta = ${s.eta}` : `n1 = n2 = ${s.tasks.nPerD} d, one step, eta = ${s.tasks.etaPerD} d`}`,
    'accuracy-vs-d': `r = ${s.r}, m = ${s.dims.m}, T = ${s.dims.T}, n1 = n2 = ${s.dims.nPerD} d, eta = ${s.dims.etaPerD} d; n_train = ${s.dims.nTrain}, n_test = ${s.dims.nTest}`,
    'accuracy-vs-samples': `d = ${s.complexity.d}, r = ${s.r}, m = ${s.dims.m}, T = ${s.dims.T}; n_test = ${s.dims.nTest}`,
    'accuracy-vs-width': `d = ${s.complexity.d}, r = ${s.r}, T = ${s.dims.T}; n_train = ${s.dims.nTrain}, n_test = ${s.dims.nTest}`,
    collapse: `d = ${s.collapse.d}, r = ${s.r}, m = ${s.collapse.m}, T = ${s.collapse.T}, n1 = n2 = ${s.n}, eta = ${s.collapse.eta}, unit rows`,
    phase: `d = ${s.phase.ds.join(', ')}; T = ${s.phase.Ts.join(', ')}; n1 = n2 = ${s.phase.ns.join(', ')}; r = ${s.r}, m = ${s.phase.m}, one step, eta = ${s.phase.etaPerD === undefined ? s.eta : `${s.phase.etaPerD} d`}`,
  };
  return `${lines[experiment] ?? ''}; ${seeds}${control}`;
}
