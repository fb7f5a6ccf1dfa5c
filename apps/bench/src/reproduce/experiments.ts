import { multiTask } from '@mtrl/baselines';
import type { Layer } from '@mtrl/network';
import { coverage, featureMap, subspaceAngles, subspaceEnergy } from '@mtrl/probes';
import { copy, type Matrix, matmul, sliceCols, sliceRows, svdThin } from '@mtrl/tensors';
import { parseStudy, type StudyConfig } from '../config.js';
import { baselineSetup, trainMethod } from '../methods.js';
import { energyAndCoverage, type SeedContext, seedContext } from '../setting.js';
import type { Measurement } from '../summary.js';
import { DownstreamEvaluator } from './downstream.js';
import type { ReproduceSize } from './sizes.js';

/** The methods compared in the accuracy experiments, in legend order. */
export const COMPARED = [
  'multiTask',
  'randomFeatures',
  'singleTask',
  'oracle',
  'methodOfMoments',
] as const;

/** A study config for one point of a reproduction (all experiments share these defaults). */
export function pointConfig(
  size: ReproduceSize,
  d: number,
  T: number,
  m: number,
  extra: Partial<StudyConfig['pretrain']> = {},
): StudyConfig {
  const n = extra.n1 ?? size.n;
  // Negative controls: labels independent of the inputs, or no training at all.
  const noise = size.control === 'shuffled-labels' ? { noise: 0.5 } : {};
  const untrained = size.control === 'untrained' ? { rounds: 0 } : {};
  // Only when the size asks for it: the configs of the explicit sizes stay as they were.
  const sampler = size.sampler === undefined ? {} : { sampler: size.sampler };
  return parseStudy(
    {
      name: `reproduce-${size.name}${size.control ? `-${size.control}` : ''}`,
      groundTruth: { d, r: size.r },
      family: { kind: 'halfspace', ...noise },
      pretrain: {
        T,
        m,
        n1: n,
        n2: n,
        alpha: 1,
        eta: size.eta,
        rounds: 1,
        normalizeRows: true,
        dtype: size.dtype,
        ...sampler,
        ...extra,
        ...untrained,
      },
      downstream: {
        nTrain: size.dims.nTrain,
        nTest: size.dims.nTest,
        biasStd: 0.5,
        ...sampler,
        tasks: [
          { name: 'halfspace', family: { kind: 'halfspace', ...noise } },
          { name: 'xor', family: { kind: 'xor', subset: [0, 1], ...noise } },
        ],
      },
    },
    `reproduce ${size.name} d=${d} T=${T}`,
  );
}

/** The config of experiment 2 at dimension d: pretraining samples and step grow with d (see `ReproduceSize.dims`). */
function dimsConfig(size: ReproduceSize, d: number): StudyConfig {
  const n = size.dims.nPerD * d;
  return pointConfig(size, d, size.dims.T, size.dims.m, {
    n1: n,
    n2: n,
    eta: size.dims.etaPerD * d,
  });
}

/**
 * The config of experiment 1 at dimension d with the T_max suite: n1 = n2 = size.n and eta =
 * size.eta, or nPerD * d and etaPerD * d when the size gives them (see `ReproduceSize.tasks`).
 */
function tasksConfig(size: ReproduceSize, d: number): StudyConfig {
  const { Ts, m, nPerD, etaPerD } = size.tasks;
  const Tmax = Math.max(...Ts);
  if (nPerD === undefined || etaPerD === undefined) return pointConfig(size, d, Tmax, m);
  return pointConfig(size, d, Tmax, m, { n1: nPerD * d, n2: nPerD * d, eta: etaPerD * d });
}

/** The config of one cell of the phase diagram (see `ReproduceSize.phase`). */
function phaseConfig(size: ReproduceSize, d: number, T: number, n: number): StudyConfig {
  const { m, etaPerD } = size.phase;
  return pointConfig(size, d, T, m, {
    n1: n,
    n2: n,
    ...(etaPerD === undefined ? {} : { eta: etaPerD * d }),
  });
}

/** Whether experiment 2 runs `method` at dimension d (see `ReproduceSize.dims.explicitMaxD`). */
export function runsAt(size: ReproduceSize, method: (typeof COMPARED)[number], d: number): boolean {
  const max = size.dims.explicitMaxD;
  return max === undefined || method !== 'methodOfMoments' || d <= max;
}

/**
 * The study config a unit pretrains and evaluates with (its samplers included), for the unit's
 * method where it has one. A phase unit also trains random features, and an energy unit at
 * T < T_max trains on the first T tasks of this config's suite.
 */
export function unitStudy(size: ReproduceSize, u: Unit): StudyConfig {
  if (u.kind === 'energy') return tasksConfig(size, u.d);
  if (u.kind === 'dims') return { ...dimsConfig(size, u.d), methods: [u.method] };
  if (u.kind === 'phase') return phaseConfig(size, u.d, u.T, u.n);
  const c = size.collapse;
  return pointConfig(size, c.d, c.T, c.m, { rounds: c.rounds, eta: c.eta });
}

/**
 * One independent piece of a reproduction: each runs on its own (in any thread, in any order) and
 * its measurements depend only on the size, the seed and the unit, so a run assembles the same
 * results whatever the number of workers.
 *
 * - `energy`: experiment 1 at one d, either the initialisation (`T: 0`) or T tasks;
 * - `dims`: experiment 2 at one d for one method; at d = `size.complexity.d` it also runs
 *   experiment 3 (sample and width curves) on the layer it trained;
 * - `collapse`: experiment 4;
 * - `phase`: one cell (d, T, n) of the phase diagram of recovery.
 */
export type Unit =
  | { readonly kind: 'energy'; readonly seed: number; readonly d: number; readonly T: number }
  | {
      readonly kind: 'dims';
      readonly seed: number;
      readonly d: number;
      readonly method: (typeof COMPARED)[number];
    }
  | { readonly kind: 'collapse'; readonly seed: number }
  | {
      readonly kind: 'phase';
      readonly seed: number;
      readonly d: number;
      readonly T: number;
      readonly n: number;
    };

/** What a unit measured: `main` for its own experiment, `complexity` for experiment 3 (dims units at d = complexity.d). */
export interface UnitResult {
  readonly main: readonly Measurement[];
  readonly complexity: readonly Measurement[];
}

/** The units of one seed, in the order a single-threaded run takes them. */
export function unitsOfSeed(size: ReproduceSize, seed: number): Unit[] {
  const units: Unit[] = [];
  for (const d of size.tasks.ds)
    for (const T of [0, ...size.tasks.Ts]) units.push({ kind: 'energy', seed, d, T });
  for (const d of size.dims.ds)
    for (const method of COMPARED)
      if (runsAt(size, method, d)) units.push({ kind: 'dims', seed, d, method });
  units.push({ kind: 'collapse', seed });
  for (const d of size.phase.ds)
    for (const T of size.phase.Ts)
      for (const n of size.phase.ns) units.push({ kind: 'phase', seed, d, T, n });
  return units;
}

/**
 * The measurements of one seed in their canonical order (experiment 1, 2, 3, 4) from the results
 * of `unitsOfSeed(size, seed)`, index by index; missing results (an interrupted run) are skipped.
 */
export function assembleSeed(
  units: readonly Unit[],
  results: readonly (UnitResult | undefined)[],
): Measurement[] {
  const out: Measurement[] = [];
  const order = ['energy', 'dims', 'complexity', 'collapse', 'phase'] as const;
  for (const part of order)
    units.forEach((u, i) => {
      const r = results[i];
      if (r === undefined) return;
      if (part === 'complexity') out.push(...r.complexity);
      else if (u.kind === part) out.push(...r.main);
    });
  return out;
}

// Weights of unitCost, in multiply-adds of the pretraining GEMMs, fitted to the unit times of a
// `paper` run (seed 0, one thread, wasm, 2026-11-28; the units' `seconds` in units.jsonl):
// measured over predicted time is 0.77-1.40 for every unit over 2 s (96 % of the run's time),
// 0.93-1.06 for the five longest.
/** One normal draw of pretraining inputs. */
const COST_PER_SAMPLE = 250;
/** One input coordinate of the method of moments (sampling, labels and moment sums). */
const COST_PER_MOMENT_COORDINATE = 340;
/** One multiply-add of the downstream features (float64, plus the probe fits). */
const COST_PER_DOWNSTREAM = 2;
/**
 * One coordinate of the projected downstream basis, d k^2 per task and evaluation (its QR in
 * float64), fitted to a `wide` run (2026-12-06, 2 jobs on a loaded machine): random features and
 * single task at d = 65536 took about 60 s for 12 evaluations, the oracle (whose layer has rank r,
 * so its basis of [W'; M] is rank-deficient) about 350 s.
 */
const COST_PER_BASIS_COORDINATE = 40;
const ORACLE_BASIS_FACTOR = 6;
/** Set-up, probes and bookkeeping of any unit. */
const COST_PER_UNIT = 1e9;

/**
 * The estimated cost of a unit, in multiply-adds of the pretraining GEMMs (see the weights
 * above), to start the longest units first and to weigh the ETA.
 */
export function unitCost(size: ReproduceSize, u: Unit): number {
  // One pretraining task of n samples per batch: three n x d x m products, 2 n d normal draws.
  // The projected sampler works in k = min(m + r, d) coordinates instead of d, plus once a
  // round an [m, d] Gaussian, a QR of [W; M] and a projection (about 3 d k m).
  const projected = size.sampler === 'projected';
  const width = (d: number, m: number) => (projected ? Math.min(m + size.r, d) : d);
  const task = (n: number, d: number, m: number) =>
    3 * n * width(d, m) * m + COST_PER_SAMPLE * 2 * n * width(d, m);
  const round = (d: number, m: number) => (projected ? 3 * d * width(d, m) * m : 0);
  if (u.kind === 'energy') {
    const n = size.tasks.nPerD === undefined ? size.n : size.tasks.nPerD * u.d;
    return COST_PER_UNIT + u.T * task(n, u.d, size.tasks.m) + round(u.d, size.tasks.m);
  }
  if (u.kind === 'collapse') {
    const c = size.collapse;
    return COST_PER_UNIT + c.rounds * (c.T * task(size.n, c.d, c.m) + round(c.d, c.m));
  }
  if (u.kind === 'phase')
    return COST_PER_UNIT + u.T * task(u.n, u.d, size.phase.m) + round(u.d, size.phase.m);
  const { T, m, nPerD, nTrain, nTest } = size.dims;
  const n = nPerD * u.d;
  const pretraining =
    u.method === 'multiTask'
      ? T * task(n, u.d, m) + round(u.d, m)
      : u.method === 'singleTask'
        ? task(n, u.d, m) + round(u.d, m)
        : u.method === 'methodOfMoments'
          ? COST_PER_MOMENT_COORDINATE * T * n * u.d
          : 0;
  // Downstream accuracy on the two tasks of pointConfig once, and at the d of experiment 3 once
  // more per sample and width point.
  const evaluations =
    1 +
    (u.d === size.complexity.d ? size.complexity.nTrains.length + size.complexity.ms.length : 0);
  // Projected: samples in k coordinates, and a QR of [W'; M] (d k^2) per task and evaluation.
  const k = Math.min(m + size.r, u.d);
  const basis = COST_PER_BASIS_COORDINATE * (u.method === 'oracle' ? ORACLE_BASIS_FACTOR : 1);
  const downstream = projected
    ? evaluations * 2 * (COST_PER_DOWNSTREAM * (nTrain + nTest) * k * m + basis * u.d * k * k)
    : COST_PER_DOWNSTREAM * evaluations * 2 * (nTrain + nTest) * u.d * m;
  return COST_PER_UNIT + pretraining + downstream;
}

/** A short label of a unit for progress lines. */
export function unitLabel(u: Unit): string {
  if (u.kind === 'energy')
    return `seed ${u.seed} energy d=${u.d} ${u.T === 0 ? 'init' : `T=${u.T}`}`;
  if (u.kind === 'dims') return `seed ${u.seed} ${u.method} d=${u.d}`;
  if (u.kind === 'phase') return `seed ${u.seed} phase d=${u.d} T=${u.T} n=${u.n}`;
  return `seed ${u.seed} collapse`;
}

/** Runs one unit (synchronously, to its end). */
export function runUnit(size: ReproduceSize, u: Unit): UnitResult {
  const main: Measurement[] = [];
  const complexity: Measurement[] = [];
  const push =
    (to: Measurement[]) =>
    (m: Omit<Measurement, 'seed'>): void => {
      to.push({ ...m, seed: u.seed });
    };
  if (u.kind === 'energy') energyPoint(size, u.seed, u.d, u.T, push(main));
  else if (u.kind === 'dims') {
    const cfg = dimsConfig(size, u.d);
    const ctx = seedContext(cfg, u.seed);
    const downstream = new DownstreamEvaluator(ctx, cfg);
    const layer = dimsPoint(ctx, cfg, u.method, downstream, push(main));
    if (u.d === size.complexity.d)
      complexityCurves(size, ctx, cfg, u.method, layer, downstream, push(complexity));
  } else if (u.kind === 'phase') phasePoint(size, u, push(main));
  else collapse(size, u.seed, push(main));
  return { main, complexity };
}

type Push = (m: Omit<Measurement, 'seed'>) => void;

/**
 * Above this d, cos θ_r is computed from the m x m Gram matrix of W ({@link angleCosByGram}):
 * `subspaceAngles` takes a thin SVD of the [m, d] layer, about 16 s at d = 65536, m = 128. Every
 * d of quick and paper is below it, so their figures are computed as before.
 */
export const GRAM_ANGLES_ABOVE_D = 2048;

/**
 * cos θ_r, the cosine of the largest principal angle between span(M^T) and the top-r right
 * singular subspace of W, through W W^T (float64): its top-r eigenvectors U_r (eigenvalues
 * s_1^2 >= ... >= s_r^2) give W's top-r right singular vectors V_r = W^T U_r / s, and the
 * cosines of the principal angles are the singular values of M V_r (r x r), as in
 * `subspaceAngles`; O(m^2 d) work instead of an SVD of W.
 */
export function angleCosByGram(w: Matrix, gt: SeedContext['gt']): number {
  const w64 = copy(w, 'float64');
  const r = gt.r;
  const { u, s } = svdThin(matmul(w64, w64, { transB: true }));
  if (!(s.data[r - 1] > 0))
    throw new RangeError(
      `angleCosByGram: w has rank < r = ${r}, so its top-r subspace is not defined`,
    );
  // M W^T U_r [r, r], column j scaled by 1 / s_j.
  const a = matmul(matmul(copy(gt.m, 'float64'), w64, { transB: true }), sliceCols(u, 0, r));
  const mv = copy(a);
  for (let i = 0; i < r; i++)
    for (let j = 0; j < r; j++) mv.data[i * r + j] = a.data[i * r + j] / Math.sqrt(s.data[j]);
  return Math.min(1, ...svdThin(mv).s.data);
}

/** Energy, coverage and cos θ_r (the largest principal angle's cosine) of a layer. */
function layerProbes(layer: Layer, gt: SeedContext['gt']) {
  return {
    ...energyAndCoverage(layer, gt),
    // cos of the largest principal angle between span(M^T) and W's top-r right singular subspace.
    'angle-cos':
      gt.d > GRAM_ANGLES_ABOVE_D
        ? angleCosByGram(layer.w, gt)
        : Math.cos(Math.max(...subspaceAngles(layer.w, gt))),
  };
}

/** The series name of one cell of the phase diagram. */
export function phaseCell(d: number, T: number, n: number): string {
  return `d=${d} T=${T} n=${n}`;
}

/**
 * One cell of the phase diagram: one round on T tasks with n1 = n2 = n at dimension d; the
 * gains of energy and cos θ_r over the same network at initialisation, at x = T n^2 / d^2.
 */
function phasePoint(
  size: ReproduceSize,
  u: { seed: number; d: number; T: number; n: number },
  push: Push,
): void {
  const cfg = phaseConfig(size, u.d, u.T, u.n);
  const ctx = seedContext(cfg, u.seed);
  const init = layerProbes(trainMethod('randomFeatures', ctx, cfg).layer, ctx.gt);
  const trained = layerProbes(trainMethod('multiTask', ctx, cfg).layer, ctx.gt);
  const x = (u.T * u.n * u.n) / (u.d * u.d);
  const method = phaseCell(u.d, u.T, u.n);
  const values = {
    'energy-gain': trained.energy - init.energy,
    'angle-gain': trained['angle-cos'] - init['angle-cos'],
    energy: trained.energy,
    'angle-cos': trained['angle-cos'],
  };
  for (const [metric, value] of Object.entries(values))
    push({ experiment: 'phase', method, x, metric, value });
}

/**
 * Experiment 1 at one d: energy and coverage at initialisation (`T = 0`, random features) or
 * after one step on the first T tasks (T = 1 is single-task).
 */
function energyPoint(size: ReproduceSize, seed: number, d: number, T: number, push: Push): void {
  const cfg = tasksConfig(size, d);
  const ctx = seedContext(cfg, seed);
  // T = 0 is the same network at initialisation (random features share pretraining's initial
  // layer), the baseline every verdict on energy and coverage is judged against.
  let layer: Layer;
  if (T === 0) layer = trainMethod('randomFeatures', ctx, cfg).layer;
  else {
    // Suites are prefixes: the first T tasks of the T_max suite are the suite of T tasks.
    const sub = { ...ctx, suite: { ...ctx.suite, tasks: ctx.suite.tasks.slice(0, T) } };
    layer = trainMethod('multiTask', sub, cfg).layer;
  }
  const p = layerProbes(layer, ctx.gt);
  for (const metric of ['energy', 'coverage', 'angle-cos'] as const)
    push({ experiment: 'energy-vs-tasks', method: `d=${d}`, x: T, metric, value: p[metric] });
}

/** Experiment 2 at one d for one method: downstream accuracy, energy and coverage; returns the trained layer. */
function dimsPoint(
  ctx: SeedContext,
  cfg: StudyConfig,
  method: string,
  downstream: DownstreamEvaluator,
  push: Push,
): Layer {
  const d = cfg.groundTruth.d;
  const rep = trainMethod(method, ctx, cfg);
  const acc = downstream.testAccuracy(rep.features);
  const p = energyAndCoverage(rep.layer, ctx.gt);
  for (const [task, a] of Object.entries(acc))
    push({ experiment: 'accuracy-vs-d', method, x: d, metric: task, value: a });
  // The majority-class rate of each test set (the same for every method of a seed): what an
  // accuracy must beat besides chance.
  if (method === 'multiTask')
    for (const [task, rate] of Object.entries(downstream.majorityRate(rep.features)))
      push({
        experiment: 'accuracy-vs-d',
        method: 'majority-class',
        x: d,
        metric: task,
        value: rate,
      });
  push({ experiment: 'accuracy-vs-d', method, x: d, metric: 'energy', value: p.energy });
  push({ experiment: 'accuracy-vs-d', method, x: d, metric: 'coverage', value: p.coverage });
  return rep.layer;
}

/**
 * Experiment 3 for one method: accuracy against n_train and against the width m at
 * d = size.complexity.d, on the layer experiment 2 trained there. Width m uses the first m rows
 * of the trained layer: with one step from zero heads each row's update depends only on that row,
 * so this equals training m neurons on the same data. The probe biases of the first m features
 * are also the same (normal draws are sequential).
 */
function complexityCurves(
  size: ReproduceSize,
  ctx: SeedContext,
  cfg: StudyConfig,
  method: string,
  layer: Layer,
  downstream: DownstreamEvaluator,
  push: Push,
): void {
  const phi = featureMap(ctx.featureKey, layer, {
    bias: { kind: 'normal', std: cfg.downstream.biasStd },
  });
  for (const nTrain of size.complexity.nTrains) {
    for (const [task, a] of Object.entries(downstream.testAccuracy(phi, nTrain))) {
      push({ experiment: 'accuracy-vs-samples', method, x: nTrain, metric: task, value: a });
    }
  }
  for (const m of size.complexity.ms.filter((w) => w <= layer.w.shape[0])) {
    const sub: Layer = { w: sliceRows(layer.w, 0, m), b: { ...layer.b, shape: [m] } };
    const phiM = featureMap(ctx.featureKey, sub, {
      bias: { kind: 'normal', std: cfg.downstream.biasStd },
    });
    for (const [task, a] of Object.entries(downstream.testAccuracy(phiM))) {
      push({ experiment: 'accuracy-vs-width', method, x: m, metric: task, value: a });
    }
  }
}

/** Experiment 4: energy and coverage over many normalised rounds (power-iteration-like collapse). */
function collapse(size: ReproduceSize, seed: number, push: Push): void {
  const c = size.collapse;
  const cfg = pointConfig(size, c.d, c.T, c.m, { rounds: c.rounds, eta: c.eta });
  const ctx = seedContext(cfg, seed);
  // The multiTask method of the other experiments, watched round by round.
  multiTask(ctx.methodKey, baselineSetup(ctx, cfg), {
    probes: {
      energy: (l) => subspaceEnergy(l.w, ctx.gt),
      coverage: (l) => coverage(l.w, ctx.gt).ratio,
    },
    onRound: (e) => {
      for (const metric of ['energy', 'coverage'] as const)
        push({
          experiment: 'collapse',
          method: 'multiTask',
          x: e.round,
          metric,
          value: e.probes[metric],
        });
      return undefined;
    },
  });
}
