import type { Layer } from '@mtrl/network';
import { pretrain, suiteSource } from '@mtrl/pretrain';
import { coverage, featureMap, subspaceEnergy } from '@mtrl/probes';
import { sliceRows } from '@mtrl/tensors';
import { parseStudy, type StudyConfig } from '../config.js';
import { trainMethod } from '../methods.js';
import type { Progress } from '../progress.js';
import { downstreamAccuracy, pretrainConfigOf, probeLayer, seedContext } from '../setting.js';
import type { Measurement } from '../summary.js';
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
  return parseStudy(
    {
      name: `reproduce-${size.name}`,
      groundTruth: { d, r: size.r },
      family: { kind: 'halfspace' },
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
        ...extra,
      },
      downstream: {
        nTrain: size.dims.nTrain,
        nTest: size.dims.nTest,
        biasStd: 0.5,
        tasks: [
          { name: 'halfspace', family: { kind: 'halfspace' } },
          { name: 'xor', family: { kind: 'xor', subset: [0, 1] } },
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

/** Units of progress of one seed, for the progress bar. */
export function unitsPerSeed(size: ReproduceSize): number {
  return (
    size.tasks.ds.length * (size.tasks.Ts.length + 1) + size.dims.ds.length * COMPARED.length + 2
  );
}

type Push = (m: Omit<Measurement, 'seed'>) => void;

/** Yields to the event loop (so Ctrl-C is seen) and tells whether the run was interrupted. */
export type Checkpoint = () => Promise<boolean>;

/** Experiment 1: energy and coverage after one step against T, per d (T = 1 is single-task). */
export async function energyVsTasks(
  size: ReproduceSize,
  seed: number,
  push: Push,
  progress: Progress,
  checkpoint: Checkpoint,
): Promise<void> {
  const Tmax = Math.max(...size.tasks.Ts);
  for (const d of size.tasks.ds) {
    const cfg = pointConfig(size, d, Tmax, size.tasks.m);
    const ctx = seedContext(cfg, seed);
    const init = probeLayer(trainMethod('randomFeatures', ctx, cfg).layer, ctx.gt);
    push({
      experiment: 'energy-vs-tasks',
      method: `d=${d}`,
      x: 0,
      metric: 'energy',
      value: init.energy,
    });
    push({
      experiment: 'energy-vs-tasks',
      method: `d=${d}`,
      x: 0,
      metric: 'coverage',
      value: init.coverage,
    });
    progress.tick(1, `init d=${d}`);
    if (await checkpoint()) return;
    for (const T of size.tasks.Ts) {
      // Suites are prefixes: the first T tasks of the T_max suite are the suite of T tasks.
      const sub = { ...ctx, suite: { ...ctx.suite, tasks: ctx.suite.tasks.slice(0, T) } };
      const p = probeLayer(trainMethod('multiTask', sub, cfg).layer, ctx.gt);
      push({
        experiment: 'energy-vs-tasks',
        method: `d=${d}`,
        x: T,
        metric: 'energy',
        value: p.energy,
      });
      push({
        experiment: 'energy-vs-tasks',
        method: `d=${d}`,
        x: T,
        metric: 'coverage',
        value: p.coverage,
      });
      progress.tick(1, `d=${d} T=${T}`);
      if (await checkpoint()) return;
    }
  }
}

/**
 * Experiment 2: downstream accuracy against d for each compared method; returns the layers at
 * `size.complexity.d` for experiment 3.
 */
export async function accuracyVsDim(
  size: ReproduceSize,
  seed: number,
  push: Push,
  progress: Progress,
  checkpoint: Checkpoint,
): Promise<Map<string, Layer>> {
  const kept = new Map<string, Layer>();
  for (const d of size.dims.ds) {
    const cfg = dimsConfig(size, d);
    const ctx = seedContext(cfg, seed);
    for (const method of COMPARED) {
      const rep = trainMethod(method, ctx, cfg);
      const acc = downstreamAccuracy(rep.features, ctx, cfg);
      const p = probeLayer(rep.layer, ctx.gt);
      for (const [task, a] of Object.entries(acc))
        push({ experiment: 'accuracy-vs-d', method, x: d, metric: task, value: a.testAccuracy });
      push({ experiment: 'accuracy-vs-d', method, x: d, metric: 'energy', value: p.energy });
      push({ experiment: 'accuracy-vs-d', method, x: d, metric: 'coverage', value: p.coverage });
      if (d === size.complexity.d) kept.set(method, rep.layer);
      progress.tick(1, `${method} d=${d}`);
      if (await checkpoint()) return kept;
    }
  }
  return kept;
}

/**
 * Experiment 3: accuracy against n_train and against the width m at d = size.complexity.d.
 * Width m uses the first m rows of the trained layer: with one step from zero heads each row's
 * update depends only on that row, so this equals training m neurons on the same data. The
 * probe biases of the first m features are also the same (normal draws are sequential).
 */
export async function accuracyVsComplexity(
  size: ReproduceSize,
  seed: number,
  layers: Map<string, Layer>,
  push: Push,
  progress: Progress,
  checkpoint: Checkpoint,
): Promise<void> {
  const cfg = dimsConfig(size, size.complexity.d);
  const ctx = seedContext(cfg, seed);
  for (const [method, layer] of layers) {
    const phi = featureMap(ctx.featureKey, layer, {
      bias: { kind: 'normal', std: cfg.downstream.biasStd },
    });
    for (const nTrain of size.complexity.nTrains) {
      for (const [task, a] of Object.entries(downstreamAccuracy(phi, ctx, cfg, nTrain))) {
        push({
          experiment: 'accuracy-vs-samples',
          method,
          x: nTrain,
          metric: task,
          value: a.testAccuracy,
        });
      }
    }
    for (const m of size.complexity.ms.filter((w) => w <= layer.w.shape[0])) {
      const sub: Layer = { w: sliceRows(layer.w, 0, m), b: { ...layer.b, shape: [m] } };
      const phiM = featureMap(ctx.featureKey, sub, {
        bias: { kind: 'normal', std: cfg.downstream.biasStd },
      });
      for (const [task, a] of Object.entries(downstreamAccuracy(phiM, ctx, cfg))) {
        push({
          experiment: 'accuracy-vs-width',
          method,
          x: m,
          metric: task,
          value: a.testAccuracy,
        });
      }
    }
  }
  progress.tick(1, 'sample and width curves');
}

/** Experiment 4: energy and coverage over many normalised rounds (power-iteration-like collapse). */
export async function collapse(
  size: ReproduceSize,
  seed: number,
  push: Push,
  progress: Progress,
  checkpoint: Checkpoint,
): Promise<void> {
  const c = size.collapse;
  const cfg = pointConfig(size, c.d, c.T, c.m, { rounds: c.rounds, eta: c.eta });
  const ctx = seedContext(cfg, seed);
  pretrain(suiteSource(ctx.gt, ctx.suite, ctx.inputs), pretrainConfigOf(cfg, ctx.pretrainSeed), {
    probes: {
      energy: (l) => subspaceEnergy(l.w, ctx.gt),
      coverage: (l) => coverage(l.w, ctx.gt).ratio,
    },
    onRound: (e) => {
      push({
        experiment: 'collapse',
        method: 'multiTask',
        x: e.round,
        metric: 'energy',
        value: e.probes.energy,
      });
      push({
        experiment: 'collapse',
        method: 'multiTask',
        x: e.round,
        metric: 'coverage',
        value: e.probes.coverage,
      });
      return undefined;
    },
  });
  progress.tick(1, 'collapse');
}
